"""Plumbing of the EPCIS 1.2 -> 2.0 up-conversion: errors, notes, copying, lexical checks.

Private to :mod:`tracelib.epcis._xml_upconvert`. Everything here works on lxml trees that the
caller has already parsed safely; nothing reads files or the network.

* :func:`fail` raises the one error of the conversion, :class:`~tracelib.errors.EpcisError`
  with code ``EPCIS_INVALID_1_2``, the element's source line and its name in the message.
* :class:`Notes` collects what the conversion had to drop or move (reported once, as a
  :class:`~tracelib.errors.LossyConversionWarning`, by the caller).
* :func:`copy_into` copies a subtree into the new tree exactly: tag (1.2 EPCIS namespaces
  renamed to 2.0), attributes, text, tails, comments, source lines and the namespace prefixes
  in scope (values such as ``gs1:Temperature`` or ``xsi:type="xsd:int"`` keep resolving).
* :func:`scan` reads the children of an element-only container, refusing stray text and
  keeping comments next to the element they precede.
* ``is_*`` helpers check the lexical forms the 2.0 XSD narrows or that 1.2 never checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import NamedTuple, NoReturn

from lxml import etree

from tracelib.errors import EpcisError

__all__ = [
    "CODE",
    "DEEP_COPY",
    "NS_1_TO_2",
    "NS_2",
    "XSI_TYPE",
    "Item",
    "Notes",
    "copy_into",
    "emit_comments",
    "fail",
    "is_boolean",
    "is_date_time",
    "is_date_time_stamp",
    "is_decimal",
    "is_double",
    "is_hex_binary",
    "label",
    "line_of",
    "new_element",
    "scan",
    "shown",
    "simple_text",
]

CODE = "EPCIS_INVALID_1_2"

EPCIS_1 = "urn:epcglobal:epcis:xsd:1"
QUERY_1 = "urn:epcglobal:epcis-query:xsd:1"
MASTERDATA_1 = "urn:epcglobal:epcis-masterdata:xsd:1"

NS_1_TO_2: Mapping[str, str] = {
    EPCIS_1: "urn:epcglobal:epcis:xsd:2",
    QUERY_1: "urn:epcglobal:epcis-query:xsd:2",
    MASTERDATA_1: "urn:epcglobal:epcis-masterdata:xsd:2",
}
NS_2 = frozenset(NS_1_TO_2.values())
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

_MAX_LINE = 65535  # libxml2 keeps source lines in 16 bits

#: Whether :func:`copy_into` may copy subtrees with libxml2 (set per conversion by the caller:
#: only when no namespace declaration below the root binds a 1.2 EPCIS namespace, which the
#: element-by-element copy would rename).
DEEP_COPY: ContextVar[bool] = ContextVar("DEEP_COPY", default=False)
_SHOWN = 60  # characters of a value quoted in a message


def line_of(node: etree._Element) -> int | None:
    """The source line of a node (``None`` for nodes built in memory)."""
    line = node.sourceline
    return line if isinstance(line, int) and line > 0 else None


def label(element: etree._Element) -> str:
    """An element's name as its document writes it (``ext1:int``, ``ObjectEvent``)."""
    qname = etree.QName(element)
    local: str = qname.localname
    if qname.namespace is None:
        return local
    prefix = element.prefix
    return f"{prefix}:{qname.localname}" if prefix else f"{{{qname.namespace}}}{qname.localname}"


def shown(value: str) -> str:
    """A value quoted for a message, shortened when long."""
    text = value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"
    return repr(text)


def fail(element: etree._Element, detail: str) -> NoReturn:
    """Raise the conversion error for ``element``: ``line 12: <declarationTime>: detail``.

    Args:
        element: The offending element (its source line is reported).
        detail: What is wrong, after the element's name.

    Raises:
        EpcisError: Always, code ``EPCIS_INVALID_1_2``.
    """
    line = line_of(element)
    where = f"line {line}: " if line is not None else ""
    raise EpcisError(f"{where}<{label(element)}>: {detail}", code=CODE, line=line)


@dataclass(slots=True)
class Notes:
    """What a conversion dropped or moved, reported once as a LossyConversionWarning."""

    dropped: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)

    def drop(self, element: etree._Element, why: str) -> None:
        """Record an element left out of the 2.0 tree."""
        self.dropped.append(f"{label(element)} (line {line_of(element)}): {why}")

    def drop_attributes(self, element: etree._Element) -> None:
        """Record the attributes of a 1.2 wrapper that has no 2.0 counterpart."""
        if element.attrib:
            names = ", ".join(sorted(element.attrib.keys()))
            self.drop(element, f"attributes of a 1.2 wrapper with no 2.0 counterpart: {names}")

    def move(self, element: etree._Element, why: str) -> None:
        """Record an element placed somewhere else than in the 1.2 document."""
        self.moved.append(f"{label(element)} (line {line_of(element)}): {why}")

    def message(self) -> str | None:
        """The warning text, or ``None`` when nothing was lost or moved."""
        parts = []
        if self.dropped:
            parts.append("left out: " + "; ".join(self.dropped))
        if self.moved:
            parts.append("moved: " + "; ".join(self.moved))
        return "EPCIS 1.2 -> 2.0: " + " | ".join(parts) if parts else None


