"""Shared parts of the plain JSON-LD reader's differential tests.

The reference is :func:`tracelib.epcis.jsonld.from_jsonld` with the plain reader switched off;
:func:`_check` reads one input both ways and asserts the contract of
:func:`tracelib.epcis._jsonld_plain.plain_document` (see ``tests/epcis/test_jsonld_plain.py``).
Also here: the generated plain documents (``plain_trees``, ``plain_texts``, ``plain_inputs``)
and the fixed documents the sweeps and mutations start from.
"""

from __future__ import annotations

import gc
import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from tests.epcis import strategies as es
from tests.epcis.snapshot import snapshot
from tracelib.epcis import _jsonld_plain, cbv, event_hashes, jsonld
from tracelib.epcis._context import DEFAULT_NAMESPACES
from tracelib.epcis._jsonld_plain import plain_document
from tracelib.epcis._source import source_namespaces
from tracelib.epcis.findings import findings_of

_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
_SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
_BOM = "\ufeff"

# -- the reference, the comparison ----------------------------------------------------------------


def _short(data: bytes | str) -> str:
    return repr(data if len(data) < 3000 else data[:1500] + data[-1500:])


def _reference(data: bytes | str, *, strict: bool = False) -> Any:
    """The JSON reader's model, or the exception it raised (any exception is a refusal)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsonld, "plain_document", lambda *args, **kwargs: None)
        try:
            return jsonld.from_jsonld(data, strict=strict)
        except Exception as exc:
            return exc


def _plain(data: bytes | str, *, sources: bool = True) -> Any:
    enabled = gc.isenabled()
    try:
        got = plain_document(data, sources=sources)
    except Exception as exc:  # the contract: never raises
        pytest.fail(f"plain_document raised {exc!r} on {_short(data)}")
    assert gc.isenabled() is enabled
    return got


def _attempt(call: Callable[[], Any]) -> tuple[Any, list[tuple[str, str]]]:
    """What ``call()`` gives (or the error it raises) and the warnings it gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = call()
        except Exception as exc:
            value = ("raised", type(exc).__name__, getattr(exc, "code", None), str(exc))
    return value, [(w.category.__name__, str(w.message)) for w in caught]


def _parts(doc: Any) -> tuple[Any, ...]:
    return (doc, *(getattr(doc, "events", None) or ()))


def _hashes(data: Any) -> list[Any]:
    """CBV 2.0 and 2.1 event hashes, with the default prefixes and with those in scope."""
    return [
        _attempt(lambda v=version, n=ns: event_hashes(data, cbv_version=v, namespaces=n))  # type: ignore[misc]
        for version in ("2.0", "2.1")
        for ns in (None, "source")
    ]


def _state(doc: Any) -> dict[str, Any]:
    """All a model holds: its values, and the prefixes and findings recorded for it."""
    parts = _parts(doc)
    return {
        "snapshot": snapshot(doc),
        "namespaces": [(dict(ns), list(ns)) for ns in map(source_namespaces, parts)],
        "findings": [list(findings_of(part)) for part in parts],
    }


def _facts(doc: Any) -> dict[str, Any]:
    """:func:`_state` and what is made of it: both texts (hashing equal texts gives equal
    hashes), the event hashes."""
    return {
        **_state(doc),
        "xml": _attempt(doc.to_xml),
        "jsonld": _attempt(doc.to_jsonld),
        "hashes": _hashes(doc),
        "hash ids": [_attempt(ev.hash_id) for ev in _parts(doc)[1:]],
    }


def _assert_same(got: Any, expected: Any, data: bytes | str) -> None:
    assert got == expected, _short(data)
    assert _facts(got) == _facts(expected), _short(data)


def _no_findings(doc: Any, data: bytes | str) -> None:
    assert [list(findings_of(part)) for part in _parts(doc)] == [[]] * len(_parts(doc)), _short(
        data
    )


