"""Content-model checks for the EPCIS 1.2 -> 2.0 up-conversion.

Private to :mod:`tracelib.epcis._xml_upconvert`. :func:`check_sequence` and :func:`check_set`
read a container's children against a small content model and explain precisely what is out
of place; :func:`check_field` checks one standard field (an EPC list, a quantity list, a
read point, an error declaration, sensor data...) against the shape both versions give it,
and its timestamps against the 2.0 ``DateTimeStamp`` type, which is narrower than the 1.2
``xs:dateTime``. Fields that 1.2 carried only as unchecked extensions (sensor data,
persistent dispositions, certification info, AssociationEvent fields) get the same checks,
so that what the conversion moves into a 2.0 place is valid there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

from lxml import etree

from ._xml_upconvert_base import (
    Item,
    fail,
    is_boolean,
    is_date_time,
    is_date_time_stamp,
    is_decimal,
    is_double,
    is_hex_binary,
    label,
    line_of,
    scan,
    shown,
    simple_text,
)

__all__ = [
    "SENSOR_METADATA_ALIAS",
    "Hint",
    "Spec",
    "check_field",
    "check_sensor_element_list",
    "check_sequence",
    "check_set",
    "check_timestamp",
    "is_standard",
]

#: A content model: (local name, minOccurs, maxOccurs or None for unbounded), in order.
Spec = tuple[tuple[str, int, int | None], ...]
#: Gives the 2.0-placement explanation for an unexpected unqualified element name, if any.
Hint = Callable[[str], "str | None"]

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_ACTIONS = frozenset({"ADD", "OBSERVE", "DELETE"})


def is_standard(element: etree._Element) -> bool:
    """Whether ``element`` is unqualified, i.e. an EPCIS element rather than a user extension."""
    return not str(element.tag).startswith("{")


def _names(spec: Spec) -> str:
    return ", ".join(name for name, _, _ in spec)


def check_sequence(
    container: etree._Element,
    items: Sequence[Item],
    spec: Spec,
    *,
    other: bool,
    what: str | None = None,
    hint: Hint | None = None,
    name_of: Callable[[etree._Element], str] | None = None,
) -> tuple[dict[str, list[Item]], list[Item]]:
    """Read ``items`` against the ordered model ``spec`` (+ a trailing ``##other`` wildcard).

    Args:
        container: The element holding the items (named in messages).
        items: Its element children (from :func:`scan`).
        spec: The unqualified elements, in order, with their occurrence bounds.
        other: Whether elements of other namespaces may follow them (``##other``).
        what: How to call the container in messages (default: its name).
        hint: Explains unexpected unqualified names (2.0 placements).
        name_of: Reads an unqualified element's name (default: its local name).

    Returns:
        The items by element name, and the trailing user-extension items in order.

    Raises:
        EpcisError: An element is unknown, repeated, out of order or missing.
    """
    where = what or f"a 1.2 {label(container)}"
    index = _index(spec)
    found: dict[str, list[Item]] = {}
    others: list[Item] = []
    position = 0
    last: Item | None = None
    for item in items:
        element = item.element
        tag = element.tag
        if tag.startswith("{"):
            if not other:
                fail(element, f"{where} holds no elements of other namespaces")
            if position < len(spec):
                _require(spec, found, position, len(spec), element, where=where)
                position = len(spec)
            others.append(item)
            continue
        name = name_of(element) if name_of is not None else tag
        if others:
            fail(
                element,
                f"comes after the user extension {label(others[0].element)} (line "
                f"{line_of(others[0].element)}); in {where} user extensions follow every "
                "standard element",
            )
        slot = index.get(name)
        if slot is None:
            explained = hint(name) if hint is not None else None
            fail(element, explained or f"not an element of {where} (expected: {_names(spec)})")
        if last is not None and slot < position - 1:
            fail(
                element,
                f"out of order: in {where} {name} comes before {label(last.element)} "
                f"(line {line_of(last.element)})",
            )
        group = found.get(name)
        if group is None:
            found[name] = [item]
        else:
            most = spec[slot][2]
            if most is not None and len(group) >= most:
                fail(element, f"repeated: {where} has at most {most} {name}")
            group.append(item)
        if slot > position:
            _require(spec, found, position, slot, element, where=where)
        position = slot + 1
        last = item
    if position < len(spec):
        _require(spec, found, position, len(spec), container, where=where, at_end=True)
    return found, others


@functools.lru_cache(maxsize=64)
def _index(spec: Spec) -> dict[str, int]:
    return {name: i for i, (name, _, _) in enumerate(spec)}


def _require(
    spec: Spec,
    found: Mapping[str, list[Item]],
    start: int,
    stop: int,
    element: etree._Element,
    *,
    where: str,
    at_end: bool = False,
) -> None:
    for name, least, _ in spec[start:stop]:
        if least and len(found.get(name, ())) < least:
            if at_end:
                fail(element, f"missing {name} (required in {where})")
            users = (
                ""
                if is_standard(element)
                else "; user extensions (other namespaces) come after every standard element"
            )
            fail(element, f"out of place: {where} needs {name} before this element{users}")


def check_set(
    container: etree._Element,
    items: Sequence[Item],
    allowed: Sequence[str],
    *,
    required: Sequence[str] = (),
    other: bool,
    what: str,
    hint: Hint | None = None,
) -> tuple[dict[str, Item], list[Item]]:
    """Read ``items`` as an unordered set of at most one of each ``allowed`` name.

    Args:
        container: The element holding the items.
        items: Its element children.
        allowed: The unqualified names allowed, once each, in any order.
        required: The names that must be present.
        other: Whether elements of other namespaces are allowed (kept in order).
        what: How to call the container in messages.
        hint: Explains unexpected unqualified names.

    Returns:
        The items by name, and the user-extension items in order.

    Raises:
        EpcisError: An element is unknown, repeated or missing.
    """
    found: dict[str, Item] = {}
    others: list[Item] = []
    for item in items:
        element = item.element
        if not is_standard(element):
            if not other:
                fail(element, f"{what} holds only unqualified (EPCIS) elements")
            others.append(item)
            continue
        name = etree.QName(element).localname
        if name not in allowed:
            explained = hint(name) if hint is not None else None
            fail(element, explained or f"not an element of {what}")
        if name in found:
            fail(
                element,
                f"repeated: {what} already has {name} (line {line_of(found[name].element)})",
            )
        found[name] = item
    for name in required:
        if name not in found:
            fail(container, f"missing {name}")
    return found, others


def _no_attributes(element: etree._Element) -> None:
    for name in element.attrib:
        if etree.QName(name).namespace != _XSI:
            fail(element, f"attribute {name} on an element of simple type")


def _simple(element: etree._Element) -> str:
    _no_attributes(element)
    return simple_text(element)


def check_timestamp(element: etree._Element) -> None:
    """Check a 1.2 timestamp element can be a 2.0 ``DateTimeStamp``."""
    _timestamp(element, _simple(element), "")


def _timestamp(element: etree._Element, value: str, where: str) -> None:
    if not is_date_time(value):
        fail(element, f"{where}{shown(value)} is not an xs:dateTime (invalid in EPCIS 1.2)")
    if not is_date_time_stamp(value):
        fail(
            element,
            f"{where}{shown(value)} is a valid 1.2 xs:dateTime, but EPCIS 2.0 requires a "
            "four-digit year, an hour below 24 and a time-zone offset (Z or ±hh:mm): "
            "it cannot be converted without inventing one",
        )


def _text_field(element: etree._Element) -> None:
    _simple(element)


def _action(element: etree._Element) -> None:
    value = _simple(element)
    if value not in _ACTIONS:
        fail(element, f"{shown(value)} is not ADD, OBSERVE or DELETE")


def _list_of(
    child: str, *, least: int = 0, check: Callable[[etree._Element], None]
) -> Callable[[etree._Element], None]:
    def checker(element: etree._Element) -> None:
        found, _ = check_sequence(element, scan(element), ((child, least, None),), other=False)
        for item in found.get(child, ()):
            check(item.element)

    return checker


def _typed_value(element: etree._Element, *, attribute: str | None) -> None:
    for name in element.attrib:
        if name != attribute and etree.QName(name).namespace != _XSI:
            fail(element, f"unexpected attribute {name}")
    simple_text(element)


def _source_or_destination(element: etree._Element) -> None:
    if element.get("type") is None:
        fail(element, "missing the type attribute")
    _typed_value(element, attribute="type")


def _quantity_element(element: etree._Element) -> None:
    found, _ = check_sequence(
        element,
        scan(element),
        (("epcClass", 1, 1), ("quantity", 0, 1), ("uom", 0, 1)),
        other=False,
    )
    _simple(found["epcClass"][0].element)
    quantities = found.get("quantity", [])
    if found.get("uom") and not quantities:
        fail(found["uom"][0].element, "uom without quantity")
    for item in quantities:
        quantity = item.element
        text = simple_text(quantity)
        nil = quantity.get(f"{{{_XSI}}}nil")
        if nil is not None and nil.strip() in ("true", "1"):
            if text.strip():
                fail(quantity, "xsi:nil quantity with a value")
        elif not is_decimal(text):
            fail(quantity, f"{shown(text)} is not a decimal")
    for item in found.get("uom", []):
        _simple(item.element)


def _place(element: etree._Element) -> None:
    found, _ = check_sequence(
        element, scan(element), (("id", 1, 1), ("extension", 0, 1)), other=True
    )
    _simple(found["id"][0].element)


def _ilmd(element: etree._Element) -> None:
    check_sequence(element, scan(element), (("extension", 0, 1),), other=True)


def _error_declaration(element: etree._Element) -> None:
    found, _ = check_sequence(
        element,
        scan(element),
        (
            ("declarationTime", 1, 1),
            ("reason", 0, 1),
            ("correctiveEventIDs", 0, 1),
            ("extension", 0, 1),
        ),
        other=True,
    )
    check_timestamp(found["declarationTime"][0].element)
    for item in found.get("reason", []):
        _simple(item.element)
    for item in found.get("correctiveEventIDs", []):
        _list_of("correctiveEventID", check=_text_field)(item.element)


def _persistent_disposition(element: etree._Element) -> None:
    found, _ = check_sequence(
        element, scan(element), (("unset", 0, None), ("set", 0, None)), other=False
    )
    for items in found.values():
        for item in items:
            _simple(item.element)


_SENSOR_TIMES = frozenset({"time", "startTime", "endTime"})
_SENSOR_DOUBLES = frozenset(
    {"value", "minValue", "maxValue", "sDev", "meanValue", "percRank", "percValue"}
)
_SENSOR_CHECKS: tuple[tuple[frozenset[str], Callable[[str], bool], str], ...] = (
    (_SENSOR_DOUBLES, is_double, "an xs:double"),
    (frozenset({"booleanValue"}), is_boolean, "an xs:boolean"),
    (frozenset({"hexBinaryValue"}), is_hex_binary, "an xs:hexBinary"),
)


def _sensor_values(element: etree._Element) -> None:
    simple_text(element)
    for name, value in element.attrib.items():
        if name in _SENSOR_TIMES:
            _timestamp(element, value, f"attribute {name}: ")
            continue
        for names, valid, kind in _SENSOR_CHECKS:
            if name in names and not valid(value):
                fail(element, f"attribute {name}: {shown(value)} is not {kind}")


#: The 1.2-era spelling GS1's own 1.2 examples use for the 2.0 ``sensorMetadata``.
SENSOR_METADATA_ALIAS = "sensorMetaData"


def _sensor_name(element: etree._Element) -> str:
    name: str = etree.QName(element).localname
    return "sensorMetadata" if name == SENSOR_METADATA_ALIAS else name


def _sensor_element(element: etree._Element) -> None:
    found, _ = check_sequence(
        element,
        scan(element),
        (("sensorMetadata", 0, 1), ("sensorReport", 1, None), ("extension", 0, 1)),
        other=True,
        what="a sensorElement",
        name_of=_sensor_name,
    )
    for name in ("sensorMetadata", "sensorReport"):
        for item in found.get(name, ()):
            _sensor_values(item.element)


def check_sensor_element_list(element: etree._Element) -> None:
    """Check a sensorElementList against the 2.0 model (``sensorMetaData`` read as metadata)."""
    found, _ = check_sequence(
        element,
        scan(element),
        (("sensorElement", 1, None), ("extension", 0, 1)),
        other=False,
    )
    for item in found["sensorElement"]:
        _sensor_element(item.element)


_EPCS = _list_of("epc", check=_text_field)
_QUANTITIES = _list_of("quantityElement", check=_quantity_element)

_CHECKS: Mapping[str, Callable[[etree._Element], None]] = {
    "eventTime": check_timestamp,
    "recordTime": check_timestamp,
    "eventTimeZoneOffset": _text_field,
    "eventID": _text_field,
    "certificationInfo": _text_field,
    "errorDeclaration": _error_declaration,
    "parentID": _text_field,
    "action": _action,
    "bizStep": _text_field,
    "disposition": _text_field,
    "transformationID": _text_field,
    "readPoint": _place,
    "bizLocation": _place,
    "epcList": _EPCS,
    "childEPCs": _EPCS,
    "inputEPCList": _EPCS,
    "outputEPCList": _EPCS,
    "quantityList": _QUANTITIES,
    "childQuantityList": _QUANTITIES,
    "inputQuantityList": _QUANTITIES,
    "outputQuantityList": _QUANTITIES,
    "bizTransactionList": _list_of(
        "bizTransaction", least=1, check=lambda e: _typed_value(e, attribute="type")
    ),
    "sourceList": _list_of("source", least=1, check=_source_or_destination),
    "destinationList": _list_of("destination", least=1, check=_source_or_destination),
    "ilmd": _ilmd,
    "persistentDisposition": _persistent_disposition,
    "sensorElementList": check_sensor_element_list,
}


def check_field(element: etree._Element) -> None:
    """Check one standard event field (by its local name) against its EPCIS model.

    Args:
        element: An unqualified child of an event (or of a 1.2 extension wrapper).

    Raises:
        EpcisError: The field's content does not fit the model shared by 1.2 and 2.0, or a
            timestamp has no 2.0 form.
    """
    check = _CHECKS.get(etree.QName(element).localname)
    if check is not None:
        check(element)
