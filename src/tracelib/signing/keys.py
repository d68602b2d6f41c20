"""Public keys: JWK, RFC 7638 thumbprints (the kid), did:key and the closed algorithm list.

tracelib signs with four algorithms (RFC 9864 names), each bound to one key type:

=========== ============================== ============================================
``alg``     key                            signature
=========== ============================== ============================================
``Ed25519`` OKP / Ed25519                  64 bytes (RFC 8032)
``ES256``   EC / P-256                     raw ``r || s``, 64 bytes (IEEE P1363), SHA-256
``PS256``   RSA, at least 2048 bits        RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32
``RS256``   RSA, at least 2048 bits        RSASSA-PKCS1-v1_5, SHA-256
=========== ============================== ============================================

Nothing else is accepted (no ``none``, HMAC or SHA-1), and a key used with another
algorithm's name fails with ``ALG_KEY_MISMATCH``. A key's ``kid`` is its RFC 7638 JWK
thumbprint (SHA-256, base64url). Ed25519 and P-256 keys also have a ``did:key`` form
(multicodec ``0xed`` and ``0x1200``, base58btc multibase). Signers live in
:mod:`tracelib.signing.signers`.

Examples:
    >>> from cryptography.hazmat.primitives.asymmetric import ed25519
    >>> private = ed25519.Ed25519PrivateKey.generate()
    >>> key = PublicKey.from_cryptography(private)
    >>> signature = private.sign(b"hello")
    >>> PublicKey.from_jwk(key.jwk()) == key, key.verify("Ed25519", signature, b"hello")
    (True, None)
    >>> key.verify("ES256", signature, b"hello")
    Traceback (most recent call last):
    ...
    tracelib.errors.SignatureInvalid: alg ES256 needs an EC P-256 key, not OKP Ed25519
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union

import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from ..errors import MalformedInput, SignatureInvalid
from .canonical import b64url_decode, b64url_encode

__all__ = [
    "ALGORITHMS",
    "Alg",
    "PublicKey",
    "ecdsa_der_to_raw",
    "ecdsa_raw_to_der",
    "multibase_decode",
    "multibase_encode",
    "thumbprint",
    "verify_signature",
]

#: An algorithm name of the closed allow-list.
Alg = Literal["Ed25519", "ES256", "PS256", "RS256"]
#: The closed allow-list, in preference order (Ed25519 is the default).
ALGORITHMS: tuple[Alg, ...] = ("Ed25519", "ES256", "PS256", "RS256")

_PublicKeyTypes = Union[ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey, rsa.RSAPublicKey]
_PrivateKeyTypes = Union[ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]
_MIN_RSA_BITS = 2048
_KEY_TYPE = {"Ed25519": "OKP Ed25519", "ES256": "EC P-256", "PS256": "RSA", "RS256": "RSA"}
_KEY_TYPES = {"OKP": "OKP Ed25519", "EC": "EC P-256", "RSA": "RSA"}
_THUMBPRINT_MEMBERS = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y")}
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_SHA256 = hashes.SHA256()
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
_PKCS1 = padding.PKCS1v15()
_MULTICODEC_ED25519 = b"\xed\x01"
_MULTICODEC_P256 = b"\x80\x24"


def _bad_key(message: str, code: str = "KEY_INVALID", **where: Any) -> MalformedInput:
    return MalformedInput(message, code=code, **where)


def _check_alg(alg: object) -> Alg:
    if alg not in ALGORITHMS:
        raise _bad_key(f"algorithm {alg!r} is not in {ALGORITHMS}", code="ALG_NOT_ALLOWED")
    return alg


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url): tracelib's ``kid``.

    Only the required members are hashed, in lexicographic order, as JCS writes them
    (OKP: ``crv kty x``; EC: ``crv kty x y``; RSA: ``e kty n``); other members are ignored.

    Args:
        jwk: A public JWK (``kty`` OKP, EC or RSA).

    Returns:
        The 43-character base64url thumbprint.

    Raises:
        MalformedInput: ``KEY_INVALID`` when a required member is missing or not a string.

    Examples:
        >>> thumbprint({"kty": "OKP", "crv": "Ed25519",
        ...             "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})
        'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
    """
    if not isinstance(jwk, Mapping):
        raise _bad_key("a JWK must be a JSON object")
    kty = jwk.get("kty")
    members = ("e", "kty", "n") if kty == "RSA" else _THUMBPRINT_MEMBERS.get(str(kty))
    if members is None:
        raise _bad_key(f"unsupported JWK kty {kty!r}", path="$.kty")
    required = {}
    for name in members:
        value = jwk.get(name)
        if not isinstance(value, str) or not value:
            raise _bad_key(f"JWK member {name!r} is missing or not a string", path=f"$.{name}")
        required[name] = value
    return b64url_encode(hashlib.sha256(rfc8785.dumps(required)).digest())


