"""The structure of CBV 2.0 values: kinds, URN segments, Web URI stems, and the enum base.

Private: :mod:`tracelib.epcis.cbv` is the public face. This module knows how the four forms
of a value are spelled for each vocabulary; the word lists themselves are generated into
:mod:`tracelib.epcis._data.cbv_lists`.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

__all__ = [
    "CBV_WEB",
    "GS1_VOC",
    "KINDS",
    "CbvEnum",
    "CbvKind",
    "curie_of",
    "urn_of",
    "web_uri_of",
]

CbvKind = Literal[
    "bizStep",
    "disposition",
    "bizTransactionType",
    "sourceDestType",
    "errorReason",
    "component",
    "measurementType",
    "sensorAlertType",
]
"""The CBV vocabularies tracelib knows, by the name of the EPCIS field they fill."""

KINDS: tuple[CbvKind, ...] = (
    "bizStep",
    "disposition",
    "bizTransactionType",
    "sourceDestType",
    "errorReason",
    "component",
    "measurementType",
    "sensorAlertType",
)
"""The vocabularies, in the order of the CBV standard's lists."""

CBV_WEB = "https://ref.gs1.org/cbv/"
"""Stem of CBV Web URIs (``cbv:`` in the EPCIS 2.0 JSON-LD context)."""
GS1_VOC = "https://gs1.org/voc/"
"""Stem of GS1 Web Vocabulary terms (``gs1:`` in the EPCIS 2.0 JSON-LD context)."""
CBV_URN = "urn:epcglobal:cbv:"

CBV_KINDS: dict[str, tuple[str, str]] = {
    "bizStep": ("BizStep", "bizstep"),
    "disposition": ("Disp", "disp"),
    "bizTransactionType": ("BTT", "btt"),
    "sourceDestType": ("SDT", "sdt"),
    "errorReason": ("ER", "er"),
    "component": ("Comp", "comp"),
}
"""kind -> (Web URI type name, URN segment) for the six CBV lists."""
GS1_KINDS = frozenset({"measurementType", "sensorAlertType"})
"""The two lists of the GS1 Web Vocabulary (no URN form)."""
BY_URN_SEGMENT: dict[str, CbvKind] = {
    "bizstep": "bizStep",
    "disp": "disposition",
    "btt": "bizTransactionType",
    "sdt": "sourceDestType",
    "er": "errorReason",
    "comp": "component",
}
BY_WEB_TYPE: dict[str, CbvKind] = {
    "BizStep": "bizStep",
    "Disp": "disposition",
    "BTT": "bizTransactionType",
    "SDT": "sourceDestType",
    "ER": "errorReason",
    "Comp": "component",
}
ENUM_KINDS: dict[str, CbvKind] = {
    "BizStep": "bizStep",
    "Disposition": "disposition",
    "BizTransactionType": "bizTransactionType",
    "SourceDestType": "sourceDestType",
    "ErrorReason": "errorReason",
    "SensorComponent": "component",
    "MeasurementType": "measurementType",
    "SensorAlertType": "sensorAlertType",
}


def urn_of(kind: CbvKind, word: str) -> str:
    """The URN form of a word; the Web URI for the GS1 Web Vocabulary lists (no URN form).

    Args:
        kind: The vocabulary.
        word: The bare word.

    Returns:
        E.g. ``urn:epcglobal:cbv:bizstep:shipping``.

    Examples:
        >>> urn_of("disposition", "in_transit")
        'urn:epcglobal:cbv:disp:in_transit'
        >>> urn_of("measurementType", "Temperature")
        'https://gs1.org/voc/Temperature'
    """
    if kind in GS1_KINDS:
        return GS1_VOC + word
    return f"{CBV_URN}{CBV_KINDS[kind][1]}:{word}"


def web_uri_of(kind: CbvKind, word: str, gs1_voc: str = GS1_VOC) -> str:
    """The Web URI form of a word.

    Args:
        kind: The vocabulary.
        word: The bare word.
        gs1_voc: Stem for the GS1 Web Vocabulary lists (``https://ref.gs1.org/voc/`` is the
            EPCIS 2.1 direction; the EPCIS 2.0 context binds ``gs1:`` to the default).

    Returns:
        E.g. ``https://ref.gs1.org/cbv/BizStep-shipping``.

    Examples:
        >>> web_uri_of("bizStep", "shipping")
        'https://ref.gs1.org/cbv/BizStep-shipping'
        >>> web_uri_of("sensorAlertType", "ALARM_CONDITION", gs1_voc="https://ref.gs1.org/voc/")
        'https://ref.gs1.org/voc/ALARM_CONDITION'
    """
    if kind in GS1_KINDS:
        return gs1_voc + word
    return f"{CBV_WEB}{CBV_KINDS[kind][0]}-{word}"


def curie_of(kind: CbvKind, word: str) -> str:
    """The CURIE form of a word under the EPCIS 2.0 context (``cbv:`` or ``gs1:``).

    Args:
        kind: The vocabulary.
        word: The bare word.

    Returns:
        E.g. ``cbv:BizStep-shipping`` or ``gs1:Temperature``.

    Examples:
        >>> curie_of("sourceDestType", "location"), curie_of("measurementType", "Mass")
        ('cbv:SDT-location', 'gs1:Mass')
    """
    if kind in GS1_KINDS:
        return "gs1:" + word
    return f"cbv:{CBV_KINDS[kind][0]}-{word}"


class CbvEnum(str, Enum):
    """Base of the generated CBV enums: a ``str`` whose value is the bare word.

    ``str(member)`` and f-strings give the bare word; the other forms are properties.

    Examples:
        >>> from tracelib.epcis.cbv import BizStep
        >>> member = BizStep.SHIPPING
        >>> str(member), member.kind, member.urn
        ('shipping', 'bizStep', 'urn:epcglobal:cbv:bizstep:shipping')
        >>> member.curie, f"{member}"
        ('cbv:BizStep-shipping', 'shipping')
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    @property
    def kind(self) -> CbvKind:
        """The vocabulary this member belongs to, e.g. ``"bizStep"``."""
        return ENUM_KINDS[type(self).__name__]

    @property
    def bare(self) -> str:
        """The bare word (the JSON-LD form), e.g. ``"shipping"``."""
        return str(self.value)

    @property
    def urn(self) -> str:
        """The URN form (the Web URI for measurement and alert types, which have none)."""
        return urn_of(self.kind, str(self.value))

    @property
    def web_uri(self) -> str:
        """The Web URI form, e.g. ``https://ref.gs1.org/cbv/BizStep-shipping``."""
        return web_uri_of(self.kind, str(self.value))

    @property
    def curie(self) -> str:
        """The CURIE form, e.g. ``cbv:BizStep-shipping``."""
        return curie_of(self.kind, str(self.value))
