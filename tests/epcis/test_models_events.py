"""tracelib.epcis.models: the five event types, their parts and their structural rules."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tracelib.epcis import cbv
from tracelib.epcis.models import (
    EVENT_ADAPTER,
    AggregationEvent,
    AssociationEvent,
    BizTransaction,
    Destination,
    ErrorDeclaration,
    Extension,
    Ilmd,
    ObjectEvent,
    PersistentDisposition,
    QuantityElement,
    ReadPoint,
    SensorElement,
    SensorReport,
    Source,
    TransactionEvent,
    TransformationEvent,
    as_digital_link,
    as_epc_urn,
    event_from_dict,
    event_from_json,
)
from tracelib.errors import EpcisError
from tracelib.gs1 import epc
from tracelib.gs1.keys import Gln, Gtin, Sscc

ICT = timezone(timedelta(hours=7))
T0 = "2024-05-01T08:30:00.000+07:00"
SGTIN = "urn:epc:id:sgtin:8935049.050056.1001"
SGLN = "urn:epc:id:sgln:8935049.50000.0"


def base(**extra):
    return {"eventTime": T0, "eventTimeZoneOffset": "+07:00", **extra}


def error(call, *args, **kwargs) -> EpcisError:
    with pytest.raises(EpcisError) as err:
        call(*args, **kwargs)
    return err.value


# -- constructors -------------------------------------------------------------------------------


def test_object_event_create_with_every_part():
    ev = ObjectEvent.create(
        datetime(2024, 5, 1, 8, 30, tzinfo=ICT),
        epcs=[SGTIN, epc.from_urn("urn:epc:id:sgtin:8935049.050056.1002")],
        quantities=[("urn:epc:class:lgtin:8935049.050056.L1", "1200.50", "KGM")],
        action="ADD",
        biz_step=cbv.BizStep.COMMISSIONING,
        disposition="active",
        persistent_disposition={"set": ["completeness_verified"]},
        read_point=Gln.parse("8935049500001"),
        biz_location=SGLN,
        biz_transactions=[
            ("po", "urn:epc:id:gdti:8935049.00001.PO1"),
            "https://erp.example.vn/po/1",
        ],
        sources=[("owning_party", "urn:epc:id:pgln:8935049.50000")],
        destinations=[("location", SGLN)],
        sensor_elements=[{"sensorReport": [{"type": "Temperature", "value": 30, "uom": "CEL"}]}],
        ilmd={"cbvmda:lotNumber": "LOT-7", "vn:farm": "HTX Lúa Sạch"},
        record_time="2024-05-01T09:00:00Z",
        event_id="urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
        error_declaration={
            "declaration_time": datetime(2024, 5, 2, tzinfo=ICT),
            "reason": "incorrect_data",
        },
        certification_info="https://cert.example.vn/VietGAP/123",
        extensions={"vn:province": "An Giang"},
        namespaces={"vn": "https://example.vn/ns/"},
    )
    assert ev.event_time == "2024-05-01T08:30:00.000+07:00"
    assert ev.event_time_zone_offset == "+07:00"
    assert ev.epc_list == (SGTIN, "urn:epc:id:sgtin:8935049.050056.1002")
    assert ev.quantity_list[0].quantity == Decimal("1200.50")
    assert str(ev.quantity_list[0].quantity) == "1200.50"
    assert (ev.action, ev.biz_step, ev.disposition) == ("ADD", "commissioning", "active")
    assert ev.read_point.id == "https://id.gs1.org/414/8935049500001"
    assert ev.biz_location.id == SGLN
    assert ev.biz_transaction_list[0].type == "po"
    assert ev.biz_transaction_list[1].type is None
    assert ev.source_list[0].value == "urn:epc:id:pgln:8935049.50000"
    assert ev.sensor_element_list[0].sensor_report[0].value == Decimal(30)
    assert [n.clark for n in ev.ilmd.extensions] == [
        "{urn:epcglobal:cbv:mda:}lotNumber",
        "{https://example.vn/ns/}farm",
    ]
    assert ev.error_declaration.declaration_time == "2024-05-02T00:00:00.000+07:00"
    assert ev.certification_info == ("https://cert.example.vn/VietGAP/123",)
    assert ev.extensions[0].text == "An Giang"
    assert ev.record_time == "2024-05-01T09:00:00Z"


def test_each_type_has_a_constructor():
    when = "2024-05-01T10:00:00Z"
    agg = AggregationEvent.create(
        when,
        parent_id=Sscc.parse("389350490000000014"),
        child_epcs=[SGTIN],
        action="ADD",
        biz_step="packing",
    )
    assert agg.parent_id == "https://id.gs1.org/00/389350490000000014"
    assert agg.event_time_zone_offset == "+00:00"
    tx = TransactionEvent.create(
        when,
        biz_transactions=[("desadv", "urn:epc:id:gdti:8935049.00001.D1")],
        epcs=[SGTIN],
        action="ADD",
    )
    assert tx.biz_transaction_list[0].type_cbv.to_urn() == "urn:epcglobal:cbv:btt:desadv"
    tf = TransformationEvent.create(
        when,
        input_quantities=[(Gtin.parse("8935049500568"), 2000, "KGM")],
        output_epcs=[SGTIN],
        transformation_id="urn:uuid:1d1c6d58-7e7f-4a42-9b53-5d3a0c3b0a70",
        ilmd=[Extension.element("{urn:epcglobal:cbv:mda:}lotNumber", "L2")],
    )
    assert tf.input_quantity_list[0].epc_class == "https://id.gs1.org/01/08935049500568"
    assert tf.ilmd.extensions[0].text == "L2"
    assoc = AssociationEvent.create(
        when,
        parent_id="urn:epc:id:grai:8935049.00001.C9",
        child_epcs=["urn:epc:id:giai:8935049.L1"],
        action="ADD",
    )
    assert assoc.epcs() == ("urn:epc:id:grai:8935049.00001.C9", "urn:epc:id:giai:8935049.L1")
    obj = ObjectEvent.create(when)
    assert (obj.action, obj.epc_list, obj.ilmd) == ("OBSERVE", (), None)


def test_bare_words_are_checked_in_constructors():
    err = error(ObjectEvent.create, T0, biz_step="shiping")
    assert err.code == "EPCIS_UNKNOWN_VOCAB"
    assert "did you mean 'shipping'" in err.message
    assert (
        error(ObjectEvent.create, T0, disposition=cbv.BizStep.SHIPPING).code
        == "EPCIS_UNKNOWN_VOCAB"
    )
    assert error(ObjectEvent.create, T0, biz_step="urn:epcglobal:cbv:disp:active").code == (
        "EPCIS_UNKNOWN_VOCAB"
    )
    # Private URIs and newer GS1 terms are the escape hatch.
    private = ObjectEvent.create(T0, biz_step="https://example.vn/buoc/say-lua")
    assert private.biz_step_cbv.is_known is False
    newer = ObjectEvent.create(T0, biz_step="https://ref.gs1.org/cbv/BizStep-harvesting")
    assert newer.biz_step_cbv.word == "harvesting"


def test_model_validate_keeps_unknown_bare_words_for_the_linter():
    ev = ObjectEvent.model_validate(
        {"type": "ObjectEvent", "action": "ADD", **base(bizStep="my_step")}
    )
    assert ev.biz_step == "my_step"
    assert ev.biz_step_cbv.is_known is False


# -- required fields and structural rules ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "path"),
    [
        ({"type": "ObjectEvent", **base()}, "EPCIS_MISSING_FIELD", "$.action"),
        (
            {"type": "ObjectEvent", "action": "ADD", "eventTime": T0},
            "EPCIS_MISSING_FIELD",
            "$.eventTimeZoneOffset",
        ),
        ({"type": "AggregationEvent", **base()}, "EPCIS_MISSING_FIELD", "$.action"),
        (
            {"type": "TransactionEvent", "action": "ADD", **base()},
            "EPCIS_MISSING_FIELD",
            "$.bizTransactionList",
        ),
        (
            {"type": "TransactionEvent", "action": "ADD", "bizTransactionList": [], **base()},
            "EPCIS_EMPTY_LIST",
            "$.bizTransactionList",
        ),
        (
            {"type": "AssociationEvent", "action": "ADD", **base()},
            "EPCIS_MISSING_FIELD",
            "$.parentID",
        ),
        (
            {"type": "TransformationEvent", "action": "ADD", **base()},
            "EPCIS_UNKNOWN_MEMBER",
            "$.action",
        ),
        ({"type": "ObjectEvent", "action": "add", **base()}, "EPCIS_INVALID_VALUE", "$.action"),
        (
            {"type": "ObjectEvent", "action": "ADD", **base(), "ilmd": {"lot": "1"}},
            "EPCIS_UNKNOWN_MEMBER",
            "$.ilmd.lot",
        ),
        (
            {"type": "ObjectEvent", "action": "ADD", **base(), "bizstep": "x"},
            "EPCIS_UNKNOWN_MEMBER",
            "$.bizstep",
        ),
        (
            {"type": "ObjectEvent", "action": "ADD", **base(), "quantityList": [{"quantity": 1}]},
            "EPCIS_MISSING_FIELD",
            "$.quantityList[0].epcClass",
        ),
        ({"type": "QuantityEvent", **base()}, "EPCIS_UNKNOWN_TYPE", "$"),
        ({**base()}, "EPCIS_UNKNOWN_TYPE", "$"),
        (
            {"type": "ObjectEvent", "action": "ADD", **base(epcList=["not a uri"])},
            "EPCIS_INVALID_URI",
            "$.epcList[0]",
        ),
        (
            {"type": "ObjectEvent", "action": "ADD", **base(epcList="urn:epc:id:sgtin:1.2.3")},
            "EPCIS_INVALID_VALUE",
            "$.epcList",
        ),
        (
            {
                "type": "ObjectEvent",
                "action": "ADD",
                **base(),
                "readPoint": {"id": "urn:x:y", "z": 1},
            },
            "EPCIS_UNKNOWN_MEMBER",
            "$.readPoint.z",
        ),
        (
            {
                "type": "ObjectEvent",
                "action": "ADD",
                **base(),
                "sensorElementList": [{"sensorReport": []}],
            },
            "EPCIS_EMPTY_LIST",
            "$.sensorElementList[0].sensorReport",
        ),
        (
            {"type": "ObjectEvent", "action": "ADD", **base(), "errorDeclaration": {"reason": "x"}},
            "EPCIS_MISSING_FIELD",
            "$.errorDeclaration.declarationTime",
        ),
        (
            {
                "type": "ObjectEvent",
                "action": "ADD",
                **base(),
                "sourceList": [{"source": "urn:x:y"}],
            },
            "EPCIS_MISSING_FIELD",
            "$.sourceList[0].type",
        ),
        (
            {"type": "ObjectEvent", "action": "ADD", **base(), "ex:bad": [[1]]},
            "EPCIS_INVALID_EXTENSION",
            "$",
        ),
    ],
)
def test_structural_rules(data, code, path):
    err = error(event_from_dict, data)
    assert (err.code, err.path) == (code, path)
    assert isinstance(err, ValueError)
    assert path in str(err)


def test_error_paths_are_rooted_where_the_caller_says():
    err = error(
        event_from_json, b'{"type": "ObjectEvent", "action": "X"}', path="$.epcisBody.eventList[3]"
    )
    assert err.path == "$.epcisBody.eventList[3].eventTime"
    assert "(and 2 more)" in err.message
    assert error(event_from_json, b"{not json").code == "EPCIS_INVALID_VALUE"
    assert error(
        event_from_dict, {"type": "ObjectEvent", "@context": 5, "action": "ADD", **base()}
    ).path == ("$['@context']")


def test_persistent_disposition_rules():
    assert PersistentDisposition(unset=["completeness_inferred"]).set is None
    assert error(PersistentDisposition).code == "EPCIS_INVALID_STRUCTURE"
    assert error(PersistentDisposition, set=[]).code == "EPCIS_EMPTY_LIST"
    err = error(PersistentDisposition, set=["active", "active"])
    assert (err.code, err.path) == ("EPCIS_DUPLICATE_VALUE", "$")
    err = error(
        event_from_dict,
        {"type": "ObjectEvent", "action": "ADD", **base(), "persistentDisposition": {"unset": []}},
    )
    assert (err.code, err.path) == ("EPCIS_EMPTY_LIST", "$.persistentDisposition.unset")
    pd = PersistentDisposition(set=["urn:epcglobal:cbv:disp:completeness_verified"])
    assert pd.set_cbv[0].to_bare() == "completeness_verified"
    assert pd.unset_cbv == ()


def test_quantities_are_decimals_and_uom_needs_a_quantity():
    q = QuantityElement.model_validate(
        {
            "epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
            "quantity": "200.50",
            "uom": "KGM",
        }
    )
    assert q.quantity == Decimal("200.50")
    assert str(q.quantity) == "200.50"  # XML text keeps its digits
    assert QuantityElement.model_validate_json(
        '{"epcClass": "urn:x:y", "quantity": 26.2}'
    ).quantity == Decimal("26.2")
    assert error(QuantityElement, epc_class="urn:x:y", uom="KGM").code == "EPCIS_INVALID_STRUCTURE"
    assert error(QuantityElement, epc_class="urn:x:y", quantity=True).code == "EPCIS_INVALID_VALUE"
    assert error(QuantityElement, epc_class="urn:x:y", quantity="NaN").code == "EPCIS_INVALID_VALUE"
    assert (
        error(QuantityElement, epc_class="urn:x:y", quantity=1, uom="kg").code
        == "EPCIS_INVALID_VALUE"
    )


def test_certification_info_one_or_many():
    one = event_from_dict(
        {"type": "ObjectEvent", "action": "ADD", **base(certificationInfo="urn:c:1")}
    )
    many = event_from_dict(
        {"type": "ObjectEvent", "action": "ADD", **base(certificationInfo=["urn:c:1", "urn:c:2"])}
    )
    assert (one.certification_info, many.certification_info) == (
        ("urn:c:1",),
        ("urn:c:1", "urn:c:2"),
    )
    assert one.model_dump(by_alias=True)["certificationInfo"] == ("urn:c:1",)


def test_sensor_fields():
    report = SensorReport.model_validate(
        {
            "type": "gs1:Temperature",
            "exception": "ALARM_CONDITION",
            "component": "cbv:Comp-latitude",
            "value": -18.5,
            "minValue": -20,
            "booleanValue": True,
            "hexBinaryValue": "f0F0",
            "stringValue": "ok",
            "uom": "CEL",
            "bizRules": "https://example.com/rules",
            "coordinateReferenceSystem": "http://www.opengis.net/def/crs/EPSG/0/4979",
            "sDev": 0.1,
            "percRank": 50,
            "percValue": 12.7,
            "meanValue": 13.2,
            "maxValue": 26.2,
            "microorganism": "https://www.ncbi.nlm.nih.gov/taxonomy/1126011",
            "chemicalSubstance": "https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N",
        }
    )
    assert (report.value, report.min_value, report.s_dev) == (
        Decimal("-18.5"),
        Decimal(-20),
        Decimal("0.1"),
    )
    assert report.type_cbv.to_web_uri() == "https://gs1.org/voc/Temperature"
    assert report.exception_cbv.to_curie() == "gs1:ALARM_CONDITION"
    assert report.component_cbv.to_urn() == "urn:epcglobal:cbv:comp:latitude"
    assert error(SensorReport, boolean_value="true").code == "EPCIS_INVALID_VALUE"
    assert error(SensorReport, hex_binary_value="f0f").code == "EPCIS_INVALID_VALUE"
    assert SensorReport().type is None  # optional in the XSD
    element = SensorElement(
        sensor_report=[report], sensor_metadata={"deviceID": "urn:epc:id:giai:4000001.111"}
    )
    assert element.sensor_metadata.device_id == "urn:epc:id:giai:4000001.111"


# -- accessors ----------------------------------------------------------------------------------


def test_identifier_accessors():
    assert as_digital_link(SGTIN) == "https://id.gs1.org/01/08935049500568/21/1001"
    assert as_digital_link("urn:epc:class:lgtin:8935049.050056.L7") == (
        "https://id.gs1.org/01/08935049500568/10/L7"
    )
    assert as_epc_urn("https://id.gs1.org/01/08935049500568/21/1001", gcp_length=7) == SGTIN
    assert as_epc_urn(SGTIN) == SGTIN
    err = error(as_digital_link, "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e")
    assert (err.code, err.position) == ("EPCIS_NOT_CONVERTIBLE", 0)
    err = error(as_digital_link, "urn:epc:id:sgtin:8935049.050056.10%")
    assert err.code == "EPCIS_INVALID_IDENTIFIER"
    assert err.__cause__ is not None
    assert error(as_epc_urn, "https://example.com/x").code == "EPCIS_INVALID_IDENTIFIER"
    assert error(as_epc_urn, 42).code == "EPCIS_INVALID_IDENTIFIER"
    assert ReadPoint(id=SGLN).as_digital_link() == "https://id.gs1.org/414/8935049500001"
    assert Source(type="location", value=SGLN).as_digital_link().endswith("/414/8935049500001")
    assert (
        Destination(type="location", value=SGLN).type_cbv.to_urn()
        == "urn:epcglobal:cbv:sdt:location"
    )
    assert BizTransaction(value="urn:x:po:1").type_cbv is None


def test_event_accessors():
    ev = TransformationEvent.create(
        T0,
        input_epcs=[SGTIN],
        output_epcs=["https://id.gs1.org/01/08935049500568/21/2"],
        input_quantities=[("urn:epc:class:lgtin:8935049.050056.L1", 1)],
        output_quantities=[("urn:epc:class:lgtin:8935049.050056.L2", 2)],
        biz_step="commissioning",
    )
    assert ev.epcs() == (SGTIN, "https://id.gs1.org/01/08935049500568/21/2")
    assert ev.epcs(digital_link=True)[0] == "https://id.gs1.org/01/08935049500568/21/1001"
    assert [q.epc_class[-2:] for q in ev.quantities()] == ["L1", "L2"]
    assert ev.biz_step_cbv.to_urn() == "urn:epcglobal:cbv:bizstep:commissioning"
    assert ev.disposition_cbv is None
    ed = ErrorDeclaration(declaration_time=T0, reason="urn:epcglobal:cbv:er:did_not_occur")
    assert ed.reason_cbv.to_bare() == "did_not_occur"


def test_repr_is_one_short_line():
    ev = ObjectEvent.create(
        T0,
        epcs=[SGTIN],
        action="ADD",
        biz_step="urn:epcglobal:cbv:bizstep:shipping",
        read_point=SGLN,
        ilmd={"cbvmda:lotNumber": "L"},
    )
    text = repr(ev)
    assert text == (
        f"ObjectEvent(2024-05-01T08:30:00.000+07:00 ADD shipping, 1 EPC, readPoint {SGLN}, ilmd)"
    )
    assert "\n" not in text
    html = ev._repr_html_()
    assert "<td>shipping</td>" in html
    assert html.startswith("<table>")


def test_models_are_frozen_hashable_and_pickle():
    ev = ObjectEvent.create(T0, epcs=[SGTIN], ilmd={"cbvmda:lotNumber": "L"})
    with pytest.raises(FrozenInstanceError):
        ev.action = "ADD"
    with pytest.raises(FrozenInstanceError):
        del ev.action
    same = ObjectEvent.create(T0, epcs=[SGTIN], ilmd={"cbvmda:lotNumber": "L"})
    assert ev == same
    assert hash(ev) == hash(same)
    assert len({ev, same}) == 1
    assert ev != ev.model_copy(update={"action": "ADD"})
    assert pickle.loads(pickle.dumps(ev)) == ev


def test_direct_construction_errors_are_epcis_errors():
    err = error(ReadPoint)
    assert (err.code, err.path) == ("EPCIS_MISSING_FIELD", "$.id")
    assert error(Ilmd.model_validate, {"x": 1}).code == "EPCIS_UNKNOWN_MEMBER"
    assert error(ObjectEvent.model_validate_json, "[]").code == "EPCIS_INVALID_VALUE"
    assert (
        error(ObjectEvent.model_validate_strings, {"action": "ADD"}).code == "EPCIS_MISSING_FIELD"
    )


def test_python_names_and_aliases_are_both_accepted():
    by_alias = EVENT_ADAPTER.validate_python(
        {"type": "ObjectEvent", "action": "ADD", **base(bizStep="receiving")}
    )
    by_name = ObjectEvent(
        action="ADD", event_time=T0, event_time_zone_offset="+07:00", biz_step="receiving"
    )
    assert by_alias == by_name
    dumped = by_name.model_dump(by_alias=True)
    assert {"eventTime", "eventTimeZoneOffset", "bizStep", "epcList", "sensorElementList"} <= set(
        dumped
    )
    assert "event_time" in by_name.model_dump()
