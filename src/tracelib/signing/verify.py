"""``verify()``: check a bundle offline and report every problem (design §11).

:func:`verify` never stops at the first problem and never raises for tampering: it returns
a :class:`~tracelib.signing.report.Report`. Steps:

1. parse the bundle and each record strictly (``MALFORMED_RECORD``,
   ``NON_CANONICAL_ENCODING``); every record gets its leaf hash even when its header is bad;
2. resolve ``signer.kid`` in the :class:`~tracelib.signing.trust.TrustBundle` at the
   record's time and check binding, ``alg``, validity, revocation, the signature and the
   payload digest (``PAYLOAD_WITHHELD`` when absent) and ``eventId``
   (``EVENT_ID_MISMATCH``); verify known countersignatures;
3. re-link the records by hash, independently of the presented order (deleted with exact
   count, inserted, replaced, reordered, forked with both envelopes, head missing, wrong
   chain);
4. recompute the root of every prefix (``HEADER_INCONSISTENT``);
5. apply the custody policy (``UNAUTHORIZED_SIGNER``, ``APPEND_AFTER_SEAL``,
   ``MISSING_REQUIRED_SIGNATURE``) and flag ``TIME_REGRESSION``;
6. check the bundle's checkpoints; 7. check outside evidence (a scanned QR head, a signed
   note, witness cosignatures under a :class:`~tracelib.signing.witness.WitnessPolicy`):
   ``TRUNCATED{n, m}``, ``FORK_DETECTED``, ``WITNESS_QUORUM_NOT_MET``, else
   ``FRESHNESS_UNKNOWN`` (info, with the reason);
8. resolve cross-chain ``refs`` against input bundles given as evidence (``REF_MISMATCH``
   with its path, ``REF_UNVERIFIED``), with a depth limit and a cycle check.

Examples:
    >>> from tracelib.signing.chain import Chain
    >>> from tracelib.signing.signers import SoftwareSigner
    >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> lot = Chain.create("trace.example.vn/lot/08930000000012/LOT1", signer=farm)
    >>> _ = lot.append(b'{"q":1250.5}', payload_type="application/ld+json", signer=farm)
    >>> trust = TrustBundle.from_signers([farm])
    >>> report = verify(lot.bundle(), trust=trust)
    >>> report.verdict, report.codes()
    ('VALID', ['FRESHNESS_UNKNOWN'])
    >>> tampered = lot.bundle().replace(b"eyJxIjoxMjUwLjV9", b"eyJxIjoxMzUwLjV9")
    >>> bad = verify(tampered, trust=trust)
    >>> bad.verdict, bad.errors[0].code, bad.errors[0].seq
    ('INVALID', 'PAYLOAD_DIGEST_MISMATCH', 0)
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from hashlib import sha256 as _sha256
from typing import Any

from ..errors import InputError, MalformedInput, SignatureInvalid, SigningError
from ._bundle import Bundle
from ._chain_custody import CustodyState
from ._fields import hash32
from ._timestamps_anchor import Anchors, timestamp_anchors
from ._verify_evidence import check_head, head_keys, open_head, prefix_root
from ._verify_link import Item, Line, relink
from ._verify_record import EventIdCheck, check_event_ids, check_record, require_countersignature
from ._witness_verify import Witnessed, freshness, note_lines
from .canonical import b64url_encode
from .head import CompactHead, SignedHead
from .header import RecordHeader, rfc3339
from .merkle import EMPTY_ROOT, leaf_hash
from .notes import Note
from .records import PAYLOAD_TYPE, Envelope, Record
from .report import Finding, Report
from .trust import TrustBundle, TrustedKey, instant
from .witness import WitnessPolicy

__all__ = [
    "VerifyPolicy",
    "verify",
    "verify_fork_evidence",
]


@dataclass(frozen=True, slots=True)
class VerifyPolicy:
    """Options of :func:`verify` (one frozen object, passed keyword-only).

    Attributes:
        countersign_handovers: Require the next custodian's countersignature on every
            handover (``MISSING_REQUIRED_SIGNATURE``).
        max_ref_depth: How deep cross-chain ``refs`` are followed.
        time_tolerance: Seconds ``iat`` may go backwards before ``TIME_REGRESSION``.
        check_event_ids: Recompute the CBV hash ID of present payloads that have an
            ``eventId`` (``EVENT_ID_MISMATCH``); costs one EPCIS parse per such record.
        witnesses: The witness quorum policy that freshness evidence must meet
            (:class:`~tracelib.signing.witness.WitnessPolicy`); without one, any verified
            signed head bounds truncation.

    Examples:
        >>> VerifyPolicy(countersign_handovers=True).max_ref_depth
        8
    """

    countersign_handovers: bool = False
    max_ref_depth: int = 8
    time_tolerance: float = 300.0
    check_event_ids: bool = True
    witnesses: WitnessPolicy | None = None


_DEFAULT_POLICY = VerifyPolicy()


@dataclass(slots=True)
class _Context:
    trust: TrustBundle
    keys: dict[str, TrustedKey]
    policy: VerifyPolicy
    strict: bool
    heads: list[object]
    inputs: dict[str, Bundle]
    done: dict[str, tuple[Report, Line]]
    now: _dt.datetime
    witnesses: WitnessPolicy | None


def verify(
    bundle: bytes | str,
    *,
    trust: TrustBundle,
    evidence: Iterable[object] = (),
    policy: VerifyPolicy | None = None,
    strict: bool = True,
    now: str | None = None,
) -> Report:
    """Verify a bundle offline against a trust bundle and outside evidence.

    Args:
        bundle: The bundle bytes (or text), as :meth:`Chain.bundle` writes them.
        trust: The pinned trust bundle.
        evidence: Outside evidence: scanned Digital Link URIs with a ``th`` head,
            :class:`~tracelib.signing.head.CompactHead` or
            :class:`~tracelib.signing.head.SignedHead` objects, signed head notes (text or
            :class:`~tracelib.signing.notes.Note`, with any witness cosignature lines), and
            the bundles (bytes) of input chains that ``refs`` point to.
        policy: The options; :class:`VerifyPolicy` defaults.
        strict: Require JCS header bytes (``NON_CANONICAL_ENCODING``).
        now: The verifier's current time (RFC 3339) for the trust bundle's expiry and
            the age of witness quorums; now when omitted.

    Returns:
        The report (never raises for tampering).

    Raises:
        InputError: ``VERIFY_ARGUMENT`` for arguments of the wrong type (programmer error).

    Examples:
        >>> verify(b"{}", trust=TrustBundle()).codes()
        ['MALFORMED_RECORD']
    """
    if not isinstance(bundle, bytes | bytearray | str):
        raise InputError("bundle must be bytes or text", code="VERIFY_ARGUMENT")
    if not isinstance(trust, TrustBundle):
        raise InputError("trust must be a TrustBundle", code="VERIFY_ARGUMENT")
    policy = policy or _DEFAULT_POLICY
    now = now or rfc3339()
    try:
        moment = instant(now)
    except (MalformedInput, InputError, ValueError) as exc:
        raise InputError(f"now is not an RFC 3339 time: {now!r}", code="VERIFY_ARGUMENT") from exc
    ctx = _Context(
        trust,
        {k.kid: k for k in trust.keys},
        policy,
        strict,
        [],
        {},
        {},
        moment,
        policy.witnesses or getattr(trust, "witnesses", None),
    )
    for item in evidence:
        _sort_evidence(item, ctx)
    report, _line = _verify(bundle, ctx, depth=0, visiting=frozenset(), top=True)
    extra = _trust_findings(trust, now)
    if not extra:
        return report
    return Report.build(
        report.chain,
        report.size,
        [*report.findings, *extra],
        signers=report.signers,
        time_bounds=report.time_bounds,
    )


def _sort_evidence(item: object, ctx: _Context) -> None:
    if isinstance(item, SignedHead | CompactHead):
        ctx.heads.append(item)
        return
    if isinstance(item, Note):
        ctx.heads.append(item.to_text())
        return
    if not isinstance(item, bytes | bytearray | str):
        raise InputError(
            f"evidence of type {type(item).__name__} is not understood", code="VERIFY_ARGUMENT"
        )
    if (item.lstrip()[:1] in (b"{", "{")) if item else False:
        try:
            parsed = Bundle.parse(item)
        except MalformedInput:
            return
        ctx.inputs.setdefault(parsed.chain, parsed)
        return
    ctx.heads.append(item)


def _trust_findings(trust: TrustBundle, now: str | None) -> list[Finding]:
    state = trust.freshness(now or rfc3339())
    if state == "expired":
        return [Finding.make("TRUST_BUNDLE_EXPIRED", expected=trust.hard_expires, actual=now)]
    if state == "stale":
        return [Finding.make("TRUST_BUNDLE_STALE", expected=trust.expires, actual=now)]
    return []


def _verify(
    data: bytes | bytearray | str | Bundle,
    ctx: _Context,
    *,
    depth: int,
    visiting: frozenset[str],
    top: bool,
) -> tuple[Report, Line]:
    try:
        bundle = data if isinstance(data, Bundle) else Bundle.parse(data)
    except MalformedInput as exc:
        finding = Finding.make(
            "MALFORMED_RECORD",
            details={"error": exc.code, "path": exc.path, "position": exc.position},
            message=f"the bundle cannot be read: {exc.message}",
        )
        return Report.build("", 0, [finding]), Line()
    findings: list[Finding] = []
    anchors = timestamp_anchors(bundle.to_json(), ctx.trust) if bundle.timestamps else Anchors()
    findings.extend(anchors.findings)
    nodes: list[Item] = []
    event_id_checks: list[EventIdCheck] = []
    for p, raw in enumerate(bundle.records):
        item = _read(p, raw, bundle, ctx, findings, anchors, event_id_checks)
        if item is not None:
            nodes.append(item)
    check_event_ids(event_id_checks, findings)
    line = relink(nodes)
    findings.extend(line.findings)
    signers = _walk_line(line, ctx, findings)
    keys = head_keys(ctx.trust)
    heads: list[Witnessed] = []
    sources: list[tuple[str, object, bool]] = [
        (f"checkpoints[{i}]", note, True) for i, note in enumerate(bundle.checkpoints)
    ]
    if top:
        sources += [(f"evidence[{i}]", given, False) for i, given in enumerate(ctx.heads)]
    for where, given, own in sources:
        head, problem = open_head(given, bundle.chain, keys, where)
        if problem is not None:
            findings.append(problem)
        if head is not None:
            problems = check_head(head, line, where, own=own)
            findings.extend(problems)
            heads.append(Witnessed(head, note_lines(given), where, not problems, own))
    if top:
        findings.extend(freshness(heads, line.size, ctx.witnesses, ctx.now))
    findings.extend(_check_refs(bundle.chain, line, ctx, depth, visiting | {bundle.chain}))
    times = [i.header.iat for _, i in sorted(line.items.items()) if i.header is not None]
    report = Report.build(
        bundle.chain,
        line.size,
        findings,
        signers=signers,
        time_bounds=(times[0], times[-1]) if times else None,
    )
    return report, line


def _lenient(payload: bytes, item: Item) -> None:
    """The seq and prev of a header that failed strict parsing, to keep it linkable."""
    try:
        obj = json.loads(payload)
        seq, prev = obj.get("seq"), obj.get("prev")
        if type(seq) is int and seq >= 0 and isinstance(prev, str):
            item.seq, item.prev = seq, hash32(prev, "$.prev", empty=True)
    except (ValueError, AttributeError, TypeError, RecursionError):
        return


def _read(
    p: int,
    raw: Any,
    bundle: Bundle,
    ctx: _Context,
    out: list[Finding],
    anchors: Anchors,
    event_id_checks: list[EventIdCheck],
) -> Item | None:
    item = Item(p, raw)
    try:
        envelope = Envelope.parse(raw)
    except MalformedInput as exc:
        out.append(
            Finding.make(
                "MALFORMED_RECORD",
                details={"position": p, "error": exc.code, "path": exc.path},
                message=f"record {p}: {exc.message}",
            )
        )
        return None
    item.h = leaf_hash(envelope.payload)
    item.rid = b64url_encode(item.h)
    try:
        if envelope.payload_type != PAYLOAD_TYPE:
            raise MalformedInput(
                f"payloadType is not {PAYLOAD_TYPE}", code="PAYLOAD_TYPE_UNEXPECTED"
            )
        record = Record(
            envelope, RecordHeader.parse(envelope.payload, canonical=ctx.strict), item.h
        )
    except MalformedInput as exc:
        if exc.code != "NON_CANONICAL_ENCODING":
            _lenient(envelope.payload, item)
            out.append(
                Finding.make(
                    "MALFORMED_RECORD",
                    seq=item.seq,
                    record_id=item.rid,
                    details={"position": p, "error": exc.code, "path": exc.path},
                    message=f"record {p}: {exc.message}",
                )
            )
            return item if item.seq is not None else None
        record = Record(envelope, RecordHeader.parse(envelope.payload, canonical=False), item.h)
        out.append(
            Finding.make(
                "NON_CANONICAL_ENCODING",
                seq=record.header.seq,
                record_id=item.rid,
                details={"position": p, "offset": exc.position},
                message=f"record {p}: {exc.message}",
            )
        )
    except (ValueError, RecursionError) as exc:  # a foreign error on hostile input
        out.append(Finding.make("MALFORMED_RECORD", details={"position": p}, message=str(exc)))
        return None
    header = record.header
    item.record, item.header = record, header
    item.seq, item.prev = header.seq, header.prev
    if header.chain != bundle.chain:
        out.append(
            Finding.make(
                "WRONG_CHAIN",
                seq=header.seq,
                record_id=item.rid,
                expected=bundle.chain,
                actual=header.chain,
                message="a record of another chain",
            )
        )
        return None
    item.valid = check_record(
        item,
        record,
        bundle,
        ctx.trust,
        ctx.keys,
        out,
        event_ids=ctx.policy.check_event_ids,
        anchored=anchors.at(header.seq),
        deferred=event_id_checks,
    )
    return item


def _walk_line(line: Line, ctx: _Context, out: list[Finding]) -> list[str]:
    """Steps 4 and 5: prefix roots, custody, countersignatures, time order."""
    custody = CustodyState()
    signers: list[str] = []
    # the compact range of the leaves [0, size) (merkle.CompactRange, kept in place)
    stack: list[bytes] = []
    size = 0
    contiguous = True
    last_time = None
    for seq in range(line.size):
        item = line.items.get(seq)
        if seq in line.gaps:
            custody.reset()
            contiguous = False
        header = item.header if item is not None else None
        if contiguous and size == seq:
            line.roots[seq] = _range_root(stack)
        if header is not None:
            if seq in line.roots and header.root != line.roots[seq]:
                out.append(
                    Finding.make(
                        "HEADER_INCONSISTENT",
                        seq=seq,
                        record_id=item.rid if item else None,
                        expected=b64url_encode(line.roots[seq]),
                        actual=b64url_encode(header.root),
                        message="root is not the root of the records before",
                    )
                )
            if (seq == 0) != (header.prev == b""):
                out.append(
                    Finding.make(
                        "HEADER_INCONSISTENT",
                        seq=seq,
                        record_id=item.rid if item else None,
                        message="prev must be empty exactly on seq 0",
                    )
                )
            problem = custody.check(header)
            if problem is not None:
                out.append(
                    Finding.make(
                        problem[0],
                        seq=seq,
                        record_id=item.rid if item else None,
                        actual=header.signer.actor,
                        message=problem[1],
                    )
                )
            if header.kind == "handover" and ctx.policy.countersign_handovers and item:
                require_countersignature(item, ctx.keys, out)
            custody.apply(header)
            if header.signer.actor not in signers:
                signers.append(header.signer.actor)
            moment = instant(header.iat)
            if last_time is not None and (last_time - moment).total_seconds() > (
                ctx.policy.time_tolerance
            ):
                out.append(
                    Finding.make(
                        "TIME_REGRESSION",
                        seq=seq,
                        record_id=item.rid if item else None,
                        actual=header.iat,
                        message="iat goes backwards",
                    )
                )
            last_time = moment if last_time is None else max(last_time, moment)
        else:
            custody.reset()
        leaf = line.leaves.get(seq)
        if leaf is None:
            contiguous = False
        elif contiguous:
            _range_push(stack, size, leaf)
            size += 1
    if contiguous:
        line.roots[size] = _range_root(stack)
    return signers


def _range_push(stack: list[bytes], size: int, leaf: bytes) -> None:
    """:meth:`CompactRange.append` in place: ``stack`` covers ``size`` leaves."""
    node = leaf
    while size & 1:
        node = _sha256(b"\x01" + stack.pop() + node).digest()
        size >>= 1
    stack.append(node)


def _range_root(stack: list[bytes]) -> bytes:
    """:meth:`CompactRange.root` of a compact range's hashes (tests compare the two)."""
    if not stack:
        return EMPTY_ROOT
    node = stack[-1]
    for left in reversed(stack[:-1]):
        node = _sha256(b"\x01" + left + node).digest()
    return node


