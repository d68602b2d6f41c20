"""Documents: capture, query, master data, capture jobs, the SBDH and vocabularies."""

from __future__ import annotations

import pytest

from tests import vectors
from tracelib.epcis.models import (
    DOCUMENT_ADAPTER,
    EPCISCaptureJob,
    EPCISDocument,
    EPCISMasterDataDocument,
    EPCISQueryDocument,
    Extension,
    ObjectEvent,
    StandardBusinessDocumentHeader,
    Vocabulary,
    VocabularyAttribute,
    document_from_dict,
    document_from_json,
)
from tracelib.errors import EpcisError

T0 = "2024-05-01T08:30:00+07:00"


def _event(**kw):
    return ObjectEvent.create(T0, action="ADD", **kw)


def test_capture_document():
    events = [_event(biz_step="commissioning"), _event(biz_step="shipping")]
    doc = EPCISDocument.create(events, creation_date=T0, sender="8935049500001")
    assert doc.events == tuple(events)
    assert (doc.schema_version, doc.creation_date, doc.sender) == ("2.0", T0, "8935049500001")
    assert repr(doc) == "EPCISDocument(schemaVersion 2.0, 2 events: 2 ObjectEvent)"
    html = doc._repr_html_()
    assert html.count("<tr>") == 3  # header + 2 rows
    assert "<caption>EPCISDocument(schemaVersion 2.0, 2 events: 2 ObjectEvent)</caption>" in html
    with pytest.raises(EpcisError) as err:
        EPCISDocument.create(events, creation_date=None)
    assert err.value.code == "EPCIS_INVALID_VALUE"
    with pytest.raises(EpcisError) as err:
        document_from_dict({"type": "EPCISDocument", "creationDate": T0, "epcisBody": {}})
    assert (err.value.code, err.value.path) == ("EPCIS_MISSING_FIELD", "$.schemaVersion")


def test_html_is_escaped():
    ev = ObjectEvent.create(T0, action="ADD", read_point="urn:x:<script>")
    doc = EPCISDocument.create([ev], creation_date=T0)
    assert "<script>" not in doc._repr_html_()
    assert "&lt;script&gt;" in doc._repr_html_()


def test_creation_date_may_lack_an_offset():
    doc = document_from_dict(
        {
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2005-07-11T11:30:47",
            "epcisBody": {"eventList": []},
        }
    )
    assert doc.creation_date.offset == ""


@pytest.mark.conformance
def test_query_document_from_the_corpus():
    doc = document_from_json(vectors.path("epcis/JSON/EPCISQueryDocument.jsonld").read_bytes())
    assert isinstance(doc, EPCISQueryDocument)
    results = doc.epcis_body.query_results
    assert results.query_name == "SimpleEventQuery"
    assert results.subscription_id is not None
    assert len(doc.events) == 2
    assert repr(doc).startswith("EPCISQueryDocument(")
    assert "<table>" in doc._repr_html_()


def test_query_results_need_a_list():
    with pytest.raises(EpcisError) as err:
        document_from_dict(
            {
                "type": "EPCISQueryDocument",
                "epcisBody": {"queryResults": {"queryName": "q", "resultsBody": {}}},
            }
        )
    assert (err.value.code, err.value.path) == (
        "EPCIS_INVALID_STRUCTURE",
        "$.epcisBody.queryResults.resultsBody",
    )
    vocab = document_from_dict(
        {
            "type": "EPCISQueryDocument",
            "epcisBody": {
                "queryResults": {
                    "queryName": "SimpleMasterDataQuery",
                    "resultsBody": {
                        "vocabularyList": [{"type": "urn:epcglobal:epcis:vtype:ReadPoint"}]
                    },
                }
            },
        }
    )
    assert vocab.events == ()


def test_master_data_document():
    doc = document_from_dict(
        {
            "type": "EPCISMasterDataDocument",
            "schemaVersion": "2.0",
            "creationDate": "2020-06-16T11:30:47.0Z",
            "epcisBody": {
                "vocabularyList": [
                    {
                        "type": "urn:epcglobal:epcis:vtype:ReadPoint",
                        "vocabularyElementList": [
                            {
                                "id": "urn:epc:id:sgln:0614141.00300.1",
                                "attributes": [
                                    {
                                        "id": "urn:epcglobal:cbv:mda:site",
                                        "attribute": "0614141003006",
                                    },
                                    {"id": "urn:epcglobal:cbv:mda:ssd", "attribute": "Line #1"},
                                ],
                            },
                        ],
                    }
                ]
            },
        }
    )
    assert isinstance(doc, EPCISMasterDataDocument)
    assert repr(doc) == "EPCISMasterDataDocument(schemaVersion 2.0, 1 vocabularies, 1 elements)"
    (element,) = doc.epcis_body.vocabulary_list[0].vocabulary_element_list
    assert [a.value.text for a in element.attributes] == ["0614141003006", "Line #1"]
    assert type(doc).model_validate(doc.model_dump(by_alias=True)) == doc


