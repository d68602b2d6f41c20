"""The bytes that get hashed: strict I-JSON parsing, JCS (RFC 8785) and strict base64.

:func:`parse_json` accepts only I-JSON (RFC 7493): UTF-8, no duplicate member names, no
lone surrogates, no ``NaN``/``Infinity``, integers within ±(2^53−1), and numbers that survive
a float64 round trip: no overflow or underflow, at most 17 significant digits (the most any
float64 needs; more is precision a float64 cannot carry, so put high-precision decimals in
strings), and no integer-valued number beyond ±(2^53−1) (JCS would write it as an integer out
of range, e.g. ``1e20``). Anything else raises a typed
:class:`~tracelib.errors.MalformedInput` with a stable ``code`` and the ``position`` (0-based
offset in the bytes or text given) of the offending token. JCS (RFC 8785) canonical bytes come
from ``rfc8785.dumps``, which works on parsed values and so cannot see duplicate names: the
strict parser is what closes that gap.

The fast path is the standard library's C scanner with hooks; only when a hook rejects
something is the text scanned again, in pure Python, to find the position of the first problem
in document order.

Base64 (RFC 4648) decoding is strict too: one alphabet, the canonical form only (no stray
characters, correct padding, zero trailing bits). tracelib JSON uses base64url without padding
(:func:`b64url_encode`); DSSE envelopes and C2SP notes use standard base64 with padding
(:func:`b64_encode`); DSSE parsers accept either alphabet (:func:`b64_decode_any`).

Examples:
    >>> parse_json(b'{"b": [1, 2.5, "x"], "a": null}')
    {'b': [1, 2.5, 'x'], 'a': None}
    >>> canonicalize_json('{"b": 1e2, "a": "\\u20ac"}')
    b'{"a":"\\xe2\\x82\\xac","b":100}'
    >>> parse_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ...
    tracelib.errors.MalformedInput: duplicate member name 'a'
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

import rfc8785

from ..errors import MalformedInput
from ._base64 import b64_decode, b64_decode_any, b64_encode, b64url_decode, b64url_encode
from ._jcs_fast import quick_canonical

__all__ = [
    "MAX_SAFE_INTEGER",
    "b64_decode",
    "b64_decode_any",
    "b64_encode",
    "b64url_decode",
    "b64url_encode",
    "canonicalize",
    "canonicalize_json",
    "is_canonical",
    "parse_json",
    "require_canonical",
]

#: The largest integer I-JSON (and JCS) represents exactly: 2^53 − 1.
MAX_SAFE_INTEGER = 2**53 - 1


class _Reject(Exception):  # noqa: N818 - internal control flow, never escapes
    """Raised by a decoder hook: the text is scanned again to locate the problem."""


def _object_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Reject
    return result


def _int_hook(literal: str) -> int:
    try:
        value = int(literal)
    except ValueError:  # more digits than int() accepts
        raise _Reject from None
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    raise _Reject


def _float_hook(literal: str) -> float:
    value = float(literal)
    if _float_problem(literal, value) is None:
        return value
    raise _Reject


#: Integer-valued floats below this are written by JCS as plain digits: beyond 2^53 − 1 they
#: read back as out-of-range integers, so they are refused like those integers.
_INTEGRAL_LIMIT = 1e21
_MIN_NORMAL = 2.2250738585072014e-308


def _significant_digits(literal: str) -> int:
    mantissa = literal.lstrip("-").split("e")[0].split("E")[0].replace(".", "")
    return len(mantissa.strip("0"))


def _float_problem(literal: str, value: float) -> tuple[str, str] | None:
    """Why a number with a fraction or exponent is refused, or ``None``."""
    if repr(value) != literal:
        if math.isinf(value):
            return "JSON_NUMBER_RANGE", f"number {literal[:40]} is beyond float64"
        if _significant_digits(literal) > 17:
            return "JSON_NUMBER_PRECISION", f"number {literal[:40]} has more digits than float64"
        if abs(value) < _MIN_NORMAL and Decimal(literal) != Decimal(repr(value)):
            return "JSON_NUMBER_PRECISION", f"number {literal[:40]} underflows float64"
    if MAX_SAFE_INTEGER < abs(value) < _INTEGRAL_LIMIT:
        return "JSON_NUMBER_RANGE", f"number {literal[:40]} is an integer beyond ±(2^53−1)"
    return None


def _constant_hook(literal: str) -> Any:
    raise _Reject


_DECODER = json.JSONDecoder(
    object_pairs_hook=_object_hook,
    parse_int=_int_hook,
    parse_float=_float_hook,
    parse_constant=_constant_hook,
    strict=True,
)
# A "\uD800".."\uDFFF" escape: the value may hold a lone surrogate and is walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]|\\u[dD][c-fC-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _to_text(data: bytes | bytearray | memoryview | str) -> tuple[str, bytes | None]:
    """The text of ``data`` and, when it came as bytes, the bytes (for offsets)."""
    if isinstance(data, str):
        if not data.isascii():
            try:
                data.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise MalformedInput(
                    "text holds a lone surrogate code point",
                    code="JSON_LONE_SURROGATE",
                    position=exc.start,
                    length=1,
                ) from None
        return data, None
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedInput(
            f"JSON input must be bytes or str, not {type(data).__name__}", code="JSON_INVALID"
        )
    raw = bytes(data)
    try:
        return raw.decode("utf-8"), raw
    except UnicodeDecodeError as exc:
        raise MalformedInput(
            "JSON text is not valid UTF-8", code="JSON_INVALID_UTF8", position=exc.start, length=1
        ) from None


def _offset(text: str, raw: bytes | None, char_pos: int) -> int:
    """A character offset in ``text`` as an offset in the input (bytes when given bytes)."""
    if raw is None or text.isascii():
        return char_pos
    return len(text[:char_pos].encode("utf-8"))


def parse_json(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse I-JSON strictly: duplicate names, lone surrogates, NaN and imprecise numbers fail.

    Args:
        data: UTF-8 bytes (no byte order mark) or text of one JSON value.

    Returns:
        The value: ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` or ``None``.
        Integers stay ``int``; numbers with a fraction or exponent are ``float``.

    Raises:
        MalformedInput: ``JSON_INVALID`` (syntax, byte order mark), ``JSON_INVALID_UTF8``,
            ``JSON_DUPLICATE_NAME``, ``JSON_LONE_SURROGATE``, ``JSON_NOT_FINITE`` (``NaN``,
            ``Infinity``), ``JSON_NUMBER_RANGE`` (an integer, or an integer-valued number,
            beyond ±(2^53−1); a number beyond float64), ``JSON_NUMBER_PRECISION`` (more than
            17 significant digits, underflow) or
            ``JSON_TOO_DEEP``, each with the ``position`` of the token.

    Examples:
        >>> parse_json('[9007199254740991, 0.1, -0.0, 1E3]')
        [9007199254740991, 0.1, -0.0, 1000.0]
        >>> for bad in ('[9007199254740992]', '[NaN]', '["\\\\ud800"]', '[3.141592653589793238]'):
        ...     try:
        ...         parse_json(bad)
        ...     except ValueError as err:
        ...         print(err.code, err.position)
        JSON_NUMBER_RANGE 1
        JSON_NOT_FINITE 1
        JSON_LONE_SURROGATE 1
        JSON_NUMBER_PRECISION 1
    """
    text, raw = _to_text(data)
    if text.startswith("\ufeff"):
        raise MalformedInput(
            "JSON text starts with a byte order mark", code="JSON_INVALID", position=0, length=1
        )
    try:
        value = _DECODER.decode(text)
    except _Reject:
        raise _located(text, raw) from None
    except json.JSONDecodeError as exc:
        raise MalformedInput(
            f"invalid JSON: {exc.msg}", code="JSON_INVALID", position=_offset(text, raw, exc.pos)
        ) from None
    except RecursionError:
        raise MalformedInput(
            "JSON nesting is too deep", code="JSON_TOO_DEEP", position=_offset(text, raw, 0)
        ) from None
    if _SURROGATE_ESCAPE.search(text) and _holds_surrogate(value):
        raise _located(text, raw)
    return value


