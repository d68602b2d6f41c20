"""Plumbing of the EPCIS models: value types, the base classes, and error conversion.

Hot fields are validated by pydantic-core alone (Rust regexes, no Python callbacks); the
only Python code that runs per object is one cheap after-validator on the classes that can
carry user extensions, and the wrapping of timestamps into :class:`Timestamp`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    Strict,
    StringConstraints,
    ValidationError,
)
from pydantic_core import core_schema

from .._frozen_model import FrozenModel
from ..errors import EpcisError

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "CBV_PATTERN",
    "DATETIME_PATTERN",
    "EXTENSION_KEY_PATTERN",
    "NAMESPACES_KEY",
    "OFFSET_PATTERN",
    "TIMESTAMP_PATTERN",
    "URI_PATTERN",
    "XML_SPACE",
    "CbvText",
    "DateTime",
    "DecimalValue",
    "EpcisModel",
    "ExtensionKey",
    "HexBinary",
    "Offset",
    "StrictBool",
    "Timestamp",
    "Uom",
    "Uri",
    "Version",
    "epcis_error_from_validation",
]

NAMESPACES_KEY = "namespaces"
"""Key of the ``{prefix: IRI}`` mapping in a pydantic validation ``context``."""

_YEAR = r"(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_DAY = (
    r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29"
)
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
_OFFSET = r"[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00)"
_STAMP = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})T{_TIME}"
TIMESTAMP_PATTERN = rf"^{_STAMP}(?:Z|{_OFFSET})$"
"""``epcis:DateTimeStamp``: a date-time with a mandatory offset of at most ±14:00."""
DATETIME_PATTERN = rf"^{_STAMP}(?:Z|{_OFFSET})?$"
"""``xsd:dateTime`` (document creation dates): the offset is optional."""
OFFSET_PATTERN = rf"^{_OFFSET}$"
"""``eventTimeZoneOffset``: ``±hh:mm``, at most ±14:00."""
XML_SPACE = " \t\n\r"
"""XML white space, the only characters the XSD ``collapse`` facet strips (``str.strip()``
alone also takes NEL, NBSP and other Unicode spaces, which a value must keep)."""
_URI_CHAR = r"[^\s\x00-\x1f\x7f-\x9f]"
# A character of a URI (or IRI) after its scheme: no white space and no control character
# (RFC 3986 and 3987 allow neither, even as JSON and XML can carry some of them).
URI_PATTERN = rf"^[A-Za-z][A-Za-z0-9+.\-]*:{_URI_CHAR}+$"
"""An absolute URI (scheme, colon, no white space nor control character): EPCs, locations,
event IDs, CBV URIs."""
CBV_PATTERN = rf"^(?:[A-Za-z][A-Za-z0-9+.\-]*:{_URI_CHAR}+|[A-Za-z][A-Za-z0-9_]*)$"
"""A CBV value: an absolute URI, a CURIE, or a bare word (JSON-LD)."""
UOM_PATTERN = r"^[A-Z0-9]{2,3}$"
HEX_PATTERN = r"^(?:[0-9A-Fa-f]{2})+$"
VERSION_PATTERN = r"^[0-9]+(?:\.[0-9]+)*$"
_PREFIX_CHAR = r"[^:\s\x00-\x1f\x7f-\x9f]"
EXTENSION_KEY_PATTERN = rf"^[^@:\s\x00-\x1f\x7f-\x9f]{_PREFIX_CHAR}*:{_URI_CHAR}+$"
"""An extension member name: a CURIE or an absolute IRI (``prefix:local``)."""

_TS_RE = re.compile(TIMESTAMP_PATTERN)
_DT_RE = re.compile(DATETIME_PATTERN)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCHEMA_LABEL = re.compile(r"[a-z][a-z0-9-]*\[.*\]")

Uri = Annotated[str, StringConstraints(pattern=URI_PATTERN)]
CbvText = Annotated[str, StringConstraints(pattern=CBV_PATTERN)]
Offset = Annotated[str, StringConstraints(pattern=OFFSET_PATTERN)]
Uom = Annotated[str, StringConstraints(pattern=UOM_PATTERN)]
HexBinary = Annotated[str, StringConstraints(pattern=HEX_PATTERN)]
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
DecimalValue = Annotated[Decimal, Field(allow_inf_nan=False)]
StrictBool = Annotated[bool, Strict()]
ExtensionKey = Annotated[str, StringConstraints(pattern=EXTENSION_KEY_PATTERN)]

_CODES_BY_PATTERN = {
    TIMESTAMP_PATTERN: (
        "EPCIS_INVALID_TIMESTAMP",
        "not an EPCIS timestamp (YYYY-MM-DDThh:mm:ss[.fff] with Z or ±hh:mm, at most ±14:00)",
    ),
    DATETIME_PATTERN: ("EPCIS_INVALID_TIMESTAMP", "not an xsd:dateTime"),
    OFFSET_PATTERN: ("EPCIS_INVALID_OFFSET", "not a time zone offset ±hh:mm (at most ±14:00)"),
    URI_PATTERN: ("EPCIS_INVALID_URI", "not an absolute URI"),
    CBV_PATTERN: ("EPCIS_INVALID_URI", "not a URI nor a bare CBV word"),
    UOM_PATTERN: ("EPCIS_INVALID_VALUE", "not a UN/CEFACT Rec. 20 unit code (2-3 of A-Z 0-9)"),
    HEX_PATTERN: ("EPCIS_INVALID_VALUE", "not hexBinary (pairs of hex digits)"),
    VERSION_PATTERN: ("EPCIS_INVALID_VALUE", "not a version number like 2.0"),
    EXTENSION_KEY_PATTERN: (
        "EPCIS_UNKNOWN_MEMBER",
        "unknown member (extensions need a namespace prefix, e.g. ex:myField)",
    ),
}
_CODES_BY_TYPE = {
    "missing": "EPCIS_MISSING_FIELD",
    "extra_forbidden": "EPCIS_UNKNOWN_MEMBER",
    "union_tag_invalid": "EPCIS_UNKNOWN_TYPE",
    "union_tag_not_found": "EPCIS_UNKNOWN_TYPE",
    "too_short": "EPCIS_EMPTY_LIST",
}
_TAGS = frozenset(
    {
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
        "EPCISDocument",
        "EPCISQueryDocument",
        "EPCISMasterDataDocument",
        "EPCISCaptureJob",
    }
)
"""Discriminator values pydantic puts in error locations; not part of JSON paths."""


# -- time values --------------------------------------------------------------------------


class DateTime(str):
    """An ``xsd:dateTime`` kept exactly as written (a ``str``), offset optional.

    Used for document creation dates; event times are :class:`Timestamp`.

    Examples:
        >>> DateTime("2005-07-11T11:30:47.0Z").as_datetime().year
        2005
    """

    __slots__ = ()
    _regex: ClassVar[re.Pattern[str]] = _DT_RE
    _pattern: ClassVar[str] = DATETIME_PATTERN
    _what: ClassVar[str] = "an xsd:dateTime"

    def __new__(cls, text: str) -> Self:
        if not isinstance(text, str) or not cls._regex.match(text):
            raise EpcisError(
                f"{text!r} is not {cls._what}", code="EPCIS_INVALID_TIMESTAMP", position=0
            )
        return str.__new__(cls, text)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Check ``text`` and keep it as written.

        Args:
            text: E.g. ``2024-05-01T08:30:00.000+07:00``.

        Returns:
            The value.

        Raises:
            EpcisError: ``EPCIS_INVALID_TIMESTAMP`` (``position=0``).

        Examples:
            >>> Timestamp.parse("2024-05-01T08:30:00.000+07:00").offset
            '+07:00'
        """
        return cls(text)

    @classmethod
    def from_datetime(cls, value: datetime) -> Self:
        """Write an aware datetime: milliseconds, or microseconds when they are not zero.

        Args:
            value: A timezone-aware datetime (offset at most ±14:00).

        Returns:
            The value; a UTC offset of zero is written ``+00:00``.

        Raises:
            EpcisError: ``EPCIS_NAIVE_DATETIME`` for a naive datetime,
                ``EPCIS_INVALID_TIMESTAMP`` for an offset that EPCIS cannot carry.

        Examples:
            >>> from datetime import datetime, timedelta, timezone
            >>> ict = timezone(timedelta(hours=7))
            >>> Timestamp.from_datetime(datetime(2024, 5, 1, 8, 30, tzinfo=ict))
            Timestamp('2024-05-01T08:30:00.000+07:00')
        """
        if not isinstance(value, datetime):
            raise EpcisError(
                f"expected a datetime, not {type(value).__name__}", code="EPCIS_INVALID_TIMESTAMP"
            )
        if value.tzinfo is None or value.utcoffset() is None:
            raise EpcisError(
                f"{value.isoformat()} has no time zone: EPCIS needs an aware datetime "
                "(e.g. datetime.now(timezone.utc) or tzinfo=ZoneInfo('Asia/Ho_Chi_Minh'))",
                code="EPCIS_NAIVE_DATETIME",
            )
        spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
        return cls(value.isoformat(timespec=spec))

    @property
    def offset(self) -> str:
        """The offset as written: ``"Z"``, ``"+07:00"``, or ``""`` when there is none."""
        if self.endswith("Z"):
            return "Z"
        tail = self[-6:]
        return tail if tail[0] in "+-" and tail[3] == ":" else ""

    @property
    def fraction(self) -> str:
        """The digits of the fractional second, as written (``""`` when absent)."""
        dot = self.find(".")
        if dot < 0:
            return ""
        end = dot + 1
        while end < len(self) and self[end].isdigit():
            end += 1
        return self[dot + 1 : end]

    @property
    def utc_offset(self) -> timedelta | None:
        """The offset as a ``timedelta`` (``None`` when the text has none)."""
        offset = self.offset
        if not offset:
            return None
        if offset == "Z":
            return timedelta(0)
        minutes = int(offset[1:3]) * 60 + int(offset[4:6])
        return timedelta(minutes=-minutes if offset[0] == "-" else minutes)

    def as_datetime(self) -> datetime:
        """A ``datetime`` (aware when the text has an offset); digits past microseconds are cut.

        Returns:
            The datetime.

        Examples:
            >>> Timestamp("2005-04-03T20:33:31.1164999-06:00").as_datetime().isoformat()
            '2005-04-03T20:33:31.116499-06:00'
        """
        fraction = self.fraction
        micro = int((fraction + "000000")[:6]) if fraction else 0
        delta = self.utc_offset
        tz = None if delta is None else (timezone.utc if not delta else timezone(delta))
        return datetime(
            int(self[0:4]),
            int(self[5:7]),
            int(self[8:10]),
            int(self[11:13]),
            int(self[14:16]),
            int(self[17:19]),
            micro,
            tzinfo=tz,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self),))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # Checked by pydantic-core's regex; wrapped without re-checking (str.__new__).
        return core_schema.no_info_after_validator_function(
            partial(str.__new__, cls), core_schema.str_schema(pattern=cls._pattern)
        )


