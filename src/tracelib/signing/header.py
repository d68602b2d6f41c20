"""The record header (design §5): a frozen model whose JCS bytes are what gets signed.

Every member is signed: ``t``, ``chain``, ``seq``, ``prev``, ``root``, ``signer``, ``alg``,
``iat``, ``kind`` and, when present, ``payload``, ``eventId``, ``refs`` and ``next``. Hashes
are base64url without padding. :meth:`RecordHeader.parse` is strict: unknown members, wrong
types, bad hashes, an ``alg`` outside the allow-list, ``next`` off a handover or an event
without payload raise :class:`~tracelib.errors.MalformedInput` (``MALFORMED_RECORD``) with
the JSON ``path``; in strict mode bytes that are not JCS raise ``NON_CANONICAL_ENCODING``.

The member values (payload reference, signer, custodian, chain refs) are in
:mod:`tracelib.signing.members`.

Examples:
    >>> from tracelib.signing.members import PayloadRef
    >>> from tracelib.signing.signers import SoftwareSigner
    >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> event = b'{"type":"ObjectEvent"}'
    >>> header = RecordHeader.genesis(
    ...     chain="trace.example.vn/lot/08930000000012/LOT1", signer=farm,
    ...     iat="2026-05-14T08:00:00Z", kind="event",
    ...     payload=PayloadRef.for_payload(event, type="application/ld+json"))
    >>> RecordHeader.parse(header.to_bytes()) == header, header.payload.verify(event)
    (True, None)
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import InputError, MalformedInput
from ._fields import (
    check_bytes,
    check_int,
    check_kid,
    check_str,
    check_time,
    count,
    hash32,
    malformed,
    only_members,
    plain_text,
    take,
)
from .canonical import MAX_SAFE_INTEGER, b64url_encode, parse_json
from .keys import ALGORITHMS, Alg
from .members import (
    ChainRef,
    Custodian,
    PayloadRef,
    SignerRef,
    _chain_ref,
    _check_payload,
    _check_ref,
    _custodian,
)
from .merkle import EMPTY_ROOT
from .signers import Signer

__all__ = [
    "KINDS",
    "RECORD_FORMAT",
    "Kind",
    "RecordHeader",
    "rfc3339",
]

#: The header format version (``t``); SHA-256 only in v1.
RECORD_FORMAT = "tracelib.record/1"
#: A record kind.
Kind = Literal["event", "handover", "accept", "attest", "key", "seal"]
#: The record kinds.
KINDS: tuple[Kind, ...] = ("event", "handover", "accept", "attest", "key", "seal")


def rfc3339(moment: _dt.datetime | None = None) -> str:
    """An RFC 3339 UTC timestamp with second precision, for ``iat``.

    Args:
        moment: An aware datetime; now when omitted. Naive datetimes are refused.

    Returns:
        ``YYYY-MM-DDTHH:MM:SSZ``.

    Raises:
        InputError: ``TIME_INVALID`` for a naive datetime.

    Examples:
        >>> rfc3339(_dt.datetime(2026, 5, 14, 8, 0, tzinfo=_dt.timezone.utc))
        '2026-05-14T08:00:00Z'
    """
    moment = moment or _dt.datetime.now(_dt.timezone.utc)
    if moment.tzinfo is None:
        raise InputError("iat needs an aware datetime", code="TIME_INVALID")
    return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_HEADER_MEMBERS = frozenset(
    {"t", "chain", "seq", "prev", "root", "signer", "alg", "iat", "kind"}
    | {"payload", "eventId", "refs", "next"}
)
_SIGNER_MEMBERS = frozenset(("actor", "kid"))


@dataclass(frozen=True, slots=True)
class RecordHeader:
    """The signed record header (design §5); :meth:`to_bytes` gives its JCS bytes.

    Only syntax is checked here (types, base64url hashes, allowed ``alg`` and ``kind``,
    ``next`` exactly on handovers, ``payload`` on events). Whether ``prev`` and ``root`` fit
    the chain is for the verifier (``HEADER_INCONSISTENT``, ``PREV_MISMATCH``).

    Attributes:
        chain: The chain origin, a schema-less URL.
        seq: 0-based position = tree size before this record.
        prev: Leaf hash of record ``seq - 1``; ``b""`` for ``seq = 0``.
        root: RFC 9162 root of the leaves ``[0, seq)``.
        signer: The signing actor and kid.
        alg: ``Ed25519``, ``ES256``, ``PS256`` or ``RS256``.
        iat: The signer's claimed time (RFC 3339), informational.
        kind: ``event``, ``handover``, ``accept``, ``attest``, ``key`` or ``seal``.
        payload: The payload reference; ``None`` for pure control records.
        event_id: CBV 2.0 event hash ID (``eventId``), optional.
        refs: Cross-chain inputs, optional.
        next: The next custodian, on handovers only.
        t: The format version, :data:`RECORD_FORMAT`.

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> signer = SoftwareSigner.generate(actor="urn:example:farm")
        >>> h = RecordHeader.genesis(chain="ex.vn/lot/1", signer=signer,
        ...                          iat="2026-05-14T08:00:00Z", kind="seal")
        >>> RecordHeader.parse(h.to_bytes()) == h
        True
    """

    chain: str
    seq: int
    prev: bytes
    root: bytes
    signer: SignerRef
    alg: Alg
    iat: str
    kind: Kind
    payload: PayloadRef | None = None
    event_id: str | None = None
    refs: tuple[ChainRef, ...] = ()
    next: Custodian | None = None
    t: str = RECORD_FORMAT

    def __post_init__(self) -> None:
        # Built in code (not parsed): the same rules as from_json, on the Python values.
        if self.t != RECORD_FORMAT:
            raise malformed(f"t must be {RECORD_FORMAT!r}", "$.t")
        check_str(self.chain, "$.chain")
        check_int(self.seq, "$.seq")
        check_bytes(self.prev, "$.prev", empty=True)
        check_bytes(self.root, "$.root")
        if not isinstance(self.signer, SignerRef):
            raise malformed("must be a SignerRef", "$.signer")
        check_str(self.signer.actor, "$.signer.actor")
        check_kid(self.signer.kid, "$.signer.kid")
        _check_choices(self.alg, self.kind)
        check_time(check_str(self.iat, "$.iat"), "$.iat")
        if self.payload is not None:
            _check_payload(self.payload)
        if self.event_id is not None:
            _check_event_id(check_str(self.event_id, "$.eventId"))
        if not isinstance(self.refs, tuple):
            raise malformed("refs must be a tuple of ChainRef", "$.refs")
        for i, ref in enumerate(self.refs):
            _check_ref(ref, f"$.refs[{i}]")
        if self.next is not None:
            if not isinstance(self.next, Custodian):
                raise malformed("must be a Custodian", "$.next")
            check_str(self.next.actor, "$.next.actor")
            if self.next.kid is not None:
                check_kid(self.next.kid, "$.next.kid")
        _check_kind_rules(self.kind, self.payload, self.next)

    @classmethod
    def genesis(
        cls, *, chain: str, signer: Signer, iat: str, kind: Kind, **fields: Any
    ) -> RecordHeader:
        """The header of record 0 of a chain (``prev = ""``, ``root`` = empty tree).

        Args:
            chain: The chain origin.
            signer: The signer (its ``actor``, ``kid`` and ``alg`` go into the header).
            iat: The claimed time (see :func:`rfc3339`).
            kind: The record kind.
            **fields: ``payload``, ``event_id``, ``refs``, ``next``.

        Returns:
            The header.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> RecordHeader.genesis(chain="c.vn/1", signer=s, iat="2026-01-01T00:00:00Z",
            ...                      kind="seal").root == EMPTY_ROOT
            True
        """
        ref = SignerRef(signer.actor, signer.kid)
        return cls(chain, 0, b"", EMPTY_ROOT, ref, signer.alg, iat, kind, **fields)

    def successor(
        self, own_leaf: bytes, root: bytes, *, signer: Signer, iat: str, kind: Kind, **fields: Any
    ) -> RecordHeader:
        """The header of the next record: ``seq + 1``, ``prev = own_leaf``, the given root.

        Args:
            own_leaf: This record's leaf hash (record id).
            root: The root of the leaves ``[0, seq + 1)`` (e.g. from a compact range).
            signer: The next signer.
            iat: The claimed time.
            kind: The record kind.
            **fields: ``payload``, ``event_id``, ``refs``, ``next``.

        Returns:
            The header.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> h0 = RecordHeader.genesis(chain="c.vn/1", signer=s, iat="2026-01-01T00:00:00Z",
            ...                           kind="attest")
            >>> from tracelib.signing.merkle import leaf_hash
            >>> leaf = leaf_hash(h0.to_bytes())
            >>> h0.successor(leaf, leaf, signer=s, iat="2026-01-01T00:00:01Z", kind="seal").seq
            1
        """
        ref = SignerRef(signer.actor, signer.kid)
        return RecordHeader(
            self.chain, self.seq + 1, own_leaf, root, ref, signer.alg, iat, kind, **fields
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the header (hashes in base64url).

        Returns:
            The object; optional members only when set.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> sorted(RecordHeader.genesis(chain="c.vn/1", signer=s,
            ...        iat="2026-01-01T00:00:00Z", kind="seal").to_json())
            ['alg', 'chain', 'iat', 'kind', 'prev', 'root', 'seq', 'signer', 't']
        """
        obj: dict[str, Any] = {
            "t": self.t,
            "chain": self.chain,
            "seq": self.seq,
            "prev": b64url_encode(self.prev) if self.prev else "",
            "root": b64url_encode(self.root),
            "signer": self.signer.to_json(),
            "alg": self.alg,
            "iat": self.iat,
            "kind": self.kind,
        }
        if self.payload is not None:
            obj["payload"] = self.payload.to_json()
        if self.event_id is not None:
            obj["eventId"] = self.event_id
        if self.refs:
            obj["refs"] = [ref.to_json() for ref in self.refs]
        if self.next is not None:
            obj["next"] = self.next.to_json()
        return obj

    def to_bytes(self) -> bytes:
        """The JCS bytes of the header: what is signed and hashed.

        Returns:
            Canonical UTF-8 JSON.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> RecordHeader.genesis(chain="c.vn/1", signer=s, iat="2026-01-01T00:00:00Z",
            ...                      kind="seal").to_bytes()[:24]
            b'{"alg":"Ed25519","chain"'
        """
        return _jcs(self.to_json())

    @classmethod
    def parse(cls, data: bytes | str, *, canonical: bool = True) -> RecordHeader:
        """Parse header bytes strictly.

        Args:
            data: The header bytes (the DSSE payload), or its text.
            canonical: Also require ``data`` to equal its JCS re-emission (strict mode).

        Returns:
            The header.

        Raises:
            MalformedInput: a ``JSON_*`` code with a ``position``, ``MALFORMED_RECORD`` with
                the ``path`` of the bad member, or ``NON_CANONICAL_ENCODING``.

        Examples:
            >>> RecordHeader.parse(b'{"t":"tracelib.record/1"}')
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: member 'alg' is missing
        """
        if canonical and type(data) is bytes:
            quick = _quick_canonical(data)
            if quick is not None:
                return cls.from_json(quick)
        obj = parse_json(data)
        header = cls.from_json(obj)
        if canonical:
            again = _jcs(obj)
            given = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            if again != given:
                at = next(
                    (i for i, (a, b) in enumerate(zip(given, again, strict=False)) if a != b),
                    min(len(given), len(again)),
                )
                raise MalformedInput(
                    f"header is not in JCS canonical form at offset {at}",
                    code="NON_CANONICAL_ENCODING",
                    position=at,
                )
        return header

    @classmethod
    def from_json(cls, obj: object) -> RecordHeader:
        """Validate a parsed header object.

        Args:
            obj: The parsed JSON.

        Returns:
            The header.

        Raises:
            MalformedInput: ``MALFORMED_RECORD`` with the ``path`` of the bad member.

        Examples:
            >>> RecordHeader.from_json([])
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: a header must be a JSON object
        """
        if not isinstance(obj, dict):
            raise malformed("a header must be a JSON object", "$")
        # Each member is read with ``obj.get`` and ``take`` only runs (and raises) when the
        # exact JSON type is not there: the same checks in the same order, fewer calls.
        if not _HEADER_MEMBERS.issuperset(obj):
            only_members(obj, _HEADER_MEMBERS, "$")
        t = obj.get("t")
        if (t if type(t) is str else take(obj, "t", str, "$")) != RECORD_FORMAT:
            raise malformed(f"t must be {RECORD_FORMAT!r}", "$.t")
        alg, kind = obj.get("alg"), obj.get("kind")
        if type(alg) is not str:
            alg = take(obj, "alg", str, "$")
        if type(kind) is not str:
            kind = take(obj, "kind", str, "$")
        _check_choices(alg, kind)
        signer = obj.get("signer")
        if type(signer) is not dict:
            signer = take(obj, "signer", dict, "$")
        if not _SIGNER_MEMBERS.issuperset(signer):
            only_members(signer, _SIGNER_MEMBERS, "$.signer")
        payload = PayloadRef.from_json(obj["payload"]) if "payload" in obj else None
        next_ = _custodian(obj.get("next"), "$.next") if "next" in obj else None
        _check_kind_rules(kind, payload, next_)
        event_id = obj.get("eventId")
        if type(event_id) is not str:
            event_id = take(obj, "eventId", str, "$", optional=True)
        if event_id is not None:
            _check_event_id(plain_text(event_id, "$.eventId"))
        refs = take(obj, "refs", list, "$", optional=True) if "refs" in obj else None
        if refs is None:
            chain_refs: tuple[ChainRef, ...] = ()
        elif not refs:
            raise malformed("refs must be absent rather than empty", "$.refs")
        else:
            chain_refs = tuple(_chain_ref(r, f"$.refs[{i}]") for i, r in enumerate(refs))
        seq = obj.get("seq")
        seq = count(seq if type(seq) is int else take(obj, "seq", int, "$"), "$.seq")
        chain, prev, root = obj.get("chain"), obj.get("prev"), obj.get("root")
        actor, kid, iat = signer.get("actor"), signer.get("kid"), obj.get("iat")
        header = object.__new__(cls)
        values = {
            "chain": plain_text(
                chain if type(chain) is str else take(obj, "chain", str, "$"), "$.chain"
            ),
            "seq": seq,
            "prev": hash32(
                prev if type(prev) is str else take(obj, "prev", str, "$"), "$.prev", empty=True
            ),
            "root": hash32(root if type(root) is str else take(obj, "root", str, "$"), "$.root"),
            "signer": SignerRef(
                plain_text(
                    actor if type(actor) is str else take(signer, "actor", str, "$.signer"),
                    "$.signer.actor",
                ),
                check_kid(
                    kid if type(kid) is str else take(signer, "kid", str, "$.signer"),
                    "$.signer.kid",
                ),
            ),
            "alg": alg,
            "iat": check_time(iat if type(iat) is str else take(obj, "iat", str, "$"), "$.iat"),
            "kind": kind,
            "payload": payload,
            "event_id": event_id,
            "refs": chain_refs,
            "next": next_,
            "t": RECORD_FORMAT,
        }
        for name, value in values.items():  # skip __post_init__: validated right here
            object.__setattr__(header, name, value)
        return header


