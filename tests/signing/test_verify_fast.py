"""The quick paths of strict verification give exactly what the slow ways give (issue 6).

Each shortcut is checked against the way it replaces: the strict base64 decoder against its
regular-expression path, the header's plain-scanner parse against the strict I-JSON parser
and the JCS check, the inlined member reads of headers, payload references and envelopes
against reference copies that read every member with ``take``, and the in-place compact
range of ``verify`` against :class:`~tracelib.signing.merkle.CompactRange`. Errors must
match in type, code, path, position and message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracelib.errors import MalformedInput, TracelibError
from tracelib.signing import _base64, _base64_fast, canonical, header
from tracelib.signing._fields import (
    check_kid,
    check_time,
    count,
    hash32,
    malformed,
    only_members,
    plain_text,
    take,
)
from tracelib.signing.canonical import b64_encode, b64url_encode, canonicalize
from tracelib.signing.header import RecordHeader
from tracelib.signing.members import ChainRef, Custodian, PayloadRef, SignerRef
from tracelib.signing.merkle import CompactRange, leaf_hash
from tracelib.signing.records import Envelope, EnvelopeSignature
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.verify import _range_push, _range_root

_SIGNER = SoftwareSigner.generate(actor="urn:test:fast")


def _outcome(fn: Callable[[], Any]) -> tuple[str, Any]:
    """What ``fn`` gives: its value, or its error's type, code, path, position and text."""
    try:
        return "value", fn()
    except TracelibError as exc:
        where = (getattr(exc, "path", None), getattr(exc, "position", None))
        return "error", (type(exc).__name__, exc.code, where, str(exc))


# --- base64 -------------------------------------------------------------------------------

_B64_TEXT = st.text(alphabet="AQgwBCr09+/-_=\n *é", max_size=14)
_MODES = [  # (function, url alphabet, padded)
    (canonical.b64url_decode, True, False),
    (canonical.b64_decode, False, True),
]


def _slow(fn: Callable[[str], bytes], text: str) -> tuple[str, Any]:
    with mock.patch.object(_base64, "quick_decode", return_value=None):
        return _outcome(lambda: fn(text))


@settings(max_examples=600, deadline=None)
@given(_B64_TEXT)
def test_quick_base64_equals_the_strict_path(text):
    for fn, url, padded in _MODES:
        quick = _base64_fast.quick_decode(text, url, padded)
        if quick is not None:
            assert _slow(fn, text) == ("value", quick)
        assert _outcome(lambda f=fn: f(text)) == _slow(fn, text)
    for url in (True, False):  # b64_decode_any's two calls
        quick = _base64_fast.quick_decode(text, url, None)
        if quick is not None:
            assert _slow(canonical.b64_decode_any, text) == ("value", quick)
    assert _outcome(lambda: canonical.b64_decode_any(text)) == _slow(canonical.b64_decode_any, text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=40))
def test_quick_base64_answers_for_canonical_text(data):
    url, std = b64url_encode(data), b64_encode(data)
    expected = None if _base64_fast.quick_decode("", True, False) is None else data
    assert _base64_fast.quick_decode(url, True, False) == expected  # None before 3.11
    assert _base64_fast.quick_decode(std, False, True) == expected
    assert canonical.b64url_decode(url) == canonical.b64_decode_any(std) == data


# --- header bytes -------------------------------------------------------------------------


def _header(seq: int = 3) -> RecordHeader:
    return RecordHeader(
        "trace.example.vn/lot/1",
        seq,
        leaf_hash(b"p"),
        leaf_hash(b"r"),
        SignerRef(_SIGNER.actor, _SIGNER.kid),
        "Ed25519",
        "2026-05-14T08:00:00Z",
        "handover",
        payload=PayloadRef.for_payload(b"{}", type="application/ld+json"),
        event_id="ni:///sha-256;" + "ab" * 32 + "?ver=CBV2.0",
        refs=(ChainRef("trace.example.vn/lot/0", 0, bytes(32), 1, bytes(32)),),
        next=Custodian("urn:test:next", _SIGNER.kid),
    )


_GOOD = _header().to_bytes()
_SNIPPETS = [
    b" ",
    b'"',
    b"\\",
    b"\\u00e9",
    b"\\ud800",
    b"\\ud83d\\ude00",
    b"\xc3\xa9",
    b"\xff",
    b"\xef\xbb\xbf",
    b"1",
    b"1.5",
    b"1e2",
    b"-0",
    b"9007199254740992",
    b"NaN",
    b"Infinity",
    b"true",
    b"null",
    b",",
    b":",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"seq":4,',
    b'"t":"tracelib.record/1",',
    b"\n",
    b"\x01",
]