def _check_refs(
    chain: str, line: Line, ctx: _Context, depth: int, visiting: frozenset[str]
) -> list[Finding]:
    out: list[Finding] = []
    for seq, item in sorted(line.items.items()):
        if item.header is None:
            continue
        for ref in item.header.refs:
            path = f"{chain}→{ref.chain}#{ref.seq}"
            bundle = ctx.inputs.get(ref.chain)
            if bundle is None or depth + 1 > ctx.policy.max_ref_depth or ref.chain in visiting:
                reason = "absent" if bundle is None else "depth or cycle"
                out.append(
                    Finding.make(
                        "REF_UNVERIFIED",
                        seq=seq,
                        record_id=item.rid,
                        details={"path": path, "reason": reason},
                        message=f"input {ref.chain} not verified ({reason})",
                    )
                )
                continue
            if ref.chain not in ctx.done:
                ctx.done[ref.chain] = _verify(
                    bundle, ctx, depth=depth + 1, visiting=visiting, top=False
                )
            report, in_line = ctx.done[ref.chain]
            problems = [f.code for f in report.errors if f.seq is None or f.seq < ref.size]
            if in_line.leaves.get(ref.seq) != ref.leaf:
                problems.append("LEAF")
            if ref.size > in_line.size or prefix_root(in_line, ref.size) != ref.root:
                problems.append("ROOT")
            if problems:
                out.append(
                    Finding.make(
                        "REF_MISMATCH",
                        seq=seq,
                        record_id=item.rid,
                        details={"path": path, "input_findings": sorted(set(problems))},
                        message=f"the input {path} does not verify as pinned",
                    )
                )
    return out