def _remap(namespace: str) -> str:
    return NS_1_TO_2.get(namespace, namespace)


@functools.lru_cache(maxsize=256)
def _nsmap_for(
    wanted: tuple[tuple[str | None, str], ...],
    scope: tuple[tuple[str | None, str], ...],
    unqualified: bool,
) -> dict[str | None, str]:
    """The declarations a new element needs so that ``wanted`` (renamed) is exactly in scope."""
    present = dict(scope)
    renamed = {prefix: _remap(uri) for prefix, uri in wanted}
    declared = {prefix: uri for prefix, uri in renamed.items() if present.get(prefix) != uri}
    if unqualified and None not in renamed and present.get(None):
        declared[None] = ""  # undeclare an inherited default namespace
    return declared


def new_element(
    tag: str,
    parent: etree._Element | None,
    *,
    like: etree._Element,
    attrib: Mapping[str, str] | None = None,
    scope_like: etree._Element | None = None,
) -> etree._Element:
    """A new element with the namespaces (renamed to 2.0) and source line of ``like``.

    Args:
        tag: The new element's tag (Clark notation).
        parent: Where to append it (``None`` for a new root).
        like: The source element whose line and in-scope prefixes the new one takes.
        attrib: Attributes to set (none by default).
        scope_like: A source element whose (renamed) scope ``parent`` is known to have: when
            ``like`` has the same scope, nothing needs declaring (a fast path).

    Returns:
        The new element.
    """
    source_scope = like.nsmap
    if scope_like is not None and source_scope == scope_like.nsmap:
        nsmap: dict[str | None, str] = {}
    else:
        scope = tuple(parent.nsmap.items()) if parent is not None else ()
        nsmap = _nsmap_for(tuple(source_scope.items()), scope, not tag.startswith("{"))
    element = (
        etree.Element(tag, nsmap=dict(nsmap))
        if parent is None
        else etree.SubElement(parent, tag, nsmap=dict(nsmap) if nsmap else None)
    )
    if attrib is not None and len(attrib):
        for name, value in attrib.items():
            element.set(name, value)
    line = line_of(like)
    if line is not None:
        element.sourceline = min(line, _MAX_LINE)
    return element


_PREFIXES_1 = tuple(f"{{{namespace}}}" for namespace in NS_1_TO_2)


def _tag_2(tag: str) -> str:
    """``tag`` with a 1.2 EPCIS namespace renamed to 2.0."""
    if tag.startswith(_PREFIXES_1):
        namespace, _, local = tag[1:].partition("}")
        return f"{{{NS_1_TO_2[namespace]}}}{local}"
    return tag


def _copy_leaf(node: etree._Element, parent: etree._Element) -> etree._Element:
    if isinstance(node, etree._Comment):
        copy: etree._Element = etree.Comment(node.text)
    elif isinstance(node, etree._ProcessingInstruction):
        copy = etree.ProcessingInstruction(node.target, node.text)
    else:
        copy = etree.Entity(node.name)
    parent.append(copy)
    return copy


def _copy_children(node: etree._Element, copy: etree._Element) -> None:
    """Copy the children of ``node`` under ``copy`` (whose scope equals node's, renamed)."""
    scope = None
    for child in node:
        tag = child.tag
        if not isinstance(tag, str):
            _copy_leaf(child, copy).tail = child.tail
            continue
        if scope is None:
            scope = node.nsmap
        if child.nsmap == scope:  # declares nothing: inherits the copied scope as it is
            new = etree.SubElement(copy, _tag_2(tag))
            if child.keys():
                for name, value in child.items():
                    new.set(name, value)
            line = child.sourceline
            if line is not None:
                new.sourceline = min(line, _MAX_LINE)
        else:
            new = new_element(_tag_2(tag), copy, like=child, attrib=child.attrib)
        new.text = child.text
        new.tail = child.tail
        if len(child):
            _copy_children(child, new)


def copy_into(
    source: etree._Element,
    parent: etree._Element,
    *,
    tag: str | None = None,
    scope_like: etree._Element | None = None,
) -> etree._Element:
    """Append an exact copy of ``source`` to ``parent`` (its own tail is not copied).

    Args:
        source: The element to copy, with its whole subtree.
        parent: The new parent in the 2.0 tree.
        tag: A new tag for the copy itself (its subtree keeps its tags).
        scope_like: See :func:`new_element`.

    Returns:
        The copy.
    """
    if not isinstance(source.tag, str):
        return _copy_leaf(source, parent)
    copy = new_element(
        _tag_2(source.tag), parent, like=source, attrib=source.attrib, scope_like=scope_like
    )
    copy.text = source.text
    if len(source):
        if DEEP_COPY.get():
            for child in source:  # libxml2 copies keep lines, tails and inner declarations
                copy.append(child.__deepcopy__(None))
        else:
            _copy_children(source, copy)
    if tag is not None:
        copy.tag = tag
    return copy


