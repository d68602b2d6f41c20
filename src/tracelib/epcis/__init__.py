"""EPCIS 2.0 / CBV 2.0: typed event and document models, CBV vocabularies.

* :mod:`tracelib.epcis.models`: frozen pydantic models of the five event types, documents
  (capture, query, master data, capture jobs), the SBDH, sensor data and user extensions;
* :mod:`tracelib.epcis.cbv`: the CBV 2.0 code lists and the four forms of a value (URN,
  Web URI, bare word, CURIE).

Names load on first use, so ``import tracelib.epcis`` does not import pydantic.

Examples:
    >>> from tracelib import epcis
    >>> ev = epcis.ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD",
    ...                               biz_step="commissioning")
    >>> ev.biz_step_cbv.to_urn()
    'urn:epcglobal:cbv:bizstep:commissioning'
    >>> epcis.cbv.to_web_uri("in_transit", "disposition")
    'https://ref.gs1.org/cbv/Disp-in_transit'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import cbv, models
    from .cbv import BizStep, CbvValue, Disposition
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
    "Extension",
    "Ilmd",
    "ObjectEvent",
    "PersistentDisposition",
    "QuantityElement",
    "ReadPoint",
    "SensorElement",
    "SensorMetadata",
    "SensorReport",
    "Source",
    "Timestamp",
    "TransactionEvent",
    "TransformationEvent",
    "cbv",
    "document_from_dict",
    "document_from_json",
    "event_from_dict",
    "event_from_json",
    "models",
]

_SUBMODULES = frozenset({"cbv", "models"})
_FROM_CBV = frozenset({"BizStep", "CbvValue", "Disposition"})


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _FROM_CBV:
        return getattr(importlib.import_module(f"{__name__}.cbv"), name)
    if name in __all__:
        return getattr(importlib.import_module(f"{__name__}.models"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
