"""A quicker check of event objects that the readers have fully prepared: the same models.

The readers (XML and JSON-LD) hand the models events whose user extensions are already
:class:`~tracelib.epcis.models.Extension` nodes under ``extensions``. For such an object
the models' own Python code has nothing to do, yet it runs for every event and every nested
object: the ``Extensible`` after-validator (which binds prefixed members, and re-binds them
under an ``@context`` of the object itself) and the plain validator of each extension node
(which accepts a node as it is).

:func:`validate_event` checks an event with a validator built from the event class's own
core schema (pydantic-core, every field rule kept: patterns, literals, decimals, the
quantity and persistent disposition checks, nested models) in which

* the ``Extensible`` after-validator is left out, and in exchange every object must be
  without prefixed members (its extra members are refused) and an event without
  ``@context`` (``null`` only): the two cases where that validator changes nothing. A bare
  event keeps its ``@context`` (:func:`validate_bare_event`): the event is then given back
  only when that context re-binds no prefix of the validation (``prefix_changes``), the
  third case where the validator changes nothing;
* an extension node must be an :class:`~tracelib.epcis.models.Extension` instance (what the
  node's validator returns unchanged; a dump dict is refused).

It returns an instance of the event class equal to what the models give, with the same
fields set and the same (empty) extra members, or ``None`` when the object is refused for
any reason: the caller then validates it with the models as before, which report the
problem (with its path) exactly as they always did. Nothing is accepted that the models
would refuse: each change only narrows what the validator accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_core import SchemaValidator, core_schema

from ._context import DEFAULT_NAMESPACES, merge_namespaces
from ._models_extensible import prefix_changes

__all__ = ["validate_bare_event", "validate_event", "with_events"]


class _Never:
    """No value is an instance of this: the extra-member schema of the quick validators."""


def _is(function: Any, name: str) -> bool:
    return getattr(function, "__qualname__", None) == name


def _quick(schema: Any, extension_type: type, dump_check: Any) -> Any:
    """A copy of a core schema with the changes of the module docstring."""
    if isinstance(schema, list):
        return [_quick(item, extension_type, dump_check) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")
    if kind == "function-after" and _is(
        schema["function"]["function"], "Extensible._collect_extensions"
    ):
        inner = dict(_quick(schema["schema"], extension_type, dump_check))
        if "ref" in schema:
            inner["ref"] = schema["ref"]
        return inner
    if kind == "json-or-python":
        python = schema.get("python_schema", {})
        if python.get("type") == "function-plain" and (
            python.get("function", {}).get("function") is dump_check
        ):
            return core_schema.is_instance_schema(extension_type)
    out = {
        key: value
        if key in ("metadata", "serialization")
        else _quick(value, extension_type, dump_check)
        for key, value in schema.items()
    }
    if kind == "model" and (schema.get("config") or {}).get("extra_fields_behavior") == "allow":
        fields = dict(out["schema"])
        fields["extras_schema"] = core_schema.is_instance_schema(_Never)
        out["schema"] = fields
    return out


def _event_schema(cls: Any, *, keep_context: bool = False) -> Any:
    from ._extensions import Extension
    from ._extensions_build import validate_dump

    schema = _quick(cls.__pydantic_core_schema__, Extension, validate_dump)
    if keep_context:
        return schema
    model = schema
    while model.get("type") != "model":  # definitions around the model (shared parts)
        model = model["schema"]
    fields = model["schema"]["fields"]
    context = dict(fields["context"])
    context["schema"] = core_schema.with_default_schema(core_schema.none_schema(), default=None)
    fields["context"] = context
    return schema


# event type -> its quick validator (``@context`` null only)
_VALIDATORS: dict[str, Any] = {}
# event type -> its quick validator keeping ``@context`` (bare events)
_BARE_VALIDATORS: dict[str, Any] = {}


def _validators(*, keep_context: bool = False) -> dict[str, Any]:
    found = _BARE_VALIDATORS if keep_context else _VALIDATORS
    if not found:
        from ._models_events import (
            AggregationEvent,
            AssociationEvent,
            ObjectEvent,
            TransactionEvent,
            TransformationEvent,
        )

        built = {}
        for cls in (
            ObjectEvent,
            AggregationEvent,
            TransactionEvent,
            TransformationEvent,
            AssociationEvent,
        ):
            schema = _event_schema(cls, keep_context=keep_context)
            built[cls.__name__] = SchemaValidator(schema).validate_python
        found.update(built)
    return found


def validate_event(data: dict[str, Any]) -> Any:
    """The event model of a prepared event object, or ``None`` to leave it to the models.

    Args:
        data: A JSON-LD-shaped event dict (``type`` first), extensions as nodes.

    Returns:
        The model (as the models' own validation gives it), or ``None``.

    Examples:
        >>> event = {"type": "ObjectEvent", "action": "ADD", "eventTimeZoneOffset": "+07:00",
        ...          "eventTime": "2024-05-01T08:30:00+07:00"}
        >>> validate_event(event).event_time
        Timestamp('2024-05-01T08:30:00+07:00')
        >>> validate_event({**event, "vn:truck": "29C"}) is None  # the models bind it
        True
    """
    kind = data.get("type")
    validate = (_VALIDATORS or _validators()).get(kind) if type(kind) is str else None
    if validate is None:
        return None
    try:
        return validate(data)
    except Exception:
        return None


# context JSON text -> whether it re-binds a default prefix (see validate_bare_event)
_DEFAULT_REBINDS: dict[str, bool] = {}
_CACHE_LIMIT = 1024


def validate_bare_event(data: dict[str, Any], namespaces: Mapping[str, str]) -> Any:
    """The model of a prepared bare event that may carry ``@context``, or ``None``.

    As :func:`validate_event`, with the ``@context`` member validated as the models do; the
    model is given back only when that context re-binds no prefix of ``namespaces`` (where
    the models' ``Extensible`` validator would re-bind the event's nodes).

    Args:
        data: A JSON-LD-shaped event dict, extensions as nodes, ``@context`` as parsed.
        namespaces: The prefixes the nodes were bound with, merged with the defaults
            (:func:`~tracelib.epcis._context.merge_namespaces`; merged again unless it is
            ``DEFAULT_NAMESPACES`` itself).

    Returns:
        The model (as the models' own validation gives it), or ``None``.

    Examples:
        >>> context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
        >>> event = {"@context": context, "type": "ObjectEvent", "action": "ADD",
        ...          "eventTimeZoneOffset": "+07:00", "eventTime": "2024-05-01T08:30:00+07:00"}
        >>> validate_bare_event(event, {}).context.urls == (context,)
        True
        >>> vn = {"vn": "https://htx.example.vn/ns/"}
        >>> validate_bare_event({**event, "@context": vn}, vn).context.namespaces == vn
        True
        >>> validate_bare_event({**event, "@context": vn}, {}) is None  # the models re-bind
        True
    """
    kind = data.get("type")
    validators = _BARE_VALIDATORS or _validators(keep_context=True)
    validate = validators.get(kind) if type(kind) is str else None
    if validate is None:
        return None
    try:
        event = validate(data)
    except Exception:
        return None
    context = event.context
    if context is None:
        return event
    if namespaces is DEFAULT_NAMESPACES:
        rebinds = _DEFAULT_REBINDS.get(context.json)
        if rebinds is None:
            if len(_DEFAULT_REBINDS) >= _CACHE_LIMIT:
                _DEFAULT_REBINDS.clear()
            rebinds = _DEFAULT_REBINDS[context.json] = bool(
                prefix_changes(DEFAULT_NAMESPACES, context)
            )
    else:
        rebinds = bool(prefix_changes(merge_namespaces(namespaces), context))
    return None if rebinds else event


def with_events(document: Any, events: tuple[Any, ...]) -> Any:
    """``document`` (validated with an empty event list) with ``events`` (validated already).

    Validating a document re-checks each event instance it holds; the events were checked
    one by one, so they are set on the validated body with ``model_copy``.

    Args:
        document: An ``EPCISDocument`` or ``EPCISQueryDocument`` with an event list.
        events: The event models.

    Returns:
        The document holding ``events``.
    """
    body = document.epcis_body
    if document.type == "EPCISDocument":
        body = body.model_copy(update={"event_list": events})
    else:
        results = body.query_results
        inner = results.results_body.model_copy(update={"event_list": events})
        results = results.model_copy(update={"results_body": inner})
        body = body.model_copy(update={"query_results": results})
    return document.model_copy(update={"epcis_body": body})
