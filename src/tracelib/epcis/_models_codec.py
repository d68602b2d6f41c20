"""What events and documents share beyond their fields: findings and the two serialisers."""

from __future__ import annotations

import importlib
from typing import Any

from .findings import Finding, findings_of

__all__ = ["Hashable", "Serialisable"]


class Serialisable:
    """Mixin of the events and documents: ``to_xml()``, ``to_jsonld()`` and ``findings``."""

    __slots__ = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """What the codec noticed while reading this object (see :mod:`tracelib.epcis.findings`)."""
        return findings_of(self)

    def to_xml(self) -> bytes:
        """This object as EPCIS 2.0 XML (UTF-8, canonical element order).

        Returns:
            The XML document (or the bare event element), with an XML declaration.
        """
        codec: Any = importlib.import_module("tracelib.epcis.xml")
        return codec.to_xml(self)  # type: ignore[no-any-return]

    def to_jsonld(self, *, indent: int | None = None) -> str:
        """This object as compact EPCIS 2.0 JSON-LD (against the 2.0.0 context).

        Args:
            indent: Pretty-print with this indent (compact one-line output by default).

        Returns:
            The JSON-LD text.
        """
        codec: Any = importlib.import_module("tracelib.epcis.jsonld")
        return codec.to_jsonld(self, indent=indent)  # type: ignore[no-any-return]


class Hashable:
    """Mixin of the events: the CBV event hash ID and its pre-hash string."""

    __slots__ = ()

    def hash_id(self, **options: Any) -> str:
        """This event's CBV hash ID (:func:`tracelib.epcis.hashing.hash_id`).

        Args:
            **options: ``cbv_version``, ``gs1_voc``, ``algorithm``, ``namespaces``, ``options``.

        Returns:
            ``ni:///sha-256;…?ver=CBV2.0`` by default.

        Examples:
            >>> from tracelib.epcis import ObjectEvent
            >>> ev = ObjectEvent.create("2024-11-21T05:00:00+07:00", action="OBSERVE")
            >>> ev.hash_id().startswith("ni:///sha-256;"), ev.hash_id().endswith("?ver=CBV2.0")
            (True, True)
        """
        hashing: Any = importlib.import_module("tracelib.epcis.hashing")
        return hashing.hash_id(self, **options)  # type: ignore[no-any-return]

    def prehash(self, **options: Any) -> str:
        """This event's pre-hash string (:func:`tracelib.epcis.hashing.prehash`).

        Args:
            **options: ``cbv_version``, ``gs1_voc``, ``namespaces``, ``options``.

        Returns:
            The canonical string the hash ID digests.

        Examples:
            >>> from tracelib.epcis import ObjectEvent
            >>> ObjectEvent.create("2024-11-21T05:00:00+07:00", action="OBSERVE").prehash()
            'eventType=ObjectEventeventTime=2024-11-20T22:00:00.000ZeventTimeZoneOffset=+07:00action=OBSERVE'
        """
        hashing: Any = importlib.import_module("tracelib.epcis.hashing")
        return hashing.prehash(self, **options)  # type: ignore[no-any-return]
