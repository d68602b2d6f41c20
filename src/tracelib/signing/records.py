"""Records: the DSSE envelope of a header, its PAE, and the record id (the leaf hash).

A record is a DSSE envelope whose payload is the JCS bytes of a
:class:`~tracelib.signing.header.RecordHeader` (payload type
``application/vnd.tracelib.record.v1+json``). Each signature signs
``PAE(payloadType, header bytes)``::

    PAE = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body     (LEN: ASCII decimal bytes)

The record id is the RFC 9162 leaf hash of the header bytes, ``SHA-256(0x00 || header)``:
signatures are not part of it, so a countersignature neither forks nor re-links a chain.
Headers are kept as the bytes that were signed; :class:`Record` never re-serialises a model
to check a signature. Envelope base64 fields are written in standard base64 with padding and
read in either alphabet.

Examples:
    >>> from tracelib.signing.members import PayloadRef
    >>> from tracelib.signing.signers import SoftwareSigner
    >>> farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> header = RecordHeader.genesis(
    ...     chain="trace.example.vn/lot/08930000000012/LOT1", signer=farm,
    ...     iat="2026-05-14T08:00:00Z", kind="event",
    ...     payload=PayloadRef.for_payload(b'{"eventID":"e1"}', type="application/ld+json"))
    >>> record = Record.create(header, farm)
    >>> again = Record.parse(record.envelope.to_bytes())
    >>> again.id == record.id, again.verify(farm.public_key)
    (True, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import InputError, MalformedInput, SignatureInvalid
from ._fields import malformed, only_members, take
from .canonical import b64_decode_any, b64_encode, canonicalize, parse_json
from .header import RecordHeader
from .keys import PublicKey
from .merkle import leaf_hash
from .signers import Signer

__all__ = [
    "PAYLOAD_TYPE",
    "Envelope",
    "EnvelopeSignature",
    "Record",
    "pae",
]

#: The DSSE payload type of tracelib records.
PAYLOAD_TYPE = "application/vnd.tracelib.record.v1+json"
_ENVELOPE_MEMBERS = frozenset(("payloadType", "payload", "signatures"))
_SIGNATURE_MEMBERS = frozenset(("keyid", "sig"))


def pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSE v1 Pre-Authentication Encoding of a payload and its type.

    Args:
        payload_type: The payload type (its UTF-8 bytes are counted).
        payload: The payload bytes.

    Returns:
        ``b"DSSEv1 <len type> <type> <len payload> <payload>"``.

    Examples:
        >>> pae("http://example.com/HelloWorld", b"hello world")
        b'DSSEv1 29 http://example.com/HelloWorld 11 hello world'
    """
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


@dataclass(frozen=True, slots=True)
class EnvelopeSignature:
    """One DSSE signature: the (unauthenticated) ``keyid`` hint and the signature bytes.

    Examples:
        >>> EnvelopeSignature("kid", b"\\x01").to_json()
        {'keyid': 'kid', 'sig': 'AQ=='}
    """

    keyid: str
    sig: bytes = field(repr=False)

    def to_json(self) -> dict[str, str]:
        """The JSON form (standard base64 with padding, as DSSE writes it).

        Returns:
            ``{"keyid", "sig"}``.

        Examples:
            >>> EnvelopeSignature("", b"").to_json()
            {'keyid': '', 'sig': ''}
        """
        return {"keyid": self.keyid, "sig": b64_encode(self.sig)}


