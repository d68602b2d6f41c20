"""What a reader knew about a model's source that the model itself does not keep.

XML values may use prefixes declared by ``xmlns`` (``<sensorReport type="ex:Gauge">``) and
JSON-LD values prefixes of an ``@context``; the event hash must expand them. The readers
attach the prefixes in scope of each event here (only when they differ from the EPCIS
defaults), keyed by identity and dropped with the model, so models stay plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._context import DEFAULT_NAMESPACES
from ._side_table import SideTable

__all__ = ["attach_namespaces", "attach_namespaces_all", "source_namespaces"]

_NAMESPACES = SideTable()


def attach_namespaces(model: object, namespaces: Mapping[str, str]) -> None:
    """Record the ``{prefix: IRI}`` declarations in scope where ``model`` was read.

    Share one mapping between the events of a document: it is stored, not copied.
    """
    _NAMESPACES.set(model, namespaces)


def attach_namespaces_all(models: Sequence[object], namespaces: Mapping[str, str]) -> None:
    """:func:`attach_namespaces` for each of ``models`` (the events of a document), at once."""
    _NAMESPACES.set_many(models, namespaces)


def source_namespaces(model: object) -> Mapping[str, str]:
    """The prefixes in scope where ``model`` was read, else the EPCIS defaults.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD")
        >>> source_namespaces(ev)["cbv"]
        'https://ref.gs1.org/cbv/'
        >>> attach_namespaces(ev, {"ex": "https://example.vn/"})
        >>> source_namespaces(ev)["ex"]
        'https://example.vn/'
    """
    return _NAMESPACES.get(model, DEFAULT_NAMESPACES)  # type: ignore[no-any-return]
