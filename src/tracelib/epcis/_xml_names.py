"""Names of the EPCIS 2.0 XML binding: namespaces, element sequences, sensor attributes.

Private tables shared by the XML reader and writer (:mod:`tracelib.epcis.xml`). Element
orders are the ``xsd:sequence``\\ s of ``EPCglobal-epcis-2_0.xsd``; the JSON-LD member name of
each field is the model alias, so a reader can build JSON-LD-shaped dicts directly.
"""

from __future__ import annotations

import re

__all__ = [
    "BASE_ORDER",
    "EPCIS_NS",
    "EPCIS_NS_1",
    "EVENT_ORDER",
    "EVENT_TYPES",
    "MD_NS",
    "MD_NS_1",
    "NCNAME",
    "QUERY_NS",
    "QUERY_NS_1",
    "RESERVED_PREFIXES",
    "SBDH_NS",
    "SENSOR_METADATA_ATTRS",
    "SENSOR_REPORT_ATTRS",
    "STRUCTURAL_NAMESPACES",
    "XML_NS",
    "XSD_NS",
    "XSI_NIL",
    "XSI_NS",
    "XSI_TYPE",
]

EPCIS_NS = "urn:epcglobal:epcis:xsd:2"
QUERY_NS = "urn:epcglobal:epcis-query:xsd:2"
MD_NS = "urn:epcglobal:epcis-masterdata:xsd:2"
EPCIS_NS_1 = "urn:epcglobal:epcis:xsd:1"
QUERY_NS_1 = "urn:epcglobal:epcis-query:xsd:1"
MD_NS_1 = "urn:epcglobal:epcis-masterdata:xsd:1"
EPCGLOBAL_NS = "urn:epcglobal:xsd:1"
SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XSI_TYPE = f"{{{XSI_NS}}}type"
XSI_NIL = f"{{{XSI_NS}}}nil"

STRUCTURAL_NAMESPACES = frozenset(
    {EPCIS_NS, QUERY_NS, MD_NS, EPCIS_NS_1, QUERY_NS_1, MD_NS_1, EPCGLOBAL_NS}
    | {SBDH_NS, XSI_NS, XSD_NS, XML_NS}
)
"""Namespaces of the binding itself: their prefixes do not abbreviate values."""

RESERVED_PREFIXES = frozenset({"epcis", "epcisq", "epcismd", "sbdh", "xsi", "xml", "xmlns"})
"""Prefixes the writer keeps for the binding (extension namespaces get others)."""

_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
    "\U00010000-\U000effff"
)
NCNAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
"""An XML 1.0 NCName (a name without a colon): local names and prefixes."""

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)

BASE_ORDER = (
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "errorDeclaration",
    "certificationInfo",
)
"""``EPCISEventType``: the fields every event starts with (then ``baseExtension``)."""

_TAIL = (
    "readPoint",
    "bizLocation",
    "bizTransactionList",
)
EVENT_ORDER: dict[str, tuple[str, ...]] = {
    "ObjectEvent": (
        *BASE_ORDER,
        "epcList",
        "action",
        "bizStep",
        "disposition",
        *_TAIL,
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
    ),
    "AggregationEvent": (
        *BASE_ORDER,
        "parentID",
        "childEPCs",
        "action",
        "bizStep",
        "disposition",
        *_TAIL,
        "childQuantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
    ),
    "TransactionEvent": (
        *BASE_ORDER,
        "bizTransactionList",
        "parentID",
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
    ),
    "TransformationEvent": (
        *BASE_ORDER,
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        "bizStep",
        "disposition",
        *_TAIL,
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
    ),
    "AssociationEvent": (
        *BASE_ORDER,
        "parentID",
        "childEPCs",
        "childQuantityList",
        "action",
        "bizStep",
        "disposition",
        *_TAIL,
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
    ),
}
"""Element sequence of each event type (the XSD's; ``extension`` and ``##other`` follow)."""

SENSOR_METADATA_ATTRS = (
    "time",
    "startTime",
    "endTime",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
)
"""Attributes of ``sensorMetadata`` (also the JSON-LD member names), in writing order."""

SENSOR_REPORT_ATTRS = (
    "type",
    "exception",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
    "time",
    "microorganism",
    "chemicalSubstance",
    "value",
    "component",
    "stringValue",
    "booleanValue",
    "hexBinaryValue",
    "uriValue",
    "minValue",
    "maxValue",
    "meanValue",
    "sDev",
    "percRank",
    "percValue",
    "uom",
    "coordinateReferenceSystem",
)
"""Attributes of ``sensorReport`` (also the JSON-LD member names), in writing order.

``bizRules`` is not declared on ``sensorReport`` by the XSD (it is on ``sensorMetadata``);
the JSON Schema has it on both, so it is written as an unqualified attribute all the same
(``xsd:anyAttribute`` takes it)."""
