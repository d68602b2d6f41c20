"""Plain XML documents read without an XML tree: the same models, or ``None``.

Most EPCIS XML is *plain*: an ``EPCISDocument`` without header whose events are
``ObjectEvent`` elements with their frequent parts (times, event ID, EPC list, action,
business step, disposition, read point, business location, an ILMD of leaf elements, leaf
user extensions), in the XSD order, without attributes, comments, CDATA sections or
character references. :func:`plain_document` reads such a document with one regular
expression match per event (the standard's element names are literals of the pattern),
builds the very dicts the tree walker of :mod:`tracelib.epcis._xml_fast` builds, and
validates them with the same quick validators; no element objects are made, which is most
of the time an XML tree costs. The root start tag (with the XML declaration) is parsed by
lxml with the safe parser, so its attributes and namespace declarations are what lxml says.

It answers only when everything between the root's start and end tags is matched, and gives
``None`` for anything else (then :func:`~tracelib.epcis.xml.from_xml` parses the document as
before and reports errors with their lines). The patterns accept a strict subset of
well-formed XML: literal tag names, text without ``<``, ``&``, carriage returns, control
characters or non-characters, white space between elements only, no ``]]>``; extension
elements ``prefix:name`` whose prefix the root declares (to another namespace than EPCIS').
``tests/epcis/test_xml_plain.py`` compares it with the tree reader on the corpus, generated
documents and their mutations.
"""

from __future__ import annotations

import re
import sys
from typing import Any, NamedTuple

from lxml import etree

from ..errors import EpcisError
from ._extensions import fast_node
from ._gc import PausedGc
from ._models_base import XML_SPACE
from ._models_fast import _VALIDATORS, _validators
from ._source import attach_namespaces_all
from ._xml_fast import _ILMDS, _LEAF, _LOCATION_KEYS, _STRIP, _remember, _shared
from ._xml_names import EPCIS_NS
from ._xml_read_doc import document_attributes, validate_document
from ._xml_read_locate import namespaces_of
from ._xml_safe import MAX_TEXT_NODE, SAFE_PARSER_KWARGS

__all__ = ["plain_document"]

# Values lose their XML white space only. str.strip() also takes the ASCII characters below
# (none is an XML character: such a document is not plain) and Unicode spaces (NEL, NBSP...:
# the values of a document that is not all ASCII are stripped of XML white space by name with
# _xml_fast._STRIP, a little slower).
_NOT_XML_SPACES = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")

_PARSER = etree.XMLParser(**SAFE_PARSER_KWARGS)

# Nothing in the patterns ever needs to give back what it matched (text stops at "<", each
# optional part starts with its own tag): from Python 3.11 they say so (possessive
# quantifiers, about 15% quicker); before, the same patterns backtrack in vain.
_P = "+" if sys.version_info >= (3, 11) else ""

_W = f"[ \\t\\r\\n]*{_P}"
# At most 1,000 characters (libxml2 refuses names over 50,000).
_NAME = f"[A-Za-z_][A-Za-z0-9_.\\-]{{0,999}}{_P}"
_QNAME = f"{_NAME}:{_NAME}"


class _Patterns(NamedTuple):
    event: re.Pattern[str]
    epc: re.Pattern[str]
    leaf: re.Pattern[str]


def _patterns(char: str) -> _Patterns:
    """The patterns of a plain event whose text characters are ``char`` (a class)."""
    t = f"({char}*{_P})"
    leaf = f"(?:<(?P<@>{_QNAME})>{char}*{_P}</(?P=@)>{_W})+{_P}"  # "@": the group name
    event = (
        _W
        + "<ObjectEvent>"
        + _W
        + f"<eventTime>{t}</eventTime>{_W}"
        + f"(?:<recordTime>{t}</recordTime>{_W})?{_P}"
        + f"<eventTimeZoneOffset>{t}</eventTimeZoneOffset>{_W}"
        + f"(?:<eventID>{t}</eventID>{_W})?{_P}"
        + f"(?:<epcList>{_W}((?:<epc>{char}+{_P}</epc>{_W})*{_P})</epcList>{_W})?{_P}"
        + f"<action>{t}</action>{_W}"
        + f"(?:<bizStep>{t}</bizStep>{_W})?{_P}"
        + f"(?:<disposition>{t}</disposition>{_W})?{_P}"
        + f"(?:<readPoint>{_W}<id>{t}</id>{_W}</readPoint>{_W})?{_P}"
        + f"(?:<bizLocation>{_W}<id>{t}</id>{_W}</bizLocation>{_W})?{_P}"
        + f"(?:<ilmd>{_W}({leaf.replace('@', 'i')})</ilmd>{_W})?{_P}"
        + f"({leaf.replace('@', 'x')})?{_P}"
        + "</ObjectEvent>"
    )
    return _Patterns(
        re.compile(event, re.ASCII),
        re.compile(f"<epc>({char}+)</epc>"),
        re.compile(f"<({_NAME}):({_NAME})>({char}*)</", re.ASCII),
    )