class Item(NamedTuple):
    """One element child of a container, with the comments and PIs written around it."""

    element: etree._Element
    before: tuple[etree._Element, ...] = ()
    after: tuple[etree._Element, ...] = ()


def _no_text(text: str | None, container: etree._Element, where: etree._Element) -> None:
    if text and not text.isspace():
        fail(
            where,
            f"text {shown(text.strip())} in {label(container)}, which holds only elements",
        )


def scan(container: etree._Element) -> list[Item]:
    """The element children of an element-only container, each with its comments.

    Args:
        container: An element whose content model holds only elements.

    Returns:
        One :class:`Item` per element child, in document order; comments and processing
        instructions go with the element they precede (trailing ones with the last element).

    Raises:
        EpcisError: The container holds text (1.2-invalid).
    """
    text = container.text
    if text and not text.isspace():
        _no_text(text, container, container)
    items: list[Item] = []
    pending: list[etree._Element] = []
    for child in container:
        if isinstance(child.tag, str):
            items.append(Item(child, tuple(pending)) if pending else Item(child))
            pending = []
        elif isinstance(child, etree._Entity):
            fail(container, f"entity reference &{child.name}; in element-only content")
        else:
            pending.append(child)
        tail = child.tail
        if tail and not tail.isspace():
            _no_text(tail, container, child if not pending else container)
    if pending and items:
        last = items[-1]
        items[-1] = Item(last.element, last.before, tuple(pending))
    return items


def emit_comments(nodes: tuple[etree._Element, ...], parent: etree._Element) -> None:
    """Append copies of comments / PIs to ``parent``."""
    for node in nodes:
        copy_into(node, parent)


def simple_text(element: etree._Element) -> str:
    """The text of a simple-content element (comments allowed, child elements refused).

    Args:
        element: An element of a simple XSD type.

    Returns:
        Its text content, comments left out.

    Raises:
        EpcisError: The element has child elements.
    """
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child, etree._Comment | etree._ProcessingInstruction):
            fail(child, f"element inside {label(element)}, which holds a simple value")
        parts.append(child.tail or "")
    return "".join(parts)


# xs:dateTime (XSD 1.0) and the 2.0 epcis:DateTimeStamp pattern, checked after the whitespace
# collapse both types apply. The calendar check below completes the regular expressions.
_DATE_TIME = re.compile(
    r"-?(?P<y>[0-9]{4,})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"
    r"T(?P<H>[0-9]{2}):(?P<M>[0-9]{2}):(?P<S>[0-9]{2})(?:\.(?P<f>[0-9]+))?"
    r"(?P<z>Z|[+-](?P<zh>[0-9]{2}):(?P<zm>[0-9]{2}))?"
)
_DATE_TIME_STAMP = re.compile(
    r"([0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9]):([0-5][0-9]):"
    r"([0-5][0-9])(\.[0-9]+)?(Z|(([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)))"
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DOUBLE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|-?INF|NaN")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_HEX = re.compile(r"([0-9a-fA-F]{2})*")


_XML_SPACES = re.compile("[ \t\n\r]+")


def _collapse(value: str) -> str:
    """The XSD ``collapse`` of ``value``: runs of XML white space (only) made one space."""
    return _XML_SPACES.sub(" ", value).strip(" ")


def is_date_time(value: str) -> bool:
    """Whether ``value`` is an XSD 1.0 ``xs:dateTime`` (the 1.2 timestamp type)."""
    match = _DATE_TIME.fullmatch(_collapse(value))
    if match is None:
        return False
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"])
    if (
        year == 0
        or (len(match["y"]) > 4 and match["y"].startswith("0"))
        or not 1 <= month <= 12
        or not 1 <= day <= _DAYS[month - 1]
    ):
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if month == 2 and day == 29 and not leap:
        return False
    if hour == 24:  # XSD 1.0 allows 24:00:00 (the end of the day)
        if minute or second or (match["f"] or "0").strip("0"):
            return False
    elif hour > 23 or minute > 59 or second > 59:
        return False
    if match["zh"] is not None:
        zone = int(match["zh"]) * 60 + int(match["zm"])
        if int(match["zm"]) > 59 or zone > 14 * 60:
            return False
    return True


def is_date_time_stamp(value: str) -> bool:
    """Whether ``value`` is a 2.0 ``epcis:DateTimeStamp`` (an ``xs:dateTime`` with an offset)."""
    return is_date_time(value) and _DATE_TIME_STAMP.fullmatch(_collapse(value)) is not None


def is_double(value: str) -> bool:
    """Whether ``value`` is an ``xs:double``."""
    return _DOUBLE.fullmatch(_collapse(value)) is not None


def is_decimal(value: str) -> bool:
    """Whether ``value`` is an ``xs:decimal``."""
    return _DECIMAL.fullmatch(_collapse(value)) is not None


def is_boolean(value: str) -> bool:
    """Whether ``value`` is an ``xs:boolean``."""
    return _collapse(value) in ("true", "false", "1", "0")


def is_hex_binary(value: str) -> bool:
    """Whether ``value`` is an ``xs:hexBinary``."""
    return _HEX.fullmatch(_collapse(value)) is not None
