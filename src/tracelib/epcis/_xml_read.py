"""Reading EPCIS 2.0 XML events: one walk of the element tree into JSON-LD-shaped dicts.

The dicts are validated by the module-level adapters of :mod:`tracelib.epcis.models`;
extension elements become :class:`~tracelib.epcis.models.Extension` nodes directly. Standard
elements are unqualified (also accepted in the EPCIS namespace); elements of any other
namespace are user extensions. Values of standard elements are trimmed; extension text is
kept exactly as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import EpcisError
from ._extensions import Extension, fast_attribute, fast_node
from ._models_base import XML_SPACE
from ._xml_names import (
    EPCIS_NS,
    EVENT_ORDER,
    EVENT_TYPES,
    SENSOR_METADATA_ATTRS,
    SENSOR_REPORT_ATTRS,
    XML_NS,
    XSI_NIL,
    XSI_NS,
    XSI_TYPE,
)
from .findings import Finding

__all__ = [
    "element_name",
    "ext_children",
    "ext_node",
    "read_event",
    "std_name",
    "text",
    "unknown",
]

_EP = "{" + EPCIS_NS + "}"
_EPL = len(_EP)
_XSI = "{" + XSI_NS + "}"


# -- names, text, errors --------------------------------------------------------------------------


def std_name(tag: str) -> str | None:
    """The local name of an unqualified (or EPCIS-qualified) tag; ``None`` for others."""
    if tag[0] != "{":
        return tag
    if tag.startswith(_EP):
        return tag[_EPL:]
    return None


def element_name(element: Any) -> str:
    """``prefix:local`` (or ``local``) of an element, for messages."""
    tag = element.tag
    if not isinstance(tag, str):
        return "#comment"
    local = tag.rpartition("}")[2]
    prefix = element.prefix
    return f"{prefix}:{local}" if prefix else local


def unknown(element: Any, parent: Any = None, what: str = "element") -> EpcisError:
    """``EPCIS_UNKNOWN_ELEMENT`` naming the element, its parent and its line."""
    line = element.sourceline
    inside = f" in <{element_name(parent)}>" if parent is not None else ""
    return EpcisError(
        f"line {line}: unknown {what} <{element_name(element)}>{inside} (user extensions "
        "need a namespace of their own)",
        code="EPCIS_UNKNOWN_ELEMENT",
        line=line,
    )


def _duplicate(element: Any, parent: Any) -> EpcisError:
    line = element.sourceline
    return EpcisError(
        f"line {line}: <{element_name(element)}> appears more than once in "
        f"<{element_name(parent)}>",
        code="EPCIS_DUPLICATE_ELEMENT",
        line=line,
    )


def text(element: Any) -> str:
    """The trimmed text of a standard element (``""`` when empty)."""
    value = element.text
    return value.strip(XML_SPACE) if value else ""


# -- extensions -----------------------------------------------------------------------------------


def _attr_prefix(element: Any, namespace: str) -> str | None:
    if namespace == XML_NS:
        return "xml"
    for prefix, uri in element.nsmap.items():
        if uri == namespace and prefix is not None:
            return prefix  # type: ignore[no-any-return]
    return None


def _attributes(element: Any, skip: frozenset[str] = frozenset()) -> tuple[Any, str | None]:
    """(ExtensionAttributes, xsi:type) of an extension element, in document order."""
    attrs = []
    xsi_type = None
    for key, value in element.items():
        if key == XSI_TYPE:
            xsi_type = value
        elif key in skip:
            continue
        elif key[0] == "{":
            namespace, _, name = key[1:].partition("}")
            attrs.append(fast_attribute((namespace, name, value, _attr_prefix(element, namespace))))
        else:
            attrs.append(fast_attribute((None, key, value, None)))
    return tuple(attrs), xsi_type


def ext_node(element: Any) -> Extension:
    """One extension element (any namespace) as an :class:`Extension` tree."""
    tag = element.tag
    if tag[0] == "{":
        namespace, _, name = tag[1:].partition("}")
    else:
        namespace, name = None, tag
    attrs: tuple[Any, ...] = ()
    xsi_type = None
    if element.keys():
        attrs, xsi_type = _attributes(element)
    children = [ext_node(child) for child in element if type(child.tag) is str]
    value = element.text
    if children:
        if value is not None and not value.strip(XML_SPACE):
            value = None
    elif value is None:
        value = ""
    return fast_node(
        (namespace, name, element.prefix, value, tuple(children), attrs, xsi_type, None, False)
    )


def ext_children(element: Any) -> list[Extension]:
    """The children of an ``<extension>`` wrapper as nodes (unqualified ones included)."""
    return [ext_node(child) for child in element if type(child.tag) is str]


def _point(element: Any, known: Mapping[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """An extension point with standard children ``known``, ``extension`` and ``##other``."""
    out: dict[str, Any] = {}
    nodes: list[Extension] = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = std_name(tag)
        if name is None:
            nodes.append(ext_node(child))
        elif name in known:
            if name in out:
                raise _duplicate(child, element)
            out[name] = known[name](child)
        elif name == "extension":
            nodes.extend(ext_children(child))
        else:
            raise unknown(child, element)
    if nodes:
        out["extensions"] = tuple(nodes)
    return out


