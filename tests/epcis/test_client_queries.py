"""Acceptance test 14, queries: every filter the loopback server evaluates, through the client.

One read-only server holds the Nghệ An cooperative's harvest: commissioning with a lot
(ILMD), shipping under a purchase order, receiving at the warehouse (a Digital Link EPC and a
temperature reading), and packing with an error declaration.
"""

from __future__ import annotations

import httpx
import pytest

from tests.epcis.test_client_server import (
    DL_1001,
    FARM,
    GCP,
    HTX,
    WAREHOUSE,
    FakeClock,
    event,
    make_client,
)
from tracelib.epcis.client import EpcisBadRequestError, EventQuery, Negotiation
from tracelib.epcis.testing import EpcisTestServer
from tracelib.errors import EpcisError


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=10.0) as shared:
        yield shared


@pytest.fixture(scope="module")
def harvest():
    """Rice from Nghệ An: harvest (ADD), pallet shipped, received at the warehouse, a fix.

    One read-only server for the query tests of this module.
    """
    lot = f"urn:epc:class:lgtin:{GCP}.0012.LUA-2024-07"
    events = [
        event(
            1,
            eventID="urn:uuid:e1",
            ilmd={"cbvmda:lotNumber": "LUA-2024-07"},
            quantityList=[{"epcClass": lot, "quantity": 500, "uom": "KGM"}],
        ),
        event(
            2,
            eventID="urn:uuid:e2",
            action="OBSERVE",
            bizStep="shipping",
            disposition="in_transit",
            bizTransactionList=[
                {"type": "po", "bizTransaction": f"urn:epcglobal:cbv:bt:{GCP}6:PO-77"}
            ],
            sourceList=[{"type": "owning_party", "source": f"urn:epc:id:pgln:{GCP}.0"}],
            **{"htx:vungTrong": "NA-01"},
        ),
        event(
            3,
            eventID="urn:uuid:e3",
            action="OBSERVE",
            bizStep="urn:epcglobal:cbv:bizstep:receiving",
            disposition="https://ref.gs1.org/cbv/Disp-in_progress",
            readPoint={"id": WAREHOUSE},
            bizLocation={"id": WAREHOUSE},
            epcList=[DL_1001],
            sensorElementList=[
                {"sensorReport": [{"type": "gs1:Temperature", "value": 6.5, "uom": "CEL"}]}
            ],
        ),
        {
            "type": "AggregationEvent",
            "action": "ADD",
            "eventID": "urn:uuid:e4",
            "eventTime": "2024-07-16T08:00:00+07:00",
            "eventTimeZoneOffset": "+07:00",
            "parentID": f"urn:epc:id:sscc:{GCP}.0000000001",
            "childEPCs": [f"urn:epc:id:sgtin:{GCP}.0012.1001"],
            "bizStep": "packing",
            "errorDeclaration": {
                "declarationTime": "2024-07-17T00:00:00Z",
                "reason": "incorrect_data",
            },
        },
    ]
    with EpcisTestServer() as server:
        server.add_events(events, prefixes=HTX)
        yield server


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (EventQuery().event_type("AggregationEvent"), ["e4"]),
        (
            EventQuery().event_time(ge="2024-07-15T06:02:00+07:00", lt="2024-07-15T06:03:00+07:00"),
            ["e2"],
        ),
        (EventQuery().event_time(ge="2024-07-15T23:00:00Z"), ["e4"]),
        (EventQuery().action("OBSERVE"), ["e2", "e3"]),
        (EventQuery().biz_step("receiving"), ["e3"]),  # URN in storage, bare word in query
        (EventQuery().biz_step("https://ref.gs1.org/cbv/BizStep-shipping"), ["e2"]),
        (EventQuery().disposition("in_progress", "in_transit"), ["e2", "e3"]),
        (EventQuery().read_point(WAREHOUSE), ["e3"]),
        (EventQuery().biz_location(FARM), ["e1", "e2"]),
        (EventQuery().biz_location(FARM, with_descendants=True), ["e1", "e2"]),
        (EventQuery().match_epc(f"urn:epc:id:sgtin:{GCP}.0012.1001"), ["e1", "e3", "e4"]),
        (EventQuery().match_epc(f"urn:epc:idpat:sgtin:{GCP}.0012.*"), ["e1", "e2", "e3", "e4"]),
        (EventQuery().match_any_epc(f"urn:epc:id:sscc:{GCP}.0000000001"), ["e4"]),
        (EventQuery().match_parent_id(f"urn:epc:id:sscc:{GCP}.0000000001"), ["e4"]),
        (EventQuery().match_epc_class(f"urn:epc:class:lgtin:{GCP}.0012.LUA-2024-07"), ["e1"]),
        (EventQuery().event_id("urn:uuid:e2", "urn:uuid:e4"), ["e2", "e4"]),
        (EventQuery().quantity(ge=100, uom="KGM"), ["e1"]),
        (EventQuery().quantity(eq=[500]), ["e1"]),
        (EventQuery().quantity(gt=500), []),
        (EventQuery().exists_error_declaration(), ["e4"]),
        (EventQuery().error_reason("incorrect_data"), ["e4"]),
        (EventQuery().biz_transaction("po", f"urn:epcglobal:cbv:bt:{GCP}6:PO-77"), ["e2"]),
        (EventQuery().source("owning_party", f"urn:epc:id:pgln:{GCP}.0"), ["e2"]),
        (EventQuery().ilmd("cbvmda:lotNumber", eq="LUA-2024-07"), ["e1"]),
        (EventQuery().field("htx:vungTrong", eq=["NA-01", "NA-02"]), ["e2"]),
        (EventQuery().field("htx:vungTrong", exists=True), ["e2"]),
        (EventQuery().sensor(type=["Temperature"]), ["e3"]),
        (EventQuery().sensor_value("CEL", ge=2, lt=8), ["e3"]),
        (EventQuery().sensor_value("CEL", lt=2), []),
        (EventQuery().exists_sensor_element_list(), ["e3"]),
        (EventQuery().biz_step("commissioning").action("ADD"), ["e1"]),
        (EventQuery().order_by("eventTime", "DESC").event_count_limit(2), ["e4", "e3"]),
        (EventQuery().order_by("eventTime", "ASC").event_count_limit(2), ["e1", "e2"]),
    ],
)
def test_filters(harvest, clock, http, query, expected):
    extensions = Negotiation(extensions={**HTX, "cbvmda": "urn:epcglobal:cbv:mda:"})
    with make_client(harvest, clock, negotiation=extensions, http_client=http) as c:
        found = [e["eventID"].removeprefix("urn:uuid:") for e in c.events(query)]
    assert found == expected


