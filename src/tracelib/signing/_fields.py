"""Validators for the JSON members of signed headers (private plumbing of the signing package).

Each raises :class:`~tracelib.errors.MalformedInput` (``MALFORMED_RECORD`` unless told
otherwise) with the JSON ``path`` of the bad member.
"""

from __future__ import annotations

import binascii
import datetime as _dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from ..errors import MalformedInput
from .canonical import MAX_SAFE_INTEGER, b64url_decode

__all__ = [
    "check_bytes",
    "check_int",
    "check_kid",
    "check_str",
    "check_time",
    "count",
    "hash32",
    "malformed",
    "only_members",
    "plain_text",
    "take",
]

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})"
)


def malformed(message: str, path: str, code: str = "MALFORMED_RECORD") -> MalformedInput:
    return MalformedInput(message, code=code, path=path)


_MISSING = object()


def take(
    obj: Mapping[str, Any], name: str, kind: type, path: str, *, optional: bool = False
) -> Any:
    value = obj.get(name, _MISSING)
    if type(value) is kind:  # the exact type: a bool is no int here
        return value
    if value is _MISSING:
        if optional:
            return None
        raise malformed(f"member {name!r} is missing", f"{path}.{name}")
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise malformed(f"member {name!r} must be {kind.__name__}", f"{path}.{name}")
    return value


def only_members(obj: Mapping[str, Any], names: Collection[str], path: str) -> None:
    for name in obj:
        if name not in names:
            raise malformed(f"unknown member {name!r}", f"{path}.{name}")


_CONTROL_OR_SPACE = re.compile("[\x00-\x20\x7f\\s\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def plain_text(value: str, path: str, *, spaces: bool = False) -> str:
    if not value or (_CONTROL if spaces else _CONTROL_OR_SPACE).search(value):
        raise malformed("must be non-empty, without control characters, surrogates or spaces", path)
    return value


def count(value: int, path: str) -> int:
    if not 0 <= value <= MAX_SAFE_INTEGER:
        raise malformed("must be an integer in 0..2^53-1", path)
    return value


# The canonical base64url of 32 bytes: 43 characters, the last with two zero low bits.
_HASH32 = re.compile(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]")


def hash32(text: str, path: str, *, empty: bool = False) -> bytes:
    if empty and text == "":
        return b""
    if _HASH32.fullmatch(text):
        return binascii.a2b_base64(text.replace("-", "+").replace("_", "/") + "=")
    try:
        data = b64url_decode(text)
    except MalformedInput as exc:
        raise malformed(f"not base64url: {exc.message}", path) from None
    if len(data) != 32:
        raise malformed("must be the base64url of 32 bytes", path)
    return data


def check_time(value: str, path: str) -> str:
    match = _RFC3339.fullmatch(value)
    if match is None:
        raise malformed("must be an RFC 3339 date-time", path)
    zone = match.group(8)
    if (
        match.group(1) != "0000"
        and "01" <= match.group(2) <= "12"
        and "01" <= match.group(3) <= "28"
        and match.group(4) <= "23"
        and match.group(5) <= "59"
        and match.group(6) <= "59"
        and (zone == "Z" or (zone[1:3] <= "23" and zone[4:6] <= "59"))
    ):
        return value  # a valid date-time in every month; the rest needs the calendar
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:  # a leap second (60) is valid RFC 3339
        _dt.datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        raise malformed("is not a calendar date-time", path) from None
    if second > 60 or (zone != "Z" and (zone[1:3] > "23" or zone[4:6] > "59")):
        raise malformed("is not a valid RFC 3339 time", path)
    return value


def check_kid(value: str, path: str) -> str:
    if not (isinstance(value, str) and _HASH32.fullmatch(value)):
        hash32(value if isinstance(value, str) else "", path)
    return value


def check_bytes(value: object, path: str, *, empty: bool = False) -> bytes:
    """A 32-byte hash given in code (``b""`` too when ``empty``)."""
    if not isinstance(value, bytes) or not (len(value) == 32 or (empty and not value)):
        raise malformed("must be 32 bytes", path)
    return value


def check_int(value: object, path: str) -> int:
    """An integer given in code, in 0..2^53-1 (``bool`` is not an integer here)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise malformed("must be an integer", path)
    return count(value, path)


def check_str(value: object, path: str, *, spaces: bool = False) -> str:
    """A string given in code, without control characters (or spaces)."""
    if not isinstance(value, str):
        raise malformed("must be a string", path)
    return plain_text(value, path, spaces=spaces)