def verify_fork_evidence(evidence: Mapping[str, Any], trust: TrustBundle) -> bool:
    """Check a ``FORK_DETECTED`` finding's evidence offline, with only the trust bundle.

    Args:
        evidence: The finding's ``evidence`` (``{"envelopes": [e1, e2], ...}``).
        trust: The trust bundle.

    Returns:
        ``True``: two distinct records at one ``(chain, seq)``, each validly signed by a
        trusted key bound to its signer.

    Raises:
        SigningError: ``FORK_EVIDENCE_INVALID`` when the evidence does not prove a fork.

    Examples:
        >>> verify_fork_evidence({"envelopes": []}, TrustBundle())
        Traceback (most recent call last):
        ...
        tracelib.errors.SigningError: fork evidence needs two envelopes
    """

    def fail(message: str) -> SigningError:
        return SigningError(message, code="FORK_EVIDENCE_INVALID")

    envelopes = evidence.get("envelopes") if isinstance(evidence, Mapping) else None
    if not isinstance(envelopes, Sequence) or len(envelopes) != 2:
        raise fail("fork evidence needs two envelopes")
    records = []
    for raw in envelopes:
        try:
            record = Record.parse(raw)
        except (MalformedInput, TypeError) as exc:
            raise fail(f"an envelope cannot be read: {exc}") from None
        status = trust.status(record.header.signer.kid, record.header.iat)
        entry = status.key
        if entry is None or not status.usable or entry.actor != record.header.signer.actor:
            raise fail("an envelope is not signed by a trusted key of its signer")
        try:
            record.verify(entry.key)
        except SignatureInvalid as exc:
            raise fail(f"an envelope's signature fails: {exc.message}") from None
        records.append(record)
    first, second = records
    if (first.header.chain, first.header.seq) != (second.header.chain, second.header.seq):
        raise fail("the envelopes are not at one (chain, seq)")
    if first.id == second.id:
        raise fail("the envelopes are the same record")
    return True


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`verify`.

    ``tracelib.signing.verify`` is both this module and the function the package exports;
    importing the module (as doctest collection or ``from tracelib.signing.verify import …``
    does) rebinds the package attribute to the module, so the module answers calls too.
    """

    def __call__(self, bundle: bytes | str, **options: Any) -> Report:
        return verify(bundle, **options)


sys.modules[__name__].__class__ = _CallableModule