# -- event parts ----------------------------------------------------------------------------------


def _ids(element: Any, item: str) -> list[str]:
    out = []
    qualified = _EP + item
    for child in element:
        tag = child.tag
        if tag != item and tag != qualified:  # the common case first
            if type(tag) is str:
                raise unknown(child, element)
            continue
        value = child.text
        out.append(value.strip(XML_SPACE) if value else "")
    return out


def _epcs(element: Any) -> list[str]:
    return _ids(element, "epc")


def _quantity(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = std_name(tag)
        if name not in ("epcClass", "quantity", "uom"):
            raise unknown(child, element)
        if name in out:
            raise _duplicate(child, element)
        if name == "quantity" and child.get(XSI_NIL) in ("true", "1"):
            continue
        out[name] = text(child)
    return out


def _quantities(element: Any) -> list[dict[str, Any]]:
    out = []
    for child in element:
        tag = child.tag
        if tag == "quantityElement" or tag == _EP + "quantityElement":
            out.append(_quantity(child))
        elif type(tag) is str:
            raise unknown(child, element)
    return out


def _location(element: Any) -> dict[str, Any]:
    children = [child for child in element if type(child.tag) is str]
    if len(children) == 1 and children[0].tag == "id":  # the common case, inlined
        value = children[0].text
        return {"id": value.strip(XML_SPACE) if value else ""}
    return _point(element, _LOCATION)


def _typed_list(element: Any, item: str) -> list[dict[str, Any]]:
    out = []
    qualified = _EP + item
    for child in element:
        tag = child.tag
        if tag in (item, qualified):
            entry = {item: text(child)}
            kind = child.get("type")
            if kind is not None:
                entry["type"] = kind.strip(XML_SPACE)
            out.append(entry)
        elif type(tag) is str:
            raise unknown(child, element)
    return out


def _biz_transactions(element: Any) -> list[dict[str, Any]]:
    return _typed_list(element, "bizTransaction")


def _sources(element: Any) -> list[dict[str, Any]]:
    return _typed_list(element, "source")


def _destinations(element: Any) -> list[dict[str, Any]]:
    return _typed_list(element, "destination")


def _persistent_disposition(element: Any) -> dict[str, Any]:
    out: dict[str, list[str]] = {}
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = std_name(tag)
        if name not in ("set", "unset"):
            raise unknown(child, element)
        out.setdefault(name, []).append(text(child))
    return out


def _ilmd(element: Any) -> dict[str, Any]:
    return _point(element, _NOTHING)


def _corrective_ids(element: Any) -> list[str]:
    return _ids(element, "correctiveEventID")


def _error_declaration(element: Any) -> dict[str, Any]:
    return _point(element, _ERROR_DECLARATION)


_LOCATION: dict[str, Callable[[Any], Any]] = {"id": text}
_NOTHING: dict[str, Callable[[Any], Any]] = {}
_ERROR_DECLARATION: dict[str, Callable[[Any], Any]] = {
    "declarationTime": text,
    "reason": text,
    "correctiveEventIDs": _corrective_ids,
}
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_METADATA = frozenset(SENSOR_METADATA_ATTRS)
_REPORT = frozenset(SENSOR_REPORT_ATTRS)


def _sensor_part(element: Any, allowed: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    nodes: list[Extension] = []
    for key, value in element.items():
        if key in allowed:
            if key == "stringValue":
                out[key] = value
            elif key == "booleanValue":
                stripped = value.strip(XML_SPACE)
                out[key] = _BOOLEANS.get(stripped, stripped)
            else:
                out[key] = value.strip(XML_SPACE)
        elif key[0] == "{":
            namespace, _, name = key[1:].partition("}")
            prefix = _attr_prefix(element, namespace)
            nodes.append(fast_node((namespace, name, prefix, value, (), (), None, None, False)))
        else:
            raise EpcisError(
                f"line {element.sourceline}: unknown attribute {key!r} of "
                f"<{element_name(element)}> (attribute extensions need a namespace)",
                code="EPCIS_UNKNOWN_ELEMENT",
                line=element.sourceline,
            )
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        if std_name(tag) is not None:
            raise unknown(child, element)
        nodes.append(ext_node(child))
    if element.text is not None and element.text.strip(XML_SPACE):
        raise EpcisError(
            f"line {element.sourceline}: <{element_name(element)}> has text content; its "
            "fields are attributes",
            code="EPCIS_INVALID_STRUCTURE",
            line=element.sourceline,
        )
    if nodes:
        out["extensions"] = tuple(nodes)
    return out


def _sensor_element(element: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    reports = []
    nodes: list[Extension] = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            continue
        name = std_name(tag)
        if name == "sensorReport":
            reports.append(_sensor_part(child, _REPORT))
        elif name == "sensorMetadata":
            if "sensorMetadata" in out:
                raise _duplicate(child, element)
            out["sensorMetadata"] = _sensor_part(child, _METADATA)
        elif name is None:
            nodes.append(ext_node(child))
        elif name == "extension":
            nodes.extend(ext_children(child))
        else:
            raise unknown(child, element)
    out["sensorReport"] = reports
    if nodes:
        out["extensions"] = tuple(nodes)
    return out


def _sensor_elements(element: Any) -> list[dict[str, Any]]:
    out = []
    for child in element:
        tag = child.tag
        if tag == "sensorElement" or tag == _EP + "sensorElement":
            out.append(_sensor_element(child))
        elif type(tag) is str:
            # The list's own <extension> (##local) has no place in the model.
            raise unknown(child, element)
    return out


_READERS: dict[str, Callable[[Any], Any]] = {
    "eventTime": text,
    "recordTime": text,
    "eventTimeZoneOffset": text,
    "eventID": text,
    "errorDeclaration": _error_declaration,
    "certificationInfo": text,
    "epcList": _epcs,
    "childEPCs": _epcs,
    "inputEPCList": _epcs,
    "outputEPCList": _epcs,
    "action": text,
    "bizStep": text,
    "disposition": text,
    "parentID": text,
    "transformationID": text,
    "readPoint": _location,
    "bizLocation": _location,
    "bizTransactionList": _biz_transactions,
    "quantityList": _quantities,
    "childQuantityList": _quantities,
    "inputQuantityList": _quantities,
    "outputQuantityList": _quantities,
    "sourceList": _sources,
    "destinationList": _destinations,
    "sensorElementList": _sensor_elements,
    "persistentDisposition": _persistent_disposition,
    "ilmd": _ilmd,
}
_EXTENSION_INDEX = 90
_OTHER_INDEX = 100


_Entry = tuple[int, str, "Callable[[Any], Any] | None"]


def _spec(kind: str) -> dict[str, _Entry]:
    # tag -> (index in the XSD sequence, member name, reader; None reads the trimmed text)
    spec: dict[str, _Entry] = {}
    for index, name in enumerate(EVENT_ORDER[kind]):
        reader = _READERS[name]
        entry = (index, name, None if reader is text and name != "certificationInfo" else reader)
        spec[name] = spec[_EP + name] = entry
    return spec


_SPECS = {kind: _spec(kind) for kind in EVENT_TYPES}
_SPECS.update({_EP + kind: _SPECS[kind] for kind in EVENT_TYPES})
_WRAPPERS = {"extension": _EXTENSION_INDEX, "baseExtension": len(EVENT_ORDER["ObjectEvent"])}
_WRAPPERS.update({_EP + name: index for name, index in list(_WRAPPERS.items())})


def read_event(element: Any) -> tuple[dict[str, Any], list[Finding]]:
    """One event element as a JSON-LD-shaped dict, with the findings of the walk.

    Raises:
        EpcisError: ``EPCIS_UNKNOWN_ELEMENT`` (unknown unqualified element or event type),
            ``EPCIS_DUPLICATE_ELEMENT``, with the line.
    """
    tag = element.tag
    spec = _SPECS.get(tag) if type(tag) is str else None
    if spec is None:
        raise unknown(element, element.getparent(), "event type")
    kind = tag if tag[0] != "{" else tag[_EPL:]
    out: dict[str, Any] = {"type": kind}
    nodes: list[Extension] = []
    findings: list[Finding] = []
    last = -1
    disorder = None
    for child in element:
        ctag = child.tag
        if type(ctag) is not str:
            continue
        entry = spec.get(ctag)
        if entry is not None:
            index, key, reader = entry
            if key in out:
                if key != "certificationInfo":
                    raise _duplicate(child, element)
                out[key].append(text(child))
            elif reader is None:
                value = child.text
                out[key] = value.strip(XML_SPACE) if value else ""
            elif reader is text:  # certificationInfo: one in the XSD, a list in the model
                out[key] = [text(child)]
            else:
                out[key] = reader(child)
        elif ctag[0] == "{" and not ctag.startswith(_EP):
            index = _OTHER_INDEX
            nodes.append(ext_node(child))
        elif ctag in _WRAPPERS:
            index = _WRAPPERS[ctag]
            nodes.extend(ext_children(child))
        else:
            raise unknown(child, element)
        if index < last:
            if disorder is None:
                disorder = child
        else:
            last = index
    if nodes:
        out["extensions"] = tuple(nodes)
    if disorder is not None:
        findings.append(
            Finding(
                "EPCIS_ELEMENT_ORDER",
                "warning",
                f"<{element_name(disorder)}> is out of the XSD order of {kind} (read anyway)",
                line=disorder.sourceline,
            )
        )
    if element.keys():
        findings.extend(_dropped_attributes(element, kind))
    return out, findings


def _dropped_attributes(element: Any, kind: str) -> list[Finding]:
    return [
        Finding(
            "EPCIS_UNKNOWN_MEMBER",
            "warning",
            f"attribute {key!r} of <{kind}> has no place in the model and is not kept",
            line=element.sourceline,
        )
        for key in element.keys()  # noqa: SIM118 - lxml attributes, not a dict
        if not key.startswith(_XSI)
    ]
