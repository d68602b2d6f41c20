"""Events and event lists of the EPCIS 1.2 -> 2.0 up-conversion.

Private to :mod:`tracelib.epcis._xml_upconvert`. A 1.2 event keeps its 1.1+ fields in nested
``<extension>`` wrappers and its 1.2 base fields (eventID, errorDeclaration) in
``<baseExtension>``; TransformationEvent lives in ``EventList/extension`` and AssociationEvent
(with sensor data and persistent dispositions, defined only in 2.0) in
``EventList/extension/extension``. :func:`convert_event_list` reads all of that, checks it,
and writes each event with its fields at their 2.0 places in the 2.0 XSD order, user
extensions last, in their order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from ._xml_upconvert_base import (
    Item,
    Notes,
    copy_into,
    emit_comments,
    fail,
    label,
    new_element,
    scan,
)
from ._xml_upconvert_fields import (
    SENSOR_METADATA_ALIAS,
    Spec,
    check_field,
    check_sequence,
    check_set,
    is_standard,
)

__all__ = ["EVENT_TYPES", "convert_event_list"]

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)

_BASE_12: Spec = (
    ("eventTime", 1, 1),
    ("recordTime", 0, 1),
    ("eventTimeZoneOffset", 1, 1),
    ("baseExtension", 0, 1),
)
_WHERE_12 = ("bizStep", 0, 1), ("disposition", 0, 1), ("readPoint", 0, 1), ("bizLocation", 0, 1)

#: The 1.2 XSD sequence of each event type (the trailing ##other wildcard is implied).
_SPEC_12: Mapping[str, Spec] = {
    "ObjectEvent": (
        *_BASE_12,
        ("epcList", 1, 1),
        ("action", 1, 1),
        *_WHERE_12,
        ("bizTransactionList", 0, 1),
        ("extension", 0, 1),
    ),
    "AggregationEvent": (
        *_BASE_12,
        ("parentID", 0, 1),
        ("childEPCs", 1, 1),
        ("action", 1, 1),
        *_WHERE_12,
        ("bizTransactionList", 0, 1),
        ("extension", 0, 1),
    ),
    "TransactionEvent": (
        *_BASE_12,
        ("bizTransactionList", 1, 1),
        ("parentID", 0, 1),
        ("epcList", 1, 1),
        ("action", 1, 1),
        *_WHERE_12,
        ("extension", 0, 1),
    ),
    "TransformationEvent": (
        *_BASE_12,
        ("inputEPCList", 0, 1),
        ("inputQuantityList", 0, 1),
        ("outputEPCList", 0, 1),
        ("outputQuantityList", 0, 1),
        ("transformationID", 0, 1),
        *_WHERE_12,
        ("bizTransactionList", 0, 1),
        ("sourceList", 0, 1),
        ("destinationList", 0, 1),
        ("ilmd", 0, 1),
        ("extension", 0, 1),
    ),
}

#: The 1.2 ``<extension>`` of Object-, Aggregation- and TransactionEvent (1.1 fields).
_EXTENSION_12: Mapping[str, Spec] = {
    "ObjectEvent": (
        ("quantityList", 0, 1),
        ("sourceList", 0, 1),
        ("destinationList", 0, 1),
        ("ilmd", 0, 1),
        ("extension", 0, 1),
    ),
    "AggregationEvent": (
        ("childQuantityList", 0, 1),
        ("sourceList", 0, 1),
        ("destinationList", 0, 1),
        ("extension", 0, 1),
    ),
    "TransactionEvent": (
        ("quantityList", 0, 1),
        ("sourceList", 0, 1),
        ("destinationList", 0, 1),
        ("extension", 0, 1),
    ),
}

_BASE_EXTENSION_12: Spec = (("eventID", 0, 1), ("errorDeclaration", 0, 1), ("extension", 0, 1))

#: 2.0 fields a 1.2 document can only carry in the ``##local`` slot reserved for EPCIS.
_RESERVED = ("sensorElementList", "persistentDisposition", "certificationInfo")

_BASE_20 = (
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "errorDeclaration",
    "certificationInfo",
)
_TAIL_20 = (
    "sourceList",
    "destinationList",
    "sensorElementList",
    "persistentDisposition",
)
_WHERE_20 = ("bizStep", "disposition", "readPoint", "bizLocation")

#: The 2.0 XSD order of each event type's fields (base fields first).
_ORDER_20: Mapping[str, tuple[str, ...]] = {
    "ObjectEvent": (
        *_BASE_20,
        "epcList",
        "action",
        *_WHERE_20,
        "bizTransactionList",
        "quantityList",
        *_TAIL_20,
        "ilmd",
        "extension",
    ),
    "AggregationEvent": (
        *_BASE_20,
        "parentID",
        "childEPCs",
        "action",
        *_WHERE_20,
        "bizTransactionList",
        "childQuantityList",
        *_TAIL_20,
        "extension",
    ),
    "TransactionEvent": (
        *_BASE_20,
        "bizTransactionList",
        "parentID",
        "epcList",
        "action",
        *_WHERE_20,
        "quantityList",
        *_TAIL_20,
        "extension",
    ),
    "TransformationEvent": (
        *_BASE_20,
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        *_WHERE_20,
        "bizTransactionList",
        *_TAIL_20,
        "ilmd",
        "extension",
    ),
    "AssociationEvent": (
        *_BASE_20,
        "parentID",
        "childEPCs",
        "childQuantityList",
        "action",
        *_WHERE_20,
        "bizTransactionList",
        *_TAIL_20,
        "extension",
    ),
}
_KNOWN_FIELDS = frozenset(name for order in _ORDER_20.values() for name in order)
_ASSOCIATION_ALLOWED = (
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "baseExtension",
    *_ORDER_20["AssociationEvent"][len(_BASE_20) :],
)


def _slot_of(kind: str) -> str:
    """Where a 1.2 event of ``kind`` carries the 2.0-only fields."""
    return (
        "extension"
        if kind in ("TransformationEvent", "AssociationEvent")
        else ("extension/extension")
    )


def _placement(kind: str, name: str, *, inside: str = "") -> str | None:
    """Explain where a 1.2 ``kind`` carries the field ``name`` (None: not an event field)."""
    event = f"a 1.2 {kind}"
    if name in ("eventID", "errorDeclaration"):
        target = "baseExtension"
    elif name == "certificationInfo":
        target = f"baseExtension/extension (or {_slot_of(kind)})"
    elif name in ("sensorElementList", "persistentDisposition"):
        target = _slot_of(kind)
    elif name in {n for n, _, _ in _EXTENSION_12.get(kind, ())} - {"extension"}:
        target = "extension"
    elif any(n == name for n, _, _ in _SPEC_12.get(kind, ())) or (
        kind == "AssociationEvent" and name in _ASSOCIATION_ALLOWED
    ):
        target = "the event itself"
    else:
        return None
    if inside:
        return f"{name} does not belong in the {inside} of {event}, which carries it in {target}"
    return (
        f"{name} is placed as in EPCIS 2.0, directly in the event; {event} carries it in {target}"
    )


@dataclass(slots=True)
class _Event:
    """The fields of one 1.2 event, gathered from the event and its wrappers."""

    kind: str
    source: etree._Element
    fields: dict[str, Item]
    users: list[Item]
    extension: tuple[etree._Element, list[Item]] | None = None
    loose: tuple[etree._Element, ...] = ()

    def add(self, item: Item, *, where: str) -> None:
        name = etree.QName(item.element).localname
        previous = self.fields.get(name)
        if previous is not None:
            fail(
                item.element,
                f"repeated: {name} appears twice in the {self.kind} ({where} and line "
                f"{previous.element.sourceline})",
            )
        self.fields[name] = item

    def vanish(self, wrapper: Item, notes: Notes) -> None:
        """A 1.2 wrapper that has no 2.0 counterpart: keep its comments and report attributes."""
        notes.drop_attributes(wrapper.element)
        self.loose = (*self.loose, *wrapper.before, *wrapper.after)


def _reserved(
    event: _Event,
    wrapper: Item,
    notes: Notes,
    *,
    allowed: Sequence[str],
    where: str,
    keep_other: bool = False,
) -> list[Item]:
    """Read a 1.2 ``##local`` slot: map the 2.0 fields it may carry, drop unknown names."""
    element = wrapper.element
    items = scan(element)
    if not items and not keep_other:
        fail(element, f"empty {where}: 1.2 requires at least one element in it")
    kept: list[Item] = []
    for item in items:
        child = item.element
        if not is_standard(child):
            if not keep_other:
                fail(child, f"{where} of a 1.2 {event.kind} holds only unqualified elements")
            kept.append(item)
            continue
        name = etree.QName(child).localname
        if name in allowed:
            event.add(item, where=where)
        elif name in _KNOWN_FIELDS or name in EVENT_TYPES:
            fail(
                child,
                _placement(event.kind, name, inside=where)
                or f"not an element of the {where} of a 1.2 {event.kind}",
            )
        else:
            notes.drop(
                child,
                f"unqualified element in the {where} slot that EPCIS 1.2 reserves for later "
                "EPCIS versions; EPCIS 2.0 defines no such element and has no place for it",
            )
    return kept


