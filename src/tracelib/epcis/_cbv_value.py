"""One CBV value in any of its four forms (public in :mod:`tracelib.epcis.cbv`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..errors import EpcisError
from ._cbv_core import (
    BY_URN_SEGMENT,
    BY_WEB_TYPE,
    CBV_URN,
    CBV_WEB,
    GS1_KINDS,
    GS1_VOC,
    KINDS,
    CbvEnum,
    CbvKind,
    curie_of,
    urn_of,
    web_uri_of,
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

__all__ = ["CbvForm", "CbvValue", "check_kind", "enum_of", "parse", "required_kind", "terms_of"]

CbvForm = Literal["urn", "web_uri", "bare", "curie", "other"]
"""How a value was written: ``"other"`` is anything that is not a GS1 form of a CBV list (a
private URI, a CURIE of another prefix, a bare word of unknown kind, junk)."""

_TERMS: dict[str, tuple[str, ...]] = {
    "bizStep": BIZ_STEPS,
    "disposition": DISPOSITIONS,
    "bizTransactionType": BIZ_TRANSACTION_TYPES,
    "sourceDestType": SOURCE_DEST_TYPES,
    "errorReason": ERROR_REASONS,
    "component": SENSOR_COMPONENTS,
    "measurementType": MEASUREMENT_TYPES,
    "sensorAlertType": SENSOR_ALERT_TYPES,
}
_SETS: dict[str, frozenset[str]] = {kind: frozenset(words) for kind, words in _TERMS.items()}
_ENUMS: dict[str, type[CbvEnum]] = {
    "bizStep": BizStep,
    "disposition": Disposition,
    "bizTransactionType": BizTransactionType,
    "sourceDestType": SourceDestType,
    "errorReason": ErrorReason,
    "component": SensorComponent,
    "measurementType": MeasurementType,
    "sensorAlertType": SensorAlertType,
}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_FORMS = ("urn", "web_uri", "bare", "curie")


def check_kind(kind: object) -> CbvKind | None:
    if kind is None or (isinstance(kind, str) and kind in _TERMS):
        return kind  # type: ignore[return-value]
    raise EpcisError(
        f"unknown CBV vocabulary {kind!r}; expected one of {', '.join(KINDS)}",
        code="EPCIS_INVALID_VALUE",
    )


def required_kind(kind: object) -> CbvKind:
    checked = check_kind(kind)
    if checked is None:
        raise EpcisError("a CBV vocabulary is required", code="EPCIS_INVALID_VALUE")
    return checked


def _gs1_kind(word: str, kind: CbvKind | None) -> CbvKind:
    if kind is not None and kind in GS1_KINDS:
        return kind
    return "sensorAlertType" if word in _SETS["sensorAlertType"] else "measurementType"


@dataclass(frozen=True, slots=True)
class CbvValue:
    """A CBV value as written, with its vocabulary and bare word when it has a GS1 form.

    Build it with :meth:`parse`. Equality compares the text as written, so the URN and
    the Web URI of one term are different ``CbvValue`` objects with equal :attr:`word`
    and :attr:`kind`; compare ``a.to_web_uri() == b.to_web_uri()`` for meaning.

    Attributes:
        text: The value exactly as written.
        kind: The vocabulary, from the value's structure or, for a bare word, as given.
        form: How it is written (``"other"`` for private URIs and junk).
        word: The bare word when the value is a GS1 form of a CBV list, else ``None``.

    Examples:
        >>> CbvValue.parse("cbv:SDT-owning_party")
        CbvValue('cbv:SDT-owning_party', kind='sourceDestType', form='curie')
        >>> CbvValue.parse("https://ref.gs1.org/cbv/ER-other").is_known
        False
    """

    text: str
    kind: CbvKind | None
    form: CbvForm
    word: str | None

    @classmethod
    def parse(cls, value: str | CbvEnum, kind: CbvKind | None = None) -> CbvValue:
        """Read a value in any form; never fails on a string (unknown values are ``"other"``).

        Args:
            value: The value as written, or a member of one of the CBV enums.
            kind: The vocabulary of the field the value comes from. It is needed only to
                read a bare word (``"shipping"`` alone could belong to any list) and to tell
                the two GS1 Web Vocabulary lists apart; URNs, Web URIs and ``cbv:`` CURIEs
                carry their vocabulary.

        Returns:
            The parsed value.

        Raises:
            EpcisError: ``EPCIS_INVALID_VALUE`` when ``value`` is not a string or ``kind``
                is not one of :data:`KINDS`.

        Examples:
            >>> CbvValue.parse("receiving", "bizStep").to_urn()
            'urn:epcglobal:cbv:bizstep:receiving'
            >>> CbvValue.parse("gs1:Temperature").to_bare()
            'Temperature'
            >>> CbvValue.parse("receiving").form  # a bare word of no known vocabulary
            'other'
        """
        known_kind = check_kind(kind)
        if isinstance(value, CbvEnum):
            return cls(value.value, value.kind, "bare", value.value)
        if not isinstance(value, str):
            raise EpcisError(
                f"a CBV value is a string, not {type(value).__name__}", code="EPCIS_INVALID_VALUE"
            )
        return parse(value, known_kind)

    @property
    def is_gs1(self) -> bool:
        """``True`` when the value is written in a GS1 form (known term or not)."""
        return self.word is not None

    @property
    def is_known(self) -> bool:
        """``True`` when the value is a term of the closed CBV 2.0 list of its vocabulary."""
        return self.word is not None and self.kind is not None and self.word in _SETS[self.kind]

    def to(self, form: Literal["urn", "web_uri", "bare", "curie"]) -> str:
        """The value in another form (values of form ``"other"`` come back as written).

        Args:
            form: ``"urn"``, ``"web_uri"``, ``"bare"`` or ``"curie"``.

        Returns:
            The converted text.

        Raises:
            EpcisError: ``EPCIS_INVALID_VALUE`` for an unknown form name.

        Examples:
            >>> CbvValue.parse("cbv:Disp-in_progress").to("urn")
            'urn:epcglobal:cbv:disp:in_progress'
        """
        if form == "urn":
            return self.to_urn()
        if form == "web_uri":
            return self.to_web_uri()
        if form == "bare":
            return self.to_bare()
        if form == "curie":
            return self.to_curie()
        raise EpcisError(
            f"unknown CBV form {form!r}; expected one of {', '.join(_FORMS)}",
            code="EPCIS_INVALID_VALUE",
        )

    def to_urn(self) -> str:
        """The URN form; the Web URI for measurement and alert types (they have no URN).

        Returns:
            E.g. ``urn:epcglobal:cbv:bizstep:shipping``; other values as written.

        Examples:
            >>> CbvValue.parse("https://ref.gs1.org/cbv/BTT-po").to_urn()
            'urn:epcglobal:cbv:btt:po'
        """
        if self.word is None or self.kind is None:
            return self.text
        return urn_of(self.kind, self.word)

    def to_web_uri(self, *, gs1_voc: str = GS1_VOC) -> str:
        """The Web URI form.

        Args:
            gs1_voc: Stem for measurement and alert types (default ``https://gs1.org/voc/``,
                as bound by the EPCIS 2.0 context).

        Returns:
            E.g. ``https://ref.gs1.org/cbv/BizStep-shipping``; other values as written.

        Examples:
            >>> CbvValue.parse("urn:epcglobal:cbv:sdt:location").to_web_uri()
            'https://ref.gs1.org/cbv/SDT-location'
        """
        if self.word is None or self.kind is None:
            return self.text
        return web_uri_of(self.kind, self.word, gs1_voc)

    def to_bare(self) -> str:
        """The bare word (the JSON-LD form).

        Returns:
            E.g. ``shipping``; other values as written.

        Examples:
            >>> CbvValue.parse("urn:epcglobal:cbv:er:did_not_occur").to_bare()
            'did_not_occur'
        """
        return self.text if self.word is None else self.word

    def to_curie(self) -> str:
        """The CURIE form under the EPCIS 2.0 context.

        Returns:
            E.g. ``cbv:BizStep-shipping`` or ``gs1:Temperature``; other values as written.

        Examples:
            >>> CbvValue.parse("https://gs1.org/voc/Temperature").to_curie()
            'gs1:Temperature'
        """
        if self.word is None or self.kind is None:
            return self.text
        return curie_of(self.kind, self.word)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"CbvValue({self.text!r}, kind={self.kind!r}, form={self.form!r})"


def parse(text: str, kind: CbvKind | None) -> CbvValue:
    if text.startswith(CBV_URN):
        segment, sep, word = text[len(CBV_URN) :].partition(":")
        found = BY_URN_SEGMENT.get(segment)
        if found is not None and sep and _WORD.fullmatch(word):
            return CbvValue(text, found, "urn", word)
    elif text.startswith(CBV_WEB) or text.startswith("cbv:"):
        rest = text[len(CBV_WEB) :] if text.startswith(CBV_WEB) else text[4:]
        type_name, sep, word = rest.partition("-")
        found = BY_WEB_TYPE.get(type_name)
        if found is not None and sep and _WORD.fullmatch(word):
            return CbvValue(text, found, "web_uri" if text[0] == "h" else "curie", word)
    elif text.startswith(GS1_VOC) or text.startswith("gs1:"):
        word = text[len(GS1_VOC) :] if text[0] == "h" else text[4:]
        if _WORD.fullmatch(word):
            form: CbvForm = "web_uri" if text[0] == "h" else "curie"
            return CbvValue(text, _gs1_kind(word, kind), form, word)
    elif kind is not None and _WORD.fullmatch(text):
        return CbvValue(text, kind, "bare", text)
    return CbvValue(text, kind, "other", None)


def terms_of(kind: CbvKind) -> tuple[str, ...]:
    """The words of a (checked) vocabulary."""
    return _TERMS[kind]


def enum_of(kind: CbvKind) -> type[CbvEnum]:
    """The enum of a (checked) vocabulary."""
    return _ENUMS[kind]
