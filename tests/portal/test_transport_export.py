"""P-9: the export bundle: manifest hashes, deterministic sorted CSV, re-import."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracelib import epcis
from tracelib.portal.drivers import CallableChannel, run_sync
from tracelib.portal.errors import PortalError
from tracelib.portal.models import (
    Location,
    Media,
    Organization,
    Product,
    TraceEvent,
)
from tracelib.portal.transport import Item, Response
from tracelib.portal.transports._export_csv import COLUMNS
from tracelib.portal.transports.export import ExportTransport

NO_NETWORK = CallableChannel(lambda request: Response(599))
LOC_FARM, LOC_PACK, LOC_SHOP = "8935049500018", "8935049500025", "8935049500032"


def _events() -> list[TraceEvent]:
    plan = [
        ("thu_hoach", "2025-01-10T07:00:00+07:00", LOC_FARM, "L1"),
        ("che_bien_dong_goi", "2025-01-11T08:00:00+07:00", LOC_PACK, "L1"),
        ("van_chuyen", "2025-01-12T09:00:00+07:00", LOC_PACK, "L1"),
        ("thu_hoach", "2025-01-10T06:00:00+07:00", LOC_FARM, "L2"),
        ("van_chuyen", "2025-01-12T01:00:00Z", LOC_PACK, "L2"),
        ("ban_le", "2025-01-13T10:00:00+07:00", LOC_SHOP, "L1"),
    ]
    out = []
    for stage, when, gln, lot in plan:
        te = TraceEvent(
            stage=stage,
            event_time=when,
            location_trace_code=gln,
            product_trace_codes=[f"https://id.gs1.org/01/08935049500568/10/{lot}"],
        )
        out.append(TraceEvent.parse(te.model_copy(update={"event_id": te.internal_id()}).dump()))
    return out


def sample() -> dict[str, list[object]]:
    return {
        "organization": [Organization(name="HTX Cam Xã Đoài", tax_code="2900123456")],
        "product": [
            Product(
                name="Cam Vinh",
                gtin="8935049500568",
                images=[Media(url="https://example.vn/cam.jpg")],
            ),
            Product(
                name="Bưởi Phúc Trạch",
                gtin="8935049500575",
                images=[Media(url="https://example.vn/buoi.jpg")],
            ),
        ],
        "location": [
            Location(
                location_trace_code=code,
                name=name,
                location_type=kind,
                address="Nghi Lộc, Nghệ An",
                province_code="40",
                ward_code="17",
            )
            for code, name, kind in (
                (LOC_FARM, "Vùng trồng Xã Đoài", "vung_trong"),
                (LOC_PACK, "Cơ sở đóng gói", "co_so_che_bien"),
                (LOC_SHOP, "Cửa hàng Vinh", "cua_hang"),
            )
        ],
        "media": [Media.from_bytes(b"\x89PNG\r\n\x1a\nfake", media_type="image/png")],
        "event": list(_events()),
    }


def items_of(models: dict[str, list[object]]) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = {}
    for entity, values in models.items():
        rows = []
        for model in values:
            if entity == "event":
                assert isinstance(model, TraceEvent)
                body = epcis.to_jsonld(model.to_epcis()).encode()
                rows.append(Item("event", model.internal_id(), body, lane="lot"))
            else:
                rows.append(Item(entity, model.internal_id(), model.canonical_json()))  # type: ignore[attr-defined, arg-type]
        out[entity] = rows
    return out


def export(out: Path, items: dict[str, list[Item]], *, batch: int = 100) -> ExportTransport:
    transport = ExportTransport(out)
    for entity, rows in items.items():
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            done = run_sync(transport.send(entity, chunk), NO_NETWORK)  # type: ignore[arg-type]
            assert [o.state for o in done] == ["CONFIRMED"] * len(chunk)
    return transport


def files_of(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_manifest_hashes_match_every_file(tmp_path: Path) -> None:
    export(tmp_path, items_of(sample()))
    manifest = json.loads((tmp_path / "manifest.json").read_bytes())
    files = files_of(tmp_path)
    listed = manifest["files"]
    assert set(listed) == set(files) - {"manifest.json"}
    for rel, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[rel]).hexdigest()
        assert entry["bytes"] == len(files[rel])
    assert manifest["counts"] == {
        "event": 6,
        "location": 3,
        "media": 1,
        "organization": 1,
        "product": 2,
    }
    assert any(rel.startswith("media/") and rel.endswith(".png") for rel in listed)
    assert ExportTransport.verify(tmp_path) == {k: v["sha256"] for k, v in listed.items()}


def test_csv_is_sorted_and_complete(tmp_path: Path) -> None:
    export(tmp_path, items_of(sample()))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "fsma204.csv").read_text("utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 6
    keys = [(r["traceability_lot_code"], r["event_time"]) for r in rows]
    assert keys == sorted(keys)
    assert {r["traceability_lot_code"] for r in rows} == {"08935049500568.L1", "08935049500568.L2"}
    ship = [r for r in rows if r["cte"] == "shipping"]
    assert len(ship) == 2
    assert all(r["location"].endswith(LOC_PACK) for r in ship)
    document = json.loads((tmp_path / "epcis" / "events.jsonld").read_bytes())
    times = [e["eventTime"] for e in document["epcisBody"]["eventList"]]
    assert len(times) == 6
    assert all("@context" not in e for e in document["epcisBody"]["eventList"])
    assert isinstance(
        epcis.parse((tmp_path / "epcis" / "events.jsonld").read_bytes()), epcis.EPCISDocument
    )


def test_bytes_are_deterministic_across_runs_orders_and_batches(tmp_path: Path) -> None:
    items = items_of(sample())
    export(tmp_path / "a", items, batch=100)
    shuffled = {k: list(reversed(v)) for k, v in reversed(list(items.items()))}
    export(tmp_path / "b", shuffled, batch=1)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_property_order_and_batch_invariance(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    events = items_of({"event": list(_events())})["event"]
    order = data.draw(st.permutations(events))
    batch = data.draw(st.integers(min_value=1, max_value=6))
    one, two = tmp_path_factory.mktemp("one"), tmp_path_factory.mktemp("two")
    export(one, {"event": events})
    export(two, {"event": list(order)}, batch=batch)
    assert files_of(one) == files_of(two)


def test_reimport_gives_equal_models(tmp_path: Path) -> None:
    models = sample()
    export(tmp_path, items_of(models))
    dataset = ExportTransport.read(tmp_path)
    assert sorted(dataset.organizations, key=repr) == sorted(models["organization"], key=repr)
    assert sorted(dataset.products, key=repr) == sorted(models["product"], key=repr)
    assert sorted(dataset.locations, key=repr) == sorted(models["location"], key=repr)
    assert list(dataset.media) == models["media"]
    by_id = {e.event_id: e for e in dataset.events}
    assert by_id == {e.event_id: e for e in models["event"]}  # type: ignore[attr-defined]


def test_resuming_a_bundle_gives_the_same_bundle(tmp_path: Path) -> None:
    items = items_of(sample())
    export(tmp_path / "once", items)
    first = {k: v[:2] for k, v in items.items()}
    rest = {k: v[2:] for k, v in items.items()}
    export(tmp_path / "twice", first)
    resumed = export(tmp_path / "twice", rest)
    assert files_of(tmp_path / "once") == files_of(tmp_path / "twice")
    found = run_sync(resumed.lookup("event", items["event"]), NO_NETWORK)
    assert set(found) == {i.id for i in items["event"]}
    product = items["product"][0]
    assert set(run_sync(resumed.lookup("product", [product]), NO_NETWORK)) == {product.id}


def test_tampering_is_detected(tmp_path: Path) -> None:
    export(tmp_path, items_of(sample()))
    path = tmp_path / "fsma204.csv"
    data = bytearray(path.read_bytes())
    data[-2] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(PortalError) as info:
        ExportTransport.read(tmp_path)
    assert info.value.code == "PORTAL_EXPORT_CORRUPT"
    (tmp_path / "fsma204.csv").unlink()
    with pytest.raises(PortalError, match="missing"):
        ExportTransport.verify(tmp_path)


def test_bad_items_fail_alone(tmp_path: Path) -> None:
    transport = ExportTransport(tmp_path)
    good = items_of({"event": _events()[:1]})["event"][0]
    wrong_id = Item("event", "urn:uuid:other", good.body)
    done = run_sync(
        transport.send("event", [Item("event", "x", b"nope"), wrong_id, good]), NO_NETWORK
    )
    assert [o.state for o in done] == ["FAILED", "FAILED", "CONFIRMED"]
    assert done[1].error is not None
    assert "is not the item id" in done[1].error
    confirmed = run_sync(transport.confirm("event", done), NO_NETWORK)
    assert confirmed == done
