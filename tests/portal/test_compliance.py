"""tracelib.portal.compliance: P-1, one step back / one step forward, FSMA 204, reports, inputs."""

from __future__ import annotations

import json

import pytest

from tests import vectors
from tests.portal import fixtures
from tests.portal.test_compliance_data import (
    GTIN,
    LOT,
    PACK,
    PRODUCT,
    RECEIVE,
    SHIP,
    dataset,
    drop,
    put,
)
from tracelib.errors import InputError, TracelibError
from tracelib.portal import models
from tracelib.portal.compliance import (
    PROFILES,
    ComplianceReport,
    Finding,
    check,
    get_profile,
    rules,
)
from tracelib.portal.errors import ValidationError


def codes(report: ComplianceReport) -> list[str]:
    return [f.rule for f in report.findings]


# --- P-1 ----------------------------------------------------------------------------------


def test_p1_product_without_images_fails_tt02_with_both_labels() -> None:
    product = models.Product.parse(drop(PRODUCT, "images"))
    report = check(product, "vn.tt02_2024")
    assert not report.ok
    [finding] = report.findings
    assert finding.rule == "vn.tt02_2024.product.images"
    assert finding.path == "$.images"
    assert finding.severity == "error"
    assert finding.label_vi == "Hình ảnh sản phẩm, hàng hóa"
    assert finding.label_en == "Product images"
    assert "ảnh" in finding.message_vi
    assert "image" in finding.message_en
    assert finding.source == "TT 02/2024/TT-BKHCN Art. 6 §5b"


def test_p1_product_without_origin_passes_tt02_fails_nd37() -> None:
    product = models.Product.parse(drop(PRODUCT, "origin_country", "origin_place"))
    assert check(product, "vn.tt02_2024").ok
    report = check(product, "vn.nd37_2026")
    assert codes(report) == ["vn.nd37_2026.product.origin"]
    assert report.findings[0].label_vi == "Xuất xứ"


def test_p1_high_risk_lot_without_serials_fails_mps_draft() -> None:
    data = models.Dataset(
        products=(models.Product.parse(put(PRODUCT, high_risk=True)),),
        lots=(models.Lot.parse(LOT),),
    )
    report = check(data, "vn.mps_draft_2026")
    assert ("vn.mps_draft_2026.lot.serials", "$.lots[0].serials") in [
        (f.rule, f.path) for f in report.findings
    ]
    assert check(data, "vn.nd37_2026").ok  # the draft's rule only
    serialised = models.Dataset(
        products=data.products, lots=(models.Lot.parse(put(LOT, serials=["0001", "0002"])),)
    )
    assert "vn.mps_draft_2026.lot.serials" not in codes(check(serialised, "vn.mps_draft_2026"))
    ordinary = models.Dataset(products=(models.Product.parse(PRODUCT),), lots=data.lots)
    assert "vn.mps_draft_2026.lot.serials" not in codes(check(ordinary, "vn.mps_draft_2026"))


def test_vietnamese_keys_give_english_paths() -> None:
    vi = models.Product.parse(drop(PRODUCT, "images")).dump("vi")
    assert "ten_san_pham" in vi
    report = check(vi, "vn.tt02_2024", kind="product")
    assert [(f.rule, f.path) for f in report.findings] == [
        ("vn.tt02_2024.product.images", "$.images")
    ]
    ds = models.Dataset.parse(dataset(products=[drop(PRODUCT, "images")])).dump("vi")
    assert "san_pham" in ds
    assert [(f.rule, f.path) for f in check(ds, "vn.tt02_2024").findings] == [
        ("vn.tt02_2024.product.images", "$.products[0].images")
    ]


# --- one step back, one step forward (TT02 Art. 6 §1a) --------------------------------------


