"""Verifiable Credential plumbing for :mod:`tracelib.signing.export` (private): the
credential subject of a record and the checks that it mirrors the signed header."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..errors import MalformedInput, SigningError
from ._export_di import bad
from .canonical import b64url_decode, b64url_encode, canonicalize
from .header import RecordHeader
from .members import PayloadRef
from .records import Record

__all__ = [
    "VC_CONTEXT",
    "VC_TYPE",
    "credential_record",
    "embedded_payload",
    "mismatch",
    "payload_json",
    "same",
    "subject_of",
    "urn_of",
]

#: The VC Data Model 2.0 base context (its ``@vocab`` covers tracelib's subject terms).
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
#: The credential type of an exported record (next to ``VerifiableCredential``).
VC_TYPE = "TraceRecordCredential"
# RFC 3986 pchar sub-delims, ":", "@" and "/" stay as they are; the rest is percent-encoded.
_URN_SAFE = "/:@!$&'()*+,;=-._~"
_MIRRORED = ("id", "chain", "seq", "kind", "actor", "iat", "eventId")
_SUBJECT_MEMBERS = frozenset((*_MIRRORED, "record", "payload"))
_PAYLOAD_MIRRORED = ("mediaType", "digest", "size", "salted")
_PAYLOAD_MEMBERS = frozenset((*_PAYLOAD_MIRRORED, "data", "salt"))


def urn_of(record: Record) -> str:
    """``urn:tracelib:<chain>:<seq>#<leaf>``, the chain percent-encoded outside ``pchar``."""
    chain = quote(record.header.chain, safe=_URN_SAFE)
    return f"urn:tracelib:{chain}:{record.header.seq}#{b64url_encode(record.id)}"


def payload_json(ref: PayloadRef, payload: bytes | None, salt: bytes | None) -> dict[str, Any]:
    digest = ref.to_json()
    obj: dict[str, Any] = {
        "mediaType": ref.type,
        "digest": digest["digest"],
        "size": ref.size,
        "salted": ref.salted,
    }
    if payload is not None:
        obj["data"] = b64url_encode(payload)
        if ref.salted and salt is not None:
            obj["salt"] = b64url_encode(salt)
    return obj


def subject_of(record: Record) -> dict[str, Any]:
    header: RecordHeader = record.header
    subject: dict[str, Any] = {
        "id": urn_of(record),
        "chain": header.chain,
        "seq": header.seq,
        "kind": header.kind,
        "actor": header.signer.actor,
        "iat": header.iat,
        "record": record.envelope.to_json(),
    }
    if header.event_id is not None:
        subject["eventId"] = header.event_id
    return subject


def same(given: object, expected: object) -> bool:
    """Equal as JSON (``true`` is not ``1``)."""
    try:
        return canonicalize(given) == canonicalize(expected)
    except MalformedInput:
        return False


def mismatch(what: str, path: str) -> SigningError:
    error = SigningError(f"{what} differs from the signed record ({path})", code="RECORD_MISMATCH")
    return error


def credential_record(doc: dict[str, Any]) -> tuple[Record, dict[str, Any]]:
    if not isinstance(doc.get("@context"), list) or doc["@context"][:1] != [VC_CONTEXT]:
        raise bad(f"@context must start with {VC_CONTEXT}", "$.@context")
    types = doc.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types or VC_TYPE not in types:
        raise bad(f"type must hold VerifiableCredential and {VC_TYPE}", "$.type")
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict):
        raise bad("credentialSubject must be an object", "$.credentialSubject")
    for name in subject:
        if name not in _SUBJECT_MEMBERS:
            raise bad(f"unknown member {name!r}", f"$.credentialSubject.{name}")
    if not isinstance(subject.get("record"), dict):
        raise bad("credentialSubject.record must be a DSSE envelope", "$.credentialSubject.record")
    record = Record.parse(subject["record"])
    expected = subject_of(record)
    if not same(doc.get("id"), expected["id"]):
        raise mismatch("the credential id", "$.id")
    for name in _MIRRORED:
        if (name in subject) != (name in expected) or (
            name in subject and not same(subject[name], expected[name])
        ):
            raise mismatch(f"credentialSubject.{name}", f"$.credentialSubject.{name}")
    return record, subject


def embedded_payload(
    record: Record, subject: dict[str, Any], payload: bytes | None, salt: bytes | None
) -> bytes | None:
    ref = record.header.payload
    presented = subject.get("payload")
    if ref is None:
        if presented is not None:
            raise mismatch("credentialSubject.payload", "$.credentialSubject.payload")
        if payload is not None:
            raise SigningError("the record has no payload", code="PAYLOAD_DIGEST_MISMATCH")
        return None
    path = "$.credentialSubject.payload"
    if not isinstance(presented, dict):
        raise mismatch("credentialSubject.payload", path)
    for name in presented:
        if name not in _PAYLOAD_MEMBERS:
            raise bad(f"unknown member {name!r}", f"{path}.{name}")
    expected = payload_json(ref, None, None)
    for name in _PAYLOAD_MIRRORED:
        if not same(presented.get(name), expected[name]):
            raise mismatch(f"credentialSubject.payload.{name}", f"{path}.{name}")
    data = _b64_member(presented, "data", path)
    embedded_salt = _b64_member(presented, "salt", path)
    for given, inside, what in ((payload, data, "payload"), (salt, embedded_salt, "salt")):
        if given is not None and inside is not None and given != inside:
            raise SigningError(
                f"the {what} given differs from the embedded one", code="PAYLOAD_DIGEST_MISMATCH"
            )
    checked = data if data is not None else payload
    if checked is None:
        return None
    ref.verify(checked, embedded_salt if embedded_salt is not None else salt)
    return checked


def _b64_member(obj: dict[str, Any], name: str, path: str) -> bytes | None:
    if name not in obj:
        return None
    value = obj[name]
    if not isinstance(value, str):
        raise bad(f"{name} must be a base64url string", f"{path}.{name}")
    try:
        return b64url_decode(value)
    except MalformedInput as exc:
        raise bad(f"{name} is not base64url: {exc.message}", f"{path}.{name}") from None
