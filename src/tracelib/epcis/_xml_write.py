"""Writing EPCIS 2.0 XML events: canonical element order, escaping, extension namespaces.

The writer builds indented UTF-8 text directly (faster than building an lxml tree) and
collects the namespaces extensions use, to declare them once on the outermost element.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from lxml import etree

from ..errors import EpcisError, LossyConversionWarning
from ._context import DEFAULT_NAMESPACES
from ._extensions import Extension
from ._source import source_namespaces
from ._xml_names import (
    EVENT_ORDER,
    NCNAME,
    RESERVED_PREFIXES,
    SENSOR_METADATA_ATTRS,
    SENSOR_REPORT_ATTRS,
    STRUCTURAL_NAMESPACES,
    XML_NS,
    XSD_NS,
    XSI_NS,
)
from ._xml_safe import SAFE_PARSER_KWARGS

__all__ = ["Out", "attr", "esc", "event_element", "extensions", "simple", "write_event"]

_IND = ["\n" + "  " * depth for depth in range(64)]
_TEXT_SPECIAL = re.compile(r"[&<>\r]|[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTR_SPECIAL = re.compile(r"[&<>\"\r\n\t]|[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INVALID = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAMES_OK: set[str] = set()
_PARSER = etree.XMLParser(**SAFE_PARSER_KWARGS)


def _not_xml(message: str) -> EpcisError:
    return EpcisError(message, code="EPCIS_NOT_XML")


def _check_chars(value: str) -> None:
    bad = _INVALID.search(value)
    if bad is not None:
        raise _not_xml(
            f"character U+{ord(bad.group()):04X} at position {bad.start()} of {value[:40]!r} "
            "cannot be written in XML 1.0"
        )


def esc(value: str) -> str:
    """``value`` escaped as element text (``\\r`` kept as ``&#13;``)."""
    if _TEXT_SPECIAL.search(value) is None:
        return value
    _check_chars(value)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def attr(value: str) -> str:
    """``value`` escaped as a double-quoted attribute value (white space kept)."""
    if _ATTR_SPECIAL.search(value) is None:
        return value
    _check_chars(value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#9;")
    )


def _check_name(name: str) -> str:
    if name not in _NAMES_OK:
        if not NCNAME.fullmatch(name):
            raise _not_xml(f"{name!r} is not an XML name (extension member names must be)")
        if len(_NAMES_OK) < 100_000:
            _NAMES_OK.add(name)
    return name


class Out:
    """Output under construction: text parts and the namespace prefixes chosen so far."""

    __slots__ = ("extra", "last", "parts", "prefixes", "used", "xsi")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.prefixes: dict[str, str] = {}
        self.extra: dict[str, str] = {}
        self.used: set[str] = set()
        self.xsi = False
        self.last: object = DEFAULT_NAMESPACES

    def source(self, model: object) -> None:
        """Declare the prefixes the model's values were read with (CURIEs like ``ex:Gauge``)."""
        mapping = source_namespaces(model)
        if mapping is self.last:
            return
        self.last = mapping
        for prefix, namespace in mapping.items():
            if DEFAULT_NAMESPACES.get(prefix) == namespace or namespace in STRUCTURAL_NAMESPACES:
                continue
            if prefix in self.used or not NCNAME.fullmatch(prefix):
                continue
            if self.prefix(namespace, prefix) != prefix and prefix not in self.used:
                self.extra[prefix] = namespace
                self.used.add(prefix)

    def prefix(self, namespace: str, hint: str | None) -> str:
        """The prefix of ``namespace`` (the hint if it is free, else ``ns1``, ``ns2``...)."""
        prefix = self.prefixes.get(namespace)
        if prefix is not None:
            return prefix
        if namespace == XSI_NS:
            self.xsi = True
            return "xsi"
        if namespace == XML_NS:
            return "xml"
        if (
            hint
            and hint not in self.used
            and hint not in RESERVED_PREFIXES
            and NCNAME.fullmatch(hint)
            and not hint.lower().startswith("xml")
        ):
            prefix = hint
        else:
            n = len(self.prefixes) + 1
            while f"ns{n}" in self.used:
                n += 1
            prefix = f"ns{n}"
        self.prefixes[namespace] = prefix
        self.used.add(prefix)
        return prefix

    def qname(self, namespace: str | None, name: str, hint: str | None) -> str:
        _check_name(name)
        if namespace is None:
            return name
        return f"{self.prefix(namespace, hint)}:{name}"

    def xsi_type(self, value: str) -> str:
        self.xsi = True
        prefix, colon, _ = value.partition(":")
        if colon and prefix in ("xsd", "xs") and prefix not in self.used:
            self.prefixes.setdefault(XSD_NS, prefix)
            self.used.add(prefix)
        return attr(value)

    def declarations(self) -> str:
        """The ``xmlns`` attributes of the namespaces used."""
        declared = {p: ns for ns, p in self.prefixes.items()}
        declared.update(self.extra)
        if self.xsi:
            declared["xsi"] = XSI_NS
        return "".join(f' xmlns:{p}="{attr(declared[p])}"' for p in sorted(declared))


def simple(out: Out, name: str, value: str, depth: int) -> None:
    """``<name>value</name>`` on its own line."""
    out.parts.append(f"{_IND[depth]}<{name}>{esc(value)}</{name}>")


# -- extensions -----------------------------------------------------------------------------------


def _ext_attributes(out: Out, node: Extension) -> str:
    items = "".join(
        f' {out.qname(a.namespace, a.name, a.prefix)}="{attr(a.value)}"' for a in node.attributes
    )
    if node.xsi_type is not None:
        items += f' xsi:type="{out.xsi_type(node.xsi_type)}"'
    return items


def ext_node(out: Out, node: Extension, depth: int, *, indent: bool = True) -> None:
    """One extension element (and its children).

    Mixed content (text and child elements) is written without indentation inside it: the
    whitespace of an indent would become part of the text.
    """
    name = out.qname(node.namespace, node.name, node.prefix)
    attrs = _ext_attributes(out, node) if node.attributes or node.xsi_type is not None else ""
    parts = out.parts
    value = node.text
    ind = _IND[depth] if indent else ""
    if node.children:
        parts.append(f"{ind}<{name}{attrs}>{esc(value) if value else ''}")
        inner = indent and not value
        for child in node.children:
            ext_node(out, child, depth + 1, indent=inner)
        parts.append(f"{ind if inner else ''}</{name}>")
    elif value:
        parts.append(f"{ind}<{name}{attrs}>{esc(value)}</{name}>")
    else:
        parts.append(f"{ind}<{name}{attrs}/>")


def extensions(out: Out, nodes: Iterable[Extension], depth: int, *, other: bool = True) -> None:
    """An extension point's nodes: unqualified ones in ``<extension>``, the others after.

    With ``other=False`` (places whose XSD type has no ``##other`` wildcard) every node goes
    into ``<extension>``.
    """
    local = [node for node in nodes if node.namespace is None or not other]
    if local:
        out.parts.append(f"{_IND[depth]}<extension>")
        for node in local:
            ext_node(out, node, depth + 1)
        out.parts.append(f"{_IND[depth]}</extension>")
    if other:
        for node in nodes:
            if node.namespace is not None:
                ext_node(out, node, depth)


# -- event parts ----------------------------------------------------------------------------------


def _epcs(out: Out, name: str, values: tuple[str, ...], depth: int) -> None:
    if not values:
        return
    parts = out.parts
    parts.append(f"{_IND[depth]}<{name}>")
    inner = _IND[depth + 1]
    parts.extend(f"{inner}<epc>{esc(value)}</epc>" for value in values)
    parts.append(f"{_IND[depth]}</{name}>")


def _decimal(value: Decimal) -> str:
    text = str(value)
    return format(value, "f") if "E" in text else text  # xsd:decimal has no exponent


def _quantities(out: Out, name: str, values: tuple[Any, ...], depth: int) -> None:
    if not values:
        return
    parts = out.parts
    i1, i2 = _IND[depth + 1], _IND[depth + 2]
    parts.append(f"{_IND[depth]}<{name}>")
    for q in values:
        parts.append(f"{i1}<quantityElement>{i2}<epcClass>{esc(q.epc_class)}</epcClass>")
        if q.quantity is not None:
            parts.append(f"{i2}<quantity>{_decimal(q.quantity)}</quantity>")
        if q.uom is not None:
            parts.append(f"{i2}<uom>{esc(q.uom)}</uom>")
        parts.append(f"{i1}</quantityElement>")
    parts.append(f"{_IND[depth]}</{name}>")


def _location(out: Out, name: str, value: Any, depth: int) -> None:
    if value is None:
        return
    out.parts.append(f"{_IND[depth]}<{name}>{_IND[depth + 1]}<id>{esc(value.id)}</id>")
    if value.extensions:
        extensions(out, value.extensions, depth + 1)
    out.parts.append(f"{_IND[depth]}</{name}>")


def _typed(out: Out, name: str, item: str, values: tuple[Any, ...], depth: int) -> None:
    if not values:
        return
    parts = out.parts
    inner = _IND[depth + 1]
    parts.append(f"{_IND[depth]}<{name}>")
    for value in values:
        kind = f' type="{attr(value.type)}"' if value.type is not None else ""
        parts.append(f"{inner}<{item}{kind}>{esc(value.value)}</{item}>")
    parts.append(f"{_IND[depth]}</{name}>")


def _persistent(out: Out, name: str, value: Any, depth: int) -> None:
    if value is None:
        return
    parts = out.parts
    inner = _IND[depth + 1]
    parts.append(f"{_IND[depth]}<{name}>")
    parts.extend(f"{inner}<unset>{esc(v)}</unset>" for v in value.unset or ())
    parts.extend(f"{inner}<set>{esc(v)}</set>" for v in value.set or ())
    parts.append(f"{_IND[depth]}</{name}>")


def _ilmd(out: Out, name: str, value: Any, depth: int) -> None:
    if value is None:
        return
    if not value.extensions:
        out.parts.append(f"{_IND[depth]}<ilmd/>")
        return
    out.parts.append(f"{_IND[depth]}<ilmd>")
    extensions(out, value.extensions, depth + 1)
    out.parts.append(f"{_IND[depth]}</ilmd>")


def _error_declaration(out: Out, value: Any, depth: int) -> None:
    parts = out.parts
    inner = depth + 1
    parts.append(f"{_IND[depth]}<errorDeclaration>")
    simple(out, "declarationTime", value.declaration_time, inner)
    if value.reason is not None:
        simple(out, "reason", value.reason, inner)
    if value.corrective_event_ids:
        parts.append(f"{_IND[inner]}<correctiveEventIDs>")
        for event_id in value.corrective_event_ids:
            simple(out, "correctiveEventID", event_id, inner + 1)
        parts.append(f"{_IND[inner]}</correctiveEventIDs>")
    if value.extensions:
        extensions(out, value.extensions, inner)
    parts.append(f"{_IND[depth]}</errorDeclaration>")


def _sensor_value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _sensor_part(
    out: Out, name: str, value: Any, fields: tuple[tuple[str, str], ...], depth: int
) -> None:
    items = []
    for alias, field in fields:
        item = getattr(value, field)
        if item is not None:
            items.append(f' {alias}="{attr(_sensor_value(item))}"')
    # Extensions: simple leaves with distinct names are attributes (in order), the rest
    # (and everything after the first that cannot be) child elements.
    nodes = value.extensions
    seen: set[tuple[str, str]] = set()
    cut = 0
    for node in nodes:
        key = (node.namespace, node.name)
        if (
            node.namespace is None
            or node.children
            or node.attributes
            or node.xsi_type is not None
            or node.text is None
            or key in seen
        ):
            break
        seen.add(key)
        items.append(f' {out.qname(node.namespace, node.name, node.prefix)}="{attr(node.text)}"')
        cut += 1
    if cut == len(nodes):
        out.parts.append(f"{_IND[depth]}<{name}{''.join(items)}/>")
        return
    out.parts.append(f"{_IND[depth]}<{name}{''.join(items)}>")
    for node in nodes[cut:]:
        ext_node(out, node, depth + 1)
    out.parts.append(f"{_IND[depth]}</{name}>")


def _fields(cls_name: str, aliases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    from ._models_sensor import SensorMetadata, SensorReport

    cls = SensorMetadata if cls_name == "metadata" else SensorReport
    by_alias = {(f.alias or n): n for n, f in cls.model_fields.items()}
    return tuple((alias, by_alias[alias]) for alias in aliases)


_SENSOR_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {}


def _sensor_elements(out: Out, name: str, values: tuple[Any, ...], depth: int) -> None:
    if not values:
        return
    if not _SENSOR_FIELDS:
        _SENSOR_FIELDS["metadata"] = _fields("metadata", SENSOR_METADATA_ATTRS)
        _SENSOR_FIELDS["report"] = _fields("report", SENSOR_REPORT_ATTRS)
    parts = out.parts
    parts.append(f"{_IND[depth]}<{name}>")
    i1, d2 = _IND[depth + 1], depth + 2
    for element in values:
        parts.append(f"{i1}<sensorElement>")
        if element.sensor_metadata is not None:
            _sensor_part(
                out, "sensorMetadata", element.sensor_metadata, _SENSOR_FIELDS["metadata"], d2
            )
        for report in element.sensor_report:
            _sensor_part(out, "sensorReport", report, _SENSOR_FIELDS["report"], d2)
        if element.extensions:
            extensions(out, element.extensions, d2)
        parts.append(f"{i1}</sensorElement>")
    parts.append(f"{_IND[depth]}</{name}>")


def _text_field(out: Out, name: str, value: Any, depth: int) -> None:
    if value is not None:
        out.parts.append(f"{_IND[depth]}<{name}>{esc(value)}</{name}>")


_Writer = Callable[[Out, str, Any, int], None]
_BY_NAME: dict[str, _Writer] = {
    "epcList": _epcs,
    "childEPCs": _epcs,
    "inputEPCList": _epcs,
    "outputEPCList": _epcs,
    "quantityList": _quantities,
    "childQuantityList": _quantities,
    "inputQuantityList": _quantities,
    "outputQuantityList": _quantities,
    "readPoint": _location,
    "bizLocation": _location,
    "bizTransactionList": lambda out, name, v, d: _typed(out, name, "bizTransaction", v, d),
    "sourceList": lambda out, name, v, d: _typed(out, name, "source", v, d),
    "destinationList": lambda out, name, v, d: _typed(out, name, "destination", v, d),
    "sensorElementList": _sensor_elements,
    "persistentDisposition": _persistent,
    "ilmd": _ilmd,
}
_PLANS: dict[type, tuple[tuple[str, str, _Writer], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, str, _Writer], ...]:
    plan = _PLANS.get(cls)
    if plan is None:
        fields: dict[str, Any] = cls.model_fields  # type: ignore[attr-defined]
        by_alias = {(f.alias or n): n for n, f in fields.items()}
        kind = fields["type"].default
        plan = tuple(
            (alias, by_alias[alias], _BY_NAME.get(alias, _text_field))
            for alias in EVENT_ORDER[kind][6:]
        )
        _PLANS[cls] = plan
    return plan


def write_event(out: Out, event: Any, depth: int, *, declare: bool = False) -> None:
    """One event element; with ``declare`` its start tag declares the namespaces used."""
    kind = event.type
    out.source(event)
    parts = out.parts
    start = len(parts)
    parts.append("")
    inner = depth + 1
    i1 = _IND[inner]
    parts.append(f"{i1}<eventTime>{esc(event.event_time)}</eventTime>")
    if event.record_time is not None:
        parts.append(f"{i1}<recordTime>{esc(event.record_time)}</recordTime>")
    parts.append(
        f"{i1}<eventTimeZoneOffset>{esc(event.event_time_zone_offset)}</eventTimeZoneOffset>"
    )
    if event.event_id is not None:
        parts.append(f"{i1}<eventID>{esc(event.event_id)}</eventID>")
    if event.error_declaration is not None:
        _error_declaration(out, event.error_declaration, inner)
    certification = event.certification_info
    if certification:
        parts.append(f"{i1}<certificationInfo>{esc(certification[0])}</certificationInfo>")
        if len(certification) > 1:
            warnings.warn(
                f"{kind}: the XSD allows one certificationInfo; left out: "
                + ", ".join(certification[1:]),
                LossyConversionWarning,
                stacklevel=5,
            )
    for alias, field, writer in _plan(type(event)):
        writer(out, alias, getattr(event, field), inner)
    if event.extensions:
        extensions(out, event.extensions, inner)
    parts.append(f"{_IND[depth]}</{kind}>")
    parts[start] = f"{_IND[depth] if depth else ''}<{kind}{out.declarations() if declare else ''}>"


def event_element(event: Any) -> Any:
    """One event as an lxml element (the text :func:`write_event` gives, parsed)."""
    from ._models_events import EpcisEvent

    if not isinstance(event, EpcisEvent):
        raise EpcisError(
            f"expected an EPCIS event, not {type(event).__name__}", code="EPCIS_INVALID_INPUT"
        )
    out = Out()
    write_event(out, event, 0, declare=True)
    return etree.fromstring("".join(out.parts).encode("utf-8"), _PARSER)
