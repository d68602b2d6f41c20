"""``plain_document`` against the JSON reader on documents that stray from plain.

Mutations of generated plain documents (members repeated, dropped, moved, renamed, odd
names and values, trailing commas, members after or inside the body, headers, other types,
contexts, characters, escapes, bytes) and named documents straying from plain in each way the
reader checks: wherever the JSON reader raises, the plain reader gives ``None``; wherever it
answers, exactly what the JSON reader gives (``tests/epcis/plain_jsonld.py``, ``_check``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.epcis.plain_jsonld import (
    _LAYOUTS,
    _SLOW,
    _URL,
    _WS_CHARS,
    _Arr,
    _check,
    _dump,
    _Obj,
    _reference,
    _tree,
    plain_trees,
)

# -- mutations ------------------------------------------------------------------------------------

_STANDARD = ["type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "epcList"]
_STANDARD += ["action", "bizStep", "disposition", "readPoint", "bizLocation", "ilmd", "id"]
_STANDARD += ["quantityList", "persistentDisposition", "bizTransactionList", "sensorElementList"]
_STANDARD += ["epcisHeader", "epcisBody", "eventList", "schemaVersion", "creationDate"]
_ODD_NAMES = [
    "zz:x",  # an undeclared prefix
    "https://example.com/x",  # absolute IRIs
    "urn:ex:a:x",
    "https://example.vn/truy-xuat/truck",  # a declared prefix's IRI, expanded
    "epcis:persistentDisposition",
    "https://ref.gs1.org/epcis/persistentDisposition",
    "epcis:action",
    "https://ref.gs1.org/epcis/action",
    "cbv:x",
    "gs1:x",
    "rdfs:comment",
    "rdf:type",
    "xsd:x",
    "owl:x",
    "dcterms:x",
    "_:b0",
    "@id",
    "@type",
    "@context",
    "@vocab",
    "@value",
    "truck",
    "ex:",
    ":x",
    "ex:a b",
    "Ex:truck",
    "ex:ignoreFields",
    "",
]
_ODD_VALUES: list[Any] = [1, -0.5, 1e3, 0, True, False, None, {}, [], {"id": "urn:x:y"}, ["a"]]
_ODD_VALUES += [{"@id": "urn:x:y"}, {"@value": "x"}, {"@value": "1", "@type": "xsd:integer"}]
_ODD_VALUES += ["", " ", "x", "urn:x:y", "2024-05-01T08:30:00Z", "ADD", "shipping", "ệ"]
_ODD_VALUES += [{"ex:a": "1"}, [{"id": "urn:epc:id:sgln:893012345.000.1"}]]
_ODD_CONTEXTS: list[Any] = [
    None,
    _URL,
    [_URL],
    [_URL, _URL],
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld",
    "https://example.com/unknown-context.jsonld",
    {"ex": "urn:ex:a:"},
    [{"ex": "urn:ex:a:"}, _URL],
    [_URL, {"cbvmda": "urn:other:"}],  # a protected term redefined
    [_URL, {"cbvmda": "urn:epcglobal:cbv:mda:"}],  # ... to itself
    [_URL, {"epcis": "urn:other:"}],
    [_URL, {"action": "ex:action", "ex": "urn:ex:a:"}],
    [_URL, {"ex": "https://ref.gs1.org/epcis/"}],
    [_URL, {"ex": "urn:ex"}],
    [_URL, {"ex": {"@id": "urn:ex:a:", "@prefix": True}}],
    [_URL, {"ex": {"@id": "urn:ex:a:"}}],
    [_URL, {"ex": None}],
    [_URL, {"@vocab": "urn:vocab:"}],
    [_URL, {"@base": "urn:base:"}],
    [_URL, {"@version": 1.1, "ex": "urn:ex:a:"}],
    [_URL, {"@protected": True, "ex": "urn:ex:a:"}],
    [_URL, {"urn": "https://example.com/urn/"}],
    [_URL, {"https": "urn:x:"}],
    [_URL, {"ex": "urn:ex:a:"}, {"ex": "urn:ex:b:"}],
    [_URL, {"truck": "ex:truck", "ex": "urn:ex:a:"}],
    [_URL, 1],
    [_URL, []],
    [_URL, {}],
]
_EVENT_TYPES = ["AggregationEvent", "TransactionEvent", "TransformationEvent"]
_EVENT_TYPES += ["AssociationEvent", "objectEvent", "epcis:ObjectEvent", "ObjectEvent "]
_EVENT_TYPES += ["https://ref.gs1.org/epcis/ObjectEvent", "EPCISDocument"]
_DOCUMENT_TYPES = ["EPCISQueryDocument", "EPCISMasterDataDocument", "epcis:EPCISDocument"]
_CHARS = [*'\\"\x00\x01\x1f\t\n\r,}]{[:é\u2028\uffff\ufeff\xa0\x0b\x0c x0', "\\u0000", "ab"]
_ESCAPES = ["\\u0000", "\\u00e9", "\\n", '\\"', "\\\\", "\\/", "\\ud800", "\\ud83d\\ude00", "\\t"]
_BAD_BYTES = [b"\xff", b"\x80", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80"]
_TOKENS = re.compile(r'"[^"\\]*"|[{}\[\],:]')


def _containers(value: Any) -> list[Any]:
    """Every object and array of a tree, the root first."""
    found = [value] if isinstance(value, list) else []
    for item in value if isinstance(value, list) else ():
        found += _containers(item[1] if isinstance(value, _Obj) else item)
    return found


def _objects(value: Any, name: str) -> list[Any]:
    """The objects that are values of members ``name`` (``"event"``: the events)."""
    found = []
    for node in _containers(value):
        if isinstance(node, _Obj):
            for member, item in node:
                if member == name and isinstance(item, _Obj):
                    found.append(item)
                if name == "event" and member == "eventList" and isinstance(item, _Arr):
                    found += [ev for ev in item if isinstance(ev, _Obj)]
    return found


def _members_of(draw: st.DrawFn, tree: Any) -> None:
    """A change to the members of one object or items of one array, in place."""
    node = draw(st.sampled_from(_containers(tree)))
    how = draw(st.sampled_from(["repeat", "drop", "move", "rename", "insert", "value"]))
    event(f"members: {how} in {'an object' if isinstance(node, _Obj) else 'an array'}")
    if not node or how == "insert":
        if isinstance(node, _Obj):
            name = draw(st.sampled_from(_STANDARD + _ODD_NAMES))
            item: Any = (name, draw(st.sampled_from(_ODD_VALUES)))
        else:
            item = draw(st.sampled_from(_ODD_VALUES))
        node.insert(draw(st.integers(0, len(node))), item)
        return
    at = draw(st.integers(0, len(node) - 1))
    if how == "repeat":
        copy = node[at]
        if isinstance(node, _Obj) and draw(st.booleans()):
            copy = (copy[0], draw(st.sampled_from(_ODD_VALUES)))
        node.insert(draw(st.sampled_from([at + 1, draw(st.integers(0, len(node)))])), copy)
    elif how == "drop":
        del node[at]
    elif how == "move":
        item = node.pop(at)
        node.insert(draw(st.integers(0, len(node))), item)
    elif how == "rename" and isinstance(node, _Obj):
        others = [name for name, _ in node]
        node[at] = (draw(st.sampled_from(_STANDARD + _ODD_NAMES + others)), node[at][1])
    elif isinstance(node, _Obj):
        node[at] = (node[at][0], draw(st.sampled_from(_ODD_VALUES)))
    else:
        node[at] = draw(st.sampled_from(_ODD_VALUES))


def _structure(draw: st.DrawFn, tree: Any) -> None:
    """A trailing comma, or a member after, in or beside the event list, in place."""
    how = draw(st.sampled_from(["trailing comma", "after the body", "in the body", "header"]))
    event(f"structure: {how}")
    (body,) = _objects(tree, "epcisBody")
    if how == "trailing comma":
        draw(st.sampled_from(_containers(tree))).trailing = True
    elif how == "after the body":
        name = draw(st.sampled_from(["ex:after", "schemaVersion", "epcisHeader", "@context"]))
        tree.append((name, draw(st.sampled_from(_ODD_VALUES))))
    elif how == "in the body":
        member = (draw(st.sampled_from(["ex:note", "eventList", "queryResults"])), "x")
        body.insert(draw(st.integers(0, len(body))), member)
    else:
        header = draw(st.sampled_from([{}, {"epcisMasterData": {"vocabularyList": []}}, "x"]))
        tree.insert(len(tree) - 1, ("epcisHeader", _tree(header)))


def _types(draw: st.DrawFn, tree: Any) -> None:
    """Another event or document type, in place."""
    if draw(st.booleans()):
        node = draw(st.sampled_from(_objects(tree, "event")))
        kinds = _EVENT_TYPES
    else:
        node, kinds = tree, _DOCUMENT_TYPES
    at = [name for name, _ in node].index("type")
    node[at] = ("type", draw(st.sampled_from(kinds)))
    event("type")


def _contexts(draw: st.DrawFn, tree: Any) -> None:
    """Another ``@context`` for the document, or one for an event, in place."""
    context = _tree(draw(st.sampled_from(_ODD_CONTEXTS)))
    if draw(st.booleans()):
        node = draw(st.sampled_from(_objects(tree, "event")))
        node.insert(draw(st.integers(0, len(node))), ("@context", context))
        event("context: of an event")
        return
    at = [name for name, _ in tree].index("@context")
    if context is None:
        del tree[at]
    else:
        tree[at] = ("@context", context)
    event("context: of the document")


_TREE_MUTATIONS: dict[str, Callable[[st.DrawFn, Any], None]] = {
    "members": _members_of,
    "structure": _structure,
    "types": _types,
    "contexts": _contexts,
}


def _strings(text: str) -> list[tuple[int, int]]:
    """The spans of the insides of the strings of ``text`` (written without escapes)."""
    return [(m.start() + 1, m.end() - 1) for m in _TOKENS.finditer(text) if m.group()[0] == '"']


def _boundaries(text: str) -> list[int]:
    """The positions between two tokens."""
    return sorted({p for m in _TOKENS.finditer(text) for p in m.span()})


def _in_string(draw: st.DrawFn, text: str) -> int:
    start, end = draw(st.sampled_from(_strings(text)))
    return int(draw(st.integers(start, end)))


def _characters(draw: st.DrawFn, text: str) -> bytes | str:
    """A character inserted, deleted or replaced: anywhere, between tokens or in a string."""
    where = draw(st.sampled_from(["anywhere", "between tokens", "in a string"]))
    if where == "anywhere":
        pos = int(draw(st.integers(0, len(text))))
    elif where == "between tokens":
        pos = int(draw(st.sampled_from(_boundaries(text))))
    else:
        pos = _in_string(draw, text)
    how = draw(st.sampled_from(["insert", "delete", "replace"]))
    event(f"character: {how} {where}")
    if how == "delete":
        return text[:pos] + text[pos + 1 :]
    char = draw(st.sampled_from(_CHARS))
    return text[:pos] + char + text[pos + (how == "replace") :]


def _escapes(draw: st.DrawFn, text: str) -> bytes | str:
    """A JSON escape (or a lone surrogate, in text) inside a string."""
    pos = _in_string(draw, text)
    escape = draw(st.sampled_from([*_ESCAPES, "\ud800", "\udfff"]))
    event("escape")
    return text[:pos] + escape + text[pos:]


_EXTENSION_VALUE = re.compile(r'"[^"\s:]+:[^"]*"\s*:\s*"([^"]*)"')


def _benign(draw: st.DrawFn, text: str) -> bytes | str:
    """Mostly still plain: JSON white space between tokens, or a character in the value of a
    prefixed member."""
    values = [m.span(1) for m in _EXTENSION_VALUE.finditer(text)]
    if draw(st.booleans()) or not values:
        pos = int(draw(st.sampled_from(_boundaries(text))))
        event("benign: white space")
        return text[:pos] + draw(_WS_CHARS) + text[pos:]
    start, end = draw(st.sampled_from(values))
    pos = int(draw(st.integers(start, end)))
    event("benign: in an extension value")
    return text[:pos] + draw(st.sampled_from([*"a ,:{}[]é/'", "\u2028", "ệ", "😀"])) + text[pos:]


def _bytes(draw: st.DrawFn, text: str) -> bytes | str:
    """Truncated, a byte that is not UTF-8, or another encoding."""
    data = text.encode()
    how = draw(st.sampled_from(["truncated", "bad byte", "utf-16", "utf-32", "latin-1", "bom"]))
    event(f"bytes: {how}")
    if how == "truncated":
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    if how == "bad byte":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from(_BAD_BYTES)) + data[at:]
    if how in ("utf-16", "utf-32"):
        return text.encode(how)
    if how == "latin-1":
        return text.encode("latin-1", errors="replace")
    return draw(st.sampled_from([b"\xef\xbb\xbf\xef\xbb\xbf", b" \xef\xbb\xbf"])) + data


_TEXT_MUTATIONS: dict[str, Callable[[st.DrawFn, str], bytes | str]] = {
    "characters": _characters,
    "escapes": _escapes,
    "benign": _benign,
    "bytes": _bytes,
}
_KINDS = (*_TREE_MUTATIONS, *_TEXT_MUTATIONS)


def _outcome(data: bytes | str) -> str:
    if any(_check(data)):
        return "answered"
    return "reader raised" if isinstance(_reference(data), BaseException) else "plain refused"


@st.composite
def mutants(draw: st.DrawFn, kinds: tuple[str, ...] = _KINDS) -> bytes | str:
    """A generated plain document with one mutation, as bytes or text."""
    kind = draw(st.sampled_from(kinds))
    tree = _tree(draw(plain_trees(max_events=3)))
    layout = draw(st.sampled_from(_LAYOUTS))
    if kind in _TREE_MUTATIONS:
        _TREE_MUTATIONS[kind](draw, tree)
        text = _dump(tree, layout, lambda: str(draw(_WS_CHARS)))
        return text.encode() if draw(st.booleans()) else text
    data = _TEXT_MUTATIONS[kind](draw, _dump(tree, layout, lambda: str(draw(_WS_CHARS))))
    if isinstance(data, str) and draw(st.booleans()):
        return data.encode(errors="surrogatepass")  # lone surrogates: bytes that are not UTF-8
    return data


@settings(_SLOW, max_examples=150)
@given(data=mutants())
def test_mutated_documents_never_read_otherwise(data: bytes | str) -> None:
    event(_outcome(data))


@pytest.mark.parametrize("kind", _KINDS)
@settings(_SLOW, max_examples=25)
@given(data=st.data())
def test_each_kind_of_mutation_never_reads_otherwise(kind: str, data: st.DataObject) -> None:
    event(_outcome(data.draw(mutants(kinds=(kind,)))))