def _base_extension(event: _Event, wrapper: Item, notes: Notes) -> None:
    element = wrapper.element
    kind = event.kind
    found, _ = check_sequence(
        element,
        scan(element),
        _BASE_EXTENSION_12,
        other=False,
        what=f"the baseExtension of a 1.2 {kind}",
        hint=lambda name: _placement(kind, name, inside="baseExtension"),
    )
    for name in ("eventID", "errorDeclaration"):
        for item in found.get(name, ()):
            event.add(item, where="baseExtension")
    for item in found.get("extension", ()):
        _reserved(
            event,
            item,
            notes,
            allowed=("certificationInfo",),
            where="baseExtension/extension",
        )
        event.vanish(item, notes)
    event.vanish(wrapper, notes)


def _event_extension(event: _Event, wrapper: Item, notes: Notes) -> None:
    """The 1.2 ``<extension>`` of an event (its contents depend on the type)."""
    kind = event.kind
    if kind == "TransformationEvent":
        _reserved(event, wrapper, notes, allowed=_RESERVED, where="extension")
        event.vanish(wrapper, notes)
        return
    if kind == "AssociationEvent":
        kept = _reserved(
            event, wrapper, notes, allowed=_RESERVED, where="extension", keep_other=True
        )
        if kept:
            event.extension = (wrapper.element, kept)
        else:
            event.vanish(wrapper, notes)
        return
    element = wrapper.element
    found, _ = check_sequence(
        element,
        scan(element),
        _EXTENSION_12[kind],
        other=False,
        what=f"the extension of a 1.2 {kind}",
        hint=lambda name: _placement(kind, name, inside="extension"),
    )
    for name, items in found.items():
        for item in items:
            if name == "extension":
                _reserved(event, item, notes, allowed=_RESERVED, where="extension/extension")
                event.vanish(item, notes)
            else:
                event.add(item, where="extension")
    event.vanish(wrapper, notes)


