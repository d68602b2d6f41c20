"""tracelib.portal.coverage: shares of products and lots meeting the minimum, by group."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.portal import fixtures
from tests.portal.test_compliance_data import (
    CERTIFICATE,
    GTIN,
    GTIN_RAW,
    LOT,
    PRODUCT,
    SHIP,
    dataset,
    drop,
    put,
)
from tracelib.errors import InputError
from tracelib.portal import models
from tracelib.portal.compliance import check
from tracelib.portal.coverage import CoverageReport, coverage

HONEY_GTIN = "08935049500582"


def _review_set() -> dict[str, Any]:
    """Oranges (OCOP 4, GI), orange juice (no image) and honey (GI, no standards)."""
    juice = put(drop(PRODUCT, "images"), name="Nước cam", gtin=GTIN_RAW, category="do-uong")
    honey = put(
        drop(PRODUCT, "standards_applied"), name="Mật ong", gtin=HONEY_GTIN, category="mat-ong"
    )
    juice_lot = put(LOT, gtin=GTIN_RAW, product_trace_code=None)
    juice_lot.pop("product_trace_code")
    certificates = [
        put(CERTIFICATE, type="ocop", number="OCOP-1", subject=GTIN, ocop_stars=4, scope="product"),
        put(CERTIFICATE, type="gi", number="GI-1", subject=GTIN, scope="product"),
        put(CERTIFICATE, type="gi", number="GI-2", subject=f"(01){HONEY_GTIN}(10)X", scope="lot"),
    ]
    bad_ship = put(
        drop(SHIP, "destination"),
        product_trace_codes=[f"https://id.gs1.org/01/{GTIN_RAW}/10/NA-2025-01"],
    )
    return dataset(
        products=[PRODUCT, juice, honey],
        lots=[LOT, juice_lot],
        events=[SHIP, bad_ship],
        certificates=certificates,
    )


def _groups(report: CoverageReport) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    return {
        (g.dimension, g.group): (g.products, g.products_ok, g.lots, g.lots_ok)
        for g in report.groups
    }


def test_shares_and_groups() -> None:
    report = coverage(_review_set(), "vn.tt02_2024")
    assert (report.products_ok, report.products_total) == (1, 3)
    assert (report.lots_ok, report.lots_total) == (1, 2)
    assert report.share("products") == 0.3333
    assert report.share("lots") == 0.5
    assert _groups(report) == {
        ("all", "all"): (3, 1, 2, 1),
        ("category", "do-uong"): (1, 0, 1, 0),
        ("category", "mat-ong"): (1, 0, 0, 0),
        ("category", "trai_cay_tuoi"): (1, 1, 1, 1),
        ("ocop", "-"): (2, 0, 1, 0),
        ("ocop", "ocop-4"): (1, 1, 1, 1),
        ("gi", "-"): (1, 0, 1, 0),
        ("gi", "gi"): (2, 1, 1, 1),
    }
    assert [g.dimension for g in report.groups][:2] == ["all", "category"]
    assert repr(report) == "CoverageReport('vn.tt02_2024', products=1/3, lots=1/2)"


def test_failing_items_name_rules_and_places() -> None:
    report = coverage(_review_set(), "vn.tt02_2024")
    failing = {(i.kind, i.key): (i.rules, i.paths) for i in report.failing}
    assert failing == {
        ("product", GTIN_RAW): (("vn.tt02_2024.product.images",), ("$.products[1].images",)),
        ("product", HONEY_GTIN): (
            ("vn.tt02_2024.product.standards_applied",),
            ("$.products[2].standards_applied",),
        ),
        ("lot", f"(01){GTIN_RAW}(10)NA-2025-01"): (
            ("vn.tt02_2024.event.destination",),
            ("$.events[1].destination",),
        ),
    }
    assert all(i.ok for i in report.items if (i.kind, i.key) not in failing)


def test_profile_changes_the_minimum() -> None:
    ds = _review_set()
    ds["products"][0] = drop(PRODUCT, "origin_country", "origin_place")
    assert coverage(ds, "vn.tt02_2024").products_ok == 1
    nd37 = coverage(ds, "vn.nd37_2026")
    assert nd37.products_ok == 0
    assert "vn.nd37_2026.product.origin" in nd37.items[0].rules


def test_json_and_csv_are_deterministic_and_sorted() -> None:
    report = coverage(_review_set(), "vn.tt02_2024")
    data = json.loads(report.to_json())
    assert data["summary"] == {
        "dimension": "all",
        "group": "all",
        "products": 3,
        "products_ok": 1,
        "products_share": 0.3333,
        "lots": 2,
        "lots_ok": 1,
        "lots_share": 0.5,
    }
    assert [f["key"] for f in data["failing"]] == [
        GTIN_RAW,
        HONEY_GTIN,
        f"(01){GTIN_RAW}(10)NA-2025-01",
    ]
    assert report.to_json() == coverage(_review_set(), "vn.tt02_2024").to_json()
    groups = list(csv.reader(io.StringIO(report.to_csv())))
    assert groups[0] == [
        "dimension",
        "group",
        "products",
        "products_ok",
        "products_share",
        "lots",
        "lots_ok",
        "lots_share",
    ]
    assert groups[1] == ["all", "all", "3", "1", "0.3333", "2", "1", "0.5"]
    assert groups[3][1:] == ["mat-ong", "1", "0", "0.0", "0", "0", ""]
    body = groups[1:]
    order = {"all": 0, "category": 1, "ocop": 2, "gi": 3}
    assert body == sorted(body, key=lambda r: (order[r[0]], r[1]))
    items = list(csv.reader(io.StringIO(report.to_csv("items"))))
    assert items[0][:2] == ["kind", "key"]
    assert len(items) == 6
    keys = [(r[0] != "product", r[1]) for r in items[1:]]
    assert keys == sorted(keys)
    assert items[2][7:] == ["false", "vn.tt02_2024.product.images", "$.products[1].images"]
    assert "\r" not in report.to_csv("items")
    with pytest.raises(InputError):
        report.to_csv("rows")  # type: ignore[arg-type]


def test_group_csv_does_not_depend_on_input_order() -> None:
    ds = _review_set()
    first = coverage(ds, "vn.tt02_2024")
    rnd = random.Random(7)
    for _ in range(5):
        shuffled = {k: rnd.sample(v, len(v)) for k, v in ds.items()}
        again = coverage(shuffled, "vn.tt02_2024")
        assert again.to_csv() == first.to_csv()
        assert [(i.kind, i.key, i.rules) for i in again.items] == [
            (i.kind, i.key, i.rules) for i in first.items
        ]


def test_html_table() -> None:
    report = coverage(_review_set(), "vn.tt02_2024")
    html = report._repr_html_()
    assert html.count("<table>") == 2
    assert "33%" in html
    assert "mat-ong" in html
    assert "$.events[1].destination" in html
    clean = coverage(dataset(), "vn.tt02_2024")._repr_html_()
    assert clean.count("<table>") == 1
    assert "100%" in clean
    hostile = dataset(products=[put(PRODUCT, category="<b>x</b>")])
    assert "<b>x</b>" not in coverage(hostile, "vn.tt02_2024")._repr_html_()


def test_models_vietnamese_keys_and_epcis() -> None:
    ds = fixtures.dataset()
    report = coverage(ds, "vn.tt02_2024")
    assert (report.products_ok, report.lots_ok) == (2, 2)
    assert _groups(report)[("ocop", "ocop-4")] == (1, 1, 1, 1)
    assert coverage(ds.dump("vi"), "vn.tt02_2024").to_json() == report.to_json()
    from tracelib.epcis.models import EPCISDocument

    doc = EPCISDocument.create(
        [fixtures.events()[3].to_epcis()], creation_date="2025-01-13T00:00:00+07:00"
    )
    assert coverage(doc, "vn.tt02_2024").lots_total == 0


def test_single_records_are_refused() -> None:
    with pytest.raises(InputError) as err:
        coverage(PRODUCT, "vn.tt02_2024")
    assert err.value.code in ("PORTAL_NOT_A_DATASET", "PORTAL_UNKNOWN_PAYLOAD")
    with pytest.raises(InputError) as err:
        coverage(models.Product.parse(PRODUCT), "vn.tt02_2024")
    assert err.value.code == "PORTAL_NOT_A_DATASET"


@settings(max_examples=30)
@given(fixtures.st_dataset(), st.sampled_from(["vn.tt02_2024", "vn.nd37_2026", "fsma204"]))
def test_counts_are_consistent(ds: models.Dataset, profile: str) -> None:
    report = coverage(ds, profile)
    assert report.products_total == len(ds.products)
    assert report.lots_total == len(ds.lots)
    for dimension in ("category", "ocop", "gi"):
        rows = [g for g in report.groups if g.dimension == dimension]
        assert sum(g.products for g in rows) == report.products_total
        assert sum(g.lots_ok for g in rows) == report.lots_ok
    for share in (report.share("products"), report.share("lots")):
        assert share is None or 0 <= share <= 1
    errors = {f.path for f in check(ds, profile).errors}
    for item in report.items:
        if item.kind == "product":
            assert item.ok == (
                not any(p.startswith(item.path + ".") or p == item.path for p in errors)
            )
    assert json.loads(report.to_json())["summary"]["products"] == len(ds.products)
