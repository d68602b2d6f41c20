"""The EPCIS 2.0 query parameter grammar: every fixed name, every pattern, value codecs.

Names and kinds come from the REST bindings' ``openapi.json`` (the URL parameters) and
``query-schema.json`` (the JSON query body). Where the two disagree the URL uses the OpenAPI
name and the JSON body the schema's (``GE_errorDeclarationTime`` in the URL,
``GE_errorDeclaration_Time`` in JSON). The schema's pattern properties are over-escaped
(``\\\\:`` where ``\\:`` was meant); the patterns here are the intended ones.

List values are pipe-delimited in the URL (OpenAPI ``style: pipeDelimited``), JSON arrays in
the body. ``EXISTS_…`` parameters are sent as ``true`` in the URL and ``null`` in JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal

from ..errors import EpcisError

__all__ = [
    "FIXED_PARAMETERS",
    "JSON_NAMES",
    "Kind",
    "decode",
    "encode",
    "encode_json",
    "kind_of",
    "parse_time",
]

Kind = Literal[
    "list",
    "time",
    "number",
    "numbers",
    "integer",
    "boolean",
    "exists",
    "string",
    "mixed",
    "compare",
]
"""How a parameter's value is typed: see the module docstring."""

_LISTS = (
    "eventType EQ_action EQ_bizStep EQ_disposition EQ_persistentDisposition_set "
    "EQ_persistentDisposition_unset EQ_readPoint WD_readPoint EQ_bizLocation WD_bizLocation "
    "EQ_transformationID MATCH_epc MATCH_parentID MATCH_inputEPC MATCH_outputEPC MATCH_anyEPC "
    "MATCH_epcClass MATCH_inputEPCClass MATCH_outputEPCClass MATCH_anyEPCClass EQ_eventID "
    "EQ_errorReason EQ_correctiveEventID EQ_type EQ_deviceID EQ_dataProcessingMethod "
    "EQ_microorganism EQ_chemicalSubstance EQ_bizRules EQ_stringValue EQ_hexBinaryValue "
    "EQ_uriValue"
)
_TIMES = (
    "GE_eventTime LT_eventTime GE_recordTime LT_recordTime GE_errorDeclarationTime "
    "LT_errorDeclarationTime GE_time LT_time GE_startTime LT_startTime GE_endTime LT_endTime"
)
_NUMBERS = (
    "GT_quantity GE_quantity LT_quantity LE_quantity "
    "GE_percRank LT_percRank GT_percRank LE_percRank"
)

FIXED_PARAMETERS: dict[str, Kind] = {
    **dict.fromkeys(_LISTS.split(), "list"),
    **dict.fromkeys(_TIMES.split(), "time"),
    **dict.fromkeys(_NUMBERS.split(), "number"),
    "EQ_quantity": "numbers",
    "EXISTS_errorDeclaration": "exists",
    "EXISTS_sensorElementList": "exists",
    "orderBy": "string",
    "orderDirection": "string",
    "nextPageToken": "string",
    "eventCountLimit": "integer",
    "maxEventCount": "integer",
    "perPage": "integer",
    "EQ_booleanValue": "boolean",
}
"""Every fixed parameter name (URL spelling) and its kind."""

JSON_NAMES: dict[str, str] = {
    "GE_errorDeclarationTime": "GE_errorDeclaration_Time",
    "LT_errorDeclarationTime": "LT_errorDeclaration_Time",
}
"""URL names whose ``query-schema.json`` spelling differs."""

_FROM_JSON = {v: k for k, v in JSON_NAMES.items()}

CURIE = r"[a-z][a-zA-Z0-9]*:\w+"
_UOM = r"[A-Z0-9]{2,4}"
_TYPE_WORD = r"[a-z][a-zA-Z0-9_]+"
# Scopes of extension-field parameters and the operators query-schema.json allows for each.
_SCOPES: dict[str, frozenset[str]] = {
    "": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "ILMD_": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "INNER_": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "INNER_ILMD_": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "ERROR_DECLARATION_": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "INNER_ERROR_DECLARATION_": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "SENSORELEMENT_": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "SENSORMETADATA_": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "SENSORREPORT_": frozenset({"EQ", "GT", "GE", "LT", "LE", "EXISTS"}),
    "INNER_SENSORELEMENT_": frozenset({"EQ", "GT", "GE", "LT", "LE"}),
    "INNER_SENSORMETADATA_": frozenset({"EQ", "GT", "GE", "LT", "LE"}),
    "INNER_SENSORREPORT_": frozenset({"EQ", "GT", "GE", "LT", "LE"}),
    "readPoint_": frozenset({"EQ"}),
    "INNER_readPoint_": frozenset({"EQ"}),
    "bizLocation_": frozenset({"EQ"}),
    "INNER_bizLocation_": frozenset({"EQ"}),
}
_SCOPE_ALT = "|".join(re.escape(s) for s in sorted(_SCOPES, key=len, reverse=True) if s)
_FIELD_PARAM = re.compile(rf"(EQ|GT|GE|LT|LE|EXISTS)_((?:{_SCOPE_ALT})?)({CURIE})")
_TYPED_LIST = re.compile(
    rf"EQ_(bizTransaction|source|destination)_({_TYPE_WORD}|[A-Za-z][\w+.-]*:\S+)"
)
_UOM_EQ = re.compile(rf"EQ_(value|quantity)_({_UOM})")
_UOM_CMP = re.compile(
    rf"(GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue|quantity)_({_UOM})"
)
_VOCAB_FIELD = rf"(?:[A-Za-z][A-Za-z0-9]*|{CURIE})"
_HASATTR = re.compile(rf"HASATTR_({_VOCAB_FIELD})")
_EQ_ATTR = re.compile(r"EQ_ATTR_([A-Za-z][A-Za-z0-9]*|[a-z][a-zA-Z0-9]*:[A-Za-z0-9]+)_(\S+)")

