"""EPCIS 1.2-style ``<extension>`` content inside a 2.0 event, hashed at its standard place.

EPCIS 1.2 put ``quantityList``, ``childQuantityList``, ``sourceList``, ``destinationList`` and
``ilmd`` inside an event's ``<extension>`` element; some 2.0 documents still do (the
reference vector ``epcisXmlDocHavingEventWithIgnoreFields.xml``). The XML reader keeps that
content losslessly, as unqualified extension nodes; for the hash they are the standard
fields they name (the reference hashes them so), provided the event does not also carry the
field itself. Nothing else changes: the model is never touched.
"""

from __future__ import annotations

from typing import Any

from ..errors import EpcisError
from ._extensions import Extension
from ._models_base import XML_SPACE

__all__ = ["promote"]

_FIELDS = {
    "quantityList": "quantity_list",
    "childQuantityList": "child_quantity_list",
    "sourceList": "source_list",
    "destinationList": "destination_list",
    "ilmd": "ilmd",
}


def _text(node: Extension, name: str) -> str | None:
    for child in node.children:
        if child.namespace is None and child.name == name:
            return (child.text or "").strip(XML_SPACE)
    return None


def _quantities(node: Extension) -> tuple[Any, ...]:
    from ._models_common import QuantityElement

    out = []
    for child in node.children:
        if child.namespace is not None or child.name != "quantityElement":
            raise EpcisError("not a quantityElement", code="EPCIS_INVALID_STRUCTURE")
        member: dict[str, Any] = {"epcClass": _text(child, "epcClass")}
        for key in ("quantity", "uom"):
            value = _text(child, key)
            if value is not None:
                member[key] = value
        out.append(QuantityElement.model_validate(member))
    return tuple(out)


def _parties(node: Extension, item: str) -> tuple[Any, ...]:
    from ._models_common import Destination, Source

    model = Source if item == "source" else Destination
    out = []
    for child in node.children:
        if child.namespace is not None or child.name != item:
            raise EpcisError(f"not a {item}", code="EPCIS_INVALID_STRUCTURE")
        kind = next((a.value for a in child.attributes if a.namespace is None), None)
        out.append(model.model_validate({"type": kind, item: (child.text or "").strip(XML_SPACE)}))
    return tuple(out)


def _convert(node: Extension) -> Any:
    name = node.name
    if name == "ilmd":
        from ._models_common import Ilmd

        return Ilmd.model_validate({"extensions": node.children})
    if name == "sourceList":
        return _parties(node, "source")
    if name == "destinationList":
        return _parties(node, "destination")
    return _quantities(node)


def promote(event: Any) -> Any:
    """``event`` with 1.2-style unqualified list nodes moved to their fields (a copy), or itself.

    Args:
        event: An event model.

    Returns:
        The event to hash.
    """
    nodes = event.extensions
    if not any(node[0] is None and node[1] in _FIELDS for node in nodes):
        return event
    fields = type(event).model_fields
    update: dict[str, Any] = {}
    keep: list[Extension] = []
    for node in nodes:
        field = _FIELDS.get(node.name) if node.namespace is None else None
        if field is None or field not in fields or field in update or getattr(event, field):
            keep.append(node)
            continue
        try:
            update[field] = _convert(node)
        except EpcisError:
            keep.append(node)
    if not update:
        return event
    update["extensions"] = tuple(keep)
    return event.model_copy(update=update)
