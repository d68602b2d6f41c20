"""Incremental JSON-LD reading for :func:`tracelib.epcis.iter_events` (needs ``ijson``).

``ijson.parse`` gives ``(prefix, event, value)`` triples; the top-level members other than
the event list are built into one small object, each event of ``epcisBody.eventList`` (or a
query document's ``epcisBody.queryResults.resultsBody.eventList``) into its own object, which
is validated and dropped before the next is read. Duplicate keys are refused, as the
whole-document reader refuses them. The document ``@context`` must come before the body to
bind the events' prefixes while streaming (it does in every document seen in practice); when
it comes later, the events are kept until it is known.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, Protocol

from ..errors import EpcisError

if TYPE_CHECKING:
    from ._models_events import EpcisEvent

__all__ = ["iter_json_events"]

_EVENT_LISTS = (
    "epcisBody.eventList",
    "epcisBody.queryResults.resultsBody.eventList",
)
_ITEMS = tuple(f"{p}.item" for p in _EVENT_LISTS)


class _Reader(Protocol):
    has_header: bool
    document_type: str | None
    schema_version: str | None
    creation_date: str | None


class _Builder:
    """Builds one JSON value from ijson events, refusing duplicate keys."""

    __slots__ = ("key", "path", "stack", "value")

    def __init__(self, path: str) -> None:
        self.stack: list[Any] = []
        self.key: list[str | None] = []
        self.value: Any = None
        self.path = path

    def _put(self, value: Any) -> None:
        if not self.stack:
            self.value = value
            return
        top = self.stack[-1]
        if isinstance(top, list):
            top.append(value)
            return
        key = self.key[-1]
        if key in top:
            raise EpcisError(
                f"{self.path}: duplicate member {key!r}",
                code="EPCIS_DUPLICATE_KEY",
                path=self.path,
            )
        top[key] = value

    def event(self, kind: str, value: Any) -> None:
        if kind == "map_key":
            self.key[-1] = value
        elif kind == "start_map":
            new: dict[str, Any] = {}
            self._put(new)
            self.stack.append(new)
            self.key.append(None)
        elif kind == "start_array":
            items: list[Any] = []
            self._put(items)
            self.stack.append(items)
            self.key.append(None)
        elif kind in ("end_map", "end_array"):
            self.stack.pop()
            self.key.pop()
        else:
            self._put(value)


def _reroot(exc: EpcisError, prefix: str) -> EpcisError:
    """The same error with its JSON path below ``prefix`` (``$`` of the event → the list item)."""
    path = exc.path or "$"
    new_path = prefix + path[1:]
    message = str(exc)
    if message.startswith(path):
        message = new_path + message[len(path) :]
    return type(exc)(message, code=exc.code, path=new_path)


def iter_json_events(body: IO[bytes], reader: _Reader) -> Iterator[EpcisEvent]:
    """Yield the events of a JSON-LD document read incrementally from ``body``."""
    import ijson

    jsonld: Any = importlib.import_module("tracelib.epcis.jsonld")
    top = _Builder("$")
    namespaces: Mapping[str, str] | None = None
    pending: list[tuple[dict[str, Any], str]] = []
    item: _Builder | None = None
    index = 0
    list_prefix = ""
    try:
        for prefix, kind, value in ijson.parse(body, use_float=False):
            if item is not None:
                item.event(kind, value)
                if not item.stack:
                    obj, where = item.value, item.path
                    item = None
                    if namespaces is None:
                        pending.append((obj, where))
                    else:
                        yield _event(jsonld, obj, namespaces, where)
                continue
            if prefix in _ITEMS and kind in ("start_map", "start_array"):
                list_prefix = "$." + prefix[: -len(".item")]
                item = _Builder(f"{list_prefix}[{index}]")
                index += 1
                item.event(kind, value)
                if namespaces is None and top.stack and "@context" in top.stack[0]:
                    namespaces = _namespaces(jsonld, top.stack[0], reader)
                continue
            top.event(kind, value)
            if kind == "end_map" and not top.stack:
                break
    except ijson.JSONError as exc:
        raise EpcisError(f"malformed JSON: {exc}", code="EPCIS_MALFORMED_JSON", path="$") from exc
    document = top.value
    if not isinstance(document, dict):
        raise EpcisError(
            "a JSON-LD EPCIS document is an object", code="EPCIS_INVALID_DOCUMENT", path="$"
        )
    if namespaces is None:
        namespaces = _namespaces(jsonld, document, reader)
    else:
        _namespaces(jsonld, {k: v for k, v in document.items() if k != "@context"}, reader)
    for obj, where in pending:
        yield _event(jsonld, obj, namespaces, where)
    if index == 0:  # no event list: a bare event, or a small document read whole
        from .stream import _events_of

        yield from _events_of(jsonld.from_jsonld(jsonld.dumps(document)))


def _namespaces(jsonld: Any, top: dict[str, Any], reader: _Reader) -> Mapping[str, str]:
    kind = top.get("type")
    reader.document_type = kind if isinstance(kind, str) else None
    version = top.get("schemaVersion")
    reader.schema_version = version if isinstance(version, str) else None
    created = top.get("creationDate")
    reader.creation_date = created if isinstance(created, str) else None
    reader.has_header = reader.has_header or "epcisHeader" in top
    if "@context" not in top:
        return {}
    try:
        return jsonld.namespaces_of(top["@context"])  # type: ignore[no-any-return]
    except EpcisError as exc:
        raise _reroot(exc, "$.@context") if not exc.path else exc from exc


def _event(jsonld: Any, obj: Any, namespaces: Mapping[str, str], where: str) -> EpcisEvent:
    if not isinstance(obj, dict):
        raise EpcisError(f"{where}: an event is an object", code="EPCIS_INVALID_EVENT", path=where)
    try:
        return jsonld.event_from_object(obj, namespaces=namespaces)  # type: ignore[no-any-return]
    except EpcisError as exc:
        raise _reroot(exc, where) from exc