def _jcs(obj: dict[str, Any]) -> bytes:
    """The JCS bytes of a *validated* header object.

    Header member names are fixed ASCII words and the values only strings (no lone
    surrogates), integers within ±(2^53−1), booleans, and nested objects and arrays of those.
    For such values RFC 8785 output is exactly the standard library's sorted, compact JSON
    without ASCII escaping: ASCII names sort the same by UTF-16 code units and by code point,
    and both escape only ``"``, ``\\`` and U+0000–U+001F (short forms, else ``\\u00xx``).
    This is about 10x faster than ``rfc8785.dumps``; ``tests/signing/test_records.py`` checks
    the bytes against ``rfc8785.dumps``.
    """
    return _ENCODER.encode(obj).encode()


#: ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)``, made once.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class _Decline(Exception):  # noqa: N818 - internal control flow, never escapes
    """Raised by a hook of :data:`_PLAIN`: the strict parser decides."""


def _plain_int(literal: str) -> int:
    value = int(literal)
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    raise _Decline


def _decline(literal: str) -> Any:
    raise _Decline


#: The C scanner without ``object_pairs_hook``: any number with a fraction or exponent, any
#: ``NaN``/``Infinity`` and any integer beyond ±(2^53−1) declines.
_PLAIN = json.JSONDecoder(
    parse_int=_plain_int, parse_float=_decline, parse_constant=_decline, strict=True
)