def _read_event(source: etree._Element, notes: Notes) -> _Event:
    kind = etree.QName(source).localname
    items = scan(source)
    event = _Event(kind, source, {}, [])
    if kind == "AssociationEvent":
        found, users = check_set(
            source,
            items,
            _ASSOCIATION_ALLOWED,
            required=("eventTime", "eventTimeZoneOffset", "parentID", "action"),
            other=True,
            what="an AssociationEvent carried as a 1.2 extension",
            hint=lambda name: _placement(kind, name),
        )
        singles = found
    else:
        grouped, users = check_sequence(
            source,
            items,
            _SPEC_12[kind],
            other=True,
            hint=lambda name: _placement(kind, name),
        )
        singles = {name: group[0] for name, group in grouped.items()}
    event.users = users
    for name, item in singles.items():
        if name == "baseExtension":
            _base_extension(event, item, notes)
        elif name == "extension":
            _event_extension(event, item, notes)
        else:
            event.add(item, where=kind)
    for item in event.fields.values():
        check_field(item.element)
    return event


def _emit(item: Item, parent: etree._Element, scope_like: etree._Element) -> None:
    emit_comments(item.before, parent)
    copy = copy_into(item.element, parent, scope_like=scope_like)
    if copy.tag == "sensorElementList":
        for metadata in copy.iterfind(f"sensorElement/{SENSOR_METADATA_ALIAS}"):
            metadata.tag = "sensorMetadata"
    emit_comments(item.after, parent)


def _write_event(event: _Event, parent: etree._Element, scope_like: etree._Element) -> None:
    source = event.source
    element = new_element(
        event.kind, parent, like=source, attrib=source.attrib, scope_like=scope_like
    )
    for name in _ORDER_20[event.kind]:
        if name == "extension" and event.extension is not None:
            wrapper, kept = event.extension
            extension = new_element("extension", element, like=wrapper, attrib=wrapper.attrib)
            for kept_item in kept:
                _emit(kept_item, extension, wrapper)
            continue
        field = event.fields.get(name)
        if field is not None:
            _emit(field, element, source)
    emit_comments(event.loose, element)
    for item in event.users:
        _emit(item, element, source)


def _convert_event(
    item: Item, parent: etree._Element, notes: Notes, scope_like: etree._Element
) -> None:
    event = _read_event(item.element, notes)
    emit_comments(item.before, parent)
    _write_event(event, parent, scope_like)
    emit_comments(item.after, parent)


