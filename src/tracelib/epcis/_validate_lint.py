"""Lint rules: what the XSD and the JSON Schema cannot see, checked on the models.

Every rule looks at one event and yields ``(code, relative path, message)``; the severity
comes from :data:`~tracelib.epcis._validate_codes.FINDING_CODES`. Paths are JSON-LD member
paths (``$.epcisBody.eventList[3].bizStep``) whatever the syntax the event came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from ._cbv_core import CBV_URN, CBV_WEB, GS1_VOC, CbvKind
from ._validate_codes import severity_of
from .cbv import CbvValue
from .findings import Finding
from .models import (
    AggregationEvent,
    AssociationEvent,
    EPCISDocument,
    EpcisEvent,
    EPCISQueryDocument,
    ObjectEvent,
    SensorReport,
    TransactionEvent,
)

__all__ = ["Syntax", "event_base_path", "lint_model"]

Syntax = Literal["xml", "jsonld"]
"""The syntax a model came from or is going to (``None``: unknown, no form checks)."""

Hit = tuple[str, str, str]
"""``(code, path relative to the event, message)``."""

_UTC = frozenset({"Z", "", "+00:00", "-00:00"})
_NEAR_GS1_VOC = re.compile(r"https?://(?:www\.)?gs1\.org/voc/")
_EPC_LISTS = (
    ("epc_list", "epcList"),
    ("child_epcs", "childEPCs"),
    ("input_epc_list", "inputEPCList"),
    ("output_epc_list", "outputEPCList"),
)
_KIND_NAMES: dict[str, str] = {
    "bizStep": "business step",
    "disposition": "disposition",
    "bizTransactionType": "business transaction type",
    "sourceDestType": "source/destination type",
    "errorReason": "error reason",
    "component": "sensor component",
    "measurementType": "measurement type",
    "sensorAlertType": "sensor alert type",
}


def event_base_path(obj: Any) -> str | None:
    """Where a document keeps its events (``None`` for documents without events)."""
    if isinstance(obj, EPCISDocument):
        return "$.epcisBody.eventList"
    if isinstance(obj, EPCISQueryDocument):
        return "$.epcisBody.queryResults.resultsBody.eventList"
    return None


def lint_model(obj: Any, syntax: Syntax | None) -> list[Finding]:
    """Findings for a document (every event) or one bare event."""
    if isinstance(obj, EpcisEvent):
        return list(_event_findings(obj, 0, "$", syntax))
    base = event_base_path(obj)
    if base is None:
        return []
    findings: list[Finding] = []
    for index, event in enumerate(obj.events):
        findings.extend(_event_findings(event, index, f"{base}[{index}]", syntax))
    return findings


def _event_findings(
    event: EpcisEvent, index: int, base: str, syntax: Syntax | None
) -> Iterator[Finding]:
    for code, rel, message in _rules(event, syntax):
        yield Finding(code, severity_of(code), message, path=base + rel, event_index=index)


def _rules(event: EpcisEvent, syntax: Syntax | None) -> Iterator[Hit]:
    yield from _offset(event)
    yield from _vocabulary(event, syntax)
    yield from _structure(event, syntax)
    yield from _identifiers(event)
    yield from _times(event)
    yield from _sensors(event)


# -- time zone offset ------------------------------------------------------------------------


def _offset(event: EpcisEvent) -> Iterator[Hit]:
    written = event.event_time.offset
    declared = event.event_time_zone_offset
    if written in _UTC or written == declared:
        return
    inverted = ("-" if declared[0] == "+" else "+") + declared[1:]
    hint = " (the sign looks inverted)" if written == inverted else ""
    yield (
        "EPCIS_OFFSET_MISMATCH",
        ".eventTime",
        f"eventTime is written with offset {written} but eventTimeZoneOffset is "
        f"{declared}{hint}; write eventTime in UTC (Z) or in the declared offset",
    )


# -- CBV values ----------------------------------------------------------------------------


def _vocabulary(event: EpcisEvent, syntax: Syntax | None) -> Iterator[Hit]:
    if event.biz_step is not None:
        yield from _cbv(event.biz_step, "bizStep", ".bizStep", syntax)
    if event.disposition is not None:
        yield from _cbv(event.disposition, "disposition", ".disposition", syntax)
    pd = event.persistent_disposition
    if pd is not None:
        for name, values in (("set", pd.set), ("unset", pd.unset)):
            for i, value in enumerate(values or ()):
                yield from _cbv(value, "disposition", f".persistentDisposition.{name}[{i}]", syntax)
    for i, bt in enumerate(event.biz_transaction_list):
        if bt.type is not None:
            rel = f".bizTransactionList[{i}].type"
            yield from _cbv(bt.type, "bizTransactionType", rel, syntax, attribute=True)
    for i, source in enumerate(event.source_list):
        rel = f".sourceList[{i}].type"
        yield from _cbv(source.type, "sourceDestType", rel, syntax, attribute=True)
    for i, destination in enumerate(event.destination_list):
        rel = f".destinationList[{i}].type"
        yield from _cbv(destination.type, "sourceDestType", rel, syntax, attribute=True)
    declaration = event.error_declaration
    if declaration is not None and declaration.reason is not None:
        yield from _cbv(declaration.reason, "errorReason", ".errorDeclaration.reason", syntax)
    for i, element in enumerate(event.sensor_element_list):
        for j, report in enumerate(element.sensor_report):
            rel = f".sensorElementList[{i}].sensorReport[{j}]"
            yield from _report_vocabulary(report, rel, syntax)


def _report_vocabulary(report: SensorReport, rel: str, syntax: Syntax | None) -> Iterator[Hit]:
    if report.type is None:
        yield (
            "EPCIS_SCHEMA_CONFLICT",
            rel,
            "sensorReport without type: optional in the XSD, required by the JSON Schema",
        )
    else:
        yield from _cbv(report.type, "measurementType", rel + ".type", syntax, attribute=True)
    if report.exception is not None:
        yield from _cbv(
            report.exception, "sensorAlertType", rel + ".exception", syntax, attribute=True
        )
    if report.component is not None:
        yield from _cbv(report.component, "component", rel + ".component", syntax, attribute=True)


def _cbv(
    text: str, kind: CbvKind, rel: str, syntax: Syntax | None, *, attribute: bool = False
) -> Iterator[Hit]:
    # ``attribute``: an XML attribute value (types of transactions, sources, destinations,
    # sensor fields), where cbv:/gs1: CURIEs are the convention; element text needs URIs.
    value = CbvValue.parse(text, kind)
    what = _KIND_NAMES[kind]
    if syntax == "jsonld" and text.startswith(CBV_URN):
        better = value.to_bare() if value.word is not None else "a bare word"
        yield (
            "EPCIS_CBV_FORM",
            rel,
            f"{text!r} is a CBV URN: JSON-LD writes CBV values as bare words ({better!r}) or "
            "Web URIs, and the JSON Schema rejects urn:epcglobal:cbv values",
        )
    elif syntax == "xml" and value.form == "bare":
        yield (
            "EPCIS_CBV_FORM",
            rel,
            f"{text!r} is a bare word: XML needs a URI such as {value.to_web_uri()!r} "
            f"or {value.to_urn()!r}",
        )
        return
    elif syntax == "xml" and value.form == "curie" and not attribute:
        yield (
            "EPCIS_CBV_FORM",
            rel,
            f"{text!r} is a CURIE: no xmlns binds its prefix in element text; write "
            f"{value.to_web_uri()!r}",
        )
    if value.word is None:
        if text.startswith((CBV_URN, CBV_WEB, "cbv:")):
            yield (
                "EPCIS_UNKNOWN_VOCAB",
                rel,
                f"{text!r} is in the CBV namespace but is no term of any CBV 2.0 list",
            )
        elif _NEAR_GS1_VOC.match(text) and not text.startswith(GS1_VOC):
            yield (
                "EPCIS_UNKNOWN_VOCAB",
                rel,
                f"{text!r} is not in the GS1 Web Vocabulary namespace of the EPCIS 2.0 "
                f"context ({GS1_VOC}); the JSON Schema rejects it",
            )
        return
    if value.kind != kind:
        found = _KIND_NAMES.get(str(value.kind), str(value.kind))
        yield ("EPCIS_UNKNOWN_VOCAB", rel, f"{text!r} is a {found}, not a {what}")
    elif not value.is_known:
        if kind == "measurementType":
            yield (
                "EPCIS_SCHEMA_CONFLICT",
                rel,
                f"measurement type {value.word!r} is not one of the CBV 2.0 measurement types "
                "(the JSON Schema enum rejects it; the XSD accepts any URI)",
            )
        else:
            yield ("EPCIS_UNKNOWN_VOCAB", rel, f"{text!r} is not a CBV 2.0 {what}")


# -- structure -----------------------------------------------------------------------------


def _structure(event: EpcisEvent, syntax: Syntax | None) -> Iterator[Hit]:
    action = getattr(event, "action", None)
    if syntax == "xml" and len(event.certification_info) > 1:
        lost = len(event.certification_info) - 1
        yield (
            "EPCIS_CERTINFO_LOSSY",
            ".certificationInfo",
            f"{len(event.certification_info)} certificationInfo values: the XSD allows one, "
            f"so {lost} would be lost in XML",
        )
    if event.persistent_disposition is not None and isinstance(
        event, (AggregationEvent, TransactionEvent, AssociationEvent)
    ):
        yield (
            "EPCIS_SCHEMA_CONFLICT",
            ".persistentDisposition",
            f"persistentDisposition on an {event.type}: the XSD allows it, the JSON Schema "
            "and the standard's table (gs1/EPCIS#447) only on Object and TransformationEvents",
        )
    if isinstance(event, ObjectEvent) and event.ilmd is not None and action != "ADD":
        yield (
            "EPCIS_ILMD_NOT_ADD",
            ".ilmd",
            f"ILMD on an ObjectEvent with action {action}: ILMD describes objects the event "
            "creates, so it needs action ADD (the JSON Schema rejects it too)",
        )
    if isinstance(event, AggregationEvent) and event.parent_id is None and action != "OBSERVE":
        yield (
            "EPCIS_PARENT_MISSING",
            ".parentID",
            f"an AggregationEvent with action {action} needs a parentID (optional only "
            "for OBSERVE)",
        )
    if (
        isinstance(event, (AggregationEvent, AssociationEvent))
        and action != "DELETE"
        and not event.child_epcs
        and not event.child_quantity_list
    ):
        yield (
            "EPCIS_NO_CHILDREN",
            ".childEPCs",
            f"an {event.type} with action {action} needs childEPCs or childQuantityList "
            "(both may be empty only for DELETE)",
        )
    for name, alias in _EPC_LISTS:
        values: Sequence[str] = getattr(event, name, ())
        seen: set[str] = set()
        for j, epc in enumerate(values):
            if epc in seen:
                yield ("EPCIS_DUPLICATE_EPC", f".{alias}[{j}]", f"{epc!r} is already in {alias}")
            seen.add(epc)


# -- identifiers ---------------------------------------------------------------------------

_QUANTITY_LISTS = (
    ("quantity_list", "quantityList"),
    ("child_quantity_list", "childQuantityList"),
    ("input_quantity_list", "inputQuantityList"),
    ("output_quantity_list", "outputQuantityList"),
)


def _epc_problem(value: object) -> str | None:
    """Why an ``urn:epc:`` value is not a valid EPC URN (``None`` when valid or not a URN)."""
    if not isinstance(value, str) or not value.startswith("urn:epc:"):
        return None
    from ..errors import Gs1Error
    from ..gs1.epc import from_urn

    try:
        from_urn(value)
    except Gs1Error as exc:
        return f"{exc.code}: {exc.message}"
    return None


def _identifiers(event: EpcisEvent) -> Iterator[Hit]:
    """EPC URNs (instances, classes, parents, locations, parties) decoded with tracelib.gs1."""
    places: list[tuple[str, object]] = []
    for name, alias in _EPC_LISTS:
        places += [(f".{alias}[{j}]", v) for j, v in enumerate(getattr(event, name, ()))]
    for name, alias in _QUANTITY_LISTS:
        places += [
            (f".{alias}[{j}].epcClass", q.epc_class) for j, q in enumerate(getattr(event, name, ()))
        ]
    parent = getattr(event, "parent_id", None)
    if parent is not None:
        places.append((".parentID", parent))
    for attr, alias in (("read_point", "readPoint"), ("biz_location", "bizLocation")):
        where = getattr(event, attr, None)
        if where is not None:
            places.append((f".{alias}.id", where.id))
    for attr, alias, member in (
        ("source_list", "sourceList", "source"),
        ("destination_list", "destinationList", "destination"),
    ):
        places += [
            (f".{alias}[{j}].{member}", item.value)
            for j, item in enumerate(getattr(event, attr, ()))
        ]
    for path, value in places:
        problem = _epc_problem(value)
        if problem is not None:
            yield ("EPCIS_INVALID_EPC", path, f"{value!r} is not a valid EPC URN ({problem})")


# -- times ---------------------------------------------------------------------------------


def _times(event: EpcisEvent) -> Iterator[Hit]:
    occurred = event.event_time.as_datetime()
    if event.record_time is not None and event.record_time.as_datetime() < occurred:
        yield (
            "EPCIS_RECORD_BEFORE_EVENT",
            ".recordTime",
            f"recordTime {event.record_time} is earlier than eventTime {event.event_time}",
        )
    declaration = event.error_declaration
    if declaration is not None and declaration.declaration_time.as_datetime() < occurred:
        yield (
            "EPCIS_DECLARATION_BEFORE_EVENT",
            ".errorDeclaration.declarationTime",
            f"the error was declared ({declaration.declaration_time}) before the event "
            f"happened ({event.event_time})",
        )


def _sensors(event: EpcisEvent) -> Iterator[Hit]:
    for i, element in enumerate(event.sensor_element_list):
        base = f".sensorElementList[{i}]"
        meta = element.sensor_metadata
        if (
            meta is not None
            and meta.start_time is not None
            and meta.end_time is not None
            and meta.start_time.as_datetime() > meta.end_time.as_datetime()
        ):
            yield (
                "EPCIS_SENSOR_INTERVAL",
                base + ".sensorMetadata.startTime",
                f"startTime {meta.start_time} is later than endTime {meta.end_time}",
            )
        for j, report in enumerate(element.sensor_report):
            rel = f"{base}.sensorReport[{j}]"
            low, high, mean = report.min_value, report.max_value, report.mean_value
            if low is not None and high is not None and low > high:
                yield (
                    "EPCIS_SENSOR_RANGE",
                    rel + ".minValue",
                    f"minValue {low} is above maxValue {high}",
                )
            elif mean is not None and (
                (low is not None and mean < low) or (high is not None and mean > high)
            ):
                yield (
                    "EPCIS_SENSOR_RANGE",
                    rel + ".meanValue",
                    f"meanValue {mean} is outside [minValue, maxValue]",
                )