def _hash_reference(data: bytes | str) -> list[Any]:
    """The event hashes of ``data`` with the plain reader off in the hash path too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsonld, "plain_document", lambda *args, **kwargs: None)
        mp.setattr(_jsonld_plain, "plain_document", lambda *args, **kwargs: None)
        return _hashes(data)


def _check(data: bytes | str) -> tuple[bool, bool]:
    """Assert the contract on ``data``; whether each of the two plain reads answered."""
    first = _plain(data)
    expected = _reference(data)
    strict = _reference(data, strict=True)
    again = _plain(data)
    bare = _plain(data, sources=False)
    for refused in (expected, strict):
        if isinstance(refused, BaseException):
            for got in (first, again, bare):
                assert got is None, f"the reader raised {refused!r}; plain answered {_short(data)}"
            return False, False
    answers = [got for got in (first, again) if got is not None]
    if answers:
        _no_findings(expected, data)
        facts = _facts(expected)
        assert strict == expected, _short(data)
        assert _state(strict) == _state(expected), _short(data)  # the same reader
        for got in answers:
            assert got == expected, _short(data)
            assert _facts(got) == facts, _short(data)
        assert _hashes(data) == _hash_reference(data), _short(data)
    assert (bare is None) == (first is None), _short(data)
    if bare is not None:
        assert bare == expected, _short(data)
        assert snapshot(bare) == snapshot(expected), _short(data)
        _no_findings(bare, data)
        for part in _parts(bare):
            assert dict(source_namespaces(part)) == dict(DEFAULT_NAMESPACES), _short(data)
    return first is not None, again is not None


# -- generated plain documents ------------------------------------------------------------------

_PREFIX = st.from_regex(r"[A-Za-z][A-Za-z0-9_.\-]{0,5}", fullmatch=True).filter(
    lambda p: p not in DEFAULT_NAMESPACES and p.lower() not in ("http", "https", "urn", "ni")
)
_EXT_PREFIX = st.sampled_from(["ex", "vn", "rail", "ext1", "truyXuat", "a.b-c", "x_1"]) | _PREFIX
_IRIS = st.sampled_from(
    [
        "https://example.vn/truy-xuat/",
        "http://ns.example.com/epcis/",
        "urn:epcglobal:cbv:mda:",
        "https://nghean-orange.example.vn/epcis/",
        "urn:gs1:epcisapp:rail:",
        "urn:ex:a:",
        "http://example.com/ns#",
        "https://example.com/đặc-sản/",
    ]
)
_VIET = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ Cà Mau Nghệ An"
# Strings a plain document can hold: no quote, backslash nor control character (JSON would
# escape them); JSON's own punctuation and non-ASCII text are fine.
_TEXT = st.text(
    st.sampled_from(list("aZ09 -.:/;#,{}[]<>&'@") + list(_VIET) + ["\u2028", "\uffff", "😀"])
    | st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters='"\\'),
    max_size=12,
)
_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,8}", fullmatch=True)
_EPCS = st.one_of(es.epc_urns(), es.digital_links(), es.location_ids())
_WS_CHARS = st.text(st.sampled_from(" \t\n\r"), max_size=4)


def _cbv(kind: cbv.CbvKind) -> st.SearchStrategy[str]:
    words = st.sampled_from(cbv.terms(kind))
    web = words.map(lambda w: cbv.CbvValue.parse(w, kind).to_web_uri())
    return words | web | es.cbv_values(kind)


def _members(draw: st.DrawFn, prefixes: list[str], low: int, high: int) -> dict[str, str]:
    names = st.builds(lambda p, n: f"{p}:{n}", st.sampled_from(prefixes), _NAMES)
    chosen = draw(st.lists(names, min_size=low, max_size=high, unique=True))
    return {name: draw(_TEXT) for name in chosen}


@st.composite
def _object_events(draw: st.DrawFn, prefixes: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "ObjectEvent", "eventTime": draw(es.timestamps())}
    if draw(st.booleans()):
        out["recordTime"] = draw(es.timestamps())
    out["eventTimeZoneOffset"] = draw(es.offsets())
    if draw(st.booleans()):
        out["eventID"] = draw(es.event_ids())
    if draw(st.booleans()):
        out["epcList"] = draw(st.lists(_EPCS, max_size=5))
    out["action"] = draw(st.sampled_from(["ADD", "OBSERVE", "DELETE"]))
    if draw(st.booleans()):
        out["bizStep"] = draw(_cbv("bizStep"))
    if draw(st.booleans()):
        out["disposition"] = draw(_cbv("disposition"))
    for name in ("readPoint", "bizLocation"):
        if draw(st.booleans()):
            out[name] = {"id": draw(es.location_ids())}
    if prefixes and draw(st.booleans()):
        out["ilmd"] = _members(draw, prefixes, 1, 3)
    if draw(st.booleans()):  # the standard members after "type" in any order
        standard = draw(st.permutations(list(out)[1:]))
        out = {"type": "ObjectEvent", **{name: out[name] for name in standard}}
    if prefixes:
        out.update(_members(draw, prefixes, 0, 3))
    return out


class _Obj(list):  # type: ignore[type-arg]
    """A JSON object as ``(name, value)`` pairs: members in order, names may repeat."""

    trailing = False  # written with a comma after its last member


class _Arr(list):  # type: ignore[type-arg]
    """A JSON array (``trailing``: written with a comma after its last item)."""

    trailing = False


def _tree(value: Any) -> Any:
    """``value`` with its dicts and lists as :class:`_Obj` and :class:`_Arr`."""
    if isinstance(value, dict):
        return _Obj((name, _tree(item)) for name, item in value.items())
    if isinstance(value, list):
        return _Arr(_tree(item) for item in value)
    return value


def _dump(value: Any, layout: str, ws: Callable[[], str], level: int = 0) -> str:
    """JSON text of ``value`` as ``json.dumps`` writes it in ``layout``, or (``"spaced"``)
    with ``ws()`` between every two tokens; :class:`_Obj` may repeat names, containers may
    have a trailing comma."""
    if isinstance(value, dict):
        value = _Obj(value.items())
    if not isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    is_object = isinstance(value, _Obj)
    items = []
    for item in value:
        if is_object:
            name, item = item
            colon = f"{ws()}:{ws()}" if layout == "spaced" else ":" if layout == "compact" else ": "
            items.append(json.dumps(name, ensure_ascii=False) + colon)
            items[-1] += _dump(item, layout, ws, level + 1)
        else:
            items.append(_dump(item, layout, ws, level + 1))
    trailing = getattr(value, "trailing", False)
    if trailing and items:
        items[-1] += ","
    if layout == "spaced":
        inner = ",".join(f"{ws()}{item}{ws()}" for item in items) if items else ws()
    elif layout == "indent" and items:
        pad = "\n" + "  " * (level + 1)
        inner = pad + ("," + pad).join(items) + "\n" + "  " * level
    else:
        inner = ("," if layout == "compact" else ", ").join(items)
    if trailing and not items:
        inner += ","
    return ("{" if is_object else "[") + inner + ("}" if is_object else "]")


_LAYOUTS = ("compact", "default", "indent", "spaced")


@st.composite
def plain_trees(draw: st.DrawFn, min_events: int = 1, max_events: int = 5) -> dict[str, Any]:
    """A plain document as Python values (members in the order they are written)."""
    prefixes = draw(st.lists(_EXT_PREFIX, max_size=3, unique=True))
    declared = {p: draw(_IRIS) for p in prefixes}
    if draw(st.booleans()):
        prefixes.append("cbvmda")  # bound by the EPCIS context
    context: Any = _URL
    if declared or draw(st.booleans()):
        context = [_URL, declared]
    head = {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": draw(es.timestamps()),
    }
    doc: dict[str, Any] = {name: head[name] for name in draw(st.permutations(list(head)))}
    events = draw(st.lists(_object_events(prefixes), min_size=min_events, max_size=max_events))
    doc["epcisBody"] = {"eventList": events}
    return doc


def _dumps(doc: Any, layout: str, ws: Callable[[], str]) -> str:
    if layout == "compact":
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    if layout == "default":
        return json.dumps(doc, ensure_ascii=False)
    if layout == "indent":
        return json.dumps(doc, ensure_ascii=False, indent=2)
    return ws() + _dump(doc, layout, ws) + ws()


@st.composite
def plain_texts(draw: st.DrawFn, min_events: int = 1, max_events: int = 5) -> str:
    """The text of a plain document, in one of the four layouts."""
    doc = draw(plain_trees(min_events, max_events))
    layout = draw(st.sampled_from(_LAYOUTS))
    event(layout)
    return _dumps(doc, layout, lambda: str(draw(_WS_CHARS)))


@st.composite
def plain_inputs(draw: st.DrawFn) -> bytes | str:
    """A plain document as bytes or text, with or without a byte order mark."""
    text = draw(plain_texts())
    if draw(st.booleans()):
        text = _BOM + text
    return text.encode() if draw(st.booleans()) else text


# -- fixed documents: sweeps ----------------------------------------------------------------------

_DOC = (
    """{
  "@context": [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {"ex": "https://example.vn/truy-xuat/", "vn": "urn:ex:a:"}
  ],
  "type": "EPCISDocument",
  "schemaVersion": "2.0",
  "creationDate": "2024-05-02T09:00:00+07:00",
  "epcisBody": {
    "eventList": [
      {
        "type": "ObjectEvent",
        "eventTime": "2024-05-01T08:30:00.000+07:00",
        "recordTime": "2024-05-01T08:31:00Z",
        "eventTimeZoneOffset": "+07:00",
        "eventID": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "epcList": [
          "urn:epc:id:sgtin:893012345.0012.1",
          "https://id.gs1.org/01/08930123450012/21/2"
        ],
        "action": "ADD",
        "bizStep": "https://ref.gs1.org/cbv/BizStep-commissioning",
        "disposition": "active",
        "readPoint": {"id": "urn:epc:id:sgln:893012345.000.1"},
        "bizLocation": {
          "id": "urn:epc:id:sgln:893012345.000.0"
        },
        "ilmd": {
          "cbvmda:lotNumber": "LÔ-7 Cà Mau",
          "ex:note": ""
        },
        "ex:truck": "29C-001 {Nghệ An}, 5t",
        "vn:driver": "Nguyễn Văn A"
      },
"""
    '      {"type":"ObjectEvent","eventTime":"2024-05-01T09:00:00Z","eventTimeZoneOffset":"-06:00",'
    '"epcList":["urn:epc:id:sgtin:893012345.0012.3","urn:epc:id:sgtin:893012345.0012.4"],'
    '"action":"OBSERVE","bizStep":"shipping","ex:truck":"\u2028 ệ"}'
    """
    ]
  }
}
"""
)
_SMALL = (
    '{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",'
    '{"ex":"urn:ex:a:"}],"type":"EPCISDocument","schemaVersion":"2.0",'
    '"creationDate":"2024-05-02T09:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent",'
    '"eventTime":"2024-05-01T08:30:00Z","eventTimeZoneOffset":"+07:00","epcList":'
    '["urn:epc:id:sscc:893012345.0000000001"],"action":"DELETE","ilmd":{"ex:lot":"L 1"},'
    '"ex:t":"ệ"}]}}'
)
_DATA = _DOC.encode()


def _forms(text: str) -> list[bytes | str]:
    """``text`` as UTF-8 bytes and as text, each with and without a byte order mark."""
    return [text.encode(), text, (_BOM + text).encode(), _BOM + text]