@pytest.mark.parametrize("stage", ["van_chuyen", "xuat_khau", "nhan_hang", "dai_ly", "nhap_khau"])
@pytest.mark.parametrize("side", ["source", "destination"])
def test_transfers_name_source_and_destination(stage: str, side: str) -> None:
    event = put(drop(SHIP, side), stage=stage)
    found = [(f.rule, f.path) for f in check(event, "vn.tt02_2024", kind="event").findings]
    assert found == [(f"vn.tt02_2024.event.{side}", f"$.{side}")]
    assert check(put(SHIP, stage=stage), "vn.tt02_2024", kind="event").ok


@pytest.mark.parametrize("stage", ["thu_hoach", "kho_tong", "cua_hang", "ban_le", "kiem_tra"])
def test_other_stages_need_no_transfer_parties(stage: str) -> None:
    event = put(drop(SHIP, "source", "destination"), stage=stage)
    assert check(event, "vn.tt02_2024", kind="event").ok


def test_transfer_stages_agree_with_the_models_biz_steps() -> None:
    from tracelib.portal._rules_gs1 import RECEIVE_STAGES, SHIP_STAGES

    for stage, step in models.STAGE_BIZ_STEPS.items():
        assert (stage in SHIP_STAGES) == (step in ("shipping", "departing")), stage
        assert (stage in RECEIVE_STAGES) == (step in ("receiving", "arriving")), stage


def test_transformation_needs_inputs() -> None:
    event = models.TraceEvent.parse(drop(PACK, "inputs"))
    report = check(event, "vn.tt02_2024")
    assert [(f.rule, f.path) for f in report.findings] == [
        ("vn.tt02_2024.event.inputs", "$.inputs")
    ]
    assert "một bước trước" in report.findings[0].message_vi
    assert check(models.TraceEvent.parse(PACK), "vn.tt02_2024").ok


def test_fixture_dataset_meets_tt02_and_nd37() -> None:
    for name in ("vn.tt02_2024", "vn.nd37_2026"):
        assert check(fixtures.dataset(), name).findings == (), name


# --- FSMA 204 -----------------------------------------------------------------------------


def test_fsma_shipping_kdes_with_traceability_lot_code() -> None:
    bare = {"event_type": "object", "stage": "van_chuyen"}
    report = check(bare, "fsma204", kind="event")
    assert codes(report) == [
        "fsma204.event.reference_document",
        "fsma204.event.ship_to",
        "fsma204.event.date",
        "fsma204.event.location",
        "fsma204.event.tlc",
        "fsma204.event.quantity",
    ]
    assert {f.path for f in report.findings} == {
        "$.business_transactions",
        "$.destination",
        "$.event_time",
        "$.location_trace_code",
        "$.product_trace_codes",
        "$.quantity",
    }
    assert "1.1340" in report.findings[1].message_en
    assert check(SHIP, "fsma204", kind="event").ok


def test_fsma_tlc_needs_a_lot_not_a_serial() -> None:
    serial = put(SHIP, product_trace_codes=[f"https://id.gs1.org/01/{GTIN}/21/0001"])
    assert codes(check(serial, "fsma204", kind="event")) == ["fsma204.event.tlc"]
    epc_class = put(SHIP, product_trace_codes=["urn:epc:class:lgtin:893504950.0056.NA-2025-01"])
    assert check(epc_class, "fsma204", kind="event").ok


def test_fsma_receiving_needs_previous_source_and_transformation_inputs_tlc() -> None:
    assert codes(check(drop(RECEIVE, "source"), "fsma204", kind="event")) == [
        "fsma204.event.ship_from"
    ]
    no_tlc = put(PACK, inputs=[{"trace_code": f"https://id.gs1.org/01/{GTIN}/21/7"}])
    assert [(f.rule, f.path) for f in check(no_tlc, "fsma204", kind="event").findings] == [
        ("fsma204.event.inputs", "$.inputs[0]")
    ]


