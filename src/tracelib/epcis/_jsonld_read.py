"""Parsed JSON-LD -> models: contexts, protected terms, expanded members, findings.

The models do the validation; this module resolves the ``@context`` of the document and of
each event (offline), passes the prefixes in scope to the models, turns the expanded
``epcis:persistentDisposition`` member (see :mod:`tracelib.epcis._jsonld_write`) back into
the standard field, attaches :class:`~tracelib.epcis.findings.Finding` objects and records
the prefixes in scope of each event (:func:`tracelib.epcis._source.attach_namespaces`).
Events without their own ``@context`` go through :class:`~tracelib.epcis._jsonld_prep.Prep`
first (the same models, for less work); plain events of a document, and bare events (with
their ``@context``), are then checked by the quick validators of
:mod:`~tracelib.epcis._models_fast`, falling back to the models for anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..errors import EpcisError, JsonLdError
from ._context import DEFAULT_NAMESPACES, JsonLdContext, merge_namespaces
from ._jsonld_context import (
    EMPTY,
    Active,
    Problem,
    effective_namespaces,
    member_path,
    process,
)
from ._jsonld_prep import Prep
from ._models_base import NAMESPACES_KEY, epcis_error_from_validation
from ._models_extensible import prefix_changes
from ._models_fast import validate_bare_event, validate_event, with_events
from ._source import attach_namespaces
from .findings import Finding, attach_findings

__all__ = ["EVENT_TYPES", "read_event", "read_top"]

EVENT_TYPES = frozenset(
    {
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    }
)
_DOCUMENTS = frozenset({"EPCISDocument", "EPCISQueryDocument", "EPCISMasterDataDocument"})
_QUICK = frozenset({"EPCISDocument", "EPCISQueryDocument"})
_EPCIS = DEFAULT_NAMESPACES["epcis"]
_PD_KEYS = ("epcis:persistentDisposition", _EPCIS + "persistentDisposition")
_PD_MEMBERS = {
    "epcis:set": "set",
    _EPCIS + "set": "set",
    "epcis:unset": "unset",
    _EPCIS + "unset": "unset",
}


def _adapters() -> Any:
    from . import models

    return models


_last_differs: tuple[Any, bool] = (None, False)


def _differs(namespaces: Mapping[str, str]) -> bool:
    """Whether ``namespaces`` binds more or other prefixes than the EPCIS defaults."""
    global _last_differs
    if namespaces is DEFAULT_NAMESPACES:
        return False
    last, result = _last_differs  # one read: safe when threads share the cache
    if last is namespaces:
        return result
    result = dict(namespaces) != dict(DEFAULT_NAMESPACES)
    _last_differs = (namespaces, result)
    return result


def _problems_to_findings(
    problems: list[Problem], *, strict: bool, event_index: int | None = None
) -> list[Finding]:
    if problems and strict:
        first = problems[0]
        raise JsonLdError(
            f"{first.message}: a JSON-LD 1.1 processor stops here (protected term redefinition)",
            code="EPCIS_PROTECTED_TERM",
            path=first.path,
        )
    return [
        Finding(
            "EPCIS_PROTECTED_TERM",
            "error",
            f"{p.message}; the protected definition is kept",
            path=p.path,
            event_index=event_index,
        )
        for p in problems
    ]


def _persistent_disposition(obj: dict[str, Any], path: str) -> dict[str, Any]:
    """``obj`` with an expanded ``epcis:persistentDisposition`` member made standard."""
    found = [key for key in _PD_KEYS if key in obj]
    if not found:
        return obj
    key = found[0]
    where = member_path(path, key)
    if len(found) > 1 or "persistentDisposition" in obj:
        raise EpcisError(
            f"{where}: persistentDisposition is given twice",
            code="EPCIS_DUPLICATE_MEMBER",
            path=where,
        )
    value = obj[key]
    if not isinstance(value, dict):
        raise EpcisError(
            f"{where}: an expanded persistentDisposition is an object",
            code="EPCIS_INVALID_STRUCTURE",
            path=where,
        )
    standard: dict[str, list[str]] = {}
    for member, items in value.items():
        name = _PD_MEMBERS.get(member)
        inner = member_path(where, member)
        if name is None or name in standard:
            raise EpcisError(
                f"{inner}: not a member of persistentDisposition (epcis:set, epcis:unset)",
                code="EPCIS_UNKNOWN_MEMBER",
                path=inner,
            )
        values: list[str] = []
        for index, item in enumerate(items if isinstance(items, list) else [items]):
            ref = item.get("@id") if isinstance(item, dict) and len(item) == 1 else None
            if not isinstance(ref, str):
                at = member_path(inner, index) if isinstance(items, list) else inner
                raise EpcisError(
                    f'{at}: expected a node reference {{"@id": "cbv:Disp-..."}}',
                    code="EPCIS_INVALID_STRUCTURE",
                    path=at,
                )
            values.append(ref)
        standard[name] = values
    out = {k: v for k, v in obj.items() if k != key}
    out["persistentDisposition"] = standard
    return out


def _validate_event(obj: Any, namespaces: Mapping[str, str], path: str) -> Any:
    try:
        return _adapters().EVENT_ADAPTER.validate_python(obj, context={NAMESPACES_KEY: namespaces})
    except ValidationError as exc:
        raise epcis_error_from_validation(exc, root=path) from exc
    except RecursionError:
        raise EpcisError(
            f"{path}: nested too deeply", code="EPCIS_INVALID_STRUCTURE", path=path
        ) from None


def read_event(
    obj: Any,
    active: Active,
    namespaces: Mapping[str, str],
    *,
    path: str,
    strict: bool,
    event_index: int | None = None,
    findings: list[Finding] | None = None,
    prep: Prep | None = None,
    sources: bool = True,
) -> Any:
    """Validate one event object.

    Args:
        obj: The parsed event.
        active: The context state of the enclosing document (``EMPTY`` for a bare event).
        namespaces: The prefixes in scope for the models (shared by the document's events).
        path: JSON path of the event.
        strict: Raise :class:`~tracelib.errors.JsonLdError` on a protected term redefinition.
        event_index: Index of the event in its document.
        findings: Where the findings about the event's own ``@context`` go (``None``: on the
            event itself).
        prep: The :class:`~tracelib.epcis._jsonld_prep.Prep` of ``namespaces`` (made here
            when ``None``); ``obj`` itself is never changed.
        sources: Record the prefixes in scope of the event (see :func:`read_top`).

    Returns:
        The event model.
    """
    if not isinstance(obj, dict):
        raise EpcisError(
            f"{path}: an event is a JSON object, not {type(obj).__name__}",
            code="EPCIS_INVALID_STRUCTURE",
            path=path,
        )
    own: list[Finding] = []
    original = obj
    if "@context" in obj:
        problems: list[Problem] = []
        active = process(obj["@context"], active, member_path(path, "@context"), problems)
        own = _problems_to_findings(problems, strict=strict, event_index=event_index)
        namespaces = effective_namespaces(active)
        obj = _persistent_disposition(obj, path)
    else:
        obj = _persistent_disposition(obj, path)
        if obj is original:
            obj = dict(obj)
        (prep or Prep(namespaces)).event(obj)
    event = _validate_event(obj, namespaces, path)
    if sources and _differs(namespaces):
        attach_namespaces(event, namespaces)
    if own:
        if findings is None:
            attach_findings(event, own)
        else:
            findings.extend(own)
    return event


def _event_list(obj: dict[str, Any], kind: str) -> tuple[list[Any] | None, str]:
    body = obj.get("epcisBody")
    path = "$.epcisBody"
    if kind == "EPCISQueryDocument":
        for name in ("queryResults", "resultsBody"):
            body = body.get(name) if isinstance(body, dict) else None
            path = member_path(path, name)
    events = body.get("eventList") if isinstance(body, dict) else None
    return (events if isinstance(events, list) else None), member_path(path, "eventList")


def _quick_document(
    obj: dict[str, Any], kind: str, events: list[Any], namespaces: Mapping[str, str]
) -> Any:
    """The document read the quick way (:mod:`~tracelib.epcis._models_fast`), or ``None``.

    Each event (a dict without ``@context`` nor an expanded persistent disposition) is
    prepared in place and checked by the quick validator; the document is then validated
    with an empty event list and given the events, unless its own ``@context`` re-binds a
    prefix (the models would re-bind the events' nodes). On ``None`` the caller reads
    ``obj`` as before and reports what is wrong: only events were changed, as the caller's
    own preparation changes them (preparing a prepared event changes nothing more, and the
    models give the same for both). The caller records the prefixes of the events.
    """
    prepare = Prep(namespaces).event
    pd_curie, pd_iri = _PD_KEYS
    models = []
    for item in events:
        if type(item) is not dict or "@context" in item or pd_curie in item or pd_iri in item:
            return None
        prepare(item)
        model = validate_event(item)  # at once: quicker than the list at the end
        if model is None:
            return None
        models.append(model)
    shell = dict(obj)
    holder = shell["epcisBody"] = dict(shell["epcisBody"])
    if kind == "EPCISQueryDocument":
        holder = holder["queryResults"] = dict(holder["queryResults"])
        holder = holder["resultsBody"] = dict(holder["resultsBody"])
    holder["eventList"] = []
    try:
        document = _adapters().DOCUMENT_ADAPTER.validate_python(
            shell, context={NAMESPACES_KEY: namespaces}
        )
    except Exception:
        return None
    if prefix_changes(merge_namespaces(namespaces), document.context):
        return None
    return with_events(document, tuple(models))


#: The preparation of bare events with the default prefixes (its bindings are reused).
_default_prep: Prep | None = None
#: Plain ``@context`` values of bare events (a URL or a list of URLs that the context
#: processing accepts without a problem and that bind the default prefixes only), by
#: :func:`_context_key`, with their (immutable) model value.
_PLAIN_CONTEXTS: dict[str | tuple[str, ...], JsonLdContext] = {}
_PLAIN_LIMIT = 256


def _context_key(value: Any) -> str | tuple[str, ...] | None:
    """The key of a ``@context`` value made of URLs only, or ``None``."""
    if type(value) is str:
        return value
    if type(value) is list and all(type(item) is str for item in value):
        return tuple(value)
    return None


def _plain_context(obj: dict[str, Any]) -> JsonLdContext | None:
    """The model value of the bare event's ``@context`` when it is a known plain one."""
    value = obj.get("@context")
    key = _context_key(value) if value is not None else None
    return None if key is None else _PLAIN_CONTEXTS.get(key)


def _remember_context(value: Any, problems: list[Problem], namespaces: Mapping[str, str]) -> None:
    key = _context_key(value)
    if key is None or problems or _differs(namespaces):
        return
    if len(_PLAIN_CONTEXTS) >= _PLAIN_LIMIT:
        _PLAIN_CONTEXTS.clear()
    _PLAIN_CONTEXTS[key] = JsonLdContext.of(value)


def _read_bare_event(obj: dict[str, Any], *, strict: bool, sources: bool) -> Any:
    """A bare event (``obj["type"]`` is an event type) with its own ``@context``, if any."""
    findings: list[Finding] = []
    namespaces: Mapping[str, str]
    context = _plain_context(obj)
    if context is not None:
        namespaces = DEFAULT_NAMESPACES  # what processing it gives (equal mappings)
    else:
        active = EMPTY
        if "@context" in obj:
            problems: list[Problem] = []
            active = process(obj["@context"], EMPTY, "$['@context']", problems)
            findings = _problems_to_findings(problems, strict=strict)
        namespaces = effective_namespaces(active)
        if "@context" in obj:
            _remember_context(obj["@context"], problems, namespaces)
    event = _quick_event(obj, namespaces, context)
    if event is None:
        event = _validate_event(_persistent_disposition(obj, "$"), namespaces, "$")
    if sources and _differs(namespaces):
        attach_namespaces(event, namespaces)
    if findings:
        attach_findings(event, findings)
    return event


def _quick_event(
    obj: dict[str, Any], namespaces: Mapping[str, str], context: JsonLdContext | None = None
) -> Any:
    """A bare event read the quick way (:mod:`~tracelib.epcis._models_fast`), or ``None``.

    The event (without an expanded persistent disposition) is prepared on a copy with the
    prefixes of its own ``@context`` and checked by the quick validator, which keeps the
    ``@context`` (``context``: its model value, known already). ``obj`` is not changed: on
    ``None`` the caller reads it as before, and reports what is wrong.
    """
    pd_curie, pd_iri = _PD_KEYS
    if pd_curie in obj or pd_iri in obj:
        return None
    global _default_prep
    if _differs(namespaces):
        prep = Prep(namespaces)
        merged = prep.merged
    else:
        prep = _default_prep = _default_prep or Prep(DEFAULT_NAMESPACES)
        prep = prep.fresh()
        merged = DEFAULT_NAMESPACES
    copy = dict(obj)
    if context is not None:
        copy["@context"] = context
    prep.event(copy)
    return validate_bare_event(copy, merged)


def _read_document(obj: dict[str, Any], kind: str, *, strict: bool, sources: bool) -> Any:
    findings: list[Finding] = []
    active = EMPTY
    if "@context" in obj:
        problems: list[Problem] = []
        active = process(obj["@context"], EMPTY, "$['@context']", problems)
        findings = _problems_to_findings(problems, strict=strict)
    namespaces: Mapping[str, str] = effective_namespaces(active)
    if not _differs(namespaces):
        namespaces = DEFAULT_NAMESPACES
    events, list_path = _event_list(obj, kind)
    if events and kind in _QUICK:
        document = _quick_document(obj, kind, events, namespaces)
        if document is not None:
            if sources and namespaces is not DEFAULT_NAMESPACES:
                for event in document.events:
                    attach_namespaces(event, namespaces)
            if findings:
                attach_findings(document, findings)
            return document
    own_context: set[int] = set()  # events read by read_event (their prefixes attached there)
    if events:
        prepare = Prep(namespaces).event
        pd_curie, pd_iri = _PD_KEYS
        for index, item in enumerate(events):
            if type(item) is not dict:
                continue
            if "@context" in item:
                events[index] = read_event(
                    item,
                    active,
                    namespaces,
                    path=f"{list_path}[{index}]",
                    strict=strict,
                    event_index=index,
                    findings=findings,
                    sources=sources,
                )
                own_context.add(index)
                continue
            if pd_curie in item or pd_iri in item:
                item = events[index] = _persistent_disposition(item, f"{list_path}[{index}]")
            prepare(item)
    if kind == "EPCISMasterDataDocument" and "@context" in obj:
        # The model keeps no @context (master data is XML-first): its prefixes bind here.
        obj = {k: v for k, v in obj.items() if k != "@context"}
    models = _adapters()
    try:
        doc = models.DOCUMENT_ADAPTER.validate_python(obj, context={NAMESPACES_KEY: namespaces})
    except ValidationError as exc:
        raise epcis_error_from_validation(exc) from exc
    except RecursionError:
        raise EpcisError("$: nested too deeply", code="EPCIS_INVALID_STRUCTURE", path="$") from None
    if sources and events and namespaces is not DEFAULT_NAMESPACES:
        for index, event in enumerate(doc.events):
            if index not in own_context:
                attach_namespaces(event, namespaces)
    if findings:
        attach_findings(doc, findings)
    return doc


def read_top(obj: Any, *, strict: bool, sources: bool = True) -> Any:
    """The model of a parsed JSON-LD value: a document or a bare event.

    Args:
        obj: The parsed JSON (the reader's own: events are prepared in place).
        strict: Raise :class:`~tracelib.errors.JsonLdError` on protected term redefinitions
            instead of recording ``EPCIS_PROTECTED_TERM`` findings.
        sources: Record the prefixes in scope of each event
            (:func:`tracelib.epcis._source.attach_namespaces`); ``False`` when only the
            models are needed (the event hash without ``namespaces="source"``).

    Returns:
        The document or event.

    Raises:
        EpcisError: With the JSON path of the problem.
    """
    if not isinstance(obj, dict):
        raise EpcisError(
            f"$: an EPCIS document or event is a JSON object, not {_json_kind(obj)}",
            code="EPCIS_INVALID_STRUCTURE",
            path="$",
        )
    raw_kind = obj.get("type")
    kind = raw_kind if isinstance(raw_kind, str) or raw_kind is None else ""
    if kind in EVENT_TYPES:
        return _read_bare_event(obj, strict=strict, sources=sources)
    if kind in _DOCUMENTS or (kind is None and "captureID" in obj):
        return _read_document(obj, kind or "EPCISCaptureJob", strict=strict, sources=sources)
    path = "$.type" if "type" in obj else "$"
    raise EpcisError(
        f"{path}: not an EPCIS document or event type: {raw_kind!r}"
        if "type" in obj
        else "$: no 'type' member: not an EPCIS document or event",
        code="EPCIS_UNKNOWN_TYPE",
        path=path,
    )


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
