"""Exports for mutual recognition: a W3C Verifiable Credential and a detached JWS per record.

Other systems do not speak tracelib chains, so a signed record can be handed out in two
widely understood forms, each carrying a *separate* signature by a key that signed the record
(its signer or a countersigner) and naming the record by its id,
``urn:tracelib:<chain>:<seq>#<leaf>`` (:func:`record_urn`):

* :func:`export_vc`: a VC Data Model 2.0 credential secured with a W3C Data Integrity proof,
  cryptosuite ``eddsa-jcs-2022`` (Ed25519) or ``ecdsa-jcs-2019`` (ES256, P-256). The issuer
  and verification method are the signer's ``did:key``; the subject holds the DSSE envelope of
  the record, the header members readers want (chain, seq, kind, actor, iat, eventId) and the
  payload reference, with the payload bytes themselves when given. :func:`verify_vc` checks
  the proof, that every mirrored member equals the signed header, that the credential's key
  signed the embedded record, and the payload digest.
* :func:`export_jws`: an RFC 7515 compact JWS over the exact payload bytes, detached and
  unencoded (RFC 7797 ``"b64": false``), whose protected header names the record
  (``urn:tracelib:record``). :func:`verify_jws` checks it with joserfc, the optional
  ``export`` extra, and, given the record, the binding to it.

The generic Data Integrity functions :func:`add_proof` and :func:`verify_proof` work on any
JSON document. Verifiers raise on failure (``SignatureInvalid``, ``SigningError``,
``MalformedInput``, each with a stable ``code``) and return what they verified.

Examples:
    >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> event = b'{"type":"ObjectEvent","quantity":1250.5}'
    >>> record = Record.create(RecordHeader.genesis(
    ...     chain="trace.example.vn/lot/08930000000012/LOT1", signer=farm,
    ...     iat="2026-05-14T08:00:00Z", kind="event",
    ...     payload=PayloadRef.for_payload(event, type="application/ld+json")), farm)
    >>> credential = export_vc(record, event, signer=farm, created="2026-05-14T08:00:05Z")
    >>> verify_vc(credential, key=farm.public_key).payload == event
    True
    >>> token = export_jws(record, event, signer=farm)
    >>> verify_jws(token, event, key=farm.public_key, record=record).record_id == urn_of(record)
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, SignatureInvalid, SigningError
from ._export_di import as_document, sign_document, suite_for, verify_document
from ._export_jws import (
    RECORD_PARAM,
    build_header,
    encode_header,
    joserfc,
    parse_compact,
    signing_input,
    verify_with_joserfc,
)
from ._export_vc import (
    VC_CONTEXT,
    VC_TYPE,
    credential_record,
    embedded_payload,
    mismatch,
    payload_json,
    subject_of,
    urn_of,
)
from .canonical import b64url_encode, canonicalize
from .header import RecordHeader, rfc3339  # noqa: F401 - RecordHeader: for the doctests
from .keys import PublicKey
from .members import PayloadRef  # noqa: F401 - for the doctests
from .records import Record
from .signers import Signer, SoftwareSigner  # noqa: F401 - SoftwareSigner: for the doctests

__all__ = [
    "VC_CONTEXT",
    "VC_TYPE",
    "VerifiedExport",
    "add_proof",
    "export_jws",
    "export_vc",
    "record_urn",
    "verify_jws",
    "verify_proof",
    "verify_vc",
]

_PURPOSE = "assertionMethod"


@dataclass(frozen=True, slots=True)
class VerifiedExport:
    """What a verified export vouches for.

    Attributes:
        record_id: The record id the export names, ``urn:tracelib:<chain>:<seq>#<leaf>``.
        record: The record (embedded in a VC, or given to :func:`verify_jws`), else ``None``.
        payload: The exact payload bytes that were checked, or ``None`` when withheld.
        key: The key whose signature verified: check it against your trust store.

    Examples:
        >>> VerifiedExport("urn:tracelib:x:0#A", None, None,
        ...                SoftwareSigner.generate(actor="a").public_key).payload is None
        True
    """

    record_id: str
    record: Record | None = field(repr=False)
    payload: bytes | None = field(repr=False)
    key: PublicKey


def record_urn(record: Record) -> str:
    """The record id as a URN: ``urn:tracelib:<chain>:<seq>#<leaf hash, base64url>``.

    Characters of the chain origin outside RFC 3986 ``pchar`` are percent-encoded.

    Args:
        record: The record.

    Returns:
        The URN.

    Raises:
        InputError: ``EXPORT_INPUT_INVALID`` when ``record`` is not a :class:`Record`.

    Examples:
        >>> s = SoftwareSigner.generate(actor="urn:example:farm")
        >>> r = Record.create(RecordHeader.genesis(chain="trace.example.vn/lot/1", signer=s,
        ...                   iat="2026-05-14T08:00:00Z", kind="seal"), s)
        >>> record_urn(r) == "urn:tracelib:trace.example.vn/lot/1:0#" + b64url_encode(r.id)
        True
    """
    if not isinstance(record, Record):
        raise InputError("expected a tracelib Record", code="EXPORT_INPUT_INVALID")
    return urn_of(record)


def _signer_key(signer: object) -> PublicKey:
    if not isinstance(signer, Signer):
        raise InputError("signer must implement the Signer protocol", code="EXPORT_INPUT_INVALID")
    return PublicKey.from_jwk(signer.public_jwk())


def add_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    created: str | None = None,
    proof_purpose: str = _PURPOSE,
) -> dict[str, Any]:
    """Secure a JSON document with a Data Integrity proof (``eddsa-jcs-2022`` or
    ``ecdsa-jcs-2019``, chosen by the signer's algorithm), as VC DI EdDSA/ECDSA §3.3.

    The proof options copy the document's ``@context``; the verification method is the
    signer's ``did:key`` (``did:key:z…#z…``).

    Args:
        document: The unsecured document (a JSON object without ``proof``).
        signer: An Ed25519 or ES256 signer.
        created: The proof's ``created`` (XML Schema dateTime); now when omitted.
        proof_purpose: The ``proofPurpose``.

    Returns:
        A new document with a ``proof`` member.

    Raises:
        MalformedInput: ``DI_CRYPTOSUITE_UNSUPPORTED`` (RSA signer), ``VC_MALFORMED`` (bad
            ``created``, not a JSON object), ``DI_PROOF_SET_UNSUPPORTED`` (already has a
            proof) or a ``JSON_*``/``JCS_*`` code for values JCS cannot take.

    Examples:
        >>> signer = SoftwareSigner.generate(actor="urn:example:coop")
        >>> secured = add_proof({"name": "Lúa ST25"}, signer=signer,
        ...                     created="2026-05-14T08:00:00Z")
        >>> secured["proof"]["cryptosuite"], verify_proof(secured) == signer.public_key
        ('eddsa-jcs-2022', True)
    """
    key = _signer_key(signer)
    unsecured = as_document(document)
    return sign_document(
        unsecured,
        signer.sign,
        key=key,
        alg=signer.alg,
        created=rfc3339() if created is None else created,
        purpose=_check_purpose(proof_purpose),
    )


def _check_purpose(purpose: object) -> str:
    if not isinstance(purpose, str) or not purpose:
        raise InputError("proof_purpose must be a non-empty string", code="EXPORT_INPUT_INVALID")
    return purpose


def _check_key(key: object, *, optional: bool) -> PublicKey | None:
    if key is None and optional:
        return None
    if not isinstance(key, PublicKey):
        raise InputError("key must be a tracelib PublicKey", code="EXPORT_INPUT_INVALID")
    return key


def verify_proof(
    document: bytes | str | Mapping[str, Any],
    *,
    key: PublicKey | None = None,
    proof_purpose: str = _PURPOSE,
) -> PublicKey:
    """Verify the ``eddsa-jcs-2022`` or ``ecdsa-jcs-2019`` proof of a JSON document.

    A ``did:key`` verification method is decoded offline; any other needs ``key``. With
    ``key`` given, a ``did:key`` method must name that key. The document's ``@context`` must
    start with the proof's ``@context`` (VC DI EdDSA §3.3.2). Proof sets are not supported.

    Args:
        document: The secured document (JSON bytes, text or a parsed mapping).
        key: The key you trust for it; ``None`` to use the ``did:key`` the proof names (then
            check the returned key against your trust store).
        proof_purpose: The expected ``proofPurpose``.

    Returns:
        The key whose signature verified.

    Raises:
        SignatureInvalid: ``DI_PROOF_INVALID`` (signature, context, purpose or key
            mismatch) or ``ALG_KEY_MISMATCH``.
        MalformedInput: ``VC_MALFORMED`` (with ``path``), ``DI_CRYPTOSUITE_UNSUPPORTED``,
            ``DI_PROOF_SET_UNSUPPORTED``, ``DI_VERIFICATION_METHOD_UNRESOLVED``,
            ``MULTIBASE_INVALID``, ``DID_KEY_INVALID``, ``KEY_INVALID`` or a ``JSON_*`` code.

    Examples:
        >>> signer = SoftwareSigner.generate(actor="urn:example:coop", alg="ES256")
        >>> secured = add_proof({"n": 1}, signer=signer, created="2026-05-14T08:00:00Z")
        >>> verify_proof(secured).kid == signer.kid
        True
        >>> verify_proof({**secured, "n": 2})
        Traceback (most recent call last):
        ...
        tracelib.errors.SignatureInvalid: ecdsa-jcs-2019 proof does not verify: ...
    """
    checked = _check_key(key, optional=True)
    verifier, _ = verify_document(
        as_document(document), key=checked, purpose=_check_purpose(proof_purpose)
    )
    return verifier


def _check_export_inputs(
    record: object, payload: object, salt: object, signer: object
) -> PublicKey:
    """Common checks of both exports: the payload is the record's, the signer signed it."""
    if not isinstance(record, Record):
        raise InputError("expected a tracelib Record", code="EXPORT_INPUT_INVALID")
    if payload is not None and not isinstance(payload, bytes):
        raise InputError("payload must be bytes", code="EXPORT_INPUT_INVALID")
    if salt is not None and not isinstance(salt, bytes):
        raise InputError("salt must be bytes", code="EXPORT_INPUT_INVALID")
    if payload is not None:
        if record.header.payload is None:
            raise InputError("this record has no payload", code="PAYLOAD_MISSING")
        record.header.payload.verify(payload, salt)
    key = _signer_key(signer)
    assert isinstance(signer, Signer)
    try:
        record.envelope.verify(key, signer.alg)
    except SignatureInvalid:
        raise InputError(
            "the signer has no valid signature on this record (sign or countersign it first)",
            code="SIGNER_MISMATCH",
        ) from None
    return key


def export_vc(
    record: Record,
    payload: bytes | None = None,
    *,
    signer: Signer,
    salt: bytes | None = None,
    created: str | None = None,
) -> bytes:
    """Export a record (and its payload) as a Verifiable Credential with an
    ``eddsa-jcs-2022`` (Ed25519) or ``ecdsa-jcs-2019`` (ES256) Data Integrity proof.

    The credential is ``{"@context": [VC v2], "id": <record urn>, "type":
    ["VerifiableCredential", "TraceRecordCredential"], "issuer": <signer did:key>,
    "credentialSubject": {id, chain, seq, kind, actor, iat, eventId?, record: <DSSE
    envelope>, payload?: {mediaType, digest, size, salted, data?, salt?}}, "proof"}``.
    ``data`` (base64url) holds the exact payload bytes when ``payload`` is given; a salted
    payload's salt goes with it. Without ``payload`` the credential only references it.

    Args:
        record: The signed record.
        payload: The record's payload bytes, to embed; ``None`` to withhold them.
        signer: An Ed25519 or ES256 signer that signed or countersigned ``record``.
        salt: The salt of a salted payload digest (needed with ``payload``).
        created: The proof's ``created``; now when omitted.

    Returns:
        The credential as JCS bytes (deterministic for Ed25519 and RFC 6979 ES256).

    Raises:
        InputError: ``SIGNER_MISMATCH`` (the signer did not sign the record),
            ``PAYLOAD_MISSING`` (payload for a record without one) or
            ``EXPORT_INPUT_INVALID``.
        SigningError: ``PAYLOAD_DIGEST_MISMATCH`` (not the record's payload or salt);
            ``SIGNER_FAILED`` (the signer produced a signature that does not verify).
        MalformedInput: ``DI_CRYPTOSUITE_UNSUPPORTED`` (RSA signer) or ``VC_MALFORMED``.

    Examples:
        >>> coop = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
        >>> r = Record.create(RecordHeader.genesis(chain="trace.example.vn/lot/1", signer=coop,
        ...                   iat="2026-05-14T08:00:00Z", kind="seal"), coop)
        >>> vc = export_vc(r, signer=coop, created="2026-05-14T08:00:00Z")
        >>> vc == export_vc(r, signer=coop, created="2026-05-14T08:00:00Z"), vc[:14]
        (True, b'{"@context":["')
    """
    key = _check_export_inputs(record, payload, salt, signer)
    suite_for(signer.alg)
    subject = subject_of(record)
    if record.header.payload is not None:
        subject["payload"] = payload_json(record.header.payload, payload, salt)
    credential = {
        "@context": [VC_CONTEXT],
        "id": subject["id"],
        "type": ["VerifiableCredential", VC_TYPE],
        "issuer": key.did_key(),
        "credentialSubject": subject,
    }
    secured = sign_document(
        credential,
        signer.sign,
        key=key,
        alg=signer.alg,
        created=rfc3339() if created is None else created,
        purpose=_PURPOSE,
    )
    try:
        verify_document(secured, key=key, purpose=_PURPOSE)
    except SignatureInvalid:
        raise SigningError(
            "the signer returned a signature that does not verify", code="SIGNER_FAILED"
        ) from None
    return canonicalize(secured)


def _check_optional_bytes(value: object, name: str) -> bytes | None:
    if value is not None and not isinstance(value, bytes):
        raise InputError(f"{name} must be bytes", code="EXPORT_INPUT_INVALID")
    return value


def verify_vc(
    credential: bytes | str | Mapping[str, Any],
    *,
    key: PublicKey | None = None,
    payload: bytes | None = None,
    salt: bytes | None = None,
) -> VerifiedExport:
    """Verify a credential made by :func:`export_vc`; raise unless every check holds.

    Checks, in order: the Data Integrity proof (see :func:`verify_proof`); the credential
    shape; the embedded DSSE record (strict parse); that ``id`` and every mirrored subject
    member equal the signed header; that the issuer is the proof key's ``did:key`` and that
    this key signed the embedded record; the payload (embedded or given) against the header
    digest. The record's own chain position, custody and trust are for
    :func:`tracelib.signing.verify` with a trust bundle.

    Args:
        credential: The credential (JSON bytes, text or a parsed mapping).
        key: The key you trust; ``None`` to use the ``did:key`` of the proof (then check the
            returned ``key`` against your trust store).
        payload: The payload bytes, when they travel apart from a credential without them.
        salt: The salt of a salted payload, when not embedded.

    Returns:
        The verified record, payload (``None`` when withheld) and key.

    Raises:
        SignatureInvalid: ``DI_PROOF_INVALID``, ``SIGNATURE_INVALID``/``SIGNATURE_MISSING``
            (the key did not sign the embedded record) or ``ALG_KEY_MISMATCH``.
        SigningError: ``RECORD_MISMATCH`` (a member disagrees with the signed header or the
            issuer is not the proof key) or ``PAYLOAD_DIGEST_MISMATCH``.
        MalformedInput: ``VC_MALFORMED`` (with ``path``), the codes of :func:`verify_proof`
            and of :meth:`Record.parse <tracelib.signing.records.Record.parse>`.
        InputError: ``EXPORT_INPUT_INVALID`` for arguments of the wrong type.

    Examples:
        >>> coop = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
        >>> r = Record.create(RecordHeader.genesis(chain="trace.example.vn/lot/1", signer=coop,
        ...                   iat="2026-05-14T08:00:00Z", kind="seal"), coop)
        >>> vc = export_vc(r, signer=coop, created="2026-05-14T08:00:00Z")
        >>> verify_vc(vc).record.id == r.id
        True
        >>> verify_vc(vc.replace(b'"seq":0', b'"seq":1'))
        Traceback (most recent call last):
        ...
        tracelib.errors.SignatureInvalid: eddsa-jcs-2022 proof does not verify: ...
    """
    checked_key = _check_key(key, optional=True)
    payload = _check_optional_bytes(payload, "payload")
    salt = _check_optional_bytes(salt, "salt")
    doc = as_document(credential)
    verifier, _ = verify_document(doc, key=checked_key, purpose=_PURPOSE)
    record, subject = credential_record(doc)
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != verifier.did_key():
        raise mismatch("the issuer (not the proof key's did:key)", "$.issuer")
    record.envelope.verify(verifier, verifier.check_alg(_suite_alg(verifier)))
    checked = embedded_payload(record, subject, payload, salt)
    return VerifiedExport(urn_of(record), record, checked, verifier)


def _suite_alg(key: PublicKey) -> str:
    """The algorithm a Data Integrity key signs with (``Ed25519`` or ``ES256``)."""
    return "Ed25519" if key.kty == "OKP" else "ES256"


def export_jws(record: Record, payload: bytes, *, signer: Signer, salt: bytes | None = None) -> str:
    """Export a record's payload signature as a detached, unencoded compact JWS.

    Protected header (JCS, so the output is deterministic for deterministic signers):
    ``{"alg", "b64": false, "crit": ["b64"], "cty": <payload media type>, "kid",
    "urn:tracelib:record": <record urn>}``. The JWS Payload is the exact payload bytes,
    not encoded and not included: the compact form is ``<header>..<signature>``. Any
    :class:`~tracelib.signing.signers.Signer` works (HSM, token, service); joserfc (the
    ``export`` extra) checks the result before it is returned.

    Args:
        record: The signed record; it must have a payload.
        payload: The exact payload bytes the record commits to.
        signer: A signer that signed or countersigned ``record`` (any allowed algorithm).
        salt: The salt of a salted payload digest.

    Returns:
        The detached compact JWS.

    Raises:
        MissingDependencyError: joserfc is not installed (``pip install 'tracelib[export]'``).
        InputError: ``PAYLOAD_MISSING``, ``SIGNER_MISMATCH`` or ``EXPORT_INPUT_INVALID``.
        SigningError: ``PAYLOAD_DIGEST_MISMATCH`` or ``SIGNER_FAILED``.

    Examples:
        >>> coop = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
        >>> event = b'<epcis:EPCISDocument/>'
        >>> r = Record.create(RecordHeader.genesis(chain="trace.example.vn/lot/1", signer=coop,
        ...     iat="2026-05-14T08:00:00Z", kind="event",
        ...     payload=PayloadRef.for_payload(event, type="application/epcis+xml")), coop)
        >>> token = export_jws(r, event, signer=coop)
        >>> token.count("."), ".." in token
        (2, True)
    """
    joserfc("detached JWS export")
    if not isinstance(payload, bytes):
        raise InputError("payload must be bytes", code="EXPORT_INPUT_INVALID")
    if isinstance(record, Record) and record.header.payload is None:
        raise InputError("this record has no payload to sign", code="PAYLOAD_MISSING")
    key = _check_export_inputs(record, payload, salt, signer)
    assert record.header.payload is not None
    header = build_header(
        alg=signer.alg, kid=key.kid, cty=record.header.payload.type, record=urn_of(record)
    )
    segment = encode_header(header)
    token = f"{segment}..{b64url_encode(signer.sign(signing_input(segment, payload)))}"
    try:
        verify_with_joserfc(token, payload, key, signer.alg)
    except SignatureInvalid:
        raise SigningError(
            "the signer returned a signature that does not verify", code="SIGNER_FAILED"
        ) from None
    return token


def verify_jws(
    jws: str | bytes,
    payload: bytes,
    *,
    key: PublicKey,
    record: Record | bytes | str | Mapping[str, Any] | None = None,
    salt: bytes | None = None,
) -> VerifiedExport:
    """Verify a detached JWS made by :func:`export_jws`; raise unless every check holds.

    The header is parsed strictly (I-JSON, only tracelib's members, ``alg`` in the closed
    list and matching ``key``, ``kid`` = ``key.kid``, ``b64`` false and critical) and the
    signature is verified by joserfc over the payload bytes. With ``record`` (a
    :class:`Record` or its DSSE envelope) it also checks that the header names this record,
    that ``cty`` is its payload type, that the payload matches its digest and that ``key``
    signed it.

    Args:
        jws: The compact JWS (``<header>..<signature>``).
        payload: The detached payload bytes.
        key: The signer's public key, from your trust store.
        record: The record the JWS names, to check the binding.
        salt: The salt of a salted payload digest.

    Returns:
        The record id named in the header, the record (when given), payload and key.

    Raises:
        MissingDependencyError: joserfc is not installed.
        SignatureInvalid: ``SIGNATURE_INVALID`` (also a ``kid`` that is not ``key``'s),
            ``SIGNATURE_MISSING`` or ``ALG_KEY_MISMATCH``.
        SigningError: ``RECORD_MISMATCH`` or ``PAYLOAD_DIGEST_MISMATCH``.
        MalformedInput: ``JWS_MALFORMED``, ``ALG_NOT_ALLOWED`` or the codes of
            :meth:`Record.parse <tracelib.signing.records.Record.parse>`.
        InputError: ``EXPORT_INPUT_INVALID`` for arguments of the wrong type.

    Examples:
        >>> coop = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
        >>> event = b'{"bizStep":"harvesting"}'
        >>> r = Record.create(RecordHeader.genesis(chain="trace.example.vn/lot/1", signer=coop,
        ...     iat="2026-05-14T08:00:00Z", kind="event",
        ...     payload=PayloadRef.for_payload(event, type="application/ld+json")), coop)
        >>> token = export_jws(r, event, signer=coop)
        >>> verify_jws(token, event, key=coop.public_key).payload == event
        True
        >>> verify_jws(token, b'{"bizStep":"shipping"}', key=coop.public_key)
        Traceback (most recent call last):
        ...
        tracelib.errors.SignatureInvalid: Ed25519 JWS signature does not verify
    """
    checked_key = _check_key(key, optional=False)
    assert checked_key is not None
    if not isinstance(payload, bytes):
        raise InputError("payload must be bytes", code="EXPORT_INPUT_INVALID")
    salt = _check_optional_bytes(salt, "salt")
    joserfc("detached JWS verification")
    _, header, _ = parse_compact(jws)
    alg = checked_key.check_alg(header["alg"])
    if header["kid"] != checked_key.kid:
        raise SignatureInvalid(
            f"the JWS kid {header['kid']} is not the key's kid {checked_key.kid}",
            code="SIGNATURE_INVALID",
        )
    token = jws.decode("ascii") if isinstance(jws, bytes) else jws
    verify_with_joserfc(token, payload, checked_key, alg)
    if record is None:
        return VerifiedExport(header[RECORD_PARAM], None, payload, checked_key)
    parsed = record if isinstance(record, Record) else Record.parse(record)
    if header[RECORD_PARAM] != record_urn(parsed):
        raise mismatch("the JWS record id", f"$.{RECORD_PARAM}")
    ref = parsed.header.payload
    if ref is None or header["cty"] != ref.type:
        raise mismatch("the JWS cty", "$.cty")
    ref.verify(payload, salt)
    parsed.envelope.verify(checked_key, alg)
    return VerifiedExport(header[RECORD_PARAM], parsed, payload, checked_key)
