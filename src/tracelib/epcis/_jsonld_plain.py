"""Plain JSON-LD documents read without a JSON parse of their events: the same models, or ``None``.

Most EPCIS JSON-LD is *plain*: an ``EPCISDocument`` whose ``epcisBody`` holds only its
``eventList``, as the last member of the document, and whose events are ``ObjectEvent``
objects with their frequent members (times, event ID, EPC list, action, business step,
disposition, read point and business location ``{"id": ...}``, an ILMD of prefixed string
members, prefixed string user extensions), ``type`` first, the standard members in any
order (the patterns of the order of the standard's examples and of
:func:`~tracelib.epcis.jsonld.to_jsonld` are tried first), the prefixed ones after them,
strings without escapes. :func:`plain_document` reads the events of such a document with one
regular expression match each (the member names are literals of the pattern), builds the
prepared dicts that :class:`~tracelib.epcis._jsonld_prep.Prep` makes of them, and checks them
with the same quick validators (:mod:`~tracelib.epcis._models_fast`). No JSON value is made
for the events, no hook looks for repeated member names (the patterns cannot repeat a
standard member; prefixed names are checked), which is most of what reading costs.

The head of the document (``@context``, ``type``, ``schemaVersion``, ``creationDate``, a
header, up to ``"eventList": [``) is read by :func:`~tracelib.epcis._jsonld_parse.loads`
and validated by the models, closed with ``]}}``, as the XML reader lets lxml parse the root
start tag. It answers only when everything after the head is matched up to ``]}}`` and white
space, and gives ``None`` for anything else (then :func:`~tracelib.epcis.jsonld.from_jsonld`
reads the document as before and reports errors with their JSON paths). Strings are
``"[^"]*"``: a document with a backslash anywhere is not plain, and an event with a tab,
line feed or carriage return inside a string is not either. JSON forbids every control
character inside a string: the models refuse them in every value (identifiers, CBV values,
timestamps, member names), and the reader looks for them in the free text of extension and
ILMD members (once per distinct text where it caches by text). ``tests/epcis/test_jsonld_plain.py``
compares it with the JSON reader on the corpus, generated documents and their mutations.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

from ._context import DEFAULT_NAMESPACES, merge_namespaces
from ._extensions import fast_node
from ._gc import PausedGc
from ._jsonld_context import EMPTY, Problem, effective_namespaces, process
from ._jsonld_parse import loads
from ._jsonld_prep import Prep
from ._models_base import NAMESPACES_KEY
from ._models_extensible import prefix_changes
from ._models_fast import _VALIDATORS, _validators, with_events
from ._source import attach_namespaces_all
from ._xml_fast import _ILMDS, _LEAF, _LOCATION_KEYS, _remember, _shared

__all__ = ["plain_document"]

# As in _xml_plain: nothing in the patterns needs to give back what it matched.
_P = "+" if sys.version_info >= (3, 11) else ""
_W = f"[ \\t\\n\\r]*{_P}"
# A string without escapes (the document has no backslash): "[^"]" is a quick loop of the
# matcher; its control characters are checked apart (see _read).
_S = f'"([^"]*{_P})"'
_ANY = f'"[^"]*{_P}"'
# The name of the first prefixed member: with a colon, so that a standard member out of the
# fixed order is not taken for an extension (the patterns in any order then read the event).
_PREFIXED = f'"([^":]*{_P}:[^"]*{_P})"'


def _event_pattern(comma: str, colon: str, space: str) -> re.Pattern[str]:
    """The pattern of a plain event whose separators are ``comma`` and ``colon`` (patterns)
    and whose white space after ``{`` or ``[`` and before ``}`` or ``]`` is ``space``."""

    def member(name: str, value: str) -> str:
        return f'{comma}"{name}"{colon}{value}'

    def optional(name: str, value: str) -> str:
        return f"(?:{member(name, value)})?{_P}"

    pairs = f"{_ANY}{colon}{_ANY}(?:{comma}{_ANY}{colon}{_ANY})*{_P}"
    return re.compile(
        f'\\{{{space}"type"{colon}"ObjectEvent"'
        + member("eventTime", _S)
        + optional("recordTime", _S)
        + member("eventTimeZoneOffset", _S)
        + optional("eventID", _S)
        + optional("epcList", f"\\[{space}((?:{_ANY}(?:{comma}{_ANY})*{_P})?{_P}){space}\\]")
        + member("action", _S)
        + optional("bizStep", _S)
        + optional("disposition", _S)
        + optional("readPoint", f'\\{{{space}"id"{colon}{_S}{space}\\}}')
        + optional("bizLocation", f'\\{{{space}"id"{colon}{_S}{space}\\}}')
        + optional("ilmd", f"\\{{{space}({pairs}){space}\\}}")
        # prefixed members: the first one's name and value, then the text of the others
        + f"(?:{comma}{_PREFIXED}{colon}{_S}((?:{comma}{_ANY}{colon}{_ANY})*{_P}))?{_P}"
        # the separator from the next event (or the end of the list)
        + f"{space}\\}}{_W}(,?){_W}"
    )


def _any_order_pattern(comma: str, colon: str, space: str) -> re.Pattern[str]:
    """The pattern of a plain event whose standard members (after ``type``) come in any order,
    each at most once: a member seen before makes its alternative fail (a conditional on its
    group), so a repeated member leaves the event unmatched. The groups are those of
    :func:`_event_pattern`; ``eventTime``, ``eventTimeZoneOffset`` and ``action`` may then be
    missing (the reader checks them)."""

    def member(group: str, name: str, value: str) -> str:
        return f'"{name}"{colon}(?({group})(?!)|{value})'

    location = f'\\{{{space}"id"{colon}{_S}{space}\\}}'
    pairs = f"{_ANY}{colon}{_ANY}(?:{comma}{_ANY}{colon}{_ANY})*{_P}"
    members = "|".join(
        (
            member("1", "eventTime", _S),
            member("2", "recordTime", _S),
            member("3", "eventTimeZoneOffset", _S),
            member("4", "eventID", _S),
            member("5", "epcList", f"\\[{space}((?:{_ANY}(?:{comma}{_ANY})*{_P})?{_P}){space}\\]"),
            member("6", "action", _S),
            member("7", "bizStep", _S),
            member("8", "disposition", _S),
            member("9", "readPoint", location),
            member("10", "bizLocation", location),
            member("11", "ilmd", f"\\{{{space}({pairs}){space}\\}}"),
        )
    )
    return re.compile(
        f'\\{{{space}"type"{colon}"ObjectEvent"'
        + f"(?:{comma}(?:{members}))*{_P}"
        + f"(?:{comma}{_PREFIXED}{colon}{_S}((?:{comma}{_ANY}{colon}{_ANY})*{_P}))?{_P}"
        + f"{space}\\}}{_W}(,?){_W}"
    )


# Any white space, then the separators of compact JSON (to_jsonld, orjson, JSON.stringify)
# and of json.dumps: literal separators take the matcher a fifth less time than white space
# loops; then the same three with the standard members in any order (a few alternatives more
# to try per member). The reader tries the one that matched the event before first.
_EVENTS = (
    _event_pattern(f"{_W},{_W}", f"{_W}:{_W}", _W),
    _event_pattern(",", ":", ""),
    _event_pattern(", ", ": ", ""),
    _any_order_pattern(", ", ": ", ""),
    _any_order_pattern(",", ":", ""),
    _any_order_pattern(f"{_W},{_W}", f"{_W}:{_W}", _W),
)
_PAIR = re.compile(f'"([^"]*)"{_W}:{_W}"([^"]*)"')
_STRING = re.compile('"([^"]*)"')
_BREAKS = re.compile("[\\t\\n\\r]")
# The end of the head, with the white space before the first event.
_HEAD_END = re.compile(f'"epcisBody"{_W}:{_W}\\{{{_W}"eventList"{_W}:{_W}\\[{_W}')
_TAIL = re.compile(f"{_W}\\]{_W}\\}}{_W}\\}}{_W}")
# Not JSON in a string: control characters. The models refuse them in every value but the
# free text of extension and ILMD members, which the reader checks itself (tab, line feed and
# carriage return apart: see _events).
_CONTROL = re.compile("[\x00-\x1f]")
_PD_KEYS = frozenset(
    {"epcis:persistentDisposition", DEFAULT_NAMESPACES["epcis"] + "persistentDisposition"}
)
_EMPTY_BODY: dict[str, list[Any]] = {"eventList": []}

# prefixes in scope -> (the Prep whose member-name bindings are reused, {raw text of an
# ILMD's members: its model once validated}, {raw text of an event's prefixed members: nodes})
_CACHES: dict[tuple[Any, ...], tuple[Prep, dict[str, Any], dict[str, Any]]] = {}


class _NotPlainError(Exception):
    """The document is not plain: read it with the JSON reader."""


def _adapters() -> Any:
    from . import models

    return models


def _head(head: str) -> tuple[Any, Mapping[str, str]]:
    """The document of ``head`` (up to ``"eventList": [``) validated with no events, and
    the prefixes in scope."""
    value, _ = loads(head + "]}}")  # an EpcisError: not plain
    if (
        type(value) is not dict
        or value.get("type") != "EPCISDocument"
        or next(reversed(value)) != "epcisBody"
        or value["epcisBody"] != _EMPTY_BODY
    ):
        raise _NotPlainError
    active = EMPTY
    if "@context" in value:
        problems: list[Problem] = []
        active = process(value["@context"], EMPTY, "$['@context']", problems)
        if problems:
            raise _NotPlainError
    namespaces: Mapping[str, str] = effective_namespaces(active)
    if namespaces == DEFAULT_NAMESPACES:
        namespaces = DEFAULT_NAMESPACES
    document = _adapters().DOCUMENT_ADAPTER.validate_python(
        value, context={NAMESPACES_KEY: namespaces}
    )
    if prefix_changes(merge_namespaces(namespaces), document.context):
        raise _NotPlainError
    return document, namespaces


def _caches(namespaces: Mapping[str, str]) -> tuple[Prep, dict[str, Any], dict[str, Any]]:
    """The Prep (its member-name bindings) and the caches by raw text of ``namespaces``."""
    key = tuple(namespaces.items())
    found = _CACHES.get(key)
    if found is None:
        found = _remember(_CACHES, key, (Prep(namespaces), {}, {}))
    return found


def _nodes(text: str, prep: Prep) -> tuple[Any, ...]:
    """The extension nodes of ``"prefix:name": "value"`` members (names bound as Prep does)."""
    nodes = []
    names = set()
    keys = prep._keys
    for name, value in _PAIR.findall(text):
        how = keys.get(name)
        if how is None:
            how = _remember(keys, name, prep._key(name))
        if type(how) is not tuple or name in _PD_KEYS or name in names:
            raise _NotPlainError
        if not value.isprintable() and _CONTROL.search(value):
            raise _NotPlainError
        names.add(name)
        namespace, local, prefix = how
        nodes.append(fast_node((namespace, local, prefix, value, *_LEAF)))
    return tuple(nodes)


def _ilmd(text: str, prep: Prep, seen: dict[str, Any]) -> Any:
    """The ILMD model (or dict, the first time) of its members' text."""
    nodes = _nodes(text, prep)
    found = (
        tuple(f"{{{node[0]}}}{node[1]}" for node in nodes),
        tuple(node[2] for node in nodes),
        tuple(node[3] for node in nodes),
    )
    value = _shared(_ILMDS, found, "ilmd", {"extensions": nodes})
    if type(value) is not dict:
        _remember(seen, text, value)
    return value


def _epcs(inner: str) -> list[str]:
    """The strings of an EPC list's inside (``"a", "b"``) whatever white space separates them."""
    if not inner:
        return []
    texts = inner[1:-1].split('","')
    return texts if '"' not in "".join(texts) else _STRING.findall(inner)


def _events(
    text: str, pos: int, namespaces: Mapping[str, str], sources: bool, tabs: bool
) -> tuple[list[Any], int]:
    """The event models from ``pos`` on, and where the list ends (``tabs``: the document
    has a tab or a carriage return somewhere)."""
    prep, ilmds, texts_seen = _caches(namespaces)
    keys = prep._keys
    points = _LOCATION_KEYS["readPoint"]
    places = _LOCATION_KEYS["bizLocation"]
    validate = (_VALIDATORS or _validators())["ObjectEvent"]
    matches = [pattern.match for pattern in (*_EVENTS[1:3], _EVENTS[0], *_EVENTS[3:])]
    match = matches[0]
    events: list[Any] = []
    separator = '", "'  # between the EPCs of the list: json.dumps's, then as found
    more = True
    while more:
        found = match(text, pos)
        if found is None:
            for other in matches:
                found = other(text, pos)
                if found is not None:
                    match = other
                    break
            else:
                if events:  # after a comma: another event is due
                    raise _NotPlainError
                break
        pos = found.end()
        first, last = found.start(), found.start(15)
        # A tab or a line break: only between members (JSON strings hold none). LF is found
        # with memchr; tab and CR, when the document has any, by a character class.
        if (
            text.find("\n", first, last) >= 0 or (tabs and _BREAKS.search(text, first, last))
        ) and _BREAKS.search("".join(text[first:last].split('"')[1::2])):
            raise _NotPlainError
        (time, record, offset, ident, epcs, action, step, disposition, point, place, ilmd) = (
            groups := found.groups()
        )[:11]
        if time is None or offset is None or action is None:  # members in any order
            raise _NotPlainError
        out: dict[str, Any] = {
            "type": "ObjectEvent",
            "eventTime": time,
            "eventTimeZoneOffset": offset,
            "action": action,
        }
        if record is not None:
            out["recordTime"] = record
        if ident is not None:
            out["eventID"] = ident
        if epcs is not None:
            texts = epcs[1:-1].split(separator)
            if '"' in "".join(texts):
                texts = _epcs(epcs)
                if len(texts) > 1:
                    separator = epcs[len(texts[0]) + 1 : epcs.index('"', len(texts[0]) + 2) + 1]
            elif not epcs:
                texts = []
            out["epcList"] = texts
        if step is not None:
            out["bizStep"] = step
        if disposition is not None:
            out["disposition"] = disposition
        if point is not None:
            shared = points.get(point)
            if shared is None or shared is True or shared is False:
                shared = _shared(points, point, "readPoint", {"id": point})
            out["readPoint"] = shared
        if place is not None:
            shared = places.get(place)
            if shared is None or shared is True or shared is False:
                shared = _shared(places, place, "bizLocation", {"id": place})
            out["bizLocation"] = shared
        if ilmd is not None:
            shared = ilmds.get(ilmd)
            out["ilmd"] = _ilmd(ilmd, prep, ilmds) if shared is None else shared
        name, value, others = groups[11:14]
        if others:  # several prefixed members: by their text
            members = text[found.start(12) - 1 : found.end(14)]
            nodes = texts_seen.get(members)
            if nodes is None:
                nodes = _remember(texts_seen, members, _nodes(members, prep))
            out["extensions"] = nodes
        elif name is not None:  # one: its name's binding, inlined
            how = keys.get(name)
            if how is None:
                how = _remember(keys, name, prep._key(name))
            if (
                type(how) is not tuple
                or name in _PD_KEYS
                or (not value.isprintable() and _CONTROL.search(value))
            ):
                raise _NotPlainError
            out["extensions"] = (fast_node((*how, value, *_LEAF)),)
        events.append(validate(out))  # a ValidationError: the JSON reader reports it
        more = bool(groups[14])
    if sources and namespaces is not DEFAULT_NAMESPACES:
        attach_namespaces_all(events, namespaces)
    return events, pos


def _read(data: bytes | str, sources: bool) -> Any:
    if type(data) is bytes:
        text = data.decode("utf-8")  # a UnicodeDecodeError: not plain
    elif type(data) is str:
        text = data
        data.encode("utf-8")  # lone surrogates: not plain
    else:
        raise _NotPlainError
    found = _HEAD_END.search(text)
    if found is None:
        raise _NotPlainError
    start = found.end()
    # The first event first: a document in another member order costs one match more.
    if not any(pattern.match(text, start) for pattern in _EVENTS):
        raise _NotPlainError
    if "\\" in text:
        raise _NotPlainError
    document, namespaces = _head(text[:start])
    events, end = _events(text, start, namespaces, sources, "\t" in text or "\r" in text)
    if not events:
        raise _NotPlainError
    tail = _TAIL.match(text, end)
    if tail is None or tail.end() != len(text):
        raise _NotPlainError
    return with_events(document, tuple(events))


def plain_document(data: bytes | str, *, sources: bool = True) -> Any:
    """The model of a plain EPCIS JSON-LD document, or ``None`` to read it as JSON.

    Args:
        data: The whole document (UTF-8 bytes or text).
        sources: Record the prefixes in scope of each event
            (:func:`~tracelib.epcis._source.source_namespaces`); ``False`` when only the
            models are needed (the event hash without ``namespaces="source"``).

    Returns:
        The :class:`~tracelib.epcis.models.EPCISDocument`, equal to what the JSON reader
        gives (events, prefixes in scope, no findings), or ``None``.

    Examples:
        >>> doc = plain_document(b'''{"@context": [
        ...     "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        ...     {"vn": "https://htx.example.vn/ns/"}], "type": "EPCISDocument",
        ...   "schemaVersion": "2.0", "creationDate": "2024-11-20T07:00:00+07:00",
        ...   "epcisBody": {"eventList": [
        ...   {"type": "ObjectEvent", "eventTime": "2024-11-20T06:30:00+07:00",
        ...    "eventTimeZoneOffset": "+07:00", "action": "OBSERVE", "vn:xe": "37C-123.45"}]}}''')
        >>> doc.events[0].action, doc.events[0].extensions[0].value
        ('OBSERVE', '37C-123.45')
        >>> plain_document(b'{"type": "EPCISDocument"}') is None
        True
    """
    try:
        with PausedGc():
            return _read(data, sources)
    except _NotPlainError:
        return None
    except Exception:  # anything unexpected: the JSON reader decides
        return None
