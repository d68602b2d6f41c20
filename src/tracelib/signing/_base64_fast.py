"""A quick path for the strict base64 decoding of :mod:`tracelib.signing.canonical`.

Private plumbing. On Python 3.11+ ``binascii.a2b_base64(..., strict_mode=True)`` refuses
every character outside ``A-Za-z0-9+/`` (whitespace too) and any misplaced padding, in C.
:func:`quick_decode` applies the rules of ``_base64._decode`` that it does not (one
alphabet, the padding policy, zero trailing bits) with plain string tests, lets C check the
alphabet, and answers ``None`` whenever anything is off: the regular-expression path then
decides and reports the exact error and position. An answer given here is therefore always
the one that path gives (``tests/signing/test_verify_fast.py`` checks it with hypothesis).
On Python 3.10 it always answers ``None``.
"""

from __future__ import annotations

import binascii
import sys

__all__ = ["quick_decode"]

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#: The 6-bit value of each character of both alphabets.
_VALUE = {c: i for i, c in enumerate(_ALPHABET)} | {"-": 62, "_": 63}
#: The bits of the last character that must be zero, by ``len(body) % 4``.
_UNUSED_BITS = (0, 0, 0x0F, 0x03)

if sys.version_info >= (3, 11):

    def quick_decode(text: str, url: bool, padded: bool | None) -> bytes | None:
        """The bytes of ``text`` under ``_base64._decode``'s rules, or ``None``.

        Args:
            text: The base64 text (a ``str``).
            url: The URL-safe alphabet (``-_``) rather than the standard one (``+/``).
            padded: ``True`` padding required, ``False`` refused, ``None`` optional.

        Returns:
            The decoded bytes, or ``None`` when the strict path must decide.
        """
        body = text if padded is False else text.rstrip("=")
        if "=" in body:
            return None
        if url:
            if "+" in body or "/" in body:
                return None
            body = body.replace("-", "+").replace("_", "/")
        elif "-" in body or "_" in body:
            return None
        size = len(body)
        tail = size % 4
        if tail == 1:
            return None
        expected = -size % 4
        pad = len(text) - size
        if pad != expected and (padded is True or pad):
            return None
        if tail and _VALUE.get(body[-1], 0) & _UNUSED_BITS[tail]:
            return None
        try:
            return binascii.a2b_base64(body + "=" * expected, strict_mode=True)
        except ValueError:  # binascii.Error, or a non-ASCII str
            return None

else:  # pragma: no cover - Python 3.10 has no strict mode

    def quick_decode(text: str, url: bool, padded: bool | None) -> bytes | None:
        """Always ``None`` before Python 3.11 (see the module docstring)."""
        return None
