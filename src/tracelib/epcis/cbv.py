"""CBV 2.0 vocabularies and the four spellings of one value.

EPCIS writes the same standard value in four ways:

| Form | Example | Where |
|---|---|---|
| URN | ``urn:epcglobal:cbv:bizstep:shipping`` | EPCIS 1.x XML, still valid in 2.0 XML |
| Web URI | ``https://ref.gs1.org/cbv/BizStep-shipping`` | EPCIS 2.0 XML and JSON-LD |
| bare word | ``shipping`` | EPCIS 2.0 JSON-LD (expanded by the context) |
| CURIE | ``cbv:BizStep-shipping`` | JSON-LD, XML attribute values |

:class:`CbvValue` reads any form and writes any other. The eight lists of CBV 2.0 (41
business steps, 33 dispositions, 13 business transaction types, 3 source/destination types,
2 error reasons, 14 sensor components, 72 measurement types and 2 sensor alert types) are
generated from the GS1 artefacts (``scripts/gen_cbv.py``) and exposed as ``str`` enums
(:class:`BizStep`, :class:`Disposition`, ...) and tuples of bare words (:data:`BIZ_STEPS`, ...).

The lists are closed, but values outside them are legal EPCIS: a term GS1 adds later
(``https://ref.gs1.org/cbv/ER-other``) keeps its structure and converts between forms,
while a private URI (``urn:gs1:epcisapp:rail:btt:passage``) stays as written. Both are
reported by :attr:`CbvValue.is_known` (``False``), for a linter to flag. Measurement and
sensor alert types belong to the GS1 Web Vocabulary (``gs1:``, ``https://gs1.org/voc/``)
and have no URN form: :meth:`CbvValue.to_urn` gives their Web URI.

Examples:
    >>> value = CbvValue.parse("urn:epcglobal:cbv:bizstep:shipping")
    >>> value.kind, value.form, value.word, value.is_known
    ('bizStep', 'urn', 'shipping', True)
    >>> value.to_web_uri(), value.to_bare(), value.to_curie()
    ('https://ref.gs1.org/cbv/BizStep-shipping', 'shipping', 'cbv:BizStep-shipping')
    >>> to_urn("in_transit", "disposition")
    'urn:epcglobal:cbv:disp:in_transit'
    >>> to_bare("urn:gs1:epcisapp:rail:btt:passage")
    'urn:gs1:epcisapp:rail:btt:passage'
    >>> Disposition.IN_TRANSIT.web_uri
    'https://ref.gs1.org/cbv/Disp-in_transit'
"""

from __future__ import annotations

import re
from typing import Literal, overload

from ..errors import EpcisError
from ._cbv_core import (
    CBV_WEB,
    GS1_VOC,
    KINDS,
    CbvEnum,
    CbvKind,
)
from ._data.cbv_lists import (
    BIZ_STEPS,
    BIZ_TRANSACTION_TYPES,
    DISPOSITIONS,
    ERROR_REASONS,
    MEASUREMENT_TYPES,
    SENSOR_ALERT_TYPES,
    SENSOR_COMPONENTS,
    SOURCE_DEST_TYPES,
    BizStep,
    BizTransactionType,
    Disposition,
    ErrorReason,
    MeasurementType,
    SensorAlertType,
    SensorComponent,
    SourceDestType,
)

__all__ = [
    "BIZ_STEPS",
    "BIZ_TRANSACTION_TYPES",
    "CBV_WEB",
    "DISPOSITIONS",
    "ERROR_REASONS",
    "GS1_VOC",
    "KINDS",
    "MEASUREMENT_TYPES",
    "SENSOR_ALERT_TYPES",
    "SENSOR_COMPONENTS",
    "SOURCE_DEST_TYPES",
    "BizStep",
    "BizTransactionType",
    "CbvEnum",
    "CbvForm",
    "CbvKind",
    "CbvValue",
    "Disposition",
    "ErrorReason",
    "MeasurementType",
    "SensorAlertType",
    "SensorComponent",
    "SourceDestType",
    "convert",
    "is_known",
    "kind_for_field",
    "terms",
    "to_bare",
    "to_curie",
    "to_urn",
    "to_web_uri",
    "validate",
    "vocabulary",
]

from ._cbv_value import CbvForm, CbvValue, enum_of, parse, required_kind, terms_of

_FIELDS: dict[str, CbvKind] = {
    **{kind.lower(): kind for kind in KINDS},
    "persistentdisposition": "disposition",
    "set": "disposition",
    "unset": "disposition",
    "biztransaction": "bizTransactionType",
    "biztransactionlist": "bizTransactionType",
    "source": "sourceDestType",
    "sourcelist": "sourceDestType",
    "destination": "sourceDestType",
    "destinationlist": "sourceDestType",
    "reason": "errorReason",
    "errordeclaration": "errorReason",
    "sensorcomponent": "component",
    "exception": "sensorAlertType",
}


