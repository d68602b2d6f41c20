"""The JSON-LD side of the extension mapping: member names <-> namespaces, values <-> nodes.

See :mod:`tracelib.epcis._extensions` for the table of the mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._context import RDF_NS
from ._extensions import Extension, _fail, fast_node, scalar, typed

__all__ = ["from_json", "group", "json_key", "json_value", "resolve"]

_SEPARATORS = "/#:"


def _split_iri(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("/"), iri.rfind("#"), iri.rfind(":"))
    if cut <= 0 or cut == len(iri) - 1:
        raise _fail(f"cannot split {iri!r} into a namespace and a local name")
    return iri[: cut + 1], iri[cut + 1 :]


def resolve(key: str, namespaces: Mapping[str, str]) -> tuple[str | None, str, str | None]:
    """JSON member name -> (namespace, local name, prefix hint), JSON-LD style."""
    prefix, colon, local = key.partition(":")
    if not colon:
        if not key:
            raise _fail("an extension member name is empty")
        return None, key, None
    if local.startswith("//"):
        return (*_split_iri(key), None)
    namespace = namespaces.get(prefix)
    if namespace is not None and local:
        return namespace, local, prefix
    # Not a declared prefix: the key is an absolute IRI (JSON-LD), kept as namespace + name.
    ns, name = _split_iri(key)
    hint = prefix if (ns == prefix + ":" and prefix.isidentifier()) else None
    return ns, name, hint


def json_key(
    namespace: str | None, name: str, prefix: str | None, prefixes: Mapping[str, str] | None
) -> str:
    if namespace is None:
        return name
    chosen = (prefixes.get(namespace) if prefixes else None) or prefix
    if chosen:
        return f"{chosen}:{name}"
    if namespace.endswith(tuple(_SEPARATORS)):
        return namespace + name
    raise _fail(
        f"namespace {namespace!r} has no prefix: pass prefixes={{namespace: prefix}}",
        code="EPCIS_NO_PREFIX",
    )


def from_json(key: str, value: Any, namespaces: Mapping[str, str]) -> tuple[Extension, ...]:
    ns, name, prefix = resolve(key, namespaces)
    if isinstance(value, list):
        if not value:
            return (fast_node((ns, name, prefix, None, (), (), None, "array", False)),)
        out = []
        for item in value:
            if isinstance(item, list):
                raise _fail(f"{key!r}: nested JSON arrays are not supported in extensions")
            out.append(_node(ns, name, prefix, item, namespaces, True))
        return tuple(out)
    return (_node(ns, name, prefix, value, namespaces, False),)


def _node(
    ns: str | None,
    name: str,
    prefix: str | None,
    value: Any,
    namespaces: Mapping[str, str],
    array: bool,
) -> Extension:
    if not isinstance(value, dict):
        text, json_type = scalar(value)
        return fast_node((ns, name, prefix, text, (), (), None, json_type, array))
    if not value:
        return fast_node((ns, name, prefix, None, (), (), None, "object", array))
    xsi_type = value.get("@type")
    if xsi_type is not None and not (isinstance(xsi_type, str) and xsi_type):
        raise _fail(f"{name!r}: only one string @type is supported in extensions")
    if "@value" in value:
        if set(value) - {"@value", "@type"}:
            raise _fail(f"{name!r}: a JSON-LD value object holds only @value and @type")
        text, json_type = scalar(value["@value"])
        return fast_node((ns, name, prefix, text, (), (), xsi_type, json_type, array))
    text = None
    json_type = None
    children: list[Extension] = []
    for key, item in value.items():
        if key == "@type":
            continue
        if key in ("@context", "@list", "@set", "@graph"):
            raise _fail(f"{name!r}: {key} is not supported inside extensions")
        if not isinstance(key, str):
            raise _fail("an extension member name must be a string")
        child_ns, child_name, _ = resolve(key, namespaces)
        if child_ns == RDF_NS and child_name == "value" and not isinstance(item, (list, dict)):
            text, json_type = scalar(item)
            continue
        children.extend(from_json(key, item, namespaces))
    return fast_node((ns, name, prefix, text, tuple(children), (), xsi_type, json_type, array))


def json_value(node: Extension, prefixes: Mapping[str, str] | None) -> Any:
    """The JSON value of one node on its own, as :meth:`Extension.to_json` hands it out.

    Not the document writer's :func:`tracelib.epcis._jsonld_out._value`, on purpose: this
    one has no ``@context`` to declare prefixes in, so member names come from ``prefixes``
    (``{namespace: prefix}``) or the nodes' hints, a namespace with neither is written as an
    absolute IRI only when it ends in ``/``, ``#`` or ``:`` (else ``EPCIS_NO_PREFIX``), the
    text member is always ``rdf:value``, ``@type`` values stay as written, and numbers are
    plain ``int``/``float`` for the caller (the writer keeps their exact digits for the
    bytes it serialises instead).

    Args:
        node: The node.
        prefixes: ``{namespace: prefix}`` overriding the prefix hints.

    Returns:
        A JSON value (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` or ``None``).

    Raises:
        EpcisError: ``EPCIS_NO_PREFIX`` for a namespace that cannot be written (see above).

    Examples:
        >>> from tracelib.epcis._jsonld_parse import Number
        >>> (node,) = from_json("ex:w", {"@type": "ex:Kg", "@value": Number("1200.50")},
        ...                     {"ex": "urn:x:"})
        >>> json_value(node, None)
        {'@value': 1200.5, '@type': 'ex:Kg'}
        >>> (node,) = from_json("urn:x/w", {"urn:y#a": "1", "rdf:value": "t"}, {"rdf": RDF_NS})
        >>> json_value(node, None)
        {'rdf:value': 't', 'urn:y#a': '1'}
    """
    jt = node.json_type
    if jt == "array":
        return []
    if jt == "object" and not node.attributes and node.xsi_type is None:
        return {}
    leaf = typed(node.text, jt) if node.text is not None or jt == "null" else ""
    if not node.children and not node.attributes:
        if node.xsi_type is None:
            return leaf
        return {"@value": leaf, "@type": node.xsi_type}
    out: dict[str, Any] = {}
    if node.xsi_type is not None:
        out["@type"] = node.xsi_type
    for attr in node.attributes:
        _add(out, json_key(attr.namespace, attr.name, attr.prefix, prefixes), attr.value, False)
    # An empty XML element with attributes (<ex:a ex:u="K"/>) says nothing with its text:
    # no "rdf:value": "" member, so its JSON-LD has the same triples as what it becomes
    # once written back to XML (the attributes as child elements).
    if jt == "null" or (node.text is not None and (node.text or not node.attributes)):
        out["rdf:value"] = leaf
    for key, value in group(node.children, prefixes).items():
        _add(out, key, value, False)
    return out


def _add(out: dict[str, Any], key: str, value: Any, array: bool) -> None:
    if key in out:
        previous = out[key]
        out[key] = [*(previous if isinstance(previous, list) else [previous]), value]
    else:
        out[key] = [value] if array else value


def group(nodes: tuple[Extension, ...], prefixes: Mapping[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    arrays: set[str] = set()
    for node in nodes:
        key = json_key(node.namespace, node.name, node.prefix, prefixes)
        value = json_value(node, prefixes)
        if node.json_type == "array":
            out.setdefault(key, [])
            arrays.add(key)
        elif key in out:
            previous = out[key]
            out[key] = [*(previous if key in arrays else [previous]), value]
            arrays.add(key)
        elif node.array:
            out[key] = [value]
            arrays.add(key)
        else:
            out[key] = value
    return out
