"""Strict JSON text -> Python values for the JSON-LD codec.

Stricter than :func:`json.loads` where EPCIS needs it, and exact:

* bytes must be UTF-8 (a leading byte order mark is ignored, as RFC 8259 allows);
* a member name repeated in one object is never merged silently: an error
  (``EPCIS_DUPLICATE_MEMBER``), or with ``strict=False`` the last value (as every JSON parser
  keeps) and a report of the repetition; ``NaN`` and ``Infinity`` are not JSON; lone
  surrogates (``"\\ud800"``) are refused;
* numbers with a fraction or an exponent become :class:`Number`, a ``Decimal`` that keeps its
  text (every digit kept: quantities and sensor values are decimals in the models, extension
  values keep the number as written);
* every error is an :class:`~tracelib.errors.EpcisError` with ``path="$"`` (or the JSON path
  of the member) and the 0-based ``position`` when it is known.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from ..errors import EpcisError
from ._jsonld_context import member_path

__all__ = ["Number", "loads"]

_BOM = "\ufeff"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class Number(Decimal):
    """A JSON number with a fraction or exponent: a ``Decimal`` that remembers its text.

    ``str()`` gives the text as written (``1e5``, ``23.0``), so extension values keep it; the
    models' decimal fields hold plain ``Decimal`` values.
    """

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Number:
        self = Decimal.__new__(cls, text)
        self.text = text
        return self

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Decimal({self.text!r})"


class _DuplicateError(Exception):
    pass


class _ConstantError(Exception):
    pass


def _pairs(
    pairs: list[tuple[str, Any]], dict: type[dict[str, Any]] = dict, len: Any = len
) -> dict[str, Any]:
    # Called for every object while parsing: the builtins are bound as locals (measurably
    # faster). A name repeated in the object makes the dict shorter than the pairs.
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _DuplicateError
    return out


def _constant(name: str) -> Any:
    raise _ConstantError(name)


class _Keep(list):  # type: ignore[type-arg]
    """The members of an object, every one kept (to find where a problem is)."""


class _Bad:
    def __init__(self, name: str) -> None:
        self.name = name


#: The decoder of :func:`loads` (``json.loads`` with these options makes one per call).
_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_float=Number, parse_constant=_constant)


def _problems(text: str) -> list[tuple[str, str, str]]:
    """(code, path, message) of every repeated member and non-JSON constant, in order."""
    tree = json.loads(text, object_pairs_hook=_Keep, parse_constant=_Bad)
    found: list[tuple[str, str, str]] = []
    stack: list[tuple[str, Any]] = [("$", tree)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Bad):
            found.append(
                ("EPCIS_MALFORMED_JSON", path, f"{path}: {value.name} is not a JSON number")
            )
        elif isinstance(value, _Keep):
            seen: set[str] = set()
            for name, _ in value:
                if name in seen:
                    where = member_path(path, name)
                    found.append(
                        (
                            "EPCIS_DUPLICATE_MEMBER",
                            where,
                            f"{where}: the member {name!r} appears twice in one object",
                        )
                    )
                seen.add(name)
            stack.extend((member_path(path, n), v) for n, v in reversed(value))
        elif isinstance(value, list):
            stack.extend((member_path(path, i), v) for i, v in reversed(list(enumerate(value))))
    return found


def _lone_surrogate(value: Any, path: str) -> str | None:
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where
        elif isinstance(item, dict):
            for name, child in item.items():
                try:
                    name.encode("utf-8")
                except UnicodeEncodeError:
                    return where
                stack.append((member_path(where, name), child))
        elif isinstance(item, list):
            stack.extend((member_path(where, i), child) for i, child in enumerate(item))
    return None


def _may_hold_surrogates(data: object, text: str) -> bool:
    # "\\" first: one character is found with memchr, "\\u" takes a slower search.
    if "\\" in text and _SURROGATE_ESCAPE.search(text):
        return True
    if isinstance(data, str) and not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return True
    return False


def _decode(data: object) -> tuple[str, int]:
    """The JSON text and the offset of its first character in ``data``."""
    if isinstance(data, str):
        return (data[1:], 1) if data.startswith(_BOM) else (data, 0)
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        skip = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        try:
            return raw[skip:].decode("utf-8"), skip
        except UnicodeDecodeError as exc:
            position = exc.start + skip
            raise EpcisError(
                f"JSON text is not UTF-8: byte {position} ({exc.reason})",
                code="EPCIS_MALFORMED_JSON",
                path="$",
                position=position,
            ) from None
    raise EpcisError(
        f"JSON-LD input must be bytes or str, not {type(data).__name__}",
        code="EPCIS_MALFORMED_JSON",
        path="$",
        position=0,
    )


def loads(data: object, *, strict: bool = True) -> tuple[Any, list[tuple[str, str]]]:
    """Parse JSON text strictly (see the module docstring).

    Args:
        data: UTF-8 bytes or a string.
        strict: Raise on a repeated member name; with ``False`` the last value is kept (as
            every JSON parser does) and the repetition is returned.

    Returns:
        The parsed value (objects are ``dict``, numbers with a fraction or exponent
        ``Decimal``) and the ``(path, message)`` of each repeated member (``strict=False``).

    Raises:
        EpcisError: ``EPCIS_MALFORMED_JSON`` (position and path ``$``, or the path of a
            ``NaN``/lone surrogate), ``EPCIS_DUPLICATE_MEMBER`` (path of the member).
    """
    text, offset = _decode(data)
    repeated: list[tuple[str, str]] = []
    try:
        try:
            if text.startswith(_BOM):  # json.loads refuses it with its own message
                json.loads(text)
            value = _DECODER.decode(text)
        except (_DuplicateError, _ConstantError):
            problems = _problems(text)
            for code, path, message in problems:
                if strict or code != "EPCIS_DUPLICATE_MEMBER":
                    raise EpcisError(message, code=code, path=path) from None
            repeated = [(path, message) for _, path, message in problems]
            value = json.loads(text, parse_float=Number, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        # position: offset in what was given (bytes for bytes); the message counts characters.
        character = exc.pos + (1 if offset else 0)
        position = character if isinstance(data, str) else len(text[: exc.pos].encode()) + offset
        raise EpcisError(
            f"invalid JSON: {exc.msg} at character {character} "
            f"(line {exc.lineno}, column {exc.colno})",
            code="EPCIS_MALFORMED_JSON",
            path="$",
            position=position,
        ) from None
    except RecursionError:
        raise EpcisError(
            "JSON text is nested too deeply", code="EPCIS_MALFORMED_JSON", path="$", position=0
        ) from None
    if _may_hold_surrogates(data, text):
        where = _lone_surrogate(value, "$")
        if where is not None:
            raise EpcisError(
                f"{where}: a string holds a lone UTF-16 surrogate (not Unicode text)",
                code="EPCIS_MALFORMED_JSON",
                path=where,
            )
    return value, repeated
