"""Building extension nodes from Python values, and the model dump form of a node.

Private helpers of :mod:`tracelib.epcis._extensions`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic_core import PydanticCustomError

from ..errors import EpcisError
from ._extensions import _DUMP_KEYS, Extension, ExtensionAttribute, _fail

__all__ = ["attribute", "attribute_items", "clark", "dump", "load", "validate_dump"]


def clark(name: object, namespace: str | None) -> tuple[str | None, str]:
    if not isinstance(name, str) or not name:
        raise _fail(f"an extension name must be a non-empty string, not {name!r}")
    if name.startswith("{"):
        ns, brace, local = name[1:].partition("}")
        if not brace or not ns or not local:
            raise _fail(f"{name!r} is not Clark notation {{namespace}}name")
        namespace, name = ns, local
    if ":" in name:
        raise _fail(f"{name!r}: a local name has no colon (use {{namespace}}name)")
    return namespace, name


def attribute_items(attributes: object) -> list[Any]:
    if isinstance(attributes, Mapping):
        return list(attributes.items())
    if isinstance(attributes, (str, bytes)) or not isinstance(attributes, Iterable):
        raise _fail("attributes must be a mapping or ExtensionAttribute objects")
    return list(attributes)


def attribute(item: object) -> ExtensionAttribute:
    if isinstance(item, ExtensionAttribute):
        return item
    if not isinstance(item, tuple) or len(item) != 2:
        raise _fail("attributes must be a mapping or ExtensionAttribute objects")
    ns, local = clark(item[0], None)
    return ExtensionAttribute(ns, local, item[1])


# -- the model dump form ------------------------------------------------------------------------


def dump(node: Extension) -> dict[str, Any]:
    out: dict[str, Any] = {"namespace": node.namespace, "name": node.name}
    if node.prefix is not None:
        out["prefix"] = node.prefix
    if node.text is not None:
        out["text"] = node.text
    if node.children:
        out["children"] = [dump(child) for child in node.children]
    if node.attributes:
        out["attributes"] = [
            {"namespace": a.namespace, "name": a.name, "value": a.value}
            | ({"prefix": a.prefix} if a.prefix is not None else {})
            for a in node.attributes
        ]
    if node.xsi_type is not None:
        out["xsiType"] = node.xsi_type
    if node.json_type is not None:
        out["jsonType"] = node.json_type
    if node.array:
        out["array"] = True
    return out


def validate_dump(value: Any) -> Extension:
    try:
        return load(value)
    except EpcisError as err:
        raise PydanticCustomError(
            "EPCIS_INVALID_EXTENSION", "{reason}", {"reason": err.message}
        ) from None


def load(value: Any) -> Extension:
    if isinstance(value, Extension):
        return value
    if not isinstance(value, dict):
        raise _fail(f"an extension node is an object, not {type(value).__name__}")
    unknown = set(value) - _DUMP_KEYS
    if unknown:
        raise _fail(f"unknown extension node members: {sorted(map(str, unknown))}")
    if "name" not in value or "namespace" not in value:
        raise _fail("an extension node needs 'namespace' and 'name'")
    children = value.get("children", ())
    attributes = value.get("attributes", ())
    if not isinstance(children, (list, tuple)) or not isinstance(attributes, (list, tuple)):
        raise _fail("extension 'children' and 'attributes' are arrays")
    attrs = []
    for item in attributes:
        if isinstance(item, ExtensionAttribute):
            attrs.append(item)
            continue
        if not isinstance(item, dict) or set(item) - {"namespace", "name", "value", "prefix"}:
            raise _fail("an extension attribute is {namespace, name, value, prefix?}")
        if "name" not in item or "value" not in item:
            raise _fail("an extension attribute needs 'name' and 'value'")
        attrs.append(
            ExtensionAttribute(
                item.get("namespace"), item["name"], item["value"], item.get("prefix")
            )
        )
    return Extension(
        value["namespace"],
        value["name"],
        value.get("prefix"),
        value.get("text"),
        tuple(load(child) for child in children),
        tuple(attrs),
        value.get("xsiType"),
        value.get("jsonType"),
        value.get("array", False),
    )