def _holds_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# --- the slow path: find the first problem, in document order, with its position ---------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:(\.[0-9]+)?([eE][-+]?[0-9]+)?)")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_LITERALS = (("true", True), ("false", False), ("null", None))
_CONSTANTS = ("NaN", "Infinity", "-Infinity")


def _located(text: str, raw: bytes | None) -> MalformedInput:
    code, pos, message = _scan(text)
    return MalformedInput(message, code=code, position=_offset(text, raw, pos))


def _check_number(match: re.Match[str]) -> tuple[str, str] | None:
    literal = match.group(0)
    if match.group(1) is None and match.group(2) is None:
        if len(literal) > 17 or abs(int(literal)) > MAX_SAFE_INTEGER:
            return "JSON_NUMBER_RANGE", f"integer {literal[:40]} is beyond ±(2^53−1)"
        return None
    return _float_problem(literal, float(literal))


def _scan_string(text: str, pos: int) -> tuple[str | None, int]:
    match = _STRING.match(text, pos)
    if match is None:
        return None, pos
    return json.loads(match.group(0)), match.end()


def _scan(text: str) -> tuple[str, int, str]:
    """The first problem in ``text``: (code, character offset, message)."""
    stack: list[set[str] | None] = []  # a set of seen names per object, None per array
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    state = "value"
    end = len(text)
    while True:
        if state == "value":
            char = text[pos : pos + 1]
            if char in ("{", "["):
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
                if text[pos : pos + 1] == ("}" if char == "{" else "]"):
                    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
                    state = "after"
                else:
                    stack.append(set() if char == "{" else None)
                    state = "name" if char == "{" else "value"
                continue
            if char == '"':
                value, stop = _scan_string(text, pos)
                if value is None:
                    return "JSON_INVALID", pos, "invalid JSON string"
                if _SURROGATE.search(value):
                    return "JSON_LONE_SURROGATE", pos, "string holds a lone surrogate"
                pos = _WS.match(text, stop).end()  # type: ignore[union-attr]
                state = "after"
                continue
            number = _NUMBER.match(text, pos)
            if number is not None:
                problem = _check_number(number)
                if problem is not None:
                    return problem[0], pos, problem[1]
                pos = _WS.match(text, number.end()).end()  # type: ignore[union-attr]
                state = "after"
                continue
            for constant in _CONSTANTS:
                if text.startswith(constant, pos):
                    return "JSON_NOT_FINITE", pos, f"{constant} is not allowed in I-JSON"
            for literal, _ in _LITERALS:
                if text.startswith(literal, pos):
                    pos = _WS.match(text, pos + len(literal)).end()  # type: ignore[union-attr]
                    state = "after"
                    break
            else:
                return "JSON_INVALID", pos, "expected a JSON value"
            continue
        if state == "name":
            name, stop = _scan_string(text, pos) if text[pos : pos + 1] == '"' else (None, pos)
            if name is None:
                return "JSON_INVALID", pos, "expected a member name"
            if _SURROGATE.search(name):
                return "JSON_LONE_SURROGATE", pos, "member name holds a lone surrogate"
            seen = stack[-1]
            assert seen is not None
            if name in seen:
                return "JSON_DUPLICATE_NAME", pos, f"duplicate member name {name!r}"
            seen.add(name)
            pos = _WS.match(text, stop).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != ":":
                return "JSON_INVALID", pos, "expected ':'"
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            state = "value"
            continue
        # state == "after": a value ended
        if not stack:
            if pos != end:
                return "JSON_INVALID", pos, "extra data after the JSON value"
            return "JSON_INVALID", 0, "invalid JSON"  # pragma: no cover - fast path disagrees
        char = text[pos : pos + 1]
        if char == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            state = "value" if stack[-1] is None else "name"
        elif char == ("]" if stack[-1] is None else "}"):
            stack.pop()
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        else:
            return "JSON_INVALID", pos, "expected ',' or the end of the container"