@dataclass(frozen=True, slots=True)
class Envelope:
    """A DSSE JSON envelope: payload type, payload bytes and signatures over the PAE.

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="urn:x")
        >>> env = Envelope("text/plain", b"hi").add_signature(s)
        >>> Envelope.parse(env.to_bytes()).verify(s.public_key, s.alg).keyid == s.kid
        True
    """

    payload_type: str
    payload: bytes = field(repr=False)
    signatures: tuple[EnvelopeSignature, ...] = ()

    def pae(self) -> bytes:
        """The PAE bytes every signature signs.

        Returns:
            ``PAE(payload_type, payload)``.

        Examples:
            >>> Envelope("t", b"x").pae()
            b'DSSEv1 1 t 1 x'
        """
        return pae(self.payload_type, self.payload)

    def add_signature(self, signer: Signer) -> Envelope:
        """The envelope with one more signature by ``signer`` (``keyid`` = its kid).

        Args:
            signer: Any :class:`~tracelib.signing.keys.Signer`.

        Returns:
            A new envelope.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> len(Envelope("t", b"x").add_signature(s).add_signature(s).signatures)
            2
        """
        signature = EnvelopeSignature(signer.kid, signer.sign(self.pae()))
        return replace(self, signatures=(*self.signatures, signature))

    def verify(self, key: PublicKey, alg: str) -> EnvelopeSignature:
        """Verify the signature(s) made by ``key``; raise unless one verifies.

        Signatures whose ``keyid`` is the key's kid are tried (those without a keyid when
        none has it); the ``keyid`` is only a hint and authenticates nothing.

        Args:
            key: The public key.
            alg: The algorithm (must match the key).

        Returns:
            The signature that verified.

        Raises:
            SignatureInvalid: ``SIGNATURE_MISSING`` (no signature for that key),
                ``SIGNATURE_INVALID`` or ``ALG_KEY_MISMATCH``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> s = SoftwareSigner.generate(actor="urn:x")
            >>> Envelope("t", b"x").verify(s.public_key, "Ed25519")
            Traceback (most recent call last):
            ...
            tracelib.errors.SignatureInvalid: no signature with keyid ...
        """
        key.check_alg(alg)
        candidates = [s for s in self.signatures if s.keyid == key.kid] or [
            s for s in self.signatures if not s.keyid
        ]
        if not candidates:
            raise SignatureInvalid(f"no signature with keyid {key.kid}", code="SIGNATURE_MISSING")
        message = self.pae()
        for candidate in candidates:
            try:
                key.verify(alg, candidate.sig, message)
            except SignatureInvalid:
                continue
            return candidate
        raise SignatureInvalid(
            f"{alg} signature by {key.kid} does not verify", code="SIGNATURE_INVALID"
        )

    def to_json(self) -> dict[str, Any]:
        """The DSSE JSON object.

        Returns:
            ``{"payloadType", "payload", "signatures"}`` (standard base64).

        Examples:
            >>> Envelope("t", b"x").to_json()
            {'payloadType': 't', 'payload': 'eA==', 'signatures': []}
        """
        return {
            "payloadType": self.payload_type,
            "payload": b64_encode(self.payload),
            "signatures": [s.to_json() for s in self.signatures],
        }

    def to_bytes(self) -> bytes:
        """The JCS bytes of :meth:`to_json` (deterministic).

        Returns:
            Canonical JSON.

        Examples:
            >>> Envelope("t", b"x").to_bytes()
            b'{"payload":"eA==","payloadType":"t","signatures":[]}'
        """
        return canonicalize(self.to_json())

    @classmethod
    def parse(cls, data: bytes | str | Mapping[str, Any]) -> Envelope:
        """Parse a DSSE JSON envelope strictly; base64 fields may use either alphabet.

        Args:
            data: The envelope JSON (bytes or text), or an already parsed object.

        Returns:
            The envelope.

        Raises:
            MalformedInput: a ``JSON_*`` code with a ``position``, or ``DSSE_MALFORMED``
                with the ``path`` of the bad member.

        Examples:
            >>> Envelope.parse('{"payloadType":"t","payload":"eA","signatures":[]}').payload
            b'x'
        """
        obj = parse_json(data) if isinstance(data, bytes | bytearray | str) else data
        if not isinstance(obj, Mapping):
            raise malformed("a DSSE envelope must be a JSON object", "$", "DSSE_MALFORMED")
        if not _ENVELOPE_MEMBERS.issuperset(obj):
            for name in obj:
                if name not in _ENVELOPE_MEMBERS:
                    raise malformed(f"unknown member {name!r}", f"$.{name}", "DSSE_MALFORMED")
        # ``take`` only runs (and raises) when the exact JSON type is not there
        payload_type, payload = obj.get("payloadType"), obj.get("payload")
        try:
            if type(payload_type) is not str:
                payload_type = take(obj, "payloadType", str, "$")
            if type(payload) is not str:
                payload = take(obj, "payload", str, "$")
            payload = _b64(payload, "$.payload")
            items = obj.get("signatures")
            if type(items) is not list:
                items = take(obj, "signatures", list, "$")
            signatures = []
            for i, item in enumerate(items):
                if type(item) is not dict or not _SIGNATURE_MEMBERS.issuperset(item):
                    path = f"$.signatures[{i}]"
                    if not isinstance(item, dict):
                        raise malformed("must be an object", path)
                    only_members(item, _SIGNATURE_MEMBERS, path)
                keyid, sig = item.get("keyid"), item.get("sig")
                if type(keyid) is not str:
                    keyid = take(item, "keyid", str, f"$.signatures[{i}]", optional=True) or ""
                if type(sig) is not str:
                    sig = take(item, "sig", str, f"$.signatures[{i}]")
                signatures.append(EnvelopeSignature(keyid, _b64(sig, f"$.signatures[{i}].sig")))
        except MalformedInput as exc:
            raise MalformedInput(exc.message, code="DSSE_MALFORMED", path=exc.path) from None
        return cls(payload_type, payload, tuple(signatures))


