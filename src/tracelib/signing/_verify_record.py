"""Step 2 of :func:`tracelib.signing.verify` for one record (private plumbing).

The signer's kid is resolved in the trust bundle at the record's time; binding to the actor,
``alg``, validity window, revocation, the signature, the payload digest and any trusted
countersignature are checked, each problem a finding.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import MalformedInput, SignatureInvalid, SigningError
from ._bundle import Bundle
from ._chain_event import event_id_of
from ._verify_link import Item
from .canonical import b64url_encode
from .records import Record
from .report import Finding
from .trust import TrustBundle, TrustedKey

__all__ = ["EventIdCheck", "Keys", "check_event_ids", "check_record", "require_countersignature"]

#: A deferred eventId check: ``(eventId, payload, seq, record id, SHA-256 of the payload)``.
EventIdCheck = tuple[str, bytes, int, "str | None", "bytes | None"]
#: Trusted keys by kid.
Keys = Mapping[str, TrustedKey]
#: The JWK ``kty`` of each algorithm's keys (RSA for the others).
_KTY = {"Ed25519": "OKP", "ES256": "EC"}


def check_record(
    item: Item,
    record: Record,
    bundle: Bundle,
    trust: TrustBundle,
    keys: Keys,
    out: list[Finding],
    *,
    event_ids: bool = True,
    anchored: str | None = None,
    deferred: list[EventIdCheck] | None = None,
) -> bool:
    """Step 2 for one record: key (judged at its anchored time, when a trusted timestamp
    covers it), signature, payload digest, eventId, countersignatures.

    With ``deferred``, the eventId check is added to that list instead of run here (see
    :func:`check_event_ids`): the findings are the same, and the report sorts them.
    """
    header, seq, rid = record.header, record.header.seq, item.rid
    valid = _check_key(record, trust, keys, out, seq, rid, anchored)
    if header.payload is not None:
        payload = bundle.payloads.get(rid or "")
        if payload is None:
            out.append(Finding.make("PAYLOAD_WITHHELD", seq=seq, record_id=rid))
        else:
            try:
                header.payload.verify(payload, bundle.salts.get(rid or ""))
            except SigningError as exc:
                out.append(
                    Finding.make(
                        "PAYLOAD_DIGEST_MISMATCH",
                        seq=seq,
                        record_id=rid,
                        expected=b64url_encode(header.payload.digest),
                        message=exc.message,
                    )
                )
            else:
                if event_ids and header.event_id is not None:
                    # the digest just checked is SHA-256(payload) when unsalted
                    digest = None if header.payload.salted else header.payload.digest
                    check = (header.event_id, payload, seq, rid, digest)
                    if deferred is None:
                        _check_event_id(*check, out)
                    else:
                        deferred.append(check)
    for signature in record.envelope.signatures:
        entry = keys.get(signature.keyid)
        if entry is None or signature.keyid == header.signer.kid:
            continue
        try:
            entry.key.verify(entry.alg, signature.sig, record.envelope.pae())
        except (SignatureInvalid, MalformedInput):
            out.append(
                Finding.make(
                    "SIGNATURE_INVALID",
                    seq=seq,
                    record_id=rid,
                    details={"countersigner": entry.actor},
                    message="a countersignature does not verify",
                )
            )
    return valid


def check_event_ids(checks: list[EventIdCheck], out: list[Finding]) -> None:
    """Run eventId checks deferred by :func:`check_record`, in order.

    Computing the CBV hash IDs one after another, rather than between signature checks,
    keeps the hashing code and its tables warm in the CPU caches: about a third quicker
    per payload in a long chain (``bench/signing_chain.py``).
    """
    for check in checks:
        _check_event_id(*check, out)


def _check_event_id(
    event_id: str,
    payload: bytes,
    seq: int,
    rid: str | None,
    digest: bytes | None,
    out: list[Finding],
) -> None:
    actual = event_id_of(payload, event_id, digest=digest)
    if actual == event_id:
        return
    out.append(
        Finding.make(
            "EVENT_ID_MISMATCH",
            seq=seq,
            record_id=rid,
            expected=event_id,
            actual=actual,
            details={} if actual else {"reason": "the payload is not one EPCIS event"},
            message="eventId is not the CBV hash ID of the payload event",
        )
    )


def _check_key(
    record: Record,
    trust: TrustBundle,
    keys: Keys,
    out: list[Finding],
    seq: int,
    rid: str | None,
    anchored: str | None = None,
) -> bool:
    header = record.header
    kid = header.signer.kid
    status = trust.status(kid, header.iat, anchored=anchored) if kid in keys else None
    if status is not None and status.state == "cert_invalid":
        problem = status.finding(seq=seq, record_id=rid, actual=kid)
        if problem is not None:
            out.append(problem)
            return False
    if status is None or status.key is None:
        out.append(
            Finding.make(
                "UNKNOWN_KEY",
                seq=seq,
                record_id=rid,
                actual=kid,
                details={"actor": header.signer.actor},
                message=f"kid {kid} is not in the trust bundle",
            )
        )
        return False
    entry = status.key
    ok = True
    if entry.actor != header.signer.actor:
        out.append(
            Finding.make(
                "SIGNER_MISMATCH",
                seq=seq,
                record_id=rid,
                expected=entry.actor,
                actual=header.signer.actor,
                message="the kid is bound to another actor",
            )
        )
        ok = False
    if header.alg != entry.alg or entry.key.kty != _KTY.get(header.alg, "RSA"):
        out.append(
            Finding.make(
                "ALG_KEY_MISMATCH",
                seq=seq,
                record_id=rid,
                expected=entry.alg,
                actual=header.alg,
                message="alg does not match the key",
            )
        )
        return False
    problem = status.finding(seq=seq, record_id=rid, actual=header.iat)
    if problem is not None:
        out.append(problem)
        ok = ok and problem.severity != "error"
    try:
        record.verify(entry.key)
    except SignatureInvalid as exc:
        out.append(
            Finding.make(
                "SIGNATURE_INVALID",
                seq=seq,
                record_id=rid,
                details={"error": exc.code},
                message=exc.message,
            )
        )
        return False
    return ok


def require_countersignature(item: Item, keys: Keys, out: list[Finding]) -> None:
    """The handover must carry a valid countersignature by the next custodian."""
    record, header = item.record, item.header
    if record is None or header is None or header.next is None:
        return
    wanted = header.next
    for signature in record.envelope.signatures:
        entry = keys.get(signature.keyid)
        if entry is None or entry.actor != wanted.actor:
            continue
        if wanted.kid is not None and entry.kid != wanted.kid:
            continue
        try:
            entry.key.verify(entry.alg, signature.sig, record.envelope.pae())
        except (SignatureInvalid, MalformedInput):
            continue
        return
    out.append(
        Finding.make(
            "MISSING_REQUIRED_SIGNATURE",
            seq=header.seq,
            record_id=item.rid,
            expected=wanted.actor,
            message="the handover lacks the receiver's countersignature",
        )
    )