def test_fsma_cte_from_extensions_and_non_ctes() -> None:
    cooling = {"stage": "khac", "extensions": {"cte": "cooling"}}
    assert "fsma204.event.date" in codes(check(cooling, "fsma204", kind="event"))
    assert check({"stage": "kho_tong"}, "fsma204", kind="event").ok


# --- EPCIS documents ------------------------------------------------------------------------


def test_epcis2_without_schemas_says_so() -> None:
    data = vectors.path("epcis/JSON/Example_9.6.1-ObjectEvent.jsonld").read_bytes()
    report = check(data, "epcis2")
    [finding] = report.findings
    assert finding.rule == "epcis2.document.schema"
    assert finding.severity == "warning"
    assert "NOT done" in finding.message_en
    assert "EPCIS_SCHEMA_UNAVAILABLE" in finding.message_en
    assert report.ok  # nothing invalid was found, and the report says what was not checked


def test_epcis2_without_schemas_on_a_dataset_says_so_once() -> None:
    report = check(fixtures.dataset(), "epcis2")
    unavailable = [f for f in report.findings if "EPCIS_SCHEMA_UNAVAILABLE" in f.message_en]
    assert [(f.rule, f.path, f.severity) for f in unavailable] == [
        ("epcis2.document.schema", "$", "warning")
    ]


def test_epcis2_with_schemas_on_models_and_datasets() -> None:
    from tracelib.epcis.validate import SchemaSet

    schemas = SchemaSet.from_directory(vectors.path("epcis"))
    report = check(fixtures.dataset(), "epcis2", schemas=schemas)
    assert [f for f in report.findings if f.is_error] == []
    event = fixtures.events()[3]
    assert check(event, "epcis2", schemas=schemas).ok
    with pytest.raises(InputError) as err:
        check(event, "epcis2", schemas=42)
    assert err.value.code == "PORTAL_INVALID_VALUE"


def test_epcis_document_under_vn_profiles() -> None:
    doc = models.Dataset(events=fixtures.events()[3:5])
    from tracelib.epcis.models import EPCISDocument

    when = "2025-01-13T00:00:00+07:00"
    epcis_doc = EPCISDocument.create([e.to_epcis() for e in doc.events], creation_date=when)
    assert check(epcis_doc, "vn.tt02_2024").ok
    text = epcis_doc.to_jsonld()
    assert check(text, "vn.tt02_2024").ok
    shipped = fixtures.events()[3].model_copy(update={"destination": None})
    lossy = EPCISDocument.create([shipped.to_epcis()], creation_date=when)
    report = check(lossy, "vn.tt02_2024")
    assert [(f.rule, f.path) for f in report.findings] == [
        ("vn.tt02_2024.event.destination", "$.events[0].destination")
    ]


# --- the report ---------------------------------------------------------------------------


def _failing() -> ComplianceReport:
    return check(dataset(products=[drop(PRODUCT, "images", "name")]), "vn.tt02_2024")


def test_report_json_text_and_html() -> None:
    report = _failing()
    data = json.loads(report.to_json())
    assert data["ok"] is False
    assert data["profile"] == "vn.tt02_2024"
    assert data["counts"] == {"error": 2, "info": 0, "warning": 0}
    assert [f["rule"] for f in data["findings"]] == [
        "vn.tt02_2024.product.images",
        "vn.tt02_2024.product.name",
    ]
    assert report.to_json() == _failing().to_json()
    vi, en = report.to_text("vi"), report.to_text("en")
    assert vi.startswith("vn.tt02_2024: 2 LỖI")
    assert "Thiếu tên sản phẩm" in vi
    assert en.startswith("vn.tt02_2024: 2 ERROR")
    assert "The product name is missing" in en
    html = report._repr_html_()
    assert html.count("<tr>") == 3
    assert "$.products[0].images" in html
    hostile = Finding("r", "$", "error", "<script>", "x", "x", "x", "x")
    assert "<script>" not in ComplianceReport("p", (hostile,))._repr_html_()
    assert check(dataset(), "vn.tt02_2024").to_text() == "vn.tt02_2024: OK\n"
    with pytest.raises(InputError):
        report.to_text("fr")  # type: ignore[arg-type]