def _only_child(wrapper: etree._Element, items: list[Item], what: str) -> Item:
    if not items:
        fail(wrapper, f"empty {what}: 1.2 requires one element in it")
    if len(items) > 1:
        fail(
            items[1].element,
            f"second element in one {what}: 1.2 allows one (TransformationEvent or extension); "
            "use one extension per event",
        )
    return items[0]


def _list_extension(
    wrapper: Item, parent: etree._Element, notes: Notes, scope_like: etree._Element
) -> None:
    """``EventList/extension``: a TransformationEvent, or ``extension`` with AssociationEvents."""
    outer = wrapper.element
    notes.drop_attributes(outer)
    emit_comments(wrapper.before, parent)
    item = _only_child(outer, scan(outer), "EventList/extension")
    child = item.element
    name = etree.QName(child).localname
    if not is_standard(child):
        fail(child, "EventList/extension of a 1.2 document holds only unqualified elements")
    if name == "TransformationEvent":
        _convert_event(item, parent, notes, scope_like)
    elif name == "extension":
        notes.drop_attributes(child)
        inner = scan(child)
        if not inner:
            fail(child, "empty EventList/extension/extension: 1.2 requires at least one element")
        emit_comments(item.before, parent)
        for event in inner:
            _list_extension_2(event, parent, notes, scope_like)
        emit_comments(item.after, parent)
    elif name in EVENT_TYPES:
        fail(
            child, f"a 1.2 EventList carries {name} {_list_place(name)}, not in EventList/extension"
        )
    else:
        fail(child, "not an element of EventList/extension (TransformationEvent or extension)")
    emit_comments(wrapper.after, parent)


def _list_place(name: str) -> str:
    if name == "TransformationEvent":
        return "in EventList/extension"
    if name == "AssociationEvent":
        return "in EventList/extension/extension"
    return "directly in EventList"


def _list_extension_2(
    item: Item, parent: etree._Element, notes: Notes, scope_like: etree._Element
) -> None:
    """One child of ``EventList/extension/extension`` (the slot reserved for later versions)."""
    child = item.element
    name = etree.QName(child).localname
    if not is_standard(child):
        fail(
            child, "EventList/extension/extension of a 1.2 document holds only unqualified elements"
        )
    if name == "AssociationEvent":
        _convert_event(item, parent, notes, scope_like)
    elif name in EVENT_TYPES:
        fail(
            child, f"a 1.2 EventList carries {name} {_list_place(name)}, not in extension/extension"
        )
    else:
        notes.drop(
            child,
            "unqualified element in EventList/extension/extension, the slot EPCIS 1.2 reserves "
            "for later EPCIS versions; EPCIS 2.0 defines no such event",
        )


def convert_event_list(
    source: etree._Element, parent: etree._Element, notes: Notes
) -> etree._Element:
    """Write the 2.0 form of a 1.2 ``EventList`` under ``parent``.

    Args:
        source: The 1.2 ``EventList`` element.
        parent: The new parent (a 2.0 ``EPCISBody`` or ``resultsBody``).
        notes: Collects what had to be dropped.

    Returns:
        The new ``EventList``.

    Raises:
        EpcisError: Code ``EPCIS_INVALID_1_2``: an event or wrapper is 1.2-invalid, placed as
            in 2.0, or has no 2.0 form.
    """
    event_list = new_element("EventList", parent, like=source, attrib=source.attrib)
    items = scan(source)
    if not items:
        for node in source:
            copy_into(node, event_list)
    for item in items:
        child = item.element
        name = etree.QName(child).localname
        if not is_standard(child):
            fail(child, "a 1.2 EventList holds only events; user extensions have no place in it")
        if name in ("ObjectEvent", "AggregationEvent", "TransactionEvent"):
            _convert_event(item, event_list, notes, source)
        elif name == "extension":
            _list_extension(item, event_list, notes, source)
        elif name == "QuantityEvent":
            fail(
                child,
                "QuantityEvent was deprecated in EPCIS 1.1 and removed in 2.0; it has no 2.0 "
                "form (an ObjectEvent with a quantityList would need an action the event "
                "does not have)",
            )
        elif name in EVENT_TYPES:
            fail(
                child,
                f"{name} directly in a 1.2 EventList is placed as in EPCIS 2.0; 1.2 carries "
                f"it {_list_place(name)}",
            )
        else:
            fail(child, f"not an element of a 1.2 EventList (in {label(source)})")
    return event_list