# Text of an element has no markup, no references (the document has no "&"), no carriage
# return (XML turns CR LF into LF), no control characters (not XML characters) and no
# non-characters U+FFFE, U+FFFF (the document has none). A document without carriage returns
# takes the first patterns: "[^<]" is a quick loop of the matcher, a character set costs about
# seven times as much per character. Their text may hold control characters, which the models
# refuse in every value they check (identifiers, CBV values, timestamps) and _leaves in the
# free text of extension and ILMD elements.
_QUICK = _patterns("[^<]")
_STRICT = _patterns("[^<&\\x00-\\x08\\x0b-\\x1f]")
# Not XML characters: the C0 controls but tab and line feed (carriage returns are apart).
_CONTROL = re.compile("[\\x00-\\x08\\x0b-\\x1f]")

# The XML declaration (optional) and the root start tag, in bytes; lxml checks them.
_HEAD = re.compile(
    rb"(?:<\?xml[^<>]*\?>)?[ \t\r\n]*<(" + _NAME.encode() + rb"):EPCISDocument(?:[ \t\r\n][^<>]*)?>"
)
_ENCODING = re.compile(rb"""\bencoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z0-9._\-]*)["']""")
# No text node may pass libxml2's limit (bytes): a span of text under a quarter of it cannot.
_LIMIT = MAX_TEXT_NODE // 4
_OPEN = re.compile(f"{_W}<EPCISBody>{_W}<EventList>")
_CLOSE = re.compile(f"</EventList>{_W}</EPCISBody>{_W}</({_NAME}):EPCISDocument>{_W}")

# namespace declarations -> {raw ILMD text: its model once validated}
_ILMD_TEXTS: dict[tuple[Any, ...], dict[str, Any]] = {}
# namespace declarations -> {raw extension text: its nodes}
_EXTENSION_TEXTS: dict[tuple[Any, ...], dict[str, Any]] = {}


class _NotPlainError(Exception):
    """The document is not plain: read it with the tree."""


def _root(data: bytes) -> tuple[Any, str, int]:
    """The root element (without children), its prefix and the end of its start tag."""
    head = _HEAD.match(data)
    if head is None:
        raise _NotPlainError
    declaration = data[: head.start(1)]
    encoding = _ENCODING.search(declaration)
    if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _NotPlainError
    prefix = head.group(1)
    try:
        root = etree.fromstring(data[: head.end()] + b"</" + prefix + b":EPCISDocument>", _PARSER)
    except etree.XMLSyntaxError:
        raise _NotPlainError from None
    if root.tag != f"{{{EPCIS_NS}}}EPCISDocument" or None in root.nsmap:
        raise _NotPlainError
    return root, prefix.decode("ascii"), head.end()


def _leaves(text: str, nsmap: dict[str, str], leaf: re.Pattern[str]) -> tuple[Any, ...]:
    nodes = []
    for prefix, name, value in leaf.findall(text):
        namespace = nsmap.get(prefix)
        if namespace is None or namespace == EPCIS_NS or _CONTROL.search(value):
            raise _NotPlainError
        nodes.append(fast_node((namespace, name, prefix, value, *_LEAF)))
    return tuple(nodes)


def _texts(caches: dict[tuple[Any, ...], dict[str, Any]], key: tuple[Any, ...]) -> dict[str, Any]:
    """The cache by raw text of the documents with the namespace declarations ``key``."""
    found = caches.get(key)
    if found is None:
        found = _remember(caches, key, {})
    return found


def _ilmd(text: str, nsmap: dict[str, str], seen: dict[str, Any], leaf: re.Pattern[str]) -> Any:
    """The ILMD model (or dict, the first time) of a list of leaf elements."""
    nodes = _leaves(text, nsmap, leaf)
    found = (
        tuple(f"{{{node[0]}}}{node[1]}" for node in nodes),
        tuple(node[2] for node in nodes),
        tuple(node[3] for node in nodes),
    )
    value = _shared(_ILMDS, found, "ilmd", {"extensions": nodes})
    if type(value) is not dict:
        _remember(seen, text, value)
    return value