def _strict(data: bytes) -> tuple[str, Any]:
    with mock.patch.object(header, "_quick_canonical", return_value=None):
        return _outcome(lambda: RecordHeader.parse(data))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(_GOOD)), st.integers(0, 3), st.sampled_from(_SNIPPETS)),
        max_size=3,
    )
)
def test_quick_header_parse_equals_the_strict_path(edits):
    data = _GOOD
    for at, drop, snippet in edits:
        at = min(at, len(data))
        data = data[:at] + snippet + data[at + drop :]
    assert _outcome(lambda: RecordHeader.parse(data)) == _strict(data)
    if header._quick_canonical(data) is not None:  # canonical: the lenient parse agrees
        assert _outcome(lambda: RecordHeader.parse(data)) == _outcome(
            lambda: RecordHeader.parse(data, canonical=False)
        )


def test_quick_header_parse_declines_what_the_strict_parser_refuses():
    assert header._quick_canonical(_GOOD) == json.loads(_GOOD)
    for bad, code in [
        (_GOOD[:-1] + b',"seq":3}', "JSON_DUPLICATE_NAME"),
        (_GOOD.replace(b'"seq":3', b'"seq":9007199254740992'), "JSON_NUMBER_RANGE"),
        (_GOOD.replace(b'"seq":3', b'"seq":NaN'), "JSON_NOT_FINITE"),
        (_GOOD.replace(b'"seq":3', b'"seq":3.5'), "MALFORMED_RECORD"),
        (_GOOD.replace(b'"urn:test:next"', b'"urn:\\ud800"'), "JSON_LONE_SURROGATE"),
        (b"\xef\xbb\xbf" + _GOOD, "JSON_INVALID"),
        (b" " + _GOOD, "NON_CANONICAL_ENCODING"),
        (_GOOD + b"\n", "NON_CANONICAL_ENCODING"),
        (_GOOD.replace(b'"seq":3', b'"seq": 3'), "NON_CANONICAL_ENCODING"),
    ]:
        assert header._quick_canonical(bad) is None
        with pytest.raises(MalformedInput) as caught:
            RecordHeader.parse(bad)
        assert caught.value.code == code


# --- member reads: reference copies of the code before the inlining ----------------------


def _ref_payload(obj: object, path: str = "$.payload") -> PayloadRef:
    if not isinstance(obj, dict):
        raise malformed("must be an object", path)
    only_members(obj, ("type", "digest", "size", "salted"), path)
    digest = take(obj, "digest", str, path)
    if not digest.startswith("sha-256:"):
        raise malformed("must start with 'sha-256:'", path + ".digest")
    return PayloadRef(
        plain_text(take(obj, "type", str, path), path + ".type", spaces=True),
        hash32(digest[8:], path + ".digest"),
        count(take(obj, "size", int, path), path + ".size"),
        take(obj, "salted", bool, path),
    )


def _ref_header(obj: object) -> RecordHeader:
    """``RecordHeader.from_json`` as it was, every member read with ``take``."""
    if not isinstance(obj, dict):
        raise malformed("a header must be a JSON object", "$")
    only_members(obj, header._HEADER_MEMBERS, "$")
    if take(obj, "t", str, "$") != header.RECORD_FORMAT:
        raise malformed(f"t must be {header.RECORD_FORMAT!r}", "$.t")
    alg, kind = take(obj, "alg", str, "$"), take(obj, "kind", str, "$")
    header._check_choices(alg, kind)
    signer = take(obj, "signer", dict, "$")
    only_members(signer, header._SIGNER_MEMBERS, "$.signer")
    payload = _ref_payload(obj["payload"]) if "payload" in obj else None
    next_ = header._custodian(obj.get("next"), "$.next") if "next" in obj else None
    header._check_kind_rules(kind, payload, next_)
    event_id = take(obj, "eventId", str, "$", optional=True)
    if event_id is not None:
        header._check_event_id(plain_text(event_id, "$.eventId"))
    refs = take(obj, "refs", list, "$", optional=True)
    if refs is None:
        chain_refs: tuple[ChainRef, ...] = ()
    elif not refs:
        raise malformed("refs must be absent rather than empty", "$.refs")
    else:
        chain_refs = tuple(header._chain_ref(r, f"$.refs[{i}]") for i, r in enumerate(refs))
    seq = count(take(obj, "seq", int, "$"), "$.seq")
    return RecordHeader(
        plain_text(take(obj, "chain", str, "$"), "$.chain"),
        seq,
        hash32(take(obj, "prev", str, "$"), "$.prev", empty=True),
        hash32(take(obj, "root", str, "$"), "$.root"),
        SignerRef(
            plain_text(take(signer, "actor", str, "$.signer"), "$.signer.actor"),
            check_kid(take(signer, "kid", str, "$.signer"), "$.signer.kid"),
        ),
        alg,
        check_time(take(obj, "iat", str, "$"), "$.iat"),
        kind,
        payload=payload,
        event_id=event_id,
        refs=chain_refs,
        next=next_,
    )