# --- JCS ----------------------------------------------------------------------------------


def canonicalize(value: Any) -> bytes:
    """The JCS (RFC 8785) bytes of a parsed JSON value, via ``rfc8785.dumps``.

    Values whose JCS text the C JSON encoder writes exactly (plain numbers, names in the
    Basic Multilingual Plane; see :mod:`tracelib.signing._jcs_fast`) take that quicker way.

    Args:
        value: ``dict`` (``str`` keys), ``list``/``tuple``, ``str``, ``int``, ``float``,
            ``bool`` or ``None``, nested.

    Returns:
        The canonical UTF-8 bytes: members sorted by UTF-16 code units, no whitespace,
        ECMAScript number formatting.

    Raises:
        MalformedInput: ``JSON_NUMBER_RANGE`` (an ``int``, or a ``float`` JCS writes as an
            integer, beyond ±(2^53−1)),
            ``JSON_NOT_FINITE`` (NaN, infinity), ``JCS_UNSUPPORTED_VALUE`` (another type, a
            non-``str`` key, a lone surrogate) or ``JSON_TOO_DEEP``; ``path`` names the value.

    Examples:
        >>> canonicalize({"b": [True, None], "a": 1.0, "\\u20ac": "x"})
        b'{"a":1,"b":[true,null],"\\xe2\\x82\\xac":"x"}'
        >>> canonicalize({"n": 2**53})
        Traceback (most recent call last):
        ...
        tracelib.errors.MalformedInput: integer at $.n is beyond ±(2^53−1)
    """
    quick = quick_canonical(value)
    if quick is not None:
        return quick
    try:
        data = rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeError, RecursionError, TypeError):
        raise _unsupported(value) from None
    if _LONG_RUN in data.translate(_DIGITS_TO_ZERO):  # a float written as a long integer?
        error = _unsupported(value)
        if error.code == "JSON_NUMBER_RANGE":
            raise error
    return data