def _events(
    text: str, start: int, end: int, root: Any, sources: bool, patterns: _Patterns, strip: Any
) -> list[Any]:
    """The event models of ``text[start:end]`` (the inside of ``<EventList>``), their values
    stripped with ``strip``."""
    nsmap = root.nsmap
    key = tuple(nsmap.items())
    namespaces = namespaces_of(root) if sources else None
    points = _LOCATION_KEYS["readPoint"]
    places = _LOCATION_KEYS["bizLocation"]
    ilmds = _texts(_ILMD_TEXTS, key)
    texts_seen = _texts(_EXTENSION_TEXTS, key)
    validate = (_VALIDATORS or _validators())["ObjectEvent"]
    match = patterns.event.match
    epcs_of = patterns.epc.findall
    leaf = patterns.leaf
    bounded = end - start > _LIMIT
    events: list[Any] = []
    pos = start
    while pos < end:
        found = match(text, pos, end)
        if found is None:
            if (bounded and end - pos > _LIMIT) or text[pos:end].strip(XML_SPACE):
                raise _NotPlainError
            break
        if bounded and found.end() - found.start() > _LIMIT:
            raise _NotPlainError
        pos = found.end()
        (time, record, offset, ident, epcs, action, step, disposition, point, place, ilmd, _) = (
            groups := found.groups()
        )[:12]
        extensions = groups[12]
        out: dict[str, Any] = {
            "type": "ObjectEvent",
            "eventTime": strip(time),
            "eventTimeZoneOffset": strip(offset),
            "action": strip(action),
        }
        if record is not None:
            out["recordTime"] = strip(record)
        if ident is not None:
            out["eventID"] = strip(ident)
        if epcs:
            # <epc>a</epc><epc>b</epc>: split; with white space between, the pattern finds them
            texts = epcs[5:-6].split("</epc><epc>")
            if not epcs.endswith("</epc>") or "<" in "".join(texts):
                texts = epcs_of(epcs)
            out["epcList"] = list(map(strip, texts))
        elif epcs is not None:
            out["epcList"] = []
        if step is not None:
            out["bizStep"] = strip(step)
        if disposition is not None:
            out["disposition"] = strip(disposition)
        if point is not None:
            point = strip(point)
            shared = points.get(point)
            if shared is None or shared is True or shared is False:
                shared = _shared(points, point, "readPoint", {"id": point})
            out["readPoint"] = shared
        if place is not None:
            place = strip(place)
            shared = places.get(place)
            if shared is None or shared is True or shared is False:
                shared = _shared(places, place, "bizLocation", {"id": place})
            out["bizLocation"] = shared
        if ilmd is not None:
            shared = ilmds.get(ilmd)
            out["ilmd"] = _ilmd(ilmd, nsmap, ilmds, leaf) if shared is None else shared
        if extensions is not None:
            nodes = texts_seen.get(extensions)
            if nodes is None:
                nodes = _remember(texts_seen, extensions, _leaves(extensions, nsmap, leaf))
            out["extensions"] = nodes
        events.append(validate(out))  # a ValidationError: the tree reader reports it
    if namespaces is not None:
        attach_namespaces_all(events, namespaces)
    return events


def _read(data: bytes, sources: bool) -> Any:
    root, prefix, body = _root(data)
    try:
        text = data[body:].decode("utf-8")
    except UnicodeDecodeError:
        raise _NotPlainError from None
    opened = _OPEN.match(text)
    closed = _CLOSE.match(text, max(text.rfind("</EventList>"), 0))
    if opened is None or closed is None or closed.group(1) != prefix:
        raise _NotPlainError
    if closed.end() != len(text) or closed.start() < opened.end():
        raise _NotPlainError
    if "&" in text or ("]" in text and "]]>" in text):
        raise _NotPlainError
    if not text.isascii() and ("\ufffe" in text or "\uffff" in text):
        raise _NotPlainError
    if any(space in data for space in _NOT_XML_SPACES):
        raise _NotPlainError
    quick = "\r" not in text
    strip: Any = str.strip if text.isascii() else _STRIP
    # libxml2's text node limit holds for white space too: the runs around the events.
    if len(text) > _LIMIT and (opened.end() > _LIMIT or len(text) - closed.start() > _LIMIT):
        raise _NotPlainError
    events = _events(
        text, opened.end(), closed.start(), root, sources, _QUICK if quick else _STRICT, strip
    )
    # The dict and the validation of the tree reader's _capture (no header, no findings).
    out: dict[str, Any] = {"type": "EPCISDocument"}
    document_attributes(root, out)
    out["epcisBody"] = {"eventList": () if events else []}
    try:
        return validate_document(out, root, [], tuple(events), sources=sources)
    except EpcisError:
        raise _NotPlainError from None


def plain_document(data: bytes, *, sources: bool = True) -> Any:
    """The model of a plain EPCIS XML document, or ``None`` to read it with the tree.

    Args:
        data: The whole document (UTF-8; its size already checked by the caller).
        sources: Record the prefixes in scope of the document and of each event
            (:func:`~tracelib.epcis._source.source_namespaces`); ``False`` when only the
            models are needed (the event hash without ``namespaces="source"``).

    Returns:
        The :class:`~tracelib.epcis.models.EPCISDocument`, equal to what the tree reader
        gives (events, prefixes in scope, no findings), or ``None``.

    Examples:
        >>> doc = plain_document(b'''<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"
        ...   schemaVersion="2.0" creationDate="2024-11-20T07:00:00+07:00"><EPCISBody><EventList>
        ...   <ObjectEvent><eventTime>2024-11-20T06:30:00+07:00</eventTime>
        ...     <eventTimeZoneOffset>+07:00</eventTimeZoneOffset><action>OBSERVE</action>
        ...   </ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>''')
        >>> doc.events[0].action
        'OBSERVE'
        >>> plain_document(b"<epcis:EPCISDocument/>") is None
        True
    """
    try:
        with PausedGc():
            return _read(data, sources)
    except _NotPlainError:
        return None
    except Exception:  # anything unexpected: the tree reader decides
        return None
