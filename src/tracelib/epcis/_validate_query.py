"""The EPCIS 2.0 query language: parameter names and value kinds, checked by hand.

The GS1 ``query-schema.json`` cannot be used as it is: its pattern properties are escaped
once too often (``^EQ_[a-z][a-zA-Z0-9]*\\\\:\\\\w+$`` asks for a literal backslash), so they
match no real parameter and every extension parameter fails ``additionalProperties``. This
module implements the same grammar: the fixed names of ``query-schema.json`` and of the REST
bindings (``openapi.json``: ``GE_errorDeclarationTime``, ``perPage``, ``nextPageToken``), and
the typed families ``EQ_bizTransaction_{type}``, ``EQ_source_{type}``,
``EQ_destination_{type}``, ``EQ_value_{UOM}`` (and the other UOM families),
``EQ_ILMD_{prefix:field}``, ``EQ_INNER_…``, ``EQ_ERROR_DECLARATION_…``, ``EQ_SENSOR…_…``,
``EXISTS_…``, ``HASATTR_…`` and ``EQ_ATTR_{field}_{attribute}``.

Values may be given as REST query strings (lists ``|``-separated, as the OpenAPI
``pipeDelimited`` style), as lists (``urllib.parse.parse_qs`` output, JSON query bodies) or as
JSON scalars (numbers, booleans, ``null``).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ._models_base import TIMESTAMP_PATTERN, URI_PATTERN
from ._validate_codes import severity_of
from ._validate_json import json_path
from .cbv import BIZ_TRANSACTION_TYPES, SOURCE_DEST_TYPES, CbvValue
from .findings import Finding

__all__ = ["FIXED_PARAMETERS", "query_findings"]

_TIME = re.compile(TIMESTAMP_PATTERN)
_URI = re.compile(URI_PATTERN)
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_DIGITS = re.compile(r"[0-9]+")
_BOOLEANS = ("true", "false")
_EVENT_TYPES = frozenset(
    {
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    }
)

_T = "time"
_URIS = "uris"
FIXED_PARAMETERS: Mapping[str, str] = {
    "@context": "any",
    "eventType": "event_types",
    "GE_eventTime": _T,
    "LT_eventTime": _T,
    "GE_recordTime": _T,
    "LT_recordTime": _T,
    "EQ_action": "actions",
    "EQ_bizStep": "cbv:bizStep",
    "EQ_disposition": "cbv:disposition",
    "EQ_persistentDisposition_set": "cbv:disposition",
    "EQ_persistentDisposition_unset": "cbv:disposition",
    "EQ_readPoint": _URIS,
    "WD_readPoint": _URIS,
    "EQ_bizLocation": _URIS,
    "WD_bizLocation": _URIS,
    "EQ_transformationID": _URIS,
    "MATCH_epc": _URIS,
    "MATCH_parentID": _URIS,
    "MATCH_inputEPC": _URIS,
    "MATCH_outputEPC": _URIS,
    "MATCH_anyEPC": _URIS,
    "MATCH_epcClass": _URIS,
    "MATCH_inputEPCClass": _URIS,
    "MATCH_outputEPCClass": _URIS,
    "MATCH_anyEPCClass": _URIS,
    "EQ_quantity": "numbers",
    "GT_quantity": "number",
    "GE_quantity": "number",
    "LT_quantity": "number",
    "LE_quantity": "number",
    "EQ_eventID": _URIS,
    "EXISTS_errorDeclaration": "exists",
    "GE_errorDeclarationTime": _T,
    "LT_errorDeclarationTime": _T,
    "GE_errorDeclaration_Time": _T,  # query-schema.json spelling
    "LT_errorDeclaration_Time": _T,
    "EQ_errorReason": "cbv:errorReason",
    "EQ_correctiveEventID": _URIS,
    "orderBy": "text",
    "orderDirection": "direction",
    "eventCountLimit": "count",
    "maxEventCount": "count",
    "EXISTS_sensorElementList": "exists",
    "GE_time": _T,
    "LT_time": _T,
    "GE_startTime": _T,
    "LT_startTime": _T,
    "GE_endTime": _T,
    "LT_endTime": _T,
    "EQ_type": "cbv:measurementType",
    "EQ_deviceID": _URIS,
    "EQ_dataProcessingMethod": _URIS,
    "EQ_microorganism": _URIS,
    "EQ_chemicalSubstance": _URIS,
    "EQ_bizRules": _URIS,
    "EQ_stringValue": "strings",
    "EQ_booleanValue": "bool",
    "EQ_hexBinaryValue": "hex",
    "EQ_uriValue": _URIS,
    "GE_percRank": "number",
    "LT_percRank": "number",
    "GT_percRank": "number",
    "LE_percRank": "number",
    "perPage": "page_size",
    "nextPageToken": "text",
}
"""The parameters with fixed names and the kind of value each takes."""

_FIELD = r"[a-z][A-Za-z0-9]*:[A-Za-z0-9_]+"
_UOM = r"[A-Z0-9]{2,4}"
_SCOPES = r"(?:ILMD_|ERROR_DECLARATION_|SENSORELEMENT_|SENSORMETADATA_|SENSORREPORT_)?"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"EQ_bizTransaction_(?P<btt>[a-z][a-zA-Z0-9_]+)", _URIS),
        (r"EQ_(?:source|destination)_(?P<sdt>[a-z][a-zA-Z0-9_]+)", _URIS),
        (rf"EQ_(?:INNER_)?{_SCOPES}{_FIELD}", "mixed"),
        (rf"(?:GT|GE|LT|LE)_(?:INNER_)?{_SCOPES}{_FIELD}", "date_or_number"),
        (rf"EXISTS_(?:INNER_)?(?:ILMD_|ERROR_DECLARATION_)?{_FIELD}", "exists"),
        (rf"EXISTS_(?:SENSORELEMENT|SENSORMETADATA|SENSORREPORT)_{_FIELD}", "exists"),
        (rf"HASATTR_(?:{_FIELD}|[a-z][A-Za-z0-9]*)", "strings"),
        (r"EQ_ATTR_[a-z][A-Za-z0-9]*_(?:[a-z][A-Za-z0-9]*:)?[A-Za-z0-9_]+", "mixed"),
        (rf"EQ_(?:INNER_)?(?:readPoint|bizLocation)_{_FIELD}", "mixed"),
        (rf"EQ_(?:value|quantity)_{_UOM}", "numbers"),
        (
            rf"(?:GT|GE|LT|LE)_(?:minValue|maxValue|meanValue|sDev|value|percValue|quantity)_{_UOM}",
            "number",
        ),
    )
)
_LISTS = frozenset({"event_types", "actions", _URIS, "numbers", "strings", "hex", "mixed"})

Problem = tuple[list[str | int], str, str]
"""``(path parts, code, message)``."""


def _kind_of(name: str) -> tuple[str, re.Match[str] | None] | None:
    kind = FIXED_PARAMETERS.get(name)
    if kind is not None:
        return kind, None
    for pattern, pattern_kind in _PATTERNS:
        match = pattern.fullmatch(name)
        if match is not None:
            return pattern_kind, match
    return None


def query_findings(params: object, lines: Mapping[str, int] | None = None) -> list[Finding]:
    """Findings for a mapping of query parameters (see :func:`validate_query`)."""
    if not isinstance(params, Mapping):
        return [
            Finding(
                "EPCIS_QUERY_INVALID_VALUE",
                "error",
                f"query parameters are a mapping of names to values, not {type(params).__name__}",
                path="$",
            )
        ]
    problems: list[Problem] = []
    name: object
    for name, value in params.items():
        if not isinstance(name, str):
            problems.append(([], "EPCIS_QUERY_UNKNOWN_PARAMETER", f"{name!r} is not a name"))
            continue
        problems.extend(_check(name, value))
    if "eventCountLimit" in params and "maxEventCount" in params:
        problems.append(
            (
                ["maxEventCount"],
                "EPCIS_QUERY_CONFLICT",
                "eventCountLimit and maxEventCount exclude each other (a QueryParameterException)",
            )
        )
    findings = []
    for parts, code, message in problems:
        line = lines.get(str(parts[0])) if lines and parts else None
        findings.append(Finding(code, severity_of(code), message, path=json_path(parts), line=line))
    return findings


def _check(name: str, value: Any) -> Iterator[Problem]:
    found = _kind_of(name)
    if found is None:
        close = difflib.get_close_matches(name, list(FIXED_PARAMETERS), n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        yield (
            [name],
            "EPCIS_QUERY_UNKNOWN_PARAMETER",
            f"{name!r} is not an EPCIS 2.0 query parameter{hint}",
        )
        return
    kind, match = found
    if match is not None:
        yield from _check_type_word(name, match)
    if kind == "any":
        return
    if kind in _LISTS or kind.startswith("cbv:"):
        items = _items(value)
        if items is None:
            yield ([name], "EPCIS_QUERY_INVALID_VALUE", f"{name} takes a list of values")
            return
        if not items:
            yield ([name], "EPCIS_QUERY_INVALID_VALUE", f"{name} needs at least one value")
        for i, item in enumerate(items):
            where: list[str | int] = (
                [name, i] if len(items) > 1 or not isinstance(value, str) else [name]
            )
            for code, message in _check_item(kind, item):
                yield (where, code, f"{name}: {message}")
        return
    single = _single(value)
    if isinstance(single, _Many):
        yield ([name], "EPCIS_QUERY_INVALID_VALUE", f"{name} takes one value, not {single.count}")
        return
    for code, message in _check_scalar(kind, single):
        yield ([name], code, f"{name}: {message}")


def _check_type_word(name: str, match: re.Match[str]) -> Iterator[Problem]:
    groups = match.groupdict()
    word = groups.get("btt")
    if word is not None and word not in BIZ_TRANSACTION_TYPES:
        yield (
            [name],
            "EPCIS_UNKNOWN_VOCAB",
            f"{word!r} is not a CBV 2.0 business transaction type",
        )
    word = groups.get("sdt")
    if word is not None and word not in SOURCE_DEST_TYPES:
        yield ([name], "EPCIS_UNKNOWN_VOCAB", f"{word!r} is not a CBV 2.0 source/destination type")


class _Many:
    __slots__ = ("count",)

    def __init__(self, count: int) -> None:
        self.count = count


def _items(value: Any) -> list[Any] | None:
    if isinstance(value, str):
        return value.split("|") if value else []
    if isinstance(value, (bool, int, float, Decimal)):
        return [value]
    if isinstance(value, Sequence):
        out: list[Any] = []
        for item in value:
            out.extend(item.split("|") if isinstance(item, str) and item else [item])
        return out
    return None


def _single(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return value[0]
        return _Many(len(value))
    return value


def _number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, str):
        try:
            return Decimal(value.strip()).is_finite()
        except InvalidOperation:
            return False
    return False


def _time(value: Any) -> str | None:
    """``None`` when ``value`` is an EPCIS time, else why not."""
    if isinstance(value, str) and _TIME.match(value):
        return None
    if isinstance(value, str) and re.search(r"T[0-9:.]+ [0-9]{2}:[0-9]{2}$", value):
        return f"{value!r} is not a time: a '+' in a URL query string must be sent as %2B"
    return f"{value!r} is not a time (YYYY-MM-DDThh:mm:ss[.fff] with Z or ±hh:mm, at most ±14:00)"


def _check_item(kind: str, item: Any) -> Iterator[tuple[str, str]]:
    if kind == "numbers":
        if not _number(item):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not a number"
        return
    if kind == "mixed":
        if not (isinstance(item, str) or _number(item)):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not a string, number or time"
        return
    if not isinstance(item, str):
        yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not a string"
        return
    if kind == "strings":
        return
    if kind == "event_types":
        if item not in _EVENT_TYPES and not _URI.match(item):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not an event type"
    elif kind == "actions":
        if item not in ("ADD", "OBSERVE", "DELETE"):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not ADD, OBSERVE or DELETE"
    elif kind == _URIS:
        if not _URI.match(item):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not an absolute URI"
    elif kind == "hex":
        if not _HEX.fullmatch(item):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not hexBinary"
    elif kind.startswith("cbv:"):
        yield from _check_cbv(kind[4:], item)


def _check_cbv(kind: Any, item: str) -> Iterator[tuple[str, str]]:
    value = CbvValue.parse(item, kind)
    if ":" not in item:
        if not value.is_known:
            yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not a CBV 2.0 term (nor a URI)"
        return
    if not _URI.match(item):
        yield "EPCIS_QUERY_INVALID_VALUE", f"{item!r} is not a URI"
    elif value.word is not None and (value.kind != kind or not value.is_known):
        yield "EPCIS_UNKNOWN_VOCAB", f"{item!r} is not a CBV 2.0 term of this list"


def _check_scalar(kind: str, value: Any) -> Iterator[tuple[str, str]]:
    if kind == "time":
        reason = _time(value)
        if reason is not None:
            yield "EPCIS_QUERY_INVALID_VALUE", reason
    elif kind == "number":
        if not _number(value):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{value!r} is not a number"
    elif kind == "date_or_number":
        if not _number(value) and _time(value) is not None:
            yield "EPCIS_QUERY_INVALID_VALUE", f"{value!r} is neither a number nor a time"
    elif kind in ("count", "page_size"):
        least = 1 if kind == "page_size" else 0
        if isinstance(value, bool) or not (
            (isinstance(value, int) and value >= least)
            or (isinstance(value, str) and _DIGITS.fullmatch(value) and int(value) >= least)
        ):
            what = "a positive integer" if least else "a non-negative integer"
            yield "EPCIS_QUERY_INVALID_VALUE", f"{value!r} is not {what}"
    elif kind == "bool":
        if not (isinstance(value, bool) or (isinstance(value, str) and value in _BOOLEANS)):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{value!r} is not true or false"
    elif kind == "exists":
        if not (
            value is None
            or isinstance(value, (bool, int))
            or (isinstance(value, str) and value in ("", *_BOOLEANS))
        ):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{value!r}: EXISTS_ parameters take no value"
    elif kind == "direction":
        if value not in ("ASC", "DESC"):
            yield "EPCIS_QUERY_INVALID_VALUE", f"{value!r} is not ASC or DESC"
    elif kind == "text" and (not isinstance(value, str) or not value):
        yield "EPCIS_QUERY_INVALID_VALUE", f"{value!r} is not a non-empty string"