class Timestamp(DateTime):
    """An ``epcis:DateTimeStamp`` kept exactly as written: a ``str`` subclass.

    The text keeps its original offset and every fractional digit (the CBV event hash
    rounds to milliseconds itself); :meth:`as_datetime` gives a ``datetime``. Equality is
    textual: ``2005-04-05T02:33:31.116Z`` and ``2005-04-04T20:33:31.116-06:00`` are the
    same instant but different timestamps; compare ``as_datetime()`` for instants.

    Examples:
        >>> ts = Timestamp("2005-04-03T20:33:31.116000-06:00")
        >>> ts.offset, ts.fraction, ts.as_datetime().utcoffset()
        ('-06:00', '116000', datetime.timedelta(days=-1, seconds=64800))
        >>> Timestamp("2005-04-03T20:33:31Z").as_datetime().tzname()
        'UTC'
        >>> try:
        ...     Timestamp("2005-04-03T20:33:31+15:00")
        ... except ValueError as err:
        ...     print(err.code)
        EPCIS_INVALID_TIMESTAMP
    """

    __slots__ = ()
    _regex: ClassVar[re.Pattern[str]] = _TS_RE
    _pattern: ClassVar[str] = TIMESTAMP_PATTERN
    _what: ClassVar[str] = (
        "an EPCIS timestamp (YYYY-MM-DDThh:mm:ss[.fff] with Z or ±hh:mm, at most ±14:00)"
    )