def terms(kind: CbvKind) -> tuple[str, ...]:
    """The bare words of one CBV 2.0 list, in the order of the GS1 JSON Schema.

    Args:
        kind: One of :data:`KINDS`.

    Returns:
        The words.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` for an unknown vocabulary.

    Examples:
        >>> terms("sourceDestType")
        ('owning_party', 'possessing_party', 'location')
        >>> len(terms("measurementType"))
        72
    """
    return terms_of(required_kind(kind))


def vocabulary(kind: CbvKind) -> type[CbvEnum]:
    """The enum class of one CBV 2.0 list.

    Args:
        kind: One of :data:`KINDS`.

    Returns:
        E.g. :class:`BizStep` for ``"bizStep"``.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` for an unknown vocabulary.

    Examples:
        >>> vocabulary("errorReason").DID_NOT_OCCUR.urn
        'urn:epcglobal:cbv:er:did_not_occur'
    """
    return enum_of(required_kind(kind))


def kind_for_field(name: str | None) -> CbvKind | None:
    """The vocabulary of an EPCIS field name (case-insensitive), or ``None``.

    ``bizStep`` and ``disposition`` map to themselves; ``persistentDisposition``, ``set`` and
    ``unset`` to dispositions; ``bizTransaction(List)`` to transaction types; ``source(List)``
    and ``destination(List)`` to source/destination types; ``reason`` and
    ``errorDeclaration`` to error reasons; ``component``; ``exception`` to sensor alert types.
    The kind names of :data:`KINDS` are accepted too (``type`` alone is ambiguous and gives
    ``None``).

    Args:
        name: A field name such as ``"bizTransactionList"``.

    Returns:
        The vocabulary, or ``None`` when the field has none.

    Examples:
        >>> kind_for_field("Destination"), kind_for_field("bizTransactionLIST")
        ('sourceDestType', 'bizTransactionType')
        >>> kind_for_field("eventTime") is None
        True
    """
    if not isinstance(name, str):
        return None
    return _FIELDS.get(name.lower())


@overload
def to_urn(value: str | CbvEnum, kind: CbvKind | None = None) -> str: ...
@overload
def to_urn(value: None, kind: CbvKind | None = None) -> None: ...
def to_urn(value: str | CbvEnum | None, kind: CbvKind | None = None) -> str | None:
    """A value in URN form (see :meth:`CbvValue.to_urn`); ``None`` gives ``None``.

    Args:
        value: The value in any form.
        kind: The vocabulary, needed for bare words.

    Returns:
        The URN, or the value as written when it has no GS1 form.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` for a non-string value or an unknown kind.

    Examples:
        >>> to_urn("https://ref.gs1.org/cbv/Disp-recalled")
        'urn:epcglobal:cbv:disp:recalled'
    """
    return None if value is None else CbvValue.parse(value, kind).to_urn()


@overload
def to_web_uri(value: str | CbvEnum, kind: CbvKind | None = None) -> str: ...
@overload
def to_web_uri(value: None, kind: CbvKind | None = None) -> None: ...
def to_web_uri(value: str | CbvEnum | None, kind: CbvKind | None = None) -> str | None:
    """A value in Web URI form (see :meth:`CbvValue.to_web_uri`); ``None`` gives ``None``.

    Args:
        value: The value in any form.
        kind: The vocabulary, needed for bare words.

    Returns:
        The Web URI, or the value as written when it has no GS1 form.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` for a non-string value or an unknown kind.

    Examples:
        >>> to_web_uri("receiving", "bizStep")
        'https://ref.gs1.org/cbv/BizStep-receiving'
        >>> to_web_uri("cbv:BizStep-receiving")
        'https://ref.gs1.org/cbv/BizStep-receiving'
    """
    return None if value is None else CbvValue.parse(value, kind).to_web_uri()


@overload
def to_bare(value: str | CbvEnum, kind: CbvKind | None = None) -> str: ...
@overload
def to_bare(value: None, kind: CbvKind | None = None) -> None: ...
def to_bare(value: str | CbvEnum | None, kind: CbvKind | None = None) -> str | None:
    """A value as a bare word (see :meth:`CbvValue.to_bare`); ``None`` gives ``None``.

    Args:
        value: The value in any form.
        kind: The vocabulary (only needed to tell measurement from alert types).

    Returns:
        The bare word, or the value as written when it has no GS1 form.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` for a non-string value or an unknown kind.

    Examples:
        >>> to_bare("urn:epcglobal:cbv:btt:desadv")
        'desadv'
    """
    return None if value is None else CbvValue.parse(value, kind).to_bare()


