"""What the hash functions accept: text (XML or JSON-LD), document and event models, iterables.

Text goes through :func:`tracelib.epcis._codec.parse` (the codecs). While the codec modules
are missing, JSON-LD is read by a minimal private reader (``json`` plus the inline prefixes of
``@context``, the models doing the rest); XML then needs :mod:`tracelib.epcis.xml`.
A document-level ``ignoreFields`` extension (a repository convention of the reference
vectors) lists extension members to leave out of the hash.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import EpcisError
from ._context import merge_namespaces
from ._extensions import Extension
from ._gc import PausedGc
from ._models_base import XML_SPACE

__all__ = ["events_and_ignores", "parse_text"]

_WS = b" \t\r\n\xef\xbb\xbf"


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(f"tracelib.epcis.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"tracelib.epcis.{name}":
            return None
        raise  # pragma: no cover - a broken codec module must not be hidden


def parse_text(data: str | bytes | bytearray | memoryview, *, sources: bool = True) -> Any:
    """A document or event model from XML or JSON-LD text.

    ``sources=False``: the caller needs the models only, not the prefixes in scope of each
    event (:func:`tracelib.epcis._source.source_namespaces`) nor the findings, so the
    readers record neither (the same models, the same errors).
    """
    raw = bytes(data) if isinstance(data, (bytearray, memoryview)) else data
    if isinstance(raw, bytes):
        is_xml = raw[:64].lstrip(_WS)[:1] == b"<"
    else:
        is_xml = raw[:64].lstrip(" \t\r\n\ufeff")[:1] == "<"
    module = _module("xml" if is_xml else "jsonld")
    if module is None:
        if not is_xml:
            return _read_json(raw)
        raise EpcisError(
            "XML input needs tracelib.epcis.xml, which is not available",
            code="EPCIS_XML_UNAVAILABLE",
            position=0,
        )
    if is_xml and not sources and type(raw) is bytes:
        from ._xml_plain import plain_document
        from ._xml_safe import DEFAULT_MAX_BYTES

        # What tracelib.epcis.xml.from_xml does first, without the prefixes in scope.
        document = plain_document(raw, sources=False) if len(raw) <= DEFAULT_MAX_BYTES else None
        if document is not None:
            return document
    if not is_xml and not sources:
        from ._jsonld_parse import loads
        from ._jsonld_plain import plain_document as plain_jsonld
        from ._jsonld_read import read_top

        # What tracelib.epcis.jsonld.from_jsonld does, without its findings and prefixes.
        document = plain_jsonld(raw, sources=False)
        if document is not None:
            return document
        with PausedGc():
            value, _ = loads(raw, strict=False)
            return read_top(value, strict=False, sources=False)
    codec = _module("_codec")
    if codec is not None:
        return codec.parse(raw, format="xml" if is_xml else "jsonld")
    return module.from_xml(raw) if is_xml else module.from_jsonld(raw)


def _read_json(raw: str | bytes) -> Any:
    from . import models
    from ._source import attach_namespaces

    try:
        obj = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise EpcisError(
            f"JSON-LD is not UTF-8: {exc.reason}", code="EPCIS_INVALID_JSON", position=exc.start
        ) from exc
    except json.JSONDecodeError as exc:
        raise EpcisError(
            f"not JSON: {exc.msg}", code="EPCIS_INVALID_JSON", position=exc.pos
        ) from exc
    except RecursionError as exc:
        raise EpcisError("JSON nested too deeply", code="EPCIS_INVALID_JSON") from exc
    if not isinstance(obj, dict):
        raise EpcisError(
            "a JSON-LD document or event is an object", code="EPCIS_INVALID_JSON", path="$"
        )
    namespaces = _context_prefixes(obj.get("@context"))
    kind = obj.get("type")
    events: tuple[Any, ...]
    if kind in ("EPCISDocument", "EPCISQueryDocument", "EPCISMasterDataDocument") or (
        "captureID" in obj
    ):
        model = models.document_from_dict(obj, namespaces=namespaces)
        events = tuple(getattr(model, "events", ()))
    else:
        model = models.event_from_dict(obj, namespaces=namespaces)
        events = (model,)
    if namespaces:
        shared = dict(merge_namespaces(namespaces))
        for event in events:
            own = event.context.namespaces if event.context is not None else None
            attach_namespaces(event, {**shared, **own} if own else shared)
    return model


def _context_prefixes(context: Any) -> dict[str, str]:
    if context is None:
        return {}
    from ._context import JsonLdContext

    return JsonLdContext.of(context).namespaces


# -- models -> events ----------------------------------------------------------------------------


def events_and_ignores(
    data: Any, *, honour: bool = True, sources: bool = True
) -> tuple[list[Any], tuple[str, ...]]:
    """The events of ``data`` and the Clark names a document's ``ignoreFields`` lists.

    ``sources``: as for :func:`parse_text` (``False`` unless the prefixes in scope of each
    event are looked up, ``namespaces="source"``).
    """
    from ._models_base import EpcisModel
    from ._models_events import EpcisEvent

    if isinstance(data, (str, bytes, bytearray, memoryview)):
        data = parse_text(data, sources=sources)
    if isinstance(data, EpcisEvent):
        return [data], ()
    events = getattr(data, "events", None) if isinstance(data, EpcisModel) else None
    if isinstance(events, tuple):
        ignore = _document_ignores(data) if honour else ()
        return list(events), ignore
    if type(data).__name__ in ("EPCISMasterDataDocument", "EPCISCaptureJob"):
        return [], ()
    if isinstance(data, Iterable) and not isinstance(data, Mapping):
        out = list(data)
        for i, item in enumerate(out):
            if not isinstance(item, EpcisEvent):
                raise EpcisError(
                    f"item {i} is a {type(item).__name__}, not an EPCIS event",
                    code="EPCIS_HASH_INPUT",
                    path=f"$[{i}]",
                )
        return out, ()
    raise EpcisError(
        f"cannot hash a {type(data).__name__}: give XML or JSON-LD text, a document, an event "
        "or an iterable of events",
        code="EPCIS_HASH_INPUT",
    )


def _document_ignores(document: Any) -> tuple[str, ...]:
    nodes = [n for part in _wrappers(document) for n in part.extensions if n.name == "ignoreFields"]
    if not nodes:
        return ()
    from ._source import source_namespaces

    context = getattr(document, "context", None)
    prefixes = dict(merge_namespaces(context.namespaces if context is not None else None))
    for prefix, iri in source_namespaces(document).items():
        prefixes.setdefault(prefix, iri)
    out: list[str] = []
    for node in nodes:
        out.extend(_ignored(node, prefixes))
    return tuple(out)


def _wrappers(model: Any, depth: int = 0) -> list[Any]:
    """The document and the objects around its event list (body, query results...)."""
    from ._models_base import EpcisModel
    from ._models_events import EpcisEvent

    out = [model] if hasattr(model, "extensions") else []
    if depth < 4:
        for name in type(model).model_fields:
            value = model.__dict__.get(name)
            if isinstance(value, EpcisModel) and not isinstance(value, EpcisEvent):
                out.extend(_wrappers(value, depth + 1))
    return out


def _ignored(node: Extension, prefixes: Mapping[str, str]) -> list[str]:
    out = [child.clark for child in node.children]
    text = (node.text or "").strip(XML_SPACE)
    if text:
        for item in text.split():
            prefix, colon, local = item.partition(":")
            if item.startswith("{"):
                out.append(item)
            elif colon and prefix in prefixes and not local.startswith("//"):
                out.append("{" + prefixes[prefix] + "}" + local)
    return out