def _uint(value: str, name: str) -> int:
    data = b64url_decode(value)
    if not data or (len(data) > 1 and data[0] == 0):
        raise _bad_key(f"JWK member {name!r} is not a minimal unsigned integer", path=f"$.{name}")
    return int.from_bytes(data, "big")


def _coordinate(jwk: Mapping[str, Any], name: str, size: int) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise _bad_key(f"JWK member {name!r} is missing", path=f"$.{name}")
    data = b64url_decode(value)
    if len(data) != size:
        raise _bad_key(f"JWK member {name!r} must be {size} bytes", path=f"$.{name}")
    return data


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_VALUE = {c: i for i, c in enumerate(_B58)}


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc (prefix ``z``), as in did:key and Data Integrity proof values.

    Args:
        data: The bytes.

    Returns:
        ``"z"`` followed by base58btc (Bitcoin alphabet; leading zero bytes as ``1``).

    Examples:
        >>> multibase_encode(b"\\x00\\x00hello")
        'z11Cn8eVZg'
    """
    zeros = len(data) - len(data.lstrip(b"\x00"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(_B58[rest])
    return "z" + "1" * zeros + "".join(reversed(digits))


def multibase_decode(text: str) -> bytes:
    """Decode multibase base58btc (``z`` prefix); other multibase encodings are refused.

    Args:
        text: The multibase text.

    Returns:
        The bytes.

    Raises:
        MalformedInput: ``MULTIBASE_INVALID`` (with the position of a bad character).

    Examples:
        >>> multibase_decode("z11Cn8eVZg")
        b'\\x00\\x00hello'
    """
    if not isinstance(text, str) or not text.startswith("z"):
        raise MalformedInput(
            "only multibase base58btc ('z') is supported", code="MULTIBASE_INVALID", position=0
        )
    number = 0
    for i, char in enumerate(text[1:], start=1):
        digit = _B58_VALUE.get(char)
        if digit is None:
            raise MalformedInput(
                "character outside base58btc", code="MULTIBASE_INVALID", position=i
            )
        number = number * 58 + digit
    body = text[1:]
    zeros = len(body) - len(body.lstrip("1"))
    return b"\x00" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A public key of an allowed type (Ed25519, P-256, RSA >= 2048) with its ``kid``.

    Build one with :meth:`from_jwk`, :meth:`from_pem`, :meth:`from_der`, :meth:`from_did_key`
    or :meth:`from_cryptography`. Equality is by the DER SubjectPublicKeyInfo.

    Attributes:
        kty: ``"OKP"``, ``"EC"`` or ``"RSA"``.
        kid: The RFC 7638 thumbprint.
        spki: The DER SubjectPublicKeyInfo.
        key: The ``cryptography`` public key object.

    Examples:
        >>> key = PublicKey.from_did_key("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
        >>> key.kty, key.did_key() == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        ('OKP', True)
    """

    kty: Literal["OKP", "EC", "RSA"]
    kid: str
    spki: bytes = field(repr=False)
    key: _PublicKeyTypes = field(repr=False, compare=False, hash=False)

    @classmethod
    def from_cryptography(cls, key: object) -> PublicKey:
        """Wrap a ``cryptography`` public (or private) key object.

        Args:
            key: An Ed25519, EC P-256 or RSA (>= 2048 bits) key; a private key gives its
                public half.

        Returns:
            The public key.

        Raises:
            MalformedInput: ``KEY_NOT_ALLOWED`` for another curve, a short RSA key or another
                key type.

        Examples:
            >>> from cryptography.hazmat.primitives.asymmetric import ec
            >>> PublicKey.from_cryptography(ec.generate_private_key(ec.SECP256R1())).kty
            'EC'
        """
        if isinstance(
            key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
        ):
            key = key.public_key()
        kty: Literal["OKP", "EC", "RSA"]
        if isinstance(key, ed25519.Ed25519PublicKey):
            kty = "OKP"
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if not isinstance(key.curve, ec.SECP256R1):
                raise _bad_key(f"EC curve {key.curve.name} is not P-256", code="KEY_NOT_ALLOWED")
            kty = "EC"
        elif isinstance(key, rsa.RSAPublicKey):
            if key.key_size < _MIN_RSA_BITS:
                raise _bad_key(f"RSA key of {key.key_size} bits is below 2048", "KEY_NOT_ALLOWED")
            kty = "RSA"
        else:
            raise _bad_key(f"unsupported key type {type(key).__name__}", code="KEY_NOT_ALLOWED")
        spki = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(kty, thumbprint(_jwk_of(key)), spki, key)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicKey:
        """Load a public JWK (OKP Ed25519, EC P-256, RSA); private members are refused.

        Args:
            jwk: The JWK object; members other than the key's own (``kid``, ``alg``,
                ``use``, ...) are ignored.

        Returns:
            The public key.

        Raises:
            MalformedInput: ``KEY_INVALID`` (with the ``path`` of the bad member) or
                ``KEY_NOT_ALLOWED``.

        Examples:
            >>> PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519",
            ...     "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}).kid
            'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
        """
        if not isinstance(jwk, Mapping):
            raise _bad_key("a JWK must be a JSON object")
        for name in _PRIVATE_MEMBERS:
            if name in jwk:
                raise _bad_key(f"JWK holds private member {name!r}", path=f"$.{name}")
        kty, crv = jwk.get("kty"), jwk.get("crv")
        key: _PublicKeyTypes
        try:
            if kty == "OKP" and crv == "Ed25519":
                key = ed25519.Ed25519PublicKey.from_public_bytes(_coordinate(jwk, "x", 32))
            elif kty == "EC" and crv == "P-256":
                x = int.from_bytes(_coordinate(jwk, "x", 32), "big")
                y = int.from_bytes(_coordinate(jwk, "y", 32), "big")
                key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
            elif kty == "RSA":
                n, e = jwk.get("n"), jwk.get("e")
                if not isinstance(n, str) or not isinstance(e, str):
                    raise _bad_key("RSA JWK needs string members 'n' and 'e'", path="$.n")
                key = rsa.RSAPublicNumbers(_uint(e, "e"), _uint(n, "n")).public_key()
            else:
                raise _bad_key(f"unsupported JWK kty {kty!r} / crv {crv!r}", "KEY_NOT_ALLOWED")
        except (ValueError, UnsupportedAlgorithm) as exc:
            if isinstance(exc, MalformedInput):
                raise
            raise _bad_key(f"invalid public key: {exc}") from None
        return cls.from_cryptography(key)

    @classmethod
    def from_der(cls, data: bytes) -> PublicKey:
        """Load a DER SubjectPublicKeyInfo.

        Args:
            data: The DER bytes.

        Returns:
            The public key.

        Raises:
            MalformedInput: ``KEY_INVALID`` or ``KEY_NOT_ALLOWED``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> key = SoftwareSigner.generate(actor="a", alg="ES256").public_key
            >>> PublicKey.from_der(key.spki) == key
            True
        """
        try:
            key = serialization.load_der_public_key(_require_bytes(data, "KEY_INVALID"))
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise _bad_key(f"invalid DER public key: {exc}") from None
        return cls.from_cryptography(key)

    @classmethod
    def from_pem(cls, data: bytes | str) -> PublicKey:
        """Load a PEM ``PUBLIC KEY`` (SubjectPublicKeyInfo).

        Args:
            data: The PEM text or bytes.

        Returns:
            The public key.

        Raises:
            MalformedInput: ``KEY_INVALID`` or ``KEY_NOT_ALLOWED``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> key = SoftwareSigner.generate(actor="a").public_key
            >>> PublicKey.from_pem(key.pem()) == key
            True
        """
        raw = _pem_bytes(data)
        try:
            key = serialization.load_pem_public_key(raw)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise _bad_key(f"invalid PEM public key: {exc}") from None
        return cls.from_cryptography(key)

    @classmethod
    def from_did_key(cls, did: str) -> PublicKey:
        """Decode a ``did:key`` (Ed25519 ``z6Mk…`` or P-256 ``zDn…``), optionally with the
        ``#fragment`` of its verification method.

        Args:
            did: ``did:key:<multibase>`` or ``did:key:<multibase>#<multibase>``.

        Returns:
            The public key.

        Raises:
            MalformedInput: ``DID_KEY_INVALID`` (with the position) or ``KEY_INVALID``.

        Examples:
            >>> PublicKey.from_did_key(
            ...     "did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP").kty
            'EC'
        """
        prefix = "did:key:"
        if not isinstance(did, str) or not did.startswith(prefix):
            raise MalformedInput("not a did:key", code="DID_KEY_INVALID", position=0)
        ident, _, fragment = did[len(prefix) :].partition("#")
        if "#" in did and fragment != ident:
            raise MalformedInput(
                "did:key fragment must repeat the key",
                code="DID_KEY_INVALID",
                position=len(prefix) + len(ident) + 1,
            )
        try:
            data = multibase_decode(ident)
        except MalformedInput as exc:
            where = len(prefix) + (exc.position or 0)
            raise MalformedInput(exc.message, code="DID_KEY_INVALID", position=where) from None
        try:
            if data[:2] == _MULTICODEC_ED25519 and len(data) == 34:
                key: _PublicKeyTypes = ed25519.Ed25519PublicKey.from_public_bytes(data[2:])
            elif data[:2] == _MULTICODEC_P256 and len(data) == 35:
                key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data[2:])
            else:
                raise MalformedInput(
                    "did:key is neither Ed25519 nor P-256",
                    code="DID_KEY_INVALID",
                    position=len(prefix),
                )
        except ValueError as exc:
            if isinstance(exc, MalformedInput):
                raise
            raise _bad_key(f"invalid did:key public key: {exc}") from None
        return cls.from_cryptography(key)

    def jwk(self) -> dict[str, str]:
        """The public JWK (only the key members; add ``kid``/``alg`` yourself if wanted).

        Returns:
            ``{"kty", "crv", "x"}`` (OKP), ``{"kty", "crv", "x", "y"}`` (EC) or
            ``{"kty", "n", "e"}`` (RSA).

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> sorted(SoftwareSigner.generate(actor="a").public_key.jwk())
            ['crv', 'kty', 'x']
        """
        return _jwk_of(self.key)

    def did_key(self) -> str:
        """The ``did:key`` of an Ed25519 or P-256 key.

        Returns:
            ``did:key:z6Mk…`` (Ed25519) or ``did:key:zDn…`` (P-256, compressed point).

        Raises:
            MalformedInput: ``KEY_NOT_ALLOWED`` for RSA keys.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> SoftwareSigner.generate(actor="a").public_key.did_key()[:12]
            'did:key:z6Mk'
        """
        if isinstance(self.key, ed25519.Ed25519PublicKey):
            return "did:key:" + multibase_encode(_MULTICODEC_ED25519 + self.raw())
        if isinstance(self.key, ec.EllipticCurvePublicKey):
            point = self.key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
            return "did:key:" + multibase_encode(_MULTICODEC_P256 + point)
        raise _bad_key("RSA keys have no did:key form here", code="KEY_NOT_ALLOWED")

    def raw(self) -> bytes:
        """The 32 raw bytes of an Ed25519 key (as C2SP note keys use).

        Returns:
            32 bytes.

        Raises:
            MalformedInput: ``KEY_NOT_ALLOWED`` for other key types.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> len(SoftwareSigner.generate(actor="a").public_key.raw())
            32
        """
        if not isinstance(self.key, ed25519.Ed25519PublicKey):
            raise _bad_key("only Ed25519 keys have a raw form", code="KEY_NOT_ALLOWED")
        return self.key.public_bytes_raw()

    def pem(self) -> str:
        """The PEM ``PUBLIC KEY`` text.

        Returns:
            PEM text ending in a newline.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> SoftwareSigner.generate(actor="a").public_key.pem().splitlines()[0]
            '-----BEGIN PUBLIC KEY-----'
        """
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def check_alg(self, alg: str) -> Alg:
        """Check that ``alg`` is allowed and matches this key's type.

        Args:
            alg: An algorithm name.

        Returns:
            ``alg``, typed.

        Raises:
            MalformedInput: ``ALG_NOT_ALLOWED`` for a name outside the allow-list.
            SignatureInvalid: ``ALG_KEY_MISMATCH`` when the key is of another type.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> SoftwareSigner.generate(actor="a").public_key.check_alg("Ed25519")
            'Ed25519'
        """
        checked = _check_alg(alg)
        if _KEY_TYPE[checked] != self.key_type:
            raise SignatureInvalid(
                f"alg {checked} needs an {_KEY_TYPE[checked]} key, not {self.key_type}",
                code="ALG_KEY_MISMATCH",
            )
        return checked

    @property
    def key_type(self) -> str:
        """``"OKP Ed25519"``, ``"EC P-256"`` or ``"RSA"``."""
        return _KEY_TYPES[self.kty]

    def verify(self, alg: str, signature: bytes, data: bytes) -> None:
        """Verify ``signature`` over ``data`` with ``alg``; raise unless it is valid.

        Args:
            alg: ``Ed25519``, ``ES256`` (raw ``r || s``), ``PS256`` or ``RS256``.
            signature: The signature bytes.
            data: The signed bytes (for DSSE: the PAE).

        Raises:
            SignatureInvalid: ``SIGNATURE_INVALID``, or ``ALG_KEY_MISMATCH``.
            MalformedInput: ``ALG_NOT_ALLOWED``.

        Examples:
            >>> from tracelib.signing.signers import SoftwareSigner
            >>> signer = SoftwareSigner.generate(actor="a", alg="ES256")
            >>> signer.public_key.verify("ES256", signer.sign(b"x"), b"y")
            Traceback (most recent call last):
            ...
            tracelib.errors.SignatureInvalid: ES256 signature does not verify
        """
        checked = self.check_alg(alg)
        try:
            if isinstance(self.key, ed25519.Ed25519PublicKey):
                self.key.verify(signature, data)
            elif isinstance(self.key, ec.EllipticCurvePublicKey):
                self.key.verify(ecdsa_raw_to_der(signature), data, ec.ECDSA(_SHA256))
            else:
                pad = _PSS if checked == "PS256" else _PKCS1
                self.key.verify(signature, data, pad, _SHA256)
        except (InvalidSignature, MalformedInput, TypeError, ValueError):
            raise SignatureInvalid(
                f"{checked} signature does not verify", code="SIGNATURE_INVALID"
            ) from None


