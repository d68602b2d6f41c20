"""Strict base64 and base64url (RFC 4648) for :mod:`tracelib.signing.canonical`.

Private module: the functions are public as ``tracelib.signing.canonical.b64url_encode``
and friends (and in :mod:`tracelib.signing`). Decoding is strict: one alphabet, the padding
rule of each function, zero unused trailing bits; every error is a
:class:`~tracelib.errors.MalformedInput` with the 0-based position of the first bad character.
"""

from __future__ import annotations

import base64
import binascii
import re

from ..errors import MalformedInput
from ._base64_fast import quick_decode

__all__ = ["b64_decode", "b64_decode_any", "b64_encode", "b64url_decode", "b64url_encode"]


# --- base64 -------------------------------------------------------------------------------

_URL = re.compile(r"[A-Za-z0-9_-]*")
_STD = re.compile(r"[A-Za-z0-9+/]*")


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 4648 §5), the binary encoding of tracelib JSON.

    Args:
        data: The bytes.

    Returns:
        The ASCII text.

    Examples:
        >>> b64url_encode(b"\\xfb\\xff")
        '-_8'
    """
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_encode(data: bytes) -> str:
    """Standard base64 with padding (RFC 4648 §4), as in DSSE envelopes and C2SP notes.

    Args:
        data: The bytes.

    Returns:
        The ASCII text.

    Examples:
        >>> b64_encode(b"\\xfb\\xff")
        '+/8='
    """
    return base64.b64encode(data).decode("ascii")


def _b64_error(message: str, position: int | None) -> MalformedInput:
    return MalformedInput(message, code="BASE64_INVALID", position=position)


_ALPHABET_URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_LAST_VALUE = {c: i for i, c in enumerate(_ALPHABET_URL)} | {"+": 62, "/": 63}
_UNUSED_BITS = {2: 0x0F, 3: 0x03}  # bits of the last character that must be zero


def _decode(text: object, alphabet: re.Pattern[str], *, padded: bool | None) -> bytes:
    """Strict decoding of one alphabet; ``padded`` True/False required, None optional."""
    if type(text) is str:
        quick = quick_decode(text, alphabet is _URL, padded)
        if quick is not None:
            return quick
    elif not isinstance(text, str):
        raise _b64_error(f"base64 value must be a string, not {type(text).__name__}", None)
    body = text if padded is False else text.rstrip("=")
    if alphabet.fullmatch(body) is None:
        match = alphabet.match(body)
        assert match is not None
        raise _b64_error("character outside the base64 alphabet", match.end())
    tail = len(body) % 4
    if tail == 1:
        raise _b64_error("base64 text has an impossible length", len(body) - 1)
    pad = len(text) - len(body)
    expected_pad = -len(body) % 4
    if pad != expected_pad and (padded is True or pad):
        raise _b64_error("wrong base64 padding", len(body))
    if tail and _LAST_VALUE[body[-1]] & _UNUSED_BITS[tail]:
        raise _b64_error("base64 text has non-zero trailing bits", len(body) - 1)
    if alphabet is _URL:
        body = body.replace("-", "+").replace("_", "/")
    return binascii.a2b_base64(body + "=" * expected_pad)


def b64url_decode(text: str) -> bytes:
    """Strictly decode base64url without padding, the form tracelib JSON uses.

    Args:
        text: The base64url text.

    Returns:
        The bytes.

    Raises:
        MalformedInput: ``BASE64_INVALID`` (with the position) for padding, a character
            outside the alphabet, an impossible length or non-zero trailing bits.

    Examples:
        >>> b64url_decode("-_8")
        b'\\xfb\\xff'
        >>> b64url_decode("-_9")
        Traceback (most recent call last):
        ...
        tracelib.errors.MalformedInput: base64 text has non-zero trailing bits
    """
    return _decode(text, _URL, padded=False)


def b64_decode(text: str) -> bytes:
    """Strictly decode standard base64 with padding, as C2SP notes require.

    Args:
        text: The base64 text.

    Returns:
        The bytes.

    Raises:
        MalformedInput: ``BASE64_INVALID`` (with the position).

    Examples:
        >>> b64_decode("+/8=")
        b'\\xfb\\xff'
    """
    return _decode(text, _STD, padded=True)


def b64_decode_any(text: str) -> bytes:
    """Strictly decode base64 in either alphabet, padded or not (DSSE envelope fields).

    One value uses one alphabet; padding, when present, must be right.

    Args:
        text: Standard or URL-safe base64.

    Returns:
        The bytes.

    Raises:
        MalformedInput: ``BASE64_INVALID`` (with the position), also for mixed alphabets.

    Examples:
        >>> b64_decode_any("+/8="), b64_decode_any("-_8"), b64_decode_any("-_8=")
        (b'\\xfb\\xff', b'\\xfb\\xff', b'\\xfb\\xff')
    """
    if isinstance(text, str) and ("-" in text or "_" in text):
        return _decode(text, _URL, padded=None)
    return _decode(text, _STD, padded=None)