# -- errors ---------------------------------------------------------------------------------


def _json_path(root: str, loc: tuple[int | str, ...]) -> str:
    parts = [root]
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in _TAGS or _SCHEMA_LABEL.fullmatch(item) or item == "[key]":
            continue
        elif _IDENT.fullmatch(item):
            parts.append(f".{item}")
        else:
            parts.append(f"[{item!r}]")
    return "".join(parts)


def epcis_error_from_validation(exc: ValidationError, *, root: str = "$") -> EpcisError:
    """Convert a pydantic ``ValidationError`` into an :class:`~tracelib.errors.EpcisError`.

    The first error gives the code and the JSON path (``$.epcisBody.eventList[3].bizStep``,
    aliases as in the input); the message counts the others. Codecs validating with the
    module-level adapters call this (``raise epcis_error_from_validation(exc) from exc``).

    Codes: ``EPCIS_MISSING_FIELD``, ``EPCIS_UNKNOWN_MEMBER``, ``EPCIS_UNKNOWN_TYPE``,
    ``EPCIS_INVALID_TIMESTAMP``, ``EPCIS_INVALID_OFFSET``, ``EPCIS_INVALID_URI``,
    ``EPCIS_EMPTY_LIST``, ``EPCIS_INVALID_VALUE``, and the model rules' own codes
    (``EPCIS_DUPLICATE_VALUE``, ``EPCIS_INVALID_STRUCTURE``, ``EPCIS_INVALID_EXTENSION``...).

    Args:
        exc: The pydantic error.
        root: JSON path of the validated value, e.g. ``"$.epcisBody.eventList[3]"``.

    Returns:
        The error to raise (chain it with ``from exc``).

    Examples:
        >>> from tracelib.epcis.models import EVENT_ADAPTER
        >>> try:
        ...     EVENT_ADAPTER.validate_python({"type": "ObjectEvent", "action": "ADD",
        ...         "eventTime": "2024-05-01T08:30:00+07:00", "eventTimeZoneOffset": "+7"})
        ... except ValidationError as exc:
        ...     err = epcis_error_from_validation(exc, root="$.epcisBody.eventList[0]")
        >>> err.code, err.path
        ('EPCIS_INVALID_OFFSET', '$.epcisBody.eventList[0].eventTimeZoneOffset')
    """
    errors = exc.errors(include_url=False)
    if not errors:  # pragma: no cover - pydantic never raises an empty ValidationError
        return EpcisError(str(exc), code="EPCIS_INVALID_VALUE", path=root)
    first = errors[0]
    kind = str(first["type"])
    message = str(first["msg"])
    ctx = first.get("ctx") or {}
    cause = ctx.get("error")
    if kind.startswith("EPCIS_"):
        code = kind
    elif kind == "value_error" and isinstance(cause, EpcisError):
        code, message = cause.code, cause.message
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") in _CODES_BY_PATTERN:
        code, message = _CODES_BY_PATTERN[ctx["pattern"]]
        message = f"{message}: {first.get('input')!r}"
    else:
        code = _CODES_BY_TYPE.get(kind, "EPCIS_INVALID_VALUE")
    path = _json_path(root, tuple(first["loc"]))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return EpcisError(f"{path}: {message}{more}", code=code, path=path)