def _require_bytes(data: object, code: str) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedInput(f"expected bytes, not {type(data).__name__}", code=code)
    return bytes(data)


def _pem_bytes(data: object) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8", "replace")
    return _require_bytes(data, "KEY_INVALID")


def _jwk_of(key: _PublicKeyTypes) -> dict[str, str]:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(key.public_bytes_raw())}
    if isinstance(key, ec.EllipticCurvePublicKey):
        numbers = key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": b64url_encode(numbers.y.to_bytes(32, "big")),
        }
    rsa_numbers = key.public_numbers()
    n, e = rsa_numbers.n, rsa_numbers.e
    return {
        "kty": "RSA",
        "n": b64url_encode(n.to_bytes((n.bit_length() + 7) // 8, "big")),
        "e": b64url_encode(e.to_bytes((e.bit_length() + 7) // 8, "big")),
    }


def ecdsa_raw_to_der(signature: bytes) -> bytes:
    """Convert a raw P-256 ``r || s`` signature (64 bytes) to DER.

    Args:
        signature: 64 bytes.

    Returns:
        The DER ``ECDSA-Sig-Value``.

    Raises:
        MalformedInput: ``SIGNATURE_MALFORMED`` when it is not 64 bytes.

    Examples:
        >>> ecdsa_raw_to_der(bytes(31) + b"\\x01" + bytes(31) + b"\\x02").hex()
        '3006020101020102'
    """
    if not isinstance(signature, bytes) or len(signature) != 64:
        raise MalformedInput("an ES256 signature is 64 bytes r || s", code="SIGNATURE_MALFORMED")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    return encode_dss_signature(r, s)


def ecdsa_der_to_raw(signature: bytes) -> bytes:
    """Convert a strict-DER P-256 ECDSA signature to raw ``r || s`` (64 bytes).

    Args:
        signature: The DER ``ECDSA-Sig-Value`` (as OpenSSL and many tokens return).

    Returns:
        64 bytes.

    Raises:
        MalformedInput: ``SIGNATURE_MALFORMED`` for bad DER or an integer above 32 bytes.

    Examples:
        >>> ecdsa_der_to_raw(bytes.fromhex("3006020101020102"))[-1]
        2
    """
    try:
        r, s = decode_dss_signature(_require_bytes(signature, "SIGNATURE_MALFORMED"))
    except (ValueError, TypeError):
        raise MalformedInput("not a DER ECDSA signature", code="SIGNATURE_MALFORMED") from None
    if r.bit_length() > 256 or s.bit_length() > 256:
        raise MalformedInput("ECDSA integer longer than 32 bytes", code="SIGNATURE_MALFORMED")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify_signature(alg: str, key: PublicKey, signature: bytes, data: bytes) -> None:
    """Verify a signature with one of the allowed algorithms; raise unless it is valid.

    Args:
        alg: ``Ed25519``, ``ES256``, ``PS256`` or ``RS256``.
        key: The public key (its type must match ``alg``).
        signature: The signature (raw ``r || s`` for ES256).
        data: The signed bytes.

    Raises:
        SignatureInvalid: ``SIGNATURE_INVALID`` or ``ALG_KEY_MISMATCH``.
        MalformedInput: ``ALG_NOT_ALLOWED``.

    Examples:
        >>> from tracelib.signing.signers import SoftwareSigner
        >>> signer = SoftwareSigner.generate(actor="a", alg="ES256")
        >>> verify_signature("ES256", signer.public_key, signer.sign(b"m"), b"m")
    """
    key.verify(alg, signature, data)