def _b64(text: str, path: str) -> bytes:
    try:
        return b64_decode_any(text)
    except MalformedInput as exc:
        raise malformed(f"not base64: {exc.message}", path) from None


@dataclass(frozen=True, slots=True)
class Record:
    """A signed record: the envelope, its parsed header and the record id (leaf hash).

    Attributes:
        envelope: The DSSE envelope as received or created.
        header: The header parsed from ``envelope.payload`` (the signed bytes).
        id: ``SHA-256(0x00 || header bytes)``, the RFC 9162 leaf hash.

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> s = SoftwareSigner.generate(actor="urn:x")
        >>> h = RecordHeader.genesis(chain="c.vn/1", signer=s, iat="2026-01-01T00:00:00Z",
        ...                          kind="seal")
        >>> Record.create(h, s).id == leaf_hash(h.to_bytes())
        True
    """

    envelope: Envelope
    header: RecordHeader
    id: bytes

    @property
    def header_bytes(self) -> bytes:
        """The signed header bytes (the DSSE payload)."""
        return self.envelope.payload

    @classmethod
    def create(cls, header: RecordHeader, signer: Signer) -> Record:
        """Sign a header; the signer must be the one the header names.

        Args:
            header: The header.
            signer: The signer whose ``actor``, ``kid`` and ``alg`` are in the header.

        Returns:
            The record with one signature.

        Raises:
            InputError: ``SIGNER_MISMATCH`` when ``signer`` is not the header's signer.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a, b = (SoftwareSigner.generate(actor=f"urn:{x}") for x in "ab")
            >>> h = RecordHeader.genesis(chain="c.vn/1", signer=a, iat="2026-01-01T00:00:00Z",
            ...                          kind="seal")
            >>> Record.create(h, b)
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: the signer is not the one named in the header
        """
        if (signer.actor, signer.kid, signer.alg) != (
            header.signer.actor,
            header.signer.kid,
            header.alg,
        ):
            raise InputError(
                "the signer is not the one named in the header", code="SIGNER_MISMATCH"
            )
        body = header.to_bytes()
        signature = EnvelopeSignature(signer.kid, signer.sign(pae(PAYLOAD_TYPE, body)))
        envelope = Envelope(PAYLOAD_TYPE, body, (signature,))
        return cls(envelope, header, leaf_hash(body))

    @classmethod
    def parse(cls, data: bytes | str | Mapping[str, Any], *, canonical: bool = True) -> Record:
        """Parse a record envelope and its header strictly.

        Args:
            data: The envelope JSON, or a parsed envelope object.
            canonical: Require the header bytes to be JCS (strict mode).

        Returns:
            The record (signatures not yet verified).

        Raises:
            MalformedInput: ``DSSE_MALFORMED``, ``PAYLOAD_TYPE_UNEXPECTED``, a ``JSON_*``
                code, ``MALFORMED_RECORD`` or ``NON_CANONICAL_ENCODING``.

        Examples:
            >>> Record.parse('{"payloadType":"text/plain","payload":"","signatures":[]}')
            Traceback (most recent call last):
            ...
            tracelib.errors.MalformedInput: payloadType is not application/vnd.tracelib...
        """
        envelope = Envelope.parse(data)
        if envelope.payload_type != PAYLOAD_TYPE:
            raise malformed(
                f"payloadType is not {PAYLOAD_TYPE}", "$.payloadType", "PAYLOAD_TYPE_UNEXPECTED"
            )
        header = RecordHeader.parse(envelope.payload, canonical=canonical)
        return cls(envelope, header, leaf_hash(envelope.payload))

    def countersign(self, signer: Signer) -> Record:
        """The record with one more signature (a receiver, inspector or certifier).

        Args:
            signer: The countersigner.

        Returns:
            A new record with the same id.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a, b = (SoftwareSigner.generate(actor=f"urn:{x}") for x in "ab")
            >>> r = Record.create(RecordHeader.genesis(chain="c.vn/1", signer=a,
            ...                   iat="2026-01-01T00:00:00Z", kind="seal"), a)
            >>> r2 = r.countersign(b)
            >>> r2.id == r.id, r2.verify_countersignature(b.public_key, b.alg).keyid == b.kid
            (True, True)
        """
        return replace(self, envelope=self.envelope.add_signature(signer))

    def verify(self, key: PublicKey) -> None:
        """Verify the header signer's signature with ``key`` (whose kid the header names).

        Args:
            key: The public key resolved for ``header.signer.kid``.

        Raises:
            SignatureInvalid: ``SIGNATURE_INVALID`` (also when ``key`` is not the header's
                kid), ``SIGNATURE_MISSING`` or ``ALG_KEY_MISMATCH``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a, b = (SoftwareSigner.generate(actor=f"urn:{x}") for x in "ab")
            >>> r = Record.create(RecordHeader.genesis(chain="c.vn/1", signer=a,
            ...                   iat="2026-01-01T00:00:00Z", kind="seal"), a)
            >>> r.verify(b.public_key)
            Traceback (most recent call last):
            ...
            tracelib.errors.SignatureInvalid: key ... is not the header signer's kid ...
        """
        if key.kid != self.header.signer.kid:
            raise SignatureInvalid(
                f"key {key.kid} is not the header signer's kid {self.header.signer.kid}",
                code="SIGNATURE_INVALID",
            )
        self.envelope.verify(key, self.header.alg)

    def verify_countersignature(self, key: PublicKey, alg: str) -> EnvelopeSignature:
        """Verify a countersignature by ``key`` over the same PAE.

        Args:
            key: The countersigner's public key.
            alg: Its algorithm.

        Returns:
            The signature that verified.

        Raises:
            SignatureInvalid: ``SIGNATURE_MISSING``, ``SIGNATURE_INVALID`` or
                ``ALG_KEY_MISMATCH``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> a = SoftwareSigner.generate(actor="urn:a")
            >>> r = Record.create(RecordHeader.genesis(chain="c.vn/1", signer=a,
            ...                   iat="2026-01-01T00:00:00Z", kind="seal"), a)
            >>> r.verify_countersignature(a.public_key, "Ed25519").keyid == a.kid
            True
        """
        return self.envelope.verify(key, alg)
