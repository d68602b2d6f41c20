"""Signers: the :class:`Signer` protocol, in-memory keys and callables (HSM, token, service).

A :class:`Signer` is anything with ``alg``, ``actor``, ``kid``, ``public_jwk()`` and
``sign(data)``. :class:`SoftwareSigner` holds a private key in memory (tests, demos,
server-side keys); :class:`CallableSigner` wraps a remote signing service, PKCS#11
middleware or a USB token. Signatures use tracelib's encodings (raw ``r || s`` for ES256,
PSS with a 32-byte salt for PS256), see :mod:`tracelib.signing.keys`.

Examples:
    >>> signer = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> signature = signer.sign(b"hello")
    >>> signer.public_key.verify(signer.alg, signature, b"hello")
    >>> from tracelib.signing.keys import thumbprint
    >>> signer.kid == signer.public_key.kid == thumbprint(signer.public_jwk())
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from ..errors import MalformedInput, SigningError
from .keys import (
    _KEY_TYPE,
    _MIN_RSA_BITS,
    _PKCS1,
    _PSS,
    _SHA256,
    Alg,
    PublicKey,
    _bad_key,
    _check_alg,
    _pem_bytes,
    _PrivateKeyTypes,
    ecdsa_der_to_raw,
)

__all__ = [
    "CallableSigner",
    "Signer",
    "SoftwareSigner",
]


@runtime_checkable
class Signer(Protocol):
    """What tracelib needs from a signer: software key, HSM, USB token or remote service.

    ``sign(data)`` returns the signature in tracelib's encoding for ``alg`` (raw ``r || s``
    for ES256). ``kid`` must be the RFC 7638 thumbprint of ``public_jwk()``.

    Examples:
        >>> isinstance(SoftwareSigner.generate(actor="a"), Signer)
        True
    """

    @property
    def alg(self) -> Alg: ...  # pragma: no cover - protocol

    @property
    def actor(self) -> str: ...  # pragma: no cover - protocol

    @property
    def kid(self) -> str: ...  # pragma: no cover - protocol

    def public_jwk(self) -> dict[str, str]: ...  # pragma: no cover - protocol

    def sign(self, data: bytes) -> bytes: ...  # pragma: no cover - protocol


def _default_alg(key: PublicKey, alg: str | None) -> Alg:
    if alg is None:
        if key.kty == "RSA":
            raise _bad_key("an RSA key needs alg='PS256' or alg='RS256'", "ALG_NOT_ALLOWED")
        alg = "Ed25519" if key.kty == "OKP" else "ES256"
    checked = _check_alg(alg)
    if _KEY_TYPE[checked] != key.key_type:
        raise _bad_key(
            f"alg {checked} needs an {_KEY_TYPE[checked]} key, not {key.key_type}",
            code="ALG_KEY_MISMATCH",
        )
    return checked


@dataclass(frozen=True, slots=True)
class SoftwareSigner:
    """A signer holding its private key in memory (tests, demos, server-side keys).

    ES256 signatures are deterministic (RFC 6979) unless ``deterministic=False``; PS256
    signatures are randomised by their salt; Ed25519 and RS256 are deterministic anyway.

    Attributes:
        actor: The party this key signs for (GLN Digital Link, URN, did:web, did:key).
        alg: The algorithm.
        public_key: The public key (its ``kid`` is the signer's ``kid``).
        deterministic: RFC 6979 nonces for ES256.

    Examples:
        >>> signer = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000026",
        ...                                  alg="ES256")
        >>> signer.sign(b"x") == signer.sign(b"x"), len(signer.sign(b"x"))
        (True, 64)
    """

    actor: str
    alg: Alg
    public_key: PublicKey
    private_key: _PrivateKeyTypes = field(repr=False, compare=False, hash=False)
    deterministic: bool = True

    @classmethod
    def generate(cls, *, actor: str, alg: Alg = "Ed25519") -> SoftwareSigner:
        """A signer with a fresh key (RSA keys are 2048 bits, exponent 65537).

        Args:
            actor: The party the key signs for.
            alg: ``Ed25519`` (default), ``ES256``, ``PS256`` or ``RS256``.

        Returns:
            The signer.

        Raises:
            MalformedInput: ``ALG_NOT_ALLOWED``.

        Examples:
            >>> SoftwareSigner.generate(actor="a", alg="PS256").public_key.kty
            'RSA'
        """
        checked = _check_alg(alg)
        key: _PrivateKeyTypes
        if checked == "Ed25519":
            key = ed25519.Ed25519PrivateKey.generate()
        elif checked == "ES256":
            key = ec.generate_private_key(ec.SECP256R1())
        else:
            key = rsa.generate_private_key(public_exponent=65537, key_size=_MIN_RSA_BITS)
        return cls.from_private_key(key, actor=actor, alg=checked)

    @classmethod
    def from_private_key(
        cls, key: object, *, actor: str, alg: str | None = None, deterministic: bool = True
    ) -> SoftwareSigner:
        """A signer for an existing ``cryptography`` private key.

        Args:
            key: An Ed25519, EC P-256 or RSA (>= 2048 bits) private key.
            actor: The party the key signs for.
            alg: Needed for RSA (``PS256`` or ``RS256``); defaults to the key's algorithm.
            deterministic: RFC 6979 nonces for ES256.

        Returns:
            The signer.

        Raises:
            MalformedInput: ``KEY_NOT_ALLOWED``, ``ALG_NOT_ALLOWED`` or ``ALG_KEY_MISMATCH``.

        Examples:
            >>> from cryptography.hazmat.primitives.asymmetric import ed25519
            >>> key = ed25519.Ed25519PrivateKey.generate()
            >>> SoftwareSigner.from_private_key(key, actor="a").alg
            'Ed25519'
        """
        if not isinstance(
            key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
        ):
            raise _bad_key(f"unsupported private key {type(key).__name__}", "KEY_NOT_ALLOWED")
        if not isinstance(actor, str) or not actor:
            raise MalformedInput("a signer needs a non-empty actor", code="ACTOR_INVALID")
        public = PublicKey.from_cryptography(key)
        return cls(actor, _default_alg(public, alg), public, key, deterministic)

    @classmethod
    def from_pem(
        cls,
        data: bytes | str,
        *,
        actor: str,
        alg: str | None = None,
        password: bytes | None = None,
    ) -> SoftwareSigner:
        """A signer for a PEM private key (PKCS#8, or traditional OpenSSL formats).

        Args:
            data: The PEM text or bytes.
            actor: The party the key signs for.
            alg: Needed for RSA keys (``PS256`` or ``RS256``).
            password: The passphrase of an encrypted PEM.

        Returns:
            The signer.

        Raises:
            MalformedInput: ``KEY_INVALID`` (unreadable, wrong password) or the errors of
                :meth:`from_private_key`.

        Examples:
            >>> pem = SoftwareSigner.generate(actor="a", alg="ES256").private_pem()
            >>> SoftwareSigner.from_pem(pem, actor="a").alg
            'ES256'
        """
        raw = _pem_bytes(data)
        try:
            key = serialization.load_pem_private_key(raw, password=password)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise _bad_key(f"cannot read the PEM private key: {exc}") from None
        return cls.from_private_key(key, actor=actor, alg=alg)

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint of the public key."""
        return self.public_key.kid

    def public_jwk(self) -> dict[str, str]:
        """The public JWK.

        Returns:
            The key members of the public JWK.

        Examples:
            >>> SoftwareSigner.generate(actor="a").public_jwk()["kty"]
            'OKP'
        """
        return self.public_key.jwk()

    def private_pem(self, password: bytes | None = None) -> str:
        """The private key as PKCS#8 PEM, encrypted when a ``password`` is given.

        Args:
            password: Encrypt with this passphrase (best available encryption).

        Returns:
            PEM text.

        Examples:
            >>> SoftwareSigner.generate(actor="a").private_pem().splitlines()[0]
            '-----BEGIN PRIVATE KEY-----'
        """
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        ).decode("ascii")

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` (for DSSE: the PAE bytes).

        Args:
            data: The bytes to sign.

        Returns:
            The signature in tracelib's encoding for ``alg``.

        Examples:
            >>> len(SoftwareSigner.generate(actor="a").sign(b"data"))
            64
        """
        key = self.private_key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            der = key.sign(data, ec.ECDSA(_SHA256, deterministic_signing=self.deterministic))
            return ecdsa_der_to_raw(der)
        return key.sign(data, _PSS if self.alg == "PS256" else _PKCS1, _SHA256)


@dataclass(frozen=True, slots=True)
class CallableSigner:
    """A signer whose private key lives elsewhere: ``sign_fn(data)`` returns the signature.

    Use it for remote signing services, PKCS#11 middleware or USB tokens. Tokens that
    return DER ECDSA signatures set ``signature_format="der"``; they are converted to raw
    ``r || s``. The signature is not checked here; verification catches a wrong one.

    Attributes:
        actor: The party the key signs for.
        alg: The algorithm the callable signs with.
        public_key: The public key (its ``kid`` is the signer's ``kid``).
        sign_fn: ``bytes -> bytes``.
        signature_format: ``"raw"`` (default) or ``"der"`` (ES256 only).

    Examples:
        >>> inner = SoftwareSigner.generate(actor="a", alg="ES256")
        >>> remote = CallableSigner.create(actor="a", alg="ES256", public_jwk=inner.public_jwk(),
        ...                                sign_fn=inner.sign)
        >>> remote.kid == inner.kid, remote.public_key.verify("ES256", remote.sign(b"m"), b"m")
        (True, None)
    """

    actor: str
    alg: Alg
    public_key: PublicKey
    sign_fn: Callable[[bytes], bytes] = field(repr=False, compare=False, hash=False)
    signature_format: Literal["raw", "der"] = "raw"

    @classmethod
    def create(
        cls,
        *,
        actor: str,
        alg: str,
        public_jwk: Mapping[str, Any],
        sign_fn: Callable[[bytes], bytes],
        signature_format: Literal["raw", "der"] = "raw",
    ) -> CallableSigner:
        """Build a callable signer from its public JWK.

        Args:
            actor: The party the key signs for.
            alg: The algorithm; must match the key.
            public_jwk: The public JWK of the signing key.
            sign_fn: The signing callable.
            signature_format: ``"der"`` when ``sign_fn`` returns DER ECDSA signatures.

        Returns:
            The signer.

        Raises:
            MalformedInput: ``KEY_INVALID``, ``ALG_NOT_ALLOWED``, ``ALG_KEY_MISMATCH`` or
                ``ACTOR_INVALID``.

        Examples:
            >>> inner = SoftwareSigner.generate(actor="a")
            >>> CallableSigner.create(actor="a", alg="Ed25519", public_jwk=inner.public_jwk(),
            ...                       sign_fn=inner.sign).alg
            'Ed25519'
        """
        if not isinstance(actor, str) or not actor:
            raise MalformedInput("a signer needs a non-empty actor", code="ACTOR_INVALID")
        if signature_format not in ("raw", "der"):
            raise MalformedInput("signature_format is 'raw' or 'der'", code="SIGNATURE_MALFORMED")
        public = PublicKey.from_jwk(public_jwk)
        return cls(actor, _default_alg(public, alg), public, sign_fn, signature_format)

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint of the public key."""
        return self.public_key.kid

    def public_jwk(self) -> dict[str, str]:
        """The public JWK.

        Returns:
            The key members of the public JWK.

        Examples:
            >>> inner = SoftwareSigner.generate(actor="a")
            >>> CallableSigner.create(actor="a", alg="Ed25519", public_jwk=inner.public_jwk(),
            ...                       sign_fn=inner.sign).public_jwk() == inner.public_jwk()
            True
        """
        return self.public_key.jwk()

    def sign(self, data: bytes) -> bytes:
        """Sign through the callable.

        Args:
            data: The bytes to sign.

        Returns:
            The signature in tracelib's encoding.

        Raises:
            SigningError: ``SIGNER_FAILED`` when the callable raises or returns no bytes.

        Examples:
            >>> CallableSigner.create(actor="a", alg="Ed25519",
            ...     public_jwk=SoftwareSigner.generate(actor="a").public_jwk(),
            ...     sign_fn=lambda data: "oops").sign(b"x")
            Traceback (most recent call last):
            ...
            tracelib.errors.SigningError: the signing callable returned str, not bytes
        """
        try:
            signature = self.sign_fn(data)
        except Exception as exc:
            raise SigningError(f"the signing callable failed: {exc}", code="SIGNER_FAILED") from exc
        if not isinstance(signature, bytes):
            raise SigningError(
                f"the signing callable returned {type(signature).__name__}, not bytes",
                code="SIGNER_FAILED",
            )
        if self.signature_format == "der" and self.alg == "ES256":
            try:
                return ecdsa_der_to_raw(signature)
            except MalformedInput as exc:
                raise SigningError(exc.message, code="SIGNER_FAILED") from None
        return signature
