"""Detached JWS plumbing for :mod:`tracelib.signing.export` (private).

A tracelib JWS is an RFC 7515 compact serialization with the payload detached and
unencoded (RFC 7797, ``"b64": false``, ``"crit": ["b64"]``)::

    BASE64URL(JCS(protected header)) || ".." || BASE64URL(signature)

and the signature is over ``ASCII(BASE64URL(JCS(protected header))) || "." || payload``.
The protected header is JCS, so the same export always gives the same characters. Parsing
here is strict (strict I-JSON header, canonical base64url, only the members tracelib
writes); the signature itself is checked by joserfc, the optional ``export`` extra.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from ..errors import MalformedInput, MissingDependencyError, SignatureInvalid
from .canonical import b64url_decode, b64url_encode, canonicalize, parse_json
from .keys import ALGORITHMS, PublicKey

__all__ = [
    "RECORD_PARAM",
    "build_header",
    "encode_header",
    "joserfc",
    "parse_compact",
    "signing_input",
    "verify_with_joserfc",
]

#: The private (collision-resistant) header parameter naming the exported record.
RECORD_PARAM = "urn:tracelib:record"
_MEMBERS = frozenset(("alg", "b64", "crit", "cty", "kid", RECORD_PARAM))
_MAX_TOKEN = 16_384


_MODULES = ("jws", "jwk", "errors", "registry")


def joserfc(feature: str) -> dict[str, ModuleType]:
    """The ``joserfc`` modules ``jws``, ``jwk``, ``errors``, ``registry``; or
    :class:`MissingDependencyError` naming ``feature`` and the ``export`` extra."""
    try:
        return {name: importlib.import_module(f"joserfc.{name}") for name in _MODULES}
    except ImportError as exc:
        raise MissingDependencyError(feature=feature, extra="export", package="joserfc") from exc


def build_header(*, alg: str, kid: str, cty: str, record: str) -> dict[str, Any]:
    """The protected header of a tracelib detached JWS."""
    return {"alg": alg, "b64": False, "crit": ["b64"], "cty": cty, "kid": kid, RECORD_PARAM: record}


def signing_input(header_segment: str, payload: bytes) -> bytes:
    """RFC 7797 §3: ``ASCII(BASE64URL(UTF8(header))) || "." || payload`` (payload unencoded)."""
    return header_segment.encode("ascii") + b"." + payload


def encode_header(header: dict[str, Any]) -> str:
    """``BASE64URL(JCS(header))``."""
    return b64url_encode(canonicalize(header))


def _bad(message: str, code: str = "JWS_MALFORMED", **where: Any) -> MalformedInput:
    return MalformedInput(message, code=code, **where)


def parse_compact(token: object) -> tuple[str, dict[str, Any], bytes]:
    """Split and strictly check a detached compact JWS: (header segment, header, signature)."""
    if isinstance(token, bytes | bytearray):
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError:
            raise _bad("a compact JWS is ASCII") from None
    if not isinstance(token, str):
        raise _bad(f"a compact JWS is text, not {type(token).__name__}")
    if len(token) > _MAX_TOKEN:
        raise _bad(f"a compact JWS is at most {_MAX_TOKEN} characters here")
    parts = token.split(".")
    if len(parts) != 3:
        raise _bad("a compact JWS has three dot-separated parts")
    segment, body, sig_segment = parts
    if body:
        raise _bad("the payload must be detached (empty middle part)", position=len(segment) + 1)
    try:
        header = parse_json(b64url_decode(segment))
        signature = b64url_decode(sig_segment)
    except MalformedInput as exc:
        raise _bad(f"bad JWS part: {exc.message}") from None
    if not isinstance(header, dict):
        raise _bad("the protected header must be a JSON object", path="$")
    for name in header:
        if name not in _MEMBERS:
            raise _bad(f"unexpected header parameter {name!r}", path=f"$.{name}")
    if header.get("alg") not in ALGORITHMS:
        raise _bad(
            f"alg {header.get('alg')!r} is not in {ALGORITHMS}",
            code="ALG_NOT_ALLOWED",
            path="$.alg",
        )
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise _bad('the header must hold "b64": false and "crit": ["b64"]', path="$.b64")
    for name in ("kid", RECORD_PARAM, "cty"):
        if not isinstance(header.get(name), str) or not header[name]:
            raise _bad(f"header parameter {name!r} must be a non-empty string", path=f"$.{name}")
    return segment, header, signature


def verify_with_joserfc(token: str, payload: bytes, key: PublicKey, alg: str) -> None:
    """Check the signature with joserfc (only ``alg`` allowed, tracelib's parameter known)."""
    lib = joserfc("detached JWS verification")
    jws, errors = lib["jws"], lib["errors"]
    parameter = lib["registry"].HeaderParameter("tracelib record id", "str")
    registry = jws.JWSRegistry(header_registry={RECORD_PARAM: parameter}, algorithms=[alg])
    registry.max_header_length = _MAX_TOKEN
    registry.max_payload_length = max(len(payload), 1)
    try:
        public = lib["jwk"].JWKRegistry.import_key(key.jwk())
        jws.deserialize_compact(token, public, registry=registry, payload=payload)
    except errors.BadSignatureError:
        raise SignatureInvalid(
            f"{alg} JWS signature does not verify", code="SIGNATURE_INVALID"
        ) from None
    except (errors.JoseError, ValueError, TypeError) as exc:
        raise _bad(f"joserfc rejected the JWS: {exc}") from None
