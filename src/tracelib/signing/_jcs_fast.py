"""A quick path for :func:`tracelib.signing.canonical.canonicalize`: JCS through the C encoder.

Private plumbing. For most values RFC 8785 and ``json.dumps(sort_keys=True,
separators=(",", ":"), ensure_ascii=False)`` write the same text:

* strings: both escape ``"``, ``\\``, ``\\b \\f \\n \\r \\t`` and the other control characters
  as ``\\u00xx`` (lower-case hex), and nothing else;
* member order: JCS sorts names by UTF-16 code units, Python by code points; the two orders
  agree when every name is made of characters of the Basic Multilingual Plane;
* integers: both write the digits, for the safe range ±(2^53−1) that JCS allows;
* other numbers: both write the shortest digits that round-trip, and they agree when
  Python's ``repr`` uses neither an exponent nor a trailing ``.0`` (``1250.5``, ``0.001``):
  ECMAScript writes ``1e-07`` as ``1e-7``, and a whole number (``81.0``, ``-0.0``) as the
  integer (``81``, ``0``) — which the encoder writes when given the ``int``, so such floats
  within the safe range are handed to it as integers (on a copy of the containers).

:func:`quick_canonical` walks the value once and gives the encoder's bytes only when every
part is of those kinds (exact ``dict``/``list``/``str``/``int``/``float``/``bool``/``None``,
no subclasses); anything else — another number form, a name outside the BMP, a lone
surrogate, deep nesting, another type — gives ``None`` and the caller runs ``rfc8785``, which
writes or refuses it as it always did. ``tests/signing/test_jcs_fast.py`` compares the two
with hypothesis.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["quick_canonical"]

_ENCODE = json.JSONEncoder(
    ensure_ascii=False,
    separators=(",", ":"),
    sort_keys=True,
    allow_nan=False,
    check_circular=False,
).encode
_SAFE = 2**53 - 1
#: Values nested deeper go to the exact path (its own depth rule decides).
_DEEPEST = 200
_BMP_END = "\uffff"


def _as_ints(value: Any) -> Any:
    """A copy of ``value`` with every float holding a whole number written as that ``int``."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is dict:
        return {key: _as_ints(member) for key, member in value.items()}
    if kind is list:
        return [_as_ints(member) for member in value]
    return value


def quick_canonical(value: Any) -> bytes | None:
    """The JCS bytes of ``value`` when the C encoder writes them exactly, else ``None``.

    Args:
        value: A parsed JSON value.

    Returns:
        The RFC 8785 bytes, or ``None`` when :mod:`rfc8785` must decide.

    Examples:
        >>> quick_canonical({"b": [True, None, 1250.5], "a": "\\u20ac"})
        b'{"a":"\\xe2\\x82\\xac","b":[true,null,1250.5]}'
        >>> quick_canonical({"a": 81.0, "b": -0.0})  # JCS writes whole numbers as integers
        b'{"a":81,"b":0}'
        >>> quick_canonical({"a": 1e-7}) is None  # an exponent: rfc8785 decides
        True
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    pop, push = stack.pop, stack.append
    whole = False
    while stack:
        item, depth = pop()
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -_SAFE <= item <= _SAFE:
                continue
            return None
        if kind is float:
            text = repr(item)
            if "e" in text or "n" in text:  # an exponent, inf or nan: the exact path decides
                return None
            if text.endswith(".0"):
                if not -_SAFE <= item <= _SAFE:
                    return None
                whole = True
            continue
        if depth >= _DEEPEST:
            return None
        if kind is dict:
            for key in item:
                if type(key) is not str or (not key.isascii() and max(key) > _BMP_END):
                    return None
            for member in item.values():
                push((member, depth + 1))
        elif kind is list:
            for member in item:
                push((member, depth + 1))
        else:
            return None
    try:
        return _ENCODE(_as_ints(value) if whole else value).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
        return None  # a lone surrogate, or anything the encoder doubts