# -- base classes ----------------------------------------------------------------------------


class EpcisModel(FrozenModel, BaseModel):
    """Base of the EPCIS models: frozen, strict about members, errors as ``EpcisError``.

    Fields have snake_case Python names and the JSON-LD member names as aliases
    (``populate_by_name``); ``model_dump(by_alias=True)`` gives the JSON-LD names and
    ``model_validate`` of that dump returns an equal model.

    Examples:
        >>> from tracelib.epcis.models import ReadPoint
        >>> ReadPoint(id="urn:epc:id:sgln:8935049.50000.0").model_dump(by_alias=True)
        {'id': 'urn:epc:id:sgln:8935049.50000.0', 'extensions': ()}
        >>> try:
        ...     ReadPoint(id="not a uri")
        ... except ValueError as err:
        ...     print(err.code, err.path)
        EPCIS_INVALID_URI $.id
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        regex_engine="rust-regex",
    )

    @classmethod
    def _validation_error(cls, exc: ValidationError) -> Exception:
        return epcis_error_from_validation(exc)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate a JSON-like object (or an instance); errors are ``EpcisError``.

        Args:
            obj: The object, e.g. an event dict with JSON-LD member names.
            **kwargs: As for pydantic (``context={"namespaces": {...}}`` binds extension
                prefixes, ``strict``, ``from_attributes``...).

        Returns:
            The model.

        Raises:
            EpcisError: With the JSON path of the first problem.

        Examples:
            >>> from tracelib.epcis.models import ReadPoint
            >>> ReadPoint.model_validate({"id": "urn:epc:id:sgln:8935049.50000.0"}).id
            'urn:epc:id:sgln:8935049.50000.0'
        """
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise epcis_error_from_validation(exc) from exc

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """Validate JSON text; errors are ``EpcisError``.

        Args:
            json_data: The JSON text.
            **kwargs: As for pydantic.

        Returns:
            The model.

        Raises:
            EpcisError: With the JSON path of the first problem.

        Examples:
            >>> from tracelib.epcis.models import ReadPoint
            >>> ReadPoint.model_validate_json('{"id": "urn:epc:id:sgln:8935049.50000.0"}').id
            'urn:epc:id:sgln:8935049.50000.0'
        """
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as exc:
            raise epcis_error_from_validation(exc) from exc

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate an object of strings; errors are ``EpcisError``.

        Args:
            obj: The object.
            **kwargs: As for pydantic.

        Returns:
            The model.

        Raises:
            EpcisError: With the JSON path of the first problem.

        Examples:
            >>> from tracelib.epcis.models import QuantityElement
            >>> q = QuantityElement.model_validate_strings({"epcClass": "urn:x:c",
            ...                                             "quantity": "2.50"})
            >>> q.quantity
            Decimal('2.50')
        """
        try:
            return super().model_validate_strings(obj, **kwargs)
        except ValidationError as exc:
            raise epcis_error_from_validation(exc) from exc
