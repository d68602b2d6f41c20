"""TraceEvent ↔ EPCIS 2.0 and Dataset.from_epcis: valid events, hash IDs, nothing lost silently."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from tests import vectors
from tests.portal import fixtures
from tracelib import epcis
from tracelib.epcis.models import (
    AssociationEvent,
    EPCISDocument,
    ObjectEvent,
    TransactionEvent,
    document_from_dict,
)
from tracelib.epcis.validate import SchemaSet
from tracelib.errors import InputError, LossyConversionWarning
from tracelib.portal import _models_epcis
from tracelib.portal.errors import IdentifierError
from tracelib.portal.models import STAGE_BIZ_STEPS, Dataset, TraceEvent

T = "2025-01-12T06:00:00.000+07:00"


def strict(fn: Any, *args: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args)


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return SchemaSet.from_directory(vectors.path("epcis"))


@pytest.mark.conformance
def test_fixture_events_validate_against_the_epcis_schemas(schemas: SchemaSet) -> None:
    events = [e.to_epcis() for e in fixtures.events()]
    doc = EPCISDocument.create(events, creation_date="2025-01-16T00:00:00+07:00")
    for data in (doc, doc.to_jsonld()):
        found = epcis.validate(data, schemas=schemas)
        assert [f for f in found if f.severity != "info"] == [], found
    # XML: valid; the codec keeps JSON-LD's bare CBV words, which XML readers are warned about
    found = epcis.validate(doc.to_xml(), schemas=schemas)
    assert [f for f in found if f.is_error] == []
    assert {f.code for f in found if f.severity == "warning"} <= {"EPCIS_CBV_FORM"}


def test_mapping_of_the_fixture_events() -> None:
    harvest, pack, juice, ship, receive, sale = (e.to_epcis() for e in fixtures.events())
    assert (harvest.type, harvest.action, harvest.biz_step) == (
        "ObjectEvent",
        "ADD",
        "commissioning",
    )
    assert harvest.quantity_list[0].epc_class == fixtures.ORANGE_LOT_CODE
    assert str(harvest.quantity_list[0].quantity) == "1200"
    assert harvest.read_point is not None
    assert harvest.biz_location is not None
    assert (
        harvest.read_point.id == harvest.biz_location.id == "https://id.gs1.org/414/8930123450012"
    )
    assert (pack.type, pack.parent_id) == (
        "AggregationEvent",
        f"https://id.gs1.org/00/{fixtures.SSCC_PALLET}",
    )
    assert juice.type == "TransformationEvent"
    assert [q.epc_class for q in juice.output_quantity_list] == [fixtures.JUICE_LOT_CODE]
    assert [(s.type, s.value) for s in ship.source_list] == [
        ("owning_party", f"https://id.gs1.org/417/{fixtures.ORG_GLN}"),
        ("location", f"https://id.gs1.org/414/{fixtures.PACKING_GLN}"),
    ]
    assert ship.biz_transaction_list[0].value == "urn:tracelib:bt:PGH-2025-0112"
    assert receive.biz_step == "receiving"
    assert sale.epc_list == (f"{fixtures.ORANGE_LOT_CODE}/21/0001",)
    assert sale.biz_transaction_list[0].value == "urn:tracelib:bt:HD%200001234"
    for stage, step in STAGE_BIZ_STEPS.items():
        assert step in {m.value for m in epcis.cbv.BizStep}, stage


def test_hash_ids_are_the_internal_ids_and_change_with_content() -> None:
    ev = fixtures.events()[3]
    assert ev.internal_id() == ev.to_epcis().hash_id()
    other = ev.model_copy(update={"extensions": {"bien_so_xe": "37C-999.99"}})
    assert other.internal_id() != ev.internal_id()
    jsonld: Any = epcis.parse(ev.to_epcis().to_jsonld())
    assert jsonld.hash_id() == ev.internal_id()


def test_fixture_events_round_trip_exactly() -> None:
    for ev in fixtures.events():
        assert strict(TraceEvent.from_epcis, ev.to_epcis()) == ev


def test_foreign_event_with_urns_reads_without_loss() -> None:
    event = ObjectEvent.create(
        T,
        action="OBSERVE",
        biz_step="urn:epcglobal:cbv:bizstep:shipping",
        epcs=["urn:epc:id:sgtin:8935049.050056.1001"],
        read_point="urn:epc:id:sgln:8935049.50000.0",
        biz_location="urn:epc:id:sgln:8935049.50000.0",
        sources=[("owning_party", "urn:epc:id:pgln:8935049.50000")],
        destinations=[("location", "urn:epc:id:sgln:8935049.50001.0")],
        biz_transactions=[("urn:epcglobal:cbv:btt:inv", "urn:epc:id:gdti:8935049.00001.INV9")],
    )
    te = strict(TraceEvent.from_epcis, event)
    assert te.stage == "van_chuyen"
    assert te.product_trace_codes == ("https://id.gs1.org/01/08935049500568/21/1001",)
    assert te.location_trace_code == "8935049500001"
    assert te.source is not None
    assert te.source.party == "8935049500001"
    assert te.destination is not None
    assert te.destination.location == "8935049500018"
    assert te.business_transactions[0].type == "inv"
    assert te.business_transactions[0].id == "urn:epc:id:gdti:8935049.00001.INV9"
    # the same event in other syntax (once the txng: extensions are left aside)
    assert _models_epcis.to_epcis(te, with_extensions=False).hash_id() == event.hash_id()


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"biz_step": "loading"}, "bizStep"),
        ({"biz_step": "shipping", "disposition": "in_transit"}, "disposition"),
        ({"biz_step": "shipping", "action": "ADD"}, "action"),
        (
            {
                "biz_step": "shipping",
                "extensions": {"ex:temp": "5"},
                "namespaces": {"ex": "https://example.com/ns#"},
            },
            "temp",
        ),
    ],
)
def test_what_a_trace_event_cannot_carry_is_reported(kwargs: dict[str, Any], why: str) -> None:
    event = ObjectEvent.create(T, epcs=["https://id.gs1.org/01/08935049500568/21/1"], **kwargs)
    with pytest.warns(LossyConversionWarning, match=why):
        TraceEvent.from_epcis(event)


def test_unknown_portal_extension_is_reported() -> None:
    event = fixtures.events()[0].to_epcis()
    extra = ObjectEvent.create(
        T,
        extensions={"txng:colour": "orange"},
        namespaces={"txng": "https://tracelib.dev/ns/portal#"},
    )
    bent = event.model_copy(update={"extensions": event.extensions + extra.extensions})
    with pytest.warns(LossyConversionWarning, match="colour"):
        TraceEvent.from_epcis(bent)


def test_events_without_a_trace_event_form() -> None:
    assoc = AssociationEvent.create(T, action="ADD", parent_id="urn:epc:id:grai:8935049.00001.C1")
    with pytest.raises(InputError) as info:
        TraceEvent.from_epcis(assoc)
    assert info.value.code == "PORTAL_UNSUPPORTED_EVENT"
    with pytest.raises(InputError):
        TraceEvent.from_epcis("not an event")  # type: ignore[arg-type]


def test_non_gs1_identifiers_raise_identifier_errors_with_paths() -> None:
    event = ObjectEvent.create(
        T, epcs=["https://id.gs1.org/01/08935049500568/21/1", "urn:example:thing:7"]
    )
    with pytest.raises(IdentifierError) as info:
        TraceEvent.from_epcis(event)
    assert info.value.path == "$.epcList[1]"
    event = ObjectEvent.create(T, read_point="https://example.com/places/7")
    with pytest.raises(IdentifierError) as info:
        TraceEvent.from_epcis(event)
    assert info.value.path == "$.readPoint.id"
    tx = TransactionEvent.create(
        T,
        action="ADD",
        biz_transactions=["urn:epc:id:gdti:8935049.00001.X"],
        parent_id="https://id.gs1.org/01/08935049500568/21/1",
    )
    with pytest.raises(IdentifierError) as info:
        TraceEvent.from_epcis(tx)
    assert info.value.path == "$.parentID"


def test_to_epcis_errors_are_tracelib_errors() -> None:
    ev = TraceEvent(
        stage="ban_le",
        event_time=T,
        quantity={"value": 1, "uom": "kilogram!"},
        product_trace_codes=["(01)08935049500568(10)L1"],
    )
    with pytest.raises(InputError) as info:
        ev.to_epcis()
    assert info.value.code == "PORTAL_EPCIS_MAPPING"


# -- Dataset.from_epcis --------------------------------------------------------------------------


def test_dataset_from_epcis_reads_events_and_master_data() -> None:
    events = [e.to_epcis() for e in fixtures.events()]
    doc = document_from_dict(
        {
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2025-01-16T00:00:00+07:00",
            "epcisHeader": {
                "epcisMasterData": {
                    "vocabularyList": [
                        {
                            "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                            "vocabularyElementList": [
                                {
                                    "id": f"https://id.gs1.org/414/{fixtures.PACKING_GLN}",
                                    "attributes": [
                                        {
                                            "id": "urn:epcglobal:cbv:mda#name",
                                            "attribute": "Cơ sở đóng gói",
                                        },
                                        {
                                            "id": "urn:epcglobal:cbv:mda#streetAddressOne",
                                            "attribute": "Xóm 3",
                                        },
                                        {
                                            "id": "urn:epcglobal:cbv:mda#city",
                                            "attribute": "Nghệ An",
                                        },
                                        {
                                            "id": "urn:epcglobal:cbv:mda#latitude",
                                            "attribute": "19.3",
                                        },
                                    ],
                                }
                            ],
                        },
                        {
                            "type": "urn:epcglobal:epcis:vtype:EPCClass",
                            "vocabularyElementList": [
                                {
                                    "id": "urn:epc:idpat:sgtin:8935049.050056.*",
                                    "attributes": [
                                        {
                                            "id": "urn:epcglobal:cbv:mda#descriptionShort",
                                            "attribute": "Cam Vinh",
                                        },
                                        {
                                            "id": "urn:epcglobal:cbv:mda#countryOfOrigin",
                                            "attribute": "VN",
                                        },
                                    ],
                                },
                                {"id": fixtures.ORANGE_LOT_CODE},
                            ],
                        },
                    ]
                }
            },
            "epcisBody": {
                "eventList": [e.model_dump(by_alias=True, exclude_none=True) for e in events]
            },
        },
        namespaces={"txng": "https://tracelib.dev/ns/portal#"},
    )
    ds = strict(Dataset.from_epcis, doc)
    assert ds.events == fixtures.events()
    [location] = ds.locations
    assert (location.location_trace_code, location.name, location.lat) == (
        fixtures.PACKING_GLN,
        "Cơ sở đóng gói",
        19.3,
    )
    assert location.address == "Xóm 3, Nghệ An"
    [product] = ds.products
    assert (product.gtin, product.name, product.origin_country) == (
        "08935049500568",
        "Cam Vinh",
        "VN",
    )
    [lot] = ds.lots
    assert (lot.gtin, lot.lot) == (fixtures.GTIN_ORANGE, fixtures.LOT_ORANGE)


def test_dataset_from_epcis_reports_what_it_skips() -> None:
    assoc = AssociationEvent.create(T, action="ADD", parent_id="urn:epc:id:grai:8935049.00001.C1")
    doc = EPCISDocument.create([fixtures.events()[0].to_epcis(), assoc], creation_date=T)
    with pytest.warns(LossyConversionWarning, match="AssociationEvent"):
        ds = Dataset.from_epcis(doc)
    assert len(ds.events) == 1
    bad = EPCISDocument.create(
        [assoc, ObjectEvent.create(T, epcs=["urn:example:x:1"])], creation_date=T
    )
    with pytest.raises(IdentifierError) as info, pytest.warns(LossyConversionWarning):
        Dataset.from_epcis(bad)
    assert info.value.path == "$.epcisBody.eventList[1].epcList[0]"
    with pytest.raises(InputError):
        Dataset.from_epcis(fixtures.dataset())  # type: ignore[arg-type]


@pytest.mark.conformance
def test_conformance_documents_never_raise_foreign_exceptions() -> None:
    root = vectors.path("epcis")
    files = sorted(Path(root, "JSON").glob("*.jsonld")) + sorted(Path(root, "XML").rglob("*.xml"))
    read = 0
    paths: list[str] = []
    for file in files:
        try:
            doc = epcis.parse(file.read_bytes())
        except InputError:
            continue
        if not isinstance(doc, (EPCISDocument, epcis.EPCISQueryDocument)):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LossyConversionWarning)
            try:
                ds = Dataset.from_epcis(doc)
            except IdentifierError as err:
                paths.append(err.path or "")
                continue
        read += len(ds.events)
    assert read >= 30
    assert all(p.startswith("$.epcisBody.eventList[") for p in paths)


def test_object_event_of_a_pallet_keeps_the_sscc_as_parent() -> None:
    from tracelib.epcis.models import ObjectEvent
    from tracelib.portal.models import TraceEvent

    sscc = "urn:epc:id:sscc:893012345.30000001"
    cartons = "urn:epc:class:lgtin:893012345.1101.CV2611A"
    ev = ObjectEvent.create(
        "2026-11-26T18:00:00+07:00", epcs=[sscc], quantities=[(cartons, 200)], biz_step="shipping"
    )
    trace = TraceEvent.from_epcis(ev)
    assert trace.parent == "389301234500000013"
    assert len(trace.product_trace_codes) == 1
    back = trace.to_epcis()
    assert len(back.epc_list) == 1
    assert back.epc_list[0].endswith("/00/389301234500000013")
    assert back.quantity_list[0].quantity == 200
