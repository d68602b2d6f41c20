"""Where a reader's results point back to: in-scope prefixes, and the line of an error.

Private helpers of the XML reader (:mod:`tracelib.epcis._xml_read`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from ..errors import EpcisError
from ._context import DEFAULT_NAMESPACES
from ._models_base import epcis_error_from_validation
from ._xml_names import EVENT_TYPES, STRUCTURAL_NAMESPACES
from ._xml_read import element_name

__all__ = ["located_error", "namespaces_of"]

_MISSING = object()


# -- in-scope prefixes ----------------------------------------------------------------------------

_NS_CACHE: dict[tuple[tuple[Any, str], ...], Mapping[str, str] | None] = {}


def namespaces_of(element: Any, extra: Mapping[str, str] | None = None) -> Mapping[str, str] | None:
    """The prefixes in scope of ``element`` over the EPCIS defaults, or ``None`` if the same.

    Prefixes of the binding's own namespaces (``epcis``, ``xsi``, ``sbdh``...) are left out:
    they do not abbreviate values. Equal declarations share one read-only mapping.
    """
    nsmap = element.nsmap
    if extra:
        nsmap = {**extra, **nsmap}
    key = tuple(nsmap.items())
    hit = _NS_CACHE.get(key, _MISSING)
    if hit is _MISSING:
        merged = dict(DEFAULT_NAMESPACES)
        merged.update(
            (prefix, uri)
            for prefix, uri in nsmap.items()
            if prefix is not None and uri not in STRUCTURAL_NAMESPACES
        )
        hit = None if merged == DEFAULT_NAMESPACES else MappingProxyType(merged)
        if len(_NS_CACHE) > 512:
            _NS_CACHE.clear()
        _NS_CACHE[key] = hit
    return hit  # type: ignore[return-value]


# -- locating validation errors -------------------------------------------------------------------

# JSON-LD member names whose XML items are repeated directly (no list element around them).
_REPEATED = {
    "sensorReport": "sensorReport",
    "certificationInfo": "certificationInfo",
    "attributes": "attribute",
    "sender": "Sender",
    "receiver": "Receiver",
    "contactInformation": "ContactInformation",
    "manifestItems": "ManifestItem",
    "scopes": "Scope",
    "set": "set",
    "unset": "unset",
}
_RENAMED = {"standardBusinessDocumentHeader": "StandardBusinessDocumentHeader"}


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _find(element: Any, name: str) -> list[Any]:
    wanted = name.lower()
    found = [c for c in element if isinstance(c.tag, str) and _local(c).lower() == wanted]
    if found:
        return found
    for wrapper in element:  # the XML <extension> wrappers the JSON-LD shape has not
        if isinstance(wrapper.tag, str) and _local(wrapper) == "extension":
            found = _find(wrapper, name)
            if found:
                return found
    return []


def _locate(element: Any, loc: tuple[Any, ...]) -> Any:
    current = element
    repeated: list[Any] | None = None
    for step in loc:
        if isinstance(step, int):
            items = (
                repeated if repeated is not None else [c for c in current if isinstance(c.tag, str)]
            )
            if not 0 <= step < len(items):
                break
            current = items[step]
            repeated = None
            continue
        if not isinstance(step, str) or step in EVENT_TYPES or step in ("[key]",):
            continue
        if current.get(step) is not None or _local(current) == step:
            repeated = None  # an attribute of the element, or its own text
            continue
        name = _RENAMED.get(step, _REPEATED.get(step, step))
        found = _find(current, name)
        if not found:
            break
        if step in _REPEATED:
            repeated = found
            current = found[0]
        else:
            current = found[0]
            repeated = None
    return current


def located_error(exc: ValidationError, element: Any, root: str = "$") -> EpcisError:
    """A pydantic error of the dict read from ``element`` as an ``EpcisError`` with its line.

    The line is the one of the element the first error is about (the nearest one found).
    """
    err = epcis_error_from_validation(exc, root=root)
    errors = exc.errors(include_url=False)
    loc = tuple(errors[0]["loc"]) if errors else ()
    target = _locate(element, loc)
    line = target.sourceline
    return EpcisError(
        f"line {line}, <{element_name(target)}>: {err.message}",
        code=err.code,
        path=err.path,
        line=line,
    )