_OP_KIND: dict[str, Kind] = {
    "EQ": "mixed",
    "GT": "compare",
    "GE": "compare",
    "LT": "compare",
    "LE": "compare",
    "EXISTS": "exists",
}


def kind_of(name: object) -> Kind | None:
    """The kind of a parameter name (URL or JSON spelling), or ``None`` when not in the grammar.

    Args:
        name: A parameter name.

    Returns:
        The kind, or ``None``.

    Examples:
        >>> kind_of("EQ_bizStep"), kind_of("GE_eventTime"), kind_of("EQ_ILMD_cbvmda:lotNumber")
        ('list', 'time', 'mixed')
        >>> kind_of("GE_value_CEL"), kind_of("EXISTS_INNER_SENSORREPORT_ex:a") is None
        ('number', True)
    """
    if not isinstance(name, str):
        return None
    name = _FROM_JSON.get(name, name)
    fixed = FIXED_PARAMETERS.get(name)
    if fixed is not None:
        return fixed
    if _TYPED_LIST.fullmatch(name) or _HASATTR.fullmatch(name):
        return "list"
    if _UOM_EQ.fullmatch(name):
        return "numbers"
    if _UOM_CMP.fullmatch(name):
        return "number"
    match = _FIELD_PARAM.fullmatch(name)
    if match is not None:
        op, scope = match.group(1), match.group(2)
        return _OP_KIND[op] if op in _SCOPES[scope] else None
    if _EQ_ATTR.fullmatch(name):
        return "mixed"
    return None


def url_name(name: str) -> str:
    """The URL spelling of a parameter name given in either spelling.

    Args:
        name: A parameter name.

    Returns:
        The URL name.

    Examples:
        >>> url_name("GE_errorDeclaration_Time")
        'GE_errorDeclarationTime'
    """
    return _FROM_JSON.get(name, name) if isinstance(name, str) else name


_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def parse_time(text: str) -> datetime | None:
    """An RFC 3339 date-time with any number of fractional digits, or ``None``.

    Args:
        text: The text.

    Returns:
        An aware datetime (fraction truncated to microseconds), or ``None`` when invalid.

    Examples:
        >>> parse_time("2024-07-15T06:30:00.1234567+07:00").isoformat()
        '2024-07-15T06:30:00.123456+07:00'
        >>> parse_time("2024-13-01T00:00:00Z") is None
        True
    """
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    if match.group(8):
        tz = timezone.utc
    else:
        hours, minutes = int(match.group(10)), int(match.group(11))
        if hours > 23 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-delta if match.group(9) == "-" else delta)
    try:
        return datetime(year, month, day, hour, minute, min(second, 59), micro, tzinfo=tz)
    except ValueError:
        return None


_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _error(name: str, message: str, code: str = "EPCIS_QUERY_BAD_VALUE") -> EpcisError:
    return EpcisError(f"{name}: {message}", code=code, path=f"$.{name}")


def _text_number(name: str, value: Any) -> tuple[str, int | float]:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise _error(name, f"expected a number, not {type(value).__name__}")
    if isinstance(value, str):
        if not _NUMBER.fullmatch(value):
            raise _error(name, f"{value!r} is not a number")
        text = value
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _error(name, f"{value!r} is not a finite number")
        text = repr(value)
    else:
        if not value.is_finite():
            raise _error(name, f"{value!r} is not a finite number")
        text = format(value, "f")
    number: int | float = int(text) if re.fullmatch(r"-?\d+", text) else float(text)
    return text, number


