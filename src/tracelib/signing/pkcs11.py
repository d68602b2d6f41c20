"""HSM and USB-token signers over PKCS#11 (extra ``pkcs11``: ``python-pkcs11``).

:class:`Pkcs11Signer` implements the :class:`~tracelib.signing.signers.Signer` protocol with
a private key that never leaves the token. Keys are named by RFC 7512 ``pkcs11:`` URIs,
parsed by :func:`parse_pkcs11_uri` (pure code, no module needed)::

    pkcs11:token=farm;object=signing-key;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234

Path attributes used: ``token`` (label), ``object`` (label), ``id`` (percent-encoded CKA_ID),
``type`` (must be ``private`` when given). Query attributes: ``module-path`` and
``pin-value``; ``pin-source`` (a file) is refused, since tracelib reads no files: pass
``pin=`` instead. Algorithms: ``ES256`` (``CKM_ECDSA`` over a SHA-256 digest, raw ``r||s``),
``PS256`` (``CKM_SHA256_RSA_PKCS_PSS``, MGF1-SHA-256, salt 32), ``RS256`` (``CKM_SHA256_RSA_PKCS``);
``Ed25519`` (``CKM_EDDSA``) where the token supports it. SHA-1 mechanisms are never used.

Without python-pkcs11, :meth:`Pkcs11Signer.from_uri` raises
:class:`~tracelib.errors.MissingDependencyError`.

Examples:
    >>> uri = parse_pkcs11_uri(
    ...     "pkcs11:token=farm;object=key%201;type=private?module-path=/lib/x.so&pin-value=1")
    >>> uri.token, uri.object, uri.module_path, uri.pin
    ('farm', 'key 1', '/lib/x.so', '1')
    >>> parse_pkcs11_uri("pkcs11:object=k?pin-source=file:/etc/pin")
    Traceback (most recent call last):
    ...
    tracelib.errors.InputError: pin-source is not supported (tracelib reads no files): pass pin=
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

from ..errors import InputError, MissingDependencyError, SigningError
from .keys import Alg, PublicKey

__all__ = [
    "Pkcs11Signer",
    "Pkcs11Uri",
    "parse_pkcs11_uri",
]

_PATH = ("token", "object", "id", "type", "manufacturer", "model", "serial", "library-version")
_QUERY = ("module-path", "module-name", "pin-value", "pin-source")


def _bad(message: str) -> InputError:
    return InputError(message, code="PKCS11_URI_INVALID")


@dataclass(frozen=True, slots=True)
class Pkcs11Uri:
    """The parts of an RFC 7512 ``pkcs11:`` URI that select a signing key.

    Attributes:
        token: The token label.
        object: The key label (CKA_LABEL).
        id: The key id (CKA_ID) bytes.
        module_path: The PKCS#11 module to load.
        pin: The user PIN (``pin-value``).
    """

    token: str | None = None
    object: str | None = None
    id: bytes | None = None
    module_path: str | None = None
    pin: str | None = field(default=None, repr=False)


def parse_pkcs11_uri(uri: str) -> Pkcs11Uri:
    """Parse an RFC 7512 ``pkcs11:`` URI (path ``;``-separated, query ``&``-separated).

    Args:
        uri: The URI.

    Returns:
        The selected parts.

    Raises:
        InputError: ``PKCS11_URI_INVALID`` for another scheme, an unknown or repeated
            attribute, ``type`` other than ``private``, bad percent-encoding, or
            ``pin-source``.

    Examples:
        >>> parse_pkcs11_uri("pkcs11:id=%01%02").id
        b'\\x01\\x02'
        >>> parse_pkcs11_uri("file:key.pem")
        Traceback (most recent call last):
        ...
        tracelib.errors.InputError: not a pkcs11: URI
    """
    if not isinstance(uri, str) or not uri.startswith("pkcs11:"):
        raise _bad("not a pkcs11: URI")
    path, _, query = uri[len("pkcs11:") :].partition("?")
    values: dict[str, bytes] = {}
    for part, names, sep in ((path, _PATH, ";"), (query, _QUERY, "&")):
        for item in part.split(sep) if part else ():
            name, eq, raw = item.partition("=")
            if not eq or name not in names:
                raise _bad(f"unknown pkcs11 URI attribute {name!r}")
            if name in values:
                raise _bad(f"attribute {name!r} is repeated")
            if "%" in raw and any(
                len(raw[i + 1 : i + 3]) != 2
                or any(c not in "0123456789abcdefABCDEF" for c in raw[i + 1 : i + 3])
                for i in range(len(raw))
                if raw[i] == "%"
            ):
                raise _bad(f"bad percent-encoding in {name!r}")
            values[name] = unquote_to_bytes(raw)
    if "pin-source" in values:
        raise _bad("pin-source is not supported (tracelib reads no files): pass pin=")
    if values.get("type", b"private") != b"private":
        raise _bad("a signing key has type=private")

    def text(name: str) -> str | None:
        value = values.get(name)
        if value is None:
            return None
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise _bad(f"attribute {name!r} is not UTF-8") from None

    return Pkcs11Uri(
        text("token"), text("object"), values.get("id"), text("module-path"), text("pin-value")
    )


def _lib() -> Any:
    try:
        return importlib.import_module("pkcs11")
    except ImportError:
        raise MissingDependencyError(
            feature="PKCS#11 signing", extra="pkcs11", package="python-pkcs11"
        ) from None


class Pkcs11Signer:
    """A :class:`~tracelib.signing.signers.Signer` whose private key stays in a token.

    Attributes:
        actor: The party the key signs for.
        alg: The algorithm.
        public_key: The public key read from the token (its kid is the signer's kid).

    Examples:
        >>> Pkcs11Signer.from_uri("pkcs11:object=k", actor="urn:a")
        Traceback (most recent call last):
        ...
        tracelib.errors...: ...
    """

    def __init__(
        self,
        actor: str,
        alg: Alg,
        public_key: PublicKey,
        key: Any,
        mechanism: Any,
        param: Any,
        session: Any,
    ) -> None:
        self.actor = actor
        self.alg: Alg = alg
        self.public_key = public_key
        self._key = key
        self._mechanism = mechanism
        self._param = param
        self._session = session

    def __repr__(self) -> str:
        return f"Pkcs11Signer(actor={self.actor!r}, alg={self.alg!r}, kid={self.kid!r})"

    @property
    def kid(self) -> str:
        """The RFC 7638 thumbprint of the token's public key."""
        return self.public_key.kid

    def public_jwk(self) -> dict[str, str]:
        """The public JWK.

        Returns:
            The JWK members.
        """
        return self.public_key.jwk()

    @classmethod
    def from_uri(
        cls,
        uri: str,
        *,
        actor: str,
        alg: Alg | None = None,
        pin: str | None = None,
        module_path: str | None = None,
    ) -> Pkcs11Signer:
        """Open the token and find the private key named by ``uri``.

        Args:
            uri: An RFC 7512 URI (see :func:`parse_pkcs11_uri`).
            actor: The party the key signs for.
            alg: ``PS256`` (default for RSA) or ``RS256``; ``ES256`` and ``Ed25519`` follow
                from the key.
            pin: The user PIN (overrides ``pin-value``).
            module_path: The module (overrides ``module-path``).

        Returns:
            The signer (its session stays open; call :meth:`close` when done).

        Raises:
            MissingDependencyError: without the ``pkcs11`` extra.
            InputError: ``PKCS11_URI_INVALID``; ``PKCS11_KEY_NOT_FOUND`` (no token, no key,
                or several keys); ``ALG_KEY_MISMATCH``.
            SigningError: ``PKCS11_ERROR`` when the module or token fails.

        Examples:
            >>> Pkcs11Signer.from_uri("pkcs11:object=k;type=public", actor="urn:a")
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: a signing key has type=private
        """
        parts = parse_pkcs11_uri(uri)
        lib = _lib()
        path = module_path or parts.module_path
        if not path:
            raise _bad("a module-path is needed (in the URI or as module_path=)")
        try:
            token = lib.lib(path).get_token(token_label=parts.token)
            session = token.open(user_pin=pin if pin is not None else parts.pin)
        except (lib.NoSuchToken, lib.MultipleTokensReturned) as exc:
            raise InputError(f"token not found: {exc!r}", code="PKCS11_KEY_NOT_FOUND") from None
        except Exception as exc:  # the module's PKCS11Error tree, OSError on a bad path
            raise SigningError(f"the PKCS#11 module failed: {exc!r}", code="PKCS11_ERROR") from None
        try:
            return cls._open(session, parts, actor, alg, lib)
        except BaseException:
            session.close()
            raise

    @classmethod
    def _open(
        cls, session: Any, parts: Pkcs11Uri, actor: str, alg: Alg | None, lib: Any
    ) -> Pkcs11Signer:
        select: dict[str, Any] = {}
        if parts.object is not None:
            select["label"] = parts.object
        if parts.id is not None:
            select["id"] = parts.id
        try:
            private = session.get_key(object_class=lib.ObjectClass.PRIVATE_KEY, **select)
            public = session.get_key(object_class=lib.ObjectClass.PUBLIC_KEY, **select)
        except (lib.NoSuchKey, lib.MultipleObjectsReturned) as exc:
            raise InputError(f"key not found: {exc!r}", code="PKCS11_KEY_NOT_FOUND") from None
        key = _public_key(public, lib)
        mechanism, param, chosen = _mechanism(key, alg, lib)
        return cls(actor, chosen, key, private, mechanism, param, session)

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` in the token (ECDSA signatures are raw ``r||s``, 64 bytes).

        Args:
            data: The bytes (a DSSE PAE or a note message).

        Returns:
            The signature.

        Raises:
            SigningError: ``PKCS11_ERROR`` when the token refuses.
        """
        message = bytes(data)
        if self.alg == "ES256":
            message = hashlib.sha256(message).digest()
        try:
            return bytes(
                self._key.sign(message, mechanism=self._mechanism, mechanism_param=self._param)
            )
        except Exception as exc:  # the module's PKCS11Error tree
            raise SigningError(f"the token did not sign: {exc!r}", code="PKCS11_ERROR") from None

    def close(self) -> None:
        """Close the token session."""
        self._session.close()


def _public_key(public: Any, lib: Any) -> PublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    kind = public.key_type
    if kind == lib.KeyType.RSA:
        modulus = int.from_bytes(public[lib.Attribute.MODULUS], "big")
        exponent = int.from_bytes(public[lib.Attribute.PUBLIC_EXPONENT], "big")
        return PublicKey.from_cryptography(rsa.RSAPublicNumbers(exponent, modulus).public_key())
    if kind == lib.KeyType.EC:
        encode = importlib.import_module("pkcs11.util.ec").encode_ec_public_key
        return PublicKey.from_cryptography(serialization.load_der_public_key(encode(public)))
    if kind == getattr(lib.KeyType, "EC_EDWARDS", None):
        point = bytes(public[lib.Attribute.EC_POINT])
        raw = point[2:] if len(point) == 34 and point[0] == 4 else point
        return PublicKey.from_cryptography(ed25519.Ed25519PublicKey.from_public_bytes(raw))
    raise InputError(f"unsupported token key type {kind!r}", code="KEY_NOT_ALLOWED")


def _mechanism(key: PublicKey, alg: Alg | None, lib: Any) -> tuple[Any, Any, Alg]:
    mech = lib.Mechanism
    if key.kty == "RSA":
        chosen: Alg = alg or "PS256"
        if chosen == "PS256":
            return mech.SHA256_RSA_PKCS_PSS, (mech.SHA256, lib.MGF.SHA256, 32), chosen
        if chosen == "RS256":
            return mech.SHA256_RSA_PKCS, None, chosen
    elif key.kty == "EC" and alg in (None, "ES256"):
        return mech.ECDSA, None, "ES256"  # over a SHA-256 digest made here (SoftHSM lacks
        # CKM_ECDSA_SHA256; every token has CKM_ECDSA)
    elif key.kty == "OKP" and alg in (None, "Ed25519"):
        return mech.EDDSA, None, "Ed25519"
    raise InputError(f"alg {alg} does not fit a {key.kty} key", code="ALG_KEY_MISMATCH")
