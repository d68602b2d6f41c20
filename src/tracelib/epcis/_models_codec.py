"""What events and documents share beyond their fields: findings and the two serialisers."""

from __future__ import annotations

import importlib
from typing import Any

from .findings import Finding, findings_of

__all__ = ["Serialisable"]


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
