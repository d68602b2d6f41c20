"""The finding codes of :mod:`tracelib.epcis.validate`: severity and meaning of each.

One table, read by the validator (severities), by the documentation page (which lists every
code) and by the tests (every code a rule can emit is here). Codes are public API: they never
change meaning; the messages that come with them may.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .findings import Severity

__all__ = ["FINDING_CODES", "severity_of"]

FINDING_CODES: Mapping[str, tuple[Severity, str]] = MappingProxyType(
    {
        # -- input ---------------------------------------------------------------------------
        "EPCIS_UNKNOWN_FORMAT": (
            "error",
            "The input is neither XML nor JSON (or not a document, an event or text).",
        ),
        "EPCIS_INVALID_XML": ("error", "The XML is not well-formed (with the line)."),
        "EPCIS_INVALID_JSON": ("error", "The JSON does not parse (with the line)."),
        "EPCIS_HOSTILE_XML": (
            "error",
            "XML refused for safety: a DOCTYPE, entity declarations or an oversized node.",
        ),
        "EPCIS_INPUT_TOO_LARGE": (
            "error",
            "The input is larger than whole-document validation accepts; stream it instead.",
        ),
        "EPCIS_PARSE_FAILED": (
            "error",
            "The codec failed in an unexpected way (a tracelib bug: please report it).",
        ),
        "EPCIS_CODEC_UNAVAILABLE": (
            "info",
            "The XML or JSON-LD codec is not installed in this build: parsing and lint skipped.",
        ),
        # -- schemas -------------------------------------------------------------------------
        "EPCIS_XSD_INVALID": (
            "error",
            "The XML breaks the EPCIS 2.0 XSD (one finding per schema error, with the line).",
        ),
        "EPCIS_JSONSCHEMA_INVALID": (
            "error",
            "The JSON breaks the EPCIS 2.0 JSON Schema (with the JSON path of the member).",
        ),
        "EPCIS_SCHEMA_UNAVAILABLE": (
            "warning",
            "No schemas were supplied (they are not bundled): schema validation was skipped.",
        ),
        "EPCIS_FORMATS_UNCHECKED": (
            "warning",
            "JSON Schema formats (uri, date-time) not asserted: rfc3987 or rfc3339-validator "
            "is missing.",
        ),
        "EPCIS_BARE_EVENT": (
            "info",
            "A bare XML event (no document): the XSD has no global element for it, so it "
            "was validated inside a synthetic EPCISDocument.",
        ),
        "EPCIS_SCHEMA_CONFLICT": (
            "warning",
            "The XSD and the JSON Schema disagree here (persistentDisposition outside "
            "Object/TransformationEvent, a measurement type outside the JSON Schema enum, a "
            "sensorReport without type): valid in one syntax, rejected in the other.",
        ),
        # -- lint ----------------------------------------------------------------------------
        "EPCIS_OFFSET_MISMATCH": (
            "warning",
            "eventTime carries a non-zero numeric offset that differs from "
            "eventTimeZoneOffset (Z and ±00:00 are fine).",
        ),
        "EPCIS_CBV_FORM": (
            "warning",
            "A CBV value in the wrong form for the syntax: a URN in JSON-LD, a bare word or "
            "a cbv:/gs1: CURIE in XML element text.",
        ),
        "EPCIS_UNKNOWN_VOCAB": (
            "warning",
            "A value in a GS1 vocabulary namespace that is not a CBV 2.0 term of the field's "
            "list (e.g. BizStep-shiping), or a term of another list.",
        ),
        "EPCIS_CERTINFO_LOSSY": (
            "warning",
            "More than one certificationInfo: XML carries only one, the rest is lost.",
        ),
        "EPCIS_LOSSY_CONVERSION": (
            "warning",
            "Writing the model to a syntax dropped information (the codec's warning).",
        ),
        "EPCIS_ILMD_NOT_ADD": (
            "error",
            "ILMD on an ObjectEvent whose action is not ADD (ILMD describes objects created "
            "by the event).",
        ),
        "EPCIS_PARENT_MISSING": (
            "error",
            "An AggregationEvent with action ADD or DELETE and no parentID.",
        ),
        "EPCIS_NO_CHILDREN": (
            "error",
            "An Aggregation/AssociationEvent with action ADD or OBSERVE and neither "
            "childEPCs nor childQuantityList.",
        ),
        "EPCIS_DUPLICATE_EPC": ("warning", "The same identifier twice in one EPC list."),
        "EPCIS_INVALID_EPC": (
            "error",
            "An urn:epc: identifier (EPC, EPC class, parent, location or party) that the "
            "Tag Data Standard does not allow (wrong partition, digits, check characters...).",
        ),
        "EPCIS_RECORD_BEFORE_EVENT": ("warning", "recordTime is earlier than eventTime."),
        "EPCIS_DECLARATION_BEFORE_EVENT": (
            "warning",
            "errorDeclaration.declarationTime is earlier than the eventTime it corrects.",
        ),
        "EPCIS_SENSOR_INTERVAL": (
            "warning",
            "sensorMetadata startTime is later than endTime.",
        ),
        "EPCIS_SENSOR_RANGE": (
            "warning",
            "sensorReport minValue above maxValue, or meanValue outside [minValue, maxValue].",
        ),
        # -- query parameters ----------------------------------------------------------------
        "EPCIS_QUERY_UNKNOWN_PARAMETER": (
            "error",
            "A query parameter name outside the EPCIS 2.0 query language.",
        ),
        "EPCIS_QUERY_INVALID_VALUE": (
            "error",
            "A query parameter value of the wrong kind (time, integer, number, URI, enum).",
        ),
        "EPCIS_QUERY_CONFLICT": (
            "error",
            "Query parameters that exclude each other (eventCountLimit with maxEventCount).",
        ),
    }
)
"""Every finding code the validator itself emits: ``{code: (severity, meaning)}``.

The readers' findings (``EPCIS_ELEMENT_ORDER``, ``EPCIS_PROTECTED_TERM``,
``EPCIS_UNKNOWN_MEMBER``...) and parse errors (``EPCIS_MISSING_FIELD``,
``EPCIS_INVALID_TIMESTAMP``...) come from the codecs and keep their own codes and severities
(parse errors are always errors).
"""


def severity_of(code: str) -> Severity:
    """The severity of a code (``"error"`` for codes not in the table, e.g. parse errors)."""
    entry = FINDING_CODES.get(code)
    return entry[0] if entry is not None else "error"
