"""EPCIS 2.0 / CBV 2.0: typed models, both syntaxes, validation, streaming, event hash IDs.

* :mod:`tracelib.epcis.models`: frozen pydantic models of the five event types, documents
  (capture, query, master data, capture jobs), the SBDH, sensor data and user extensions;
* :mod:`tracelib.epcis.cbv`: the CBV 2.0 code lists and the four forms of a value (URN,
  Web URI, bare word, CURIE);
* :func:`parse` reads XML (2.0, and 1.2 up-converted) or JSON-LD; documents and events write
  themselves with ``to_xml()`` and ``to_jsonld()`` (:mod:`tracelib.epcis.xml`,
  :mod:`tracelib.epcis.jsonld`);
* :func:`validate` checks against the official schemas and lint rules
  (:mod:`tracelib.epcis.validate`); :func:`iter_events` and :class:`EventWriter` stream
  (:mod:`tracelib.epcis.stream`); :func:`event_hashes` gives CBV hash IDs
  (:mod:`tracelib.epcis.hashing`); :mod:`tracelib.epcis.client` talks to EPCIS repositories.

Names load on first use, so ``import tracelib.epcis`` does not import pydantic or lxml.

Examples:
    >>> from tracelib import epcis
    >>> ev = epcis.ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD",
    ...                               biz_step="commissioning")
    >>> ev.biz_step_cbv.to_urn()
    'urn:epcglobal:cbv:bizstep:commissioning'
    >>> epcis.parse(ev.to_xml()) == ev
    True
    >>> epcis.cbv.to_web_uri("in_transit", "disposition")
    'https://ref.gs1.org/cbv/Disp-in_transit'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import cbv, client, graph, hashing, jsonld, models, stream, xml
    from ._codec import parse
    from .cbv import BizStep, CbvValue, Disposition
    from .findings import Finding
    from .graph import lot_graph
    from .hashing import diff_prehashes, event_hashes, event_prehashes, hash_id, prehash
    from .jsonld import from_jsonld, to_jsonld
    from .models import (
        AggregationEvent,
        AssociationEvent,
        BizLocation,
        BizTransaction,
        Destination,
        EPCISCaptureJob,
        EPCISDocument,
        EPCISMasterDataDocument,
        EPCISQueryDocument,
        ErrorDeclaration,
        Extension,
        Ilmd,
        ObjectEvent,
        PersistentDisposition,
        QuantityElement,
        ReadPoint,
        SensorElement,
        SensorMetadata,
        SensorReport,
        Source,
        Timestamp,
        TransactionEvent,
        TransformationEvent,
        document_from_dict,
        document_from_json,
        event_from_dict,
        event_from_json,
    )
    from .stream import EventReader, EventWriter, iter_events
    from .validate import SchemaSet, lint, validate, validate_query
    from .xml import from_xml, to_xml, upconvert_1_2

__all__ = [
    "AggregationEvent",
    "AssociationEvent",
    "BizLocation",
    "BizStep",
    "BizTransaction",
    "CbvValue",
    "Destination",
    "Disposition",
    "EPCISCaptureJob",
    "EPCISDocument",
    "EPCISMasterDataDocument",
    "EPCISQueryDocument",
    "ErrorDeclaration",
    "EventReader",
    "EventWriter",
    "Extension",
    "Finding",
    "Ilmd",
    "ObjectEvent",
    "PersistentDisposition",
    "QuantityElement",
    "ReadPoint",
    "SchemaSet",
    "SensorElement",
    "SensorMetadata",
    "SensorReport",
    "Source",
    "Timestamp",
    "TransactionEvent",
    "TransformationEvent",
    "cbv",
    "client",
    "diff_prehashes",
    "document_from_dict",
    "document_from_json",
    "event_from_dict",
    "event_from_json",
    "event_hashes",
    "event_prehashes",
    "from_jsonld",
    "from_xml",
    "graph",
    "hash_id",
    "hashing",
    "iter_events",
    "jsonld",
    "lint",
    "lot_graph",
    "models",
    "parse",
    "prehash",
    "stream",
    "to_jsonld",
    "to_xml",
    "upconvert_1_2",
    "validate",
    "validate_query",
    "xml",
]

_SUBMODULES = frozenset({"cbv", "client", "graph", "hashing", "jsonld", "models", "stream", "xml"})
_FROM_CBV = frozenset({"BizStep", "CbvValue", "Disposition"})
_ELSEWHERE = {
    "EventReader": "stream",
    "EventWriter": "stream",
    "Finding": "findings",
    "SchemaSet": "validate",
    "diff_prehashes": "hashing",
    "event_hashes": "hashing",
    "event_prehashes": "hashing",
    "from_jsonld": "jsonld",
    "from_xml": "xml",
    "hash_id": "hashing",
    "iter_events": "stream",
    "lint": "validate",
    "lot_graph": "graph",
    "parse": "_codec",
    "prehash": "hashing",
    "to_jsonld": "jsonld",
    "to_xml": "xml",
    "upconvert_1_2": "xml",
    "validate_query": "validate",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "validate":  # the function; the module is tracelib.epcis.validate
        return importlib.import_module(f"{__name__}.validate").validate
    if name in _FROM_CBV:
        return getattr(importlib.import_module(f"{__name__}.cbv"), name)
    if name in _ELSEWHERE:
        return getattr(importlib.import_module(f"{__name__}.{_ELSEWHERE[name]}"), name)
    if name in __all__:
        return getattr(importlib.import_module(f"{__name__}.models"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