def test_vocabulary_attribute_values():
    number = VocabularyAttribute.model_validate({"id": "urn:x:n", "attribute": 3.5})
    assert (number.value.text, number.value.json_type) == ("3.5", "number")
    obj = VocabularyAttribute.model_validate(
        {"id": "urn:x:o", "attribute": {"ex:a": "1"}}, context={"namespaces": {"ex": "urn:ex:"}}
    )
    assert obj.value.children[0].clark == "{urn:ex:}a"
    empty = VocabularyAttribute.model_validate({"id": "urn:x:e"})
    assert empty.value is None
    xml_style = VocabularyAttribute(
        id="urn:x:m",
        value=Extension(
            None, "attribute", children=(Extension("http://example.com/ext1/", "inner", text="v"),)
        ),
    )
    assert VocabularyAttribute.model_validate(xml_style.model_dump(by_alias=True)) == xml_style
    for bad in (
        {"id": "urn:x", "attribute": "a", "value": None},
        {"id": "urn:x", "attribute": [1, 2]},
    ):
        with pytest.raises(EpcisError) as err:
            VocabularyAttribute.model_validate(bad)
        assert err.value.code == "EPCIS_INVALID_STRUCTURE"


def test_master_data_in_a_json_header():
    doc = document_from_dict(
        {
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": T0,
            "epcisHeader": {
                "epcisMasterData": {
                    "vocabularyList": [
                        {
                            "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                            "vocabularyElementList": [
                                {
                                    "id": "urn:epc:id:sgln:8935049.50000.0",
                                    "children": ["urn:epc:id:sgln:8935049.50000.1"],
                                }
                            ],
                        }
                    ]
                }
            },
            "epcisBody": {"eventList": []},
        }
    )
    vocabulary: Vocabulary = doc.epcis_header.epcis_master_data.vocabulary_list[0]
    assert vocabulary.vocabulary_element_list[0].children == ("urn:epc:id:sgln:8935049.50000.1",)


def test_sbdh():
    sbdh = StandardBusinessDocumentHeader.model_validate(
        {
            "headerVersion": "1.0",
            "sender": [
                {
                    "identifier": {"value": "8935049500001", "authority": "GS1"},
                    "contactInformation": [{"contact": "Nguyễn Văn A", "emailAddress": "a@htx.vn"}],
                }
            ],
            "receiver": [{"identifier": {"value": "8935049500018"}}],
            "documentIdentification": {
                "standard": "EPCglobal",
                "typeVersion": "2.0",
                "instanceIdentifier": "DOC-1",
                "type": "Events",
                "multipleType": False,
                "creationDateAndTime": T0,
            },
            "manifest": {
                "numberOfItems": 1,
                "manifestItems": [
                    {
                        "mimeTypeQualifierCode": "application/xml",
                        "uniformResourceIdentifier": "cid:1",
                    }
                ],
            },
            "businessScope": {"scopes": [{"type": "EPCISQuery", "instanceIdentifier": "S1"}]},
        }
    )
    assert sbdh.sender[0].contact_information[0].contact == "Nguyễn Văn A"
    assert sbdh.document_identification.multiple_type is False
    with pytest.raises(EpcisError) as err:
        StandardBusinessDocumentHeader.model_validate(
            {**sbdh.model_dump(by_alias=True), "receiver": []}
        )
    assert (err.value.code, err.value.path) == ("EPCIS_EMPTY_LIST", "$.receiver")
    doc = EPCISDocument.create([], creation_date=T0, epcis_header={"sbdh": sbdh})
    assert doc.epcis_header.sbdh == sbdh


def test_capture_jobs():
    job = document_from_dict(
        {
            "captureID": "f3755dab",
            "running": False,
            "success": False,
            "captureErrorBehaviour": "rollback",
            "createdAt": "2022-03-03T10:33:31.116+01:00",
            "errors": [
                {
                    "type": "https://example.com/probs/validation-failed",
                    "title": "EPCIS Event Validation Failure",
                    "status": -1,
                }
            ],
        }
    )
    assert isinstance(job, EPCISCaptureJob)
    assert job.errors[0].status == -1
    with pytest.raises(EpcisError) as err:
        EPCISCaptureJob.model_validate(
            {
                "captureID": "c",
                "running": False,
                "success": False,
                "errors": [],
                "errorFile": "https://example.com/e",
            }
        )
    assert err.value.code == "EPCIS_INVALID_STRUCTURE"
    with pytest.raises(EpcisError) as err:
        EPCISCaptureJob.model_validate({"captureID": "c", "running": "false", "success": True})
    assert (err.value.code, err.value.path) == ("EPCIS_INVALID_VALUE", "$.running")


def test_document_discrimination():
    assert (
        DOCUMENT_ADAPTER.validate_python({"captureID": "c", "running": True, "success": True}).type
        == "EPCISCaptureJob"
    )
    for bad in ({"type": "ObjectEvent"}, {"type": 3}, {}, [], "EPCISDocument"):
        with pytest.raises(EpcisError) as err:
            document_from_dict(bad)
        assert err.value.code in ("EPCIS_UNKNOWN_TYPE", "EPCIS_INVALID_VALUE")
    doc = EPCISDocument.create([], creation_date=T0)
    assert document_from_dict(doc) is doc


def test_json_schemas_can_be_generated():
    schema = EPCISDocument.model_json_schema(by_alias=True)
    assert "epcisBody" in schema["properties"]
    assert "eventTime" in schema["$defs"]["ObjectEvent"]["properties"]
    assert DOCUMENT_ADAPTER.json_schema()