def _ref_envelope(obj: Mapping[str, Any]) -> Envelope:
    """``Envelope.parse`` of a parsed object as it was."""
    from tracelib.signing.records import _b64

    if not isinstance(obj, Mapping):
        raise malformed("a DSSE envelope must be a JSON object", "$", "DSSE_MALFORMED")
    for name in obj:
        if name not in ("payloadType", "payload", "signatures"):
            raise malformed(f"unknown member {name!r}", f"$.{name}", "DSSE_MALFORMED")
    try:
        payload_type = take(obj, "payloadType", str, "$")
        payload = _b64(take(obj, "payload", str, "$"), "$.payload")
        signatures = []
        for i, item in enumerate(take(obj, "signatures", list, "$")):
            path = f"$.signatures[{i}]"
            if not isinstance(item, dict):
                raise malformed("must be an object", path)
            only_members(item, ("keyid", "sig"), path)
            keyid = take(item, "keyid", str, path, optional=True) or ""
            signatures.append(
                EnvelopeSignature(keyid, _b64(take(item, "sig", str, path), f"{path}.sig"))
            )
    except MalformedInput as exc:
        raise MalformedInput(exc.message, code="DSSE_MALFORMED", path=exc.path) from None
    return Envelope(payload_type, payload, tuple(signatures))


_VALUES = st.sampled_from(
    [None, True, False, 0, 1, -1, 2**53, 1.5, "", "x", "AA", "A" * 43, [], [1], {}, {"x": 1}]
) | st.text(max_size=5)


def _paths(obj: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*path, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out += _paths(value, (*path, i))
    return out


def _edit(obj: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    """``obj`` (deep-copied) with the member at ``path`` replaced, deleted or joined."""
    obj = json.loads(json.dumps(obj))
    if not path:
        return value
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "extra" and isinstance(parent, dict):
        parent["extra"] = value
    else:
        parent[last] = value
    return obj


_HEADER_JSON = _header().to_json()
_ENVELOPE_JSON = Envelope("t", b"x", (EnvelopeSignature("k", b"\x01"),)).to_json()


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(["replace", "delete", "extra"]), _VALUES)
def test_inlined_member_reads_equal_take(data, how, value):
    for base, fn, ref in [
        (_HEADER_JSON, RecordHeader.from_json, _ref_header),
        (_HEADER_JSON["payload"], PayloadRef.from_json, _ref_payload),
        (_ENVELOPE_JSON, Envelope.parse, _ref_envelope),
    ]:
        paths = _paths(base)[1:] if base is _ENVELOPE_JSON else _paths(base)  # text is JSON
        path = data.draw(st.sampled_from(paths))
        obj = _edit(base, path, how, value)
        assert _outcome(lambda f=fn, o=obj: f(o)) == _outcome(lambda r=ref, o=obj: r(o))
    assert _outcome(lambda: RecordHeader.from_json(_HEADER_JSON)) == ("value", _header())


# --- the prefix roots of verify -----------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 70))
def test_in_place_compact_range_equals_compact_range(n):
    stack: list[bytes] = []
    compact = CompactRange()
    for i in range(n):
        assert _range_root(stack) == compact.root()
        leaf = leaf_hash(b"%d" % i)
        _range_push(stack, i, leaf)
        compact = compact.append(leaf)
        assert tuple(stack) == compact.hashes
    assert _range_root(stack) == compact.root()


def test_the_header_fixture_is_canonical():
    assert canonicalize(_HEADER_JSON) == _GOOD