@overload
def to_curie(value: str | CbvEnum, kind: CbvKind | None = None) -> str: ...
@overload
def to_curie(value: None, kind: CbvKind | None = None) -> None: ...
def to_curie(value: str | CbvEnum | None, kind: CbvKind | None = None) -> str | None:
    """A value as a CURIE (see :meth:`CbvValue.to_curie`); ``None`` gives ``None``.

    Args:
        value: The value in any form.
        kind: The vocabulary, needed for bare words.

    Returns:
        The CURIE, or the value as written when it has no GS1 form.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` for a non-string value or an unknown kind.

    Examples:
        >>> to_curie("ALARM_CONDITION", "sensorAlertType")
        'gs1:ALARM_CONDITION'
    """
    return None if value is None else CbvValue.parse(value, kind).to_curie()


def convert(
    value: str | CbvEnum,
    form: Literal["urn", "web_uri", "bare", "curie"],
    *,
    kind: CbvKind | None = None,
) -> str:
    """A value in the form asked for (see :meth:`CbvValue.to`).

    Args:
        value: The value in any form.
        form: ``"urn"``, ``"web_uri"``, ``"bare"`` or ``"curie"``.
        kind: The vocabulary, needed for bare words.

    Returns:
        The converted value, or the value as written when it has no GS1 form.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` for a non-string value, an unknown kind or form.

    Examples:
        >>> convert("possessing_party", "curie", kind="sourceDestType")
        'cbv:SDT-possessing_party'
    """
    return CbvValue.parse(value, kind).to(form)


def is_known(value: object, kind: CbvKind | None = None) -> bool:
    """Whether a value is a term of the closed CBV 2.0 lists; never raises.

    Args:
        value: Anything.
        kind: The vocabulary the value must belong to (``None``: any list; bare words then
            never count, as their vocabulary is unknown).

    Returns:
        ``True`` for a known term in any of its four forms.

    Examples:
        >>> is_known("urn:epcglobal:cbv:bizstep:sampling"), is_known("sampling", "bizStep")
        (True, True)
        >>> is_known("sampling", "disposition"), is_known(None), is_known("urn:x:y")
        (False, False, False)
    """
    if isinstance(kind, str) and kind not in KINDS:
        return False
    if not isinstance(value, str) or (kind is not None and not isinstance(kind, str)):
        return False
    parsed = parse(value.value if isinstance(value, CbvEnum) else value, kind)
    return parsed.is_known and (kind is None or parsed.kind == kind)


def validate(value: str | CbvEnum, kind: CbvKind) -> str:
    """Check a value for a field of vocabulary ``kind`` and return its canonical form.

    Known terms come back as their Web URI. Private URIs (any absolute URI outside the GS1
    namespaces, such as ``urn:gs1:epcisapp:rail:btt:passage``) are legal and come back as
    written. Anything else is refused: unknown words in the GS1 namespaces, bare words not
    in the list, terms of another vocabulary, text that is not a URI.

    Args:
        value: The value in any form.
        kind: The vocabulary of the field.

    Returns:
        The canonical text.

    Raises:
        EpcisError: ``EPCIS_UNKNOWN_VOCAB`` (with ``position=0``) for a value that is not
            a term of ``kind`` nor a private URI; ``EPCIS_INVALID_VALUE`` for a bad
            argument.

    Examples:
        >>> validate("cbv:Disp-in_transit", "disposition")
        'https://ref.gs1.org/cbv/Disp-in_transit'
        >>> validate("https://example.com/steps/checking", "bizStep")
        'https://example.com/steps/checking'
        >>> try:
        ...     validate("shiping", "bizStep")
        ... except ValueError as err:
        ...     print(err.code)
        EPCIS_UNKNOWN_VOCAB
    """
    checked = required_kind(kind)
    parsed = CbvValue.parse(value, checked)
    if parsed.is_known and parsed.kind == checked:
        return parsed.to_web_uri()
    text = parsed.text
    if parsed.form == "other" and _PRIVATE_URI.match(text):
        return text
    raise EpcisError(
        f"{text!r} is not a CBV 2.0 {checked} nor a private URI",
        code="EPCIS_UNKNOWN_VOCAB",
        position=0,
    )


_PRIVATE_URI = re.compile(
    r"(?!urn:epcglobal:cbv:|https?://ref\.gs1\.org/cbv/|https?://(?:www\.)?gs1\.org/voc/"
    r"|https?://ns\.gs1\.org/cbv/|cbv:|gs1:)[A-Za-z][A-Za-z0-9+.\-]*:\S+\Z"
)