def test_raise_for_errors() -> None:
    report = _failing()
    with pytest.raises(ValidationError) as err:
        report.raise_for_errors()
    assert err.value.code == "PORTAL_VALIDATION"
    assert err.value.path == "$.products[0].images"
    assert [f.rule for f in err.value.findings] == [f.rule for f in report.findings]
    assert isinstance(err.value, ValueError)
    ok = check(dataset(), "vn.tt02_2024")
    assert ok.raise_for_errors() is ok


def test_findings_sort_by_numeric_index() -> None:
    products = [drop(PRODUCT, "images") for _ in range(12)]
    paths = [f.path for f in check(dataset(products=products), "vn.tt02_2024").findings]
    assert paths == [f"$.products[{i}].images" for i in range(12)]


# --- profiles and bad input -----------------------------------------------------------------


def test_profiles_compose() -> None:
    tt02, nd37, mps = (
        get_profile(n) for n in ("vn.tt02_2024", "vn.nd37_2026", "vn.mps_draft_2026")
    )
    assert nd37.rules[: len(tt02.rules)] == tt02.rules
    assert mps.rules[: len(nd37.rules)] == nd37.rules
    assert tt02.update_window is None
    assert mps.update_window is not None
    assert get_profile(mps) is mps
    assert set(PROFILES) == {
        "vn.tt02_2024",
        "vn.nd37_2026",
        "vn.mps_draft_2026",
        "fsma204",
        "epcis2",
        "nbc-v5",
    }
    assert all(r.profile == "nbc-v5" for r in rules("nbc-v5"))
    assert check(PRODUCT, get_profile("nbc-v5"), kind="product").ok


@pytest.mark.parametrize(
    "payload",
    [
        None,
        3,
        2.5,
        "",
        b"",
        "[]",
        b"{",
        "{}",
        [],
        (),
        {"x": 1},
        {"products": 3},
        {"products": [1]},
        {"products": [], "bogus": []},
        object(),
        b"\xff\xfe",
        "nope",
    ],
)
def test_bad_payloads_raise_tracelib_errors(payload: object) -> None:
    with pytest.raises(TracelibError) as err:
        check(payload, "vn.tt02_2024")
    assert isinstance(err.value, InputError)
    assert err.value.code.startswith(("PORTAL_", "EPCIS_"))


def test_bad_arguments() -> None:
    with pytest.raises(InputError) as err:
        check(PRODUCT, "vn.tt03")
    assert err.value.code == "PORTAL_UNKNOWN_PROFILE"
    with pytest.raises(InputError):
        check(PRODUCT, "vn.tt02_2024", kind="widget")
    with pytest.raises(InputError):
        check(PRODUCT, "vn.tt02_2024", opt_in=[1])  # type: ignore[list-item]
    with pytest.raises(InputError):
        check(PRODUCT, "vn.tt02_2024", opt_in=5)  # type: ignore[arg-type]


def test_wrongly_typed_values_are_findings_not_crashes() -> None:
    odd = {"name": 5, "images": "x", "gtin": 8935049500568, "standards_applied": {}, "carrier": 3}
    report = check(odd, "vn.tt02_2024", kind="product")
    assert set(codes(report)) == {
        "vn.tt02_2024.product.images",
        "vn.tt02_2024.product.standards_applied",
        "vn.tt02_2024.product.gtin",
        "vn.tt02_2024.product.carrier",
    }


def test_finding_is_a_value() -> None:
    f = check(drop(PRODUCT, "images"), "vn.tt02_2024", kind="product").findings[0]
    assert isinstance(f, Finding)
    assert hash(f) == hash(Finding(**f.to_dict()))  # type: ignore[arg-type]