def test_an_extension_prefix_must_be_declared(harvest, clock, http):
    with (
        make_client(harvest, clock, http_client=http) as client,
        pytest.raises(EpcisBadRequestError) as info,
    ):
        client.query(EventQuery().field("htx:vungTrong", eq="NA-01"))
    assert "GS1-Extensions" in (info.value.problem.detail or "")


@pytest.fixture
def harvest_client(harvest, clock, http):
    with make_client(harvest, clock, http_client=http) as c:
        yield c


def test_per_resource_endpoints(harvest_client):
    client = harvest_client

    def ids(**where):
        return [e["eventID"][-2:] for e in client.events(**where)]

    assert ids(event_type="AggregationEvent") == ["e4"]
    assert ids(epc=f"urn:epc:id:sgtin:{GCP}.0012.1002") == ["e2"]
    assert ids(epc=DL_1001) == ["e1", "e3", "e4"]
    assert ids(biz_step="shipping") == ["e2"]
    assert ids(biz_location=WAREHOUSE) == ["e3"]
    assert ids(read_point=FARM) == ["e1", "e2"]
    assert ids(disposition="in_transit") == ["e2"]
    assert [e["eventID"] for e in client.events(EventQuery().action("ADD"), read_point=FARM)] == [
        "urn:uuid:e1"
    ]
    assert client.get_event("urn:uuid:e3").events[0]["bizStep"].endswith("receiving")
    assert set(client.resource_values("eventTypes")) == {"ObjectEvent", "AggregationEvent"}
    assert FARM in client.resource_values("readPoints")
    with pytest.raises(EpcisError):
        list(client.events(epc="x", biz_step="y"))
    with pytest.raises(EpcisError):
        list(client.events(place="x"))
    with pytest.raises(EpcisBadRequestError):  # the path sets EQ_bizStep already
        client.query(EventQuery().biz_step("packing"), biz_step="shipping")


def test_query_pages_parse_to_models(harvest_client):
    page = harvest_client.query(EventQuery().event_type("ObjectEvent"))
    assert page.query_name == "SimpleEventQuery"
    assert len(page) == 3
    document = page.document
    assert type(document).__name__ == "EPCISQueryDocument"
    assert [e.event_id for e in document.events] == ["urn:uuid:e1", "urn:uuid:e2", "urn:uuid:e3"]
    assert page.document is document