_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 16


def _unsupported(value: Any) -> MalformedInput:
    """The error for the first value JCS cannot take, found by walking ``value``."""
    stack: list[tuple[str, Any, int]] = [("$", value, 0)]
    while stack:
        path, item, depth = stack.pop()
        if depth > 500:
            return MalformedInput("JSON nesting is too deep", code="JSON_TOO_DEEP", path=path)
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int):
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                message = f"integer at {path} is beyond ±(2^53−1)"
                return MalformedInput(message, code="JSON_NUMBER_RANGE", path=path)
        elif isinstance(item, float):
            if not math.isfinite(item):
                message = f"{item} at {path} is not allowed in JCS"
                return MalformedInput(message, code="JSON_NOT_FINITE", path=path)
            if MAX_SAFE_INTEGER < abs(item) < _INTEGRAL_LIMIT:
                message = f"number at {path} is an integer beyond ±(2^53−1)"
                return MalformedInput(message, code="JSON_NUMBER_RANGE", path=path)
        elif isinstance(item, str):
            if _SURROGATE.search(item):
                message = f"string at {path} holds a lone surrogate"
                return MalformedInput(message, code="JCS_UNSUPPORTED_VALUE", path=path)
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{i}]", v, depth + 1) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, dict):
            for key in item:
                if not isinstance(key, str) or _SURROGATE.search(key):
                    message = f"member name {key!r} at {path} is not a valid JSON string"
                    return MalformedInput(message, code="JCS_UNSUPPORTED_VALUE", path=path)
            entries = [(f"{path}.{k}", v, depth + 1) for k, v in item.items()]
            stack.extend(reversed(entries))
        else:
            message = f"{type(item).__name__} at {path} is not a JSON value"
            return MalformedInput(message, code="JCS_UNSUPPORTED_VALUE", path=path)
    return MalformedInput("value cannot be canonicalised", code="JCS_UNSUPPORTED_VALUE")


def canonicalize_json(data: bytes | bytearray | memoryview | str) -> bytes:
    """Strictly parse JSON text and return its JCS bytes.

    Args:
        data: UTF-8 bytes or text of one I-JSON value.

    Returns:
        The canonical bytes.

    Raises:
        MalformedInput: any error of :func:`parse_json` or :func:`canonicalize`.

    Examples:
        >>> canonicalize_json(b'{ "z": [ 1, 2 ], "a": 0.50 }')
        b'{"a":0.5,"z":[1,2]}'
    """
    return canonicalize(parse_json(data))


def require_canonical(data: bytes | bytearray | memoryview | str) -> Any:
    """Strictly parse JSON that must already be in JCS form, and return the value.

    Args:
        data: UTF-8 bytes or text.

    Returns:
        The parsed value.

    Raises:
        MalformedInput: ``NON_CANONICAL_ENCODING`` at the first offset where ``data``
            differs from its JCS re-emission, or any error of :func:`parse_json`.

    Examples:
        >>> require_canonical(b'{"a":1,"b":2}')
        {'a': 1, 'b': 2}
        >>> require_canonical(b'{"b":2,"a":1}')
        Traceback (most recent call last):
        ...
        tracelib.errors.MalformedInput: JSON is not in JCS canonical form at offset 2
    """
    value = parse_json(data)
    given = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    canonical = canonicalize(value)
    if canonical != given:
        at = next(
            (i for i, (a, b) in enumerate(zip(given, canonical, strict=False)) if a != b),
            min(len(given), len(canonical)),
        )
        if isinstance(data, str):
            at = len(given[:at].decode("utf-8", errors="ignore"))
        raise MalformedInput(
            f"JSON is not in JCS canonical form at offset {at}",
            code="NON_CANONICAL_ENCODING",
            position=at,
        )
    return value


def is_canonical(data: object) -> bool:
    """Whether ``data`` is strict I-JSON already in JCS form; never raises.

    Args:
        data: Anything; only bytes or text can be canonical.

    Returns:
        ``True`` when :func:`require_canonical` would accept ``data``.

    Examples:
        >>> is_canonical(b'{"a":[1,"x"]}'), is_canonical(b'{"a": 1}'), is_canonical(None)
        (True, False, False)
    """
    if not isinstance(data, bytes | bytearray | memoryview | str):
        return False
    try:
        require_canonical(data)
    except MalformedInput:
        return False
    return True