def _quick_canonical(data: bytes) -> dict[str, Any] | None:
    """The parsed object of header bytes that are their own :func:`_jcs` re-emission, or
    ``None`` (the strict path then decides, with its error codes and positions).

    When the bytes equal the re-emission of what the plain C scanner read, they hold no
    duplicate member name (the re-emission has one member fewer), no escape of a lone
    surrogate (the re-emission cannot be encoded) and, by the hooks, no float, no constant
    and no integer out of range: :func:`~tracelib.signing.canonical.parse_json` would give
    the same object, and the strict check would pass. ``tests/signing/test_verify_fast.py``
    checks this against the strict path.
    """
    try:
        text = data.decode("utf-8")
        obj, end = _PLAIN.raw_decode(text)  # JCS bytes have no whitespace around the value
        if end == len(text) and type(obj) is dict and _jcs(obj) == data:
            return obj
    except (ValueError, _Decline, RecursionError):  # UnicodeError is a ValueError
        return None
    return None


def _check_choices(alg: object, kind: object) -> None:
    if alg not in ALGORITHMS:
        raise malformed(f"alg must be one of {ALGORITHMS}", "$.alg")
    if kind not in KINDS:
        raise malformed(f"kind must be one of {KINDS}", "$.kind")


def _check_kind_rules(kind: str, payload: PayloadRef | None, next_: Custodian | None) -> None:
    if (kind == "handover") != (next_ is not None):
        raise malformed("next is required on handover records and only there", "$.next")
    if kind == "event" and payload is None:
        raise malformed("an event record needs a payload", "$.payload")


def _check_event_id(event_id: str) -> None:
    if not event_id.startswith("ni:///sha-256;"):
        raise malformed("eventId must be a CBV 2.0 'ni:///sha-256;' hash ID", "$.eventId")