def _text_time(name: str, value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _error(
                name, "a naive datetime has no offset: give tzinfo", "EPCIS_QUERY_NAIVE_TIME"
            )
        return value.isoformat()
    if isinstance(value, str):
        if parse_time(value) is None:
            raise _error(name, f"{value!r} is not an RFC 3339 date-time with an offset")
        return value
    raise _error(name, f"expected a datetime or an RFC 3339 string, not {type(value).__name__}")


def _items(name: str, value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, Sequence) or isinstance(values, (bytes, bytearray)):
        raise _error(name, f"expected strings, not {type(value).__name__}")
    if not values:
        raise _error(name, "needs at least one value")
    out: list[str] = []
    for item in values:
        if not isinstance(item, str) or not item:
            raise _error(name, f"every value is a non-empty string, not {item!r}")
        if "|" in item:
            raise _error(name, f"{item!r} contains '|', the list separator", "EPCIS_QUERY_PIPE")
        out.append(item)
    return out


def encode(kind: Kind, name: str, value: Any) -> tuple[str, Any]:
    """A typed value as URL text and as its JSON value.

    Args:
        kind: The parameter kind.
        name: The parameter name (for error paths).
        value: The Python value (see the builder for what each kind takes).

    Returns:
        ``(text, json_value)``.

    Raises:
        EpcisError: ``EPCIS_QUERY_BAD_VALUE`` (and more precise codes) with ``path`` ``$.name``.

    Examples:
        >>> encode("list", "EQ_bizStep", ["shipping", "receiving"])
        ('shipping|receiving', ['shipping', 'receiving'])
        >>> encode("exists", "EXISTS_errorDeclaration", True)
        ('true', None)
        >>> encode("numbers", "EQ_value_CEL", [2, "7.5"])
        ('2|7.5', [2, 7.5])
    """
    if kind == "list":
        items = _items(name, value)
        return "|".join(items), items
    if kind == "time":
        text = _text_time(name, value)
        return text, text
    if kind == "number":
        return _text_number(name, value)
    if kind == "numbers":
        values = value if isinstance(value, Sequence) and not isinstance(value, str) else [value]
        if not values:
            raise _error(name, "needs at least one value")
        pairs = [_text_number(name, v) for v in values]
        return "|".join(t for t, _ in pairs), [n for _, n in pairs]
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _error(name, f"expected a non-negative integer, not {value!r}")
        return str(value), value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _error(name, f"expected True or False, not {value!r}")
        return ("true" if value else "false"), value
    if kind == "exists":
        if value is not True and value is not None:
            raise _error(name, "an EXISTS parameter takes no value")
        return "true", None
    if kind == "string":
        if not isinstance(value, str) or not value:
            raise _error(name, f"expected a non-empty string, not {value!r}")
        return value, value
    if kind == "compare":
        if isinstance(value, (datetime, str)) and not _is_number_text(value):
            text = _text_time(name, value)
            return text, text
        return _text_number(name, value)
    # mixed: a list of strings, a number or a time
    if isinstance(value, datetime):
        text = _text_time(name, value)
        return text, text
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _text_number(name, value)
    items = _items(name, value)
    return "|".join(items), items


def _is_number_text(value: object) -> bool:
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


def decode(kind: Kind, name: str, text: str) -> Any:
    """URL text back to the JSON value of its kind (``mixed`` guesses number, time, list).

    Args:
        kind: The parameter kind.
        name: The parameter name (for error paths).
        text: The URL text.

    Returns:
        The JSON value.

    Raises:
        EpcisError: ``EPCIS_QUERY_BAD_VALUE`` when the text does not fit the kind.

    Examples:
        >>> decode("list", "EQ_bizStep", "shipping|receiving")
        ['shipping', 'receiving']
        >>> decode("mixed", "EQ_ILMD_ex:n", "12"), decode("boolean", "EQ_booleanValue", "false")
        (12, False)
    """
    if kind in ("list",):
        return _items(name, text.split("|"))
    if kind == "time":
        return _text_time(name, text)
    if kind == "number":
        return _text_number(name, text)[1]
    if kind == "numbers":
        return [_text_number(name, part)[1] for part in text.split("|")]
    if kind == "integer":
        if not text.isdigit() or not text.isascii():
            raise _error(name, f"{text!r} is not a non-negative integer")
        return int(text)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise _error(name, f"{text!r} is not true or false")
        return text == "true"
    if kind == "exists":
        return None
    if kind == "string":
        if not text:
            raise _error(name, "is empty")
        return text
    if _is_number_text(text):
        return _text_number(name, text)[1]
    if parse_time(text) is not None:
        return text
    if kind == "compare":
        raise _error(name, f"{text!r} is neither a number nor a date-time")
    return _items(name, text.split("|"))


def encode_json(kind: Kind, name: str, value: Any) -> tuple[str, Any]:
    """A JSON query-body value as URL text and its normalised JSON value.

    Args:
        kind: The parameter kind.
        name: The parameter name.
        value: The JSON value.

    Returns:
        ``(text, json_value)`` (a lone number of a list kind becomes a list).

    Raises:
        EpcisError: ``EPCIS_QUERY_BAD_VALUE`` when the value does not fit the kind.

    Examples:
        >>> encode_json("numbers", "EQ_quantity", 5)
        ('5', [5])
        >>> encode_json("exists", "EXISTS_errorDeclaration", None)
        ('true', None)
        >>> encode_json("mixed", "EQ_ex:code", ["5"])
        ('5', ['5'])
    """
    if kind == "numbers" and not isinstance(value, list):
        value = [value]
    if kind == "exists":
        value = None
    return encode(kind, name, value)
