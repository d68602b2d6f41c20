"""One passing and one failing case for every compliance rule (parametrised from ``rules()``).

A case is ``(kind, passing, failing, path)``: the record kind (or ``"dataset"``/``"epcis"``),
a payload the rule accepts, one it refuses, and the JSON path of the expected finding. The
rule runs under its own profile, with its opt-in tag when it has one. ``test_every_rule_has_a
_case`` makes a new rule without cases fail the suite.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests import vectors
from tests.portal.test_compliance_data import (
    CERTIFICATE,
    HARVEST,
    IMPORT,
    LOCATION,
    LOT,
    ORG,
    PACK,
    PRODUCT,
    RECEIVE,
    RETAIL,
    SHIP,
    dataset,
    drop,
    put,
)
from tracelib.portal.compliance import Rule, check, rules

Case = tuple[str, Any, Any, str]
_EXAMPLE = "epcis/JSON/Example_9.6.1-ObjectEvent.jsonld"


def _epcis_doc(**event_changes: Any) -> str:
    doc = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2025-01-11T09:00:00+07:00",
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventTime": "2025-01-11T08:00:00+07:00",
                    "eventTimeZoneOffset": "+07:00",
                    "action": "OBSERVE",
                    "bizStep": "shipping",
                    "epcList": ["urn:epc:id:sgtin:893504950.0056.1001"],
                    **event_changes,
                }
            ]
        },
    }
    return json.dumps(doc)


def _schema_case() -> Case:
    passing = vectors.path(_EXAMPLE).read_bytes()
    failing = _epcis_doc(action="SOMETIMES")
    return ("epcis", passing, failing, "$.epcisBody.eventList[0].action")


CASES: dict[str, Callable[[], Case]] = {
    # --- TT 02/2024
    "vn.tt02_2024.organization.name": lambda: ("organization", ORG, drop(ORG, "name"), "$.name"),
    "vn.tt02_2024.organization.address": lambda: (
        "organization",
        ORG,
        drop(ORG, "address"),
        "$.address",
    ),
    "vn.tt02_2024.organization.gln": lambda: (
        "organization",
        ORG,
        put(ORG, gln="8930123450006"),
        "$.gln",
    ),
    "vn.tt02_2024.location.location_trace_code": lambda: (
        "location",
        LOCATION,
        drop(LOCATION, "location_trace_code"),
        "$.location_trace_code",
    ),
    "vn.tt02_2024.location.gs1": lambda: (
        "location",
        LOCATION,
        put(LOCATION, location_trace_code="(414)8930123450013"),
        "$.location_trace_code",
    ),
    "vn.tt02_2024.location.format": lambda: (
        "location",
        LOCATION,
        put(LOCATION, location_trace_code="VT-MINH-HOP-01"),
        "$.location_trace_code",
    ),
    "vn.tt02_2024.product.name": lambda: ("product", PRODUCT, drop(PRODUCT, "name"), "$.name"),
    "vn.tt02_2024.product.images": lambda: (
        "product",
        PRODUCT,
        drop(PRODUCT, "images"),
        "$.images",
    ),
    "vn.tt02_2024.product.standards_applied": lambda: (
        "product",
        PRODUCT,
        put(PRODUCT, standards_applied=[]),
        "$.standards_applied",
    ),
    "vn.tt02_2024.product.gtin": lambda: (
        "product",
        PRODUCT,
        put(PRODUCT, gtin="8935049500569"),
        "$.gtin",
    ),
    "vn.tt02_2024.product.carrier": lambda: (
        "product",
        PRODUCT,
        put(PRODUCT, carrier="sticker"),
        "$.carrier",
    ),
    "vn.tt02_2024.lot.production_date": lambda: (
        "lot",
        LOT,
        drop(LOT, "production_date"),
        "$.production_date",
    ),
    "vn.tt02_2024.lot.product_trace_code": lambda: (
        "lot",
        drop(LOT, "product_trace_code"),
        drop(LOT, "product_trace_code", "gtin"),
        "$.product_trace_code",
    ),
    "vn.tt02_2024.lot.gs1": lambda: (
        "lot",
        LOT,
        put(LOT, product_trace_code="(01)08935049500569(10)NA-2025-01"),
        "$.product_trace_code",
    ),
    "vn.tt02_2024.lot.gtin": lambda: ("lot", LOT, put(LOT, gtin="08935049500560"), "$.gtin"),
    "vn.tt02_2024.lot.format": lambda: (
        "lot",
        LOT,
        put(LOT, product_trace_code="CAM-NA-2025-01"),
        "$.product_trace_code",
    ),
    "vn.tt02_2024.event.event_time": lambda: (
        "event",
        SHIP,
        drop(SHIP, "event_time"),
        "$.event_time",
    ),
    "vn.tt02_2024.event.product_trace_codes": lambda: (
        "event",
        SHIP,
        put(SHIP, product_trace_codes=[]),
        "$.product_trace_codes",
    ),
    "vn.tt02_2024.event.gs1": lambda: (
        "event",
        SHIP,
        put(SHIP, product_trace_codes=["(01)08935049500569(10)X"]),
        "$.product_trace_codes[0]",
    ),
    "vn.tt02_2024.event.location_trace_code": lambda: (
        "event",
        SHIP,
        drop(SHIP, "location_trace_code"),
        "$.location_trace_code",
    ),
    "vn.tt02_2024.event.source": lambda: ("event", RECEIVE, drop(RECEIVE, "source"), "$.source"),
    "vn.tt02_2024.event.destination": lambda: (
        "event",
        SHIP,
        drop(SHIP, "destination"),
        "$.destination",
    ),
    "vn.tt02_2024.event.inputs": lambda: ("event", PACK, drop(PACK, "inputs"), "$.inputs"),
    # --- NĐ 37/2026
    "vn.nd37_2026.product.origin": lambda: (
        "product",
        drop(PRODUCT, "origin_country"),
        drop(PRODUCT, "origin_country", "origin_place"),
        "$.origin_country",
    ),
    "vn.nd37_2026.lot.lot_or_serial": lambda: (
        "lot",
        put(drop(LOT, "lot", "product_trace_code"), serials=["S1"]),
        drop(LOT, "lot"),
        "$.lot",
    ),
    "vn.nd37_2026.event.stage": lambda: ("event", SHIP, drop(SHIP, "stage"), "$.stage"),
    "vn.nd37_2026.passport.gtin": lambda: ("product", PRODUCT, drop(PRODUCT, "gtin"), "$.gtin"),
    "vn.nd37_2026.passport.producer_id": lambda: (
        "organization",
        drop(ORG, "gln"),
        drop(ORG, "gln", "tax_code"),
        "$.tax_code",
    ),
    "vn.nd37_2026.passport.traceability": lambda: (
        "dataset",
        dataset(),
        dataset(lots=[], events=[]),
        "$.products[0]",
    ),
    "vn.nd37_2026.passport.certificate": lambda: (
        "certificate",
        CERTIFICATE,
        drop(CERTIFICATE, "issuer"),
        "$.issuer",
    ),
    # --- MPS draft 2026
    "vn.mps_draft_2026.product.gtin": lambda: ("product", PRODUCT, drop(PRODUCT, "gtin"), "$.gtin"),
    "vn.mps_draft_2026.product.category": lambda: (
        "product",
        PRODUCT,
        drop(PRODUCT, "category"),
        "$.category",
    ),
    "vn.mps_draft_2026.product.net_quantity": lambda: (
        "product",
        PRODUCT,
        drop(PRODUCT, "net_quantity"),
        "$.net_quantity",
    ),
    "vn.mps_draft_2026.organization.tax_code": lambda: (
        "organization",
        ORG,
        drop(ORG, "tax_code"),
        "$.tax_code",
    ),
    "vn.mps_draft_2026.organization.contact": lambda: (
        "organization",
        ORG,
        drop(ORG, "contact"),
        "$.contact",
    ),
    "vn.mps_draft_2026.organization.role": lambda: (
        "organization",
        ORG,
        drop(ORG, "role"),
        "$.role",
    ),
    "vn.mps_draft_2026.lot.expiry_date": lambda: (
        "lot",
        LOT,
        drop(LOT, "expiry_date"),
        "$.expiry_date",
    ),
    "vn.mps_draft_2026.lot.serials": lambda: (
        "dataset",
        dataset(products=[put(PRODUCT, high_risk=True)], lots=[put(LOT, serials=["S0001"])]),
        dataset(products=[put(PRODUCT, high_risk=True)]),
        "$.lots[0].serials",
    ),
    "vn.mps_draft_2026.lot.digital_link": lambda: (
        "lot",
        LOT,
        put(LOT, product_trace_code="(01)08935049500568(10)NA-2025-01"),
        "$.product_trace_code",
    ),
    "vn.mps_draft_2026.event.import_document": lambda: (
        "event",
        IMPORT,
        drop(IMPORT, "business_transactions"),
        "$.business_transactions",
    ),
    "vn.mps_draft_2026.event.retail_invoice": lambda: (
        "event",
        RETAIL,
        drop(RETAIL, "business_transactions"),
        "$.business_transactions",
    ),
    "vn.mps_draft_2026.certificate.digital": lambda: (
        "certificate",
        CERTIFICATE,
        put(CERTIFICATE, digital=False),
        "$.digital",
    ),
    # --- FSMA 204
    "fsma204.product.description": lambda: ("product", PRODUCT, drop(PRODUCT, "name"), "$.name"),
    "fsma204.lot.tlc": lambda: ("lot", LOT, drop(LOT, "lot"), "$.lot"),
    "fsma204.event.tlc": lambda: (
        "event",
        SHIP,
        put(SHIP, product_trace_codes=["https://id.gs1.org/01/08935049500568/21/S1"]),
        "$.product_trace_codes",
    ),
    "fsma204.event.quantity": lambda: (
        "event",
        HARVEST,
        put(HARVEST, quantity={"value": 1200}),
        "$.quantity",
    ),
    "fsma204.event.location": lambda: (
        "event",
        HARVEST,
        drop(HARVEST, "location_trace_code"),
        "$.location_trace_code",
    ),
    "fsma204.event.date": lambda: ("event", RECEIVE, drop(RECEIVE, "event_time"), "$.event_time"),
    "fsma204.event.ship_to": lambda: ("event", SHIP, drop(SHIP, "destination"), "$.destination"),
    "fsma204.event.ship_from": lambda: ("event", RECEIVE, drop(RECEIVE, "source"), "$.source"),
    "fsma204.event.reference_document": lambda: (
        "event",
        PACK,
        drop(PACK, "business_transactions"),
        "$.business_transactions",
    ),
    "fsma204.event.inputs": lambda: (
        "event",
        PACK,
        put(PACK, inputs=[{"trace_code": "https://id.gs1.org/01/08935049500575"}]),
        "$.inputs[0]",
    ),
    # --- EPCIS 2.0
    "epcis2.document.schema": _schema_case,
    "epcis2.document.syntax": lambda: ("epcis", _epcis_doc(), b"<EPCISDocument", "$"),
    "epcis2.document.lint": lambda: (
        "epcis",
        _epcis_doc(),
        _epcis_doc(bizStep="https://ref.gs1.org/cbv/BizStep-shiping"),
        "$.epcisBody.eventList[0].bizStep",
    ),
    # --- nbc-v5 practice
    "nbc-v5.practice.organization_key": lambda: (
        "organization",
        drop(ORG, "tax_code"),
        drop(ORG, "tax_code", "gln"),
        "$.tax_code",
    ),
    "nbc-v5.practice.name": lambda: ("product", PRODUCT, drop(PRODUCT, "name"), "$.name"),
    "nbc-v5.practice.gtin": lambda: ("product", PRODUCT, drop(PRODUCT, "gtin"), "$.gtin"),
    "nbc-v5.practice.image_url": lambda: (
        "product",
        PRODUCT,
        put(PRODUCT, images=[{"content": "aGk=", "media_type": "image/jpeg"}]),
        "$.images",
    ),
    "nbc-v5.practice.net_quantity": lambda: (
        "product",
        PRODUCT,
        put(PRODUCT, net_quantity=0),
        "$.net_quantity",
    ),
    "nbc-v5.practice.unit": lambda: ("product", PRODUCT, drop(PRODUCT, "unit"), "$.unit"),
}

RULES = rules()


def _run(rule: Rule, kind: str, payload: Any) -> list[tuple[str, str]]:
    kwargs: dict[str, Any] = {"opt_in": {rule.opt_in} if rule.opt_in else set()}
    if kind not in ("dataset", "epcis"):
        kwargs["kind"] = kind
    if kind == "epcis":
        from tracelib.epcis.validate import SchemaSet

        kwargs["schemas"] = SchemaSet.from_directory(vectors.path("epcis"))
    report = check(payload, rule.profile, **kwargs)
    return [(f.rule, f.path) for f in report.findings]


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(r.code for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_passes(rule: Rule) -> None:
    kind, passing, _, _ = CASES[rule.code]()
    assert [code for code, _ in _run(rule, kind, passing) if code == rule.code] == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_fails(rule: Rule) -> None:
    kind, _, failing, path = CASES[rule.code]()
    assert (rule.code, path) in _run(rule, kind, failing)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_metadata(rule: Rule) -> None:
    assert (rule.label_vi and rule.label_en and rule.label_vi != rule.label_en) or (
        rule.label_en == "GTIN"
    )
    assert rule.message_vi != rule.message_en
    assert rule.source
    assert rule.checks
    if rule.evidence in ("D-law", "D-2nd"):
        assert rule.severity == "error"
        assert not rule.code.startswith("nbc-v5.")
    if rule.evidence == "OBS":
        assert rule.profile == "nbc-v5"
    if rule.evidence == "INF":
        assert rule.opt_in == "INF"
        assert rule.severity == "warning"
    if rule.evidence == "DRAFT":
        assert rule.profile == "vn.mps_draft_2026"


def test_opt_in_rules_do_not_run_by_default() -> None:
    record = put(LOT, product_trace_code="CAM-NA-2025-01")
    assert "vn.tt02_2024.lot.format" not in {
        f.rule for f in check(record, "vn.tt02_2024", kind="lot").findings
    }
    report = check(record, "vn.tt02_2024", kind="lot", opt_in="vn.tt02_2024.lot.format")
    [finding] = report.findings
    assert finding.rule == "vn.tt02_2024.lot.format"
    assert finding.severity == "warning"
    assert report.ok
