"""User extensions: the node tree, the JSON-LD mapping, prefixes and @context binding."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal

import pytest
from pydantic_core import PydanticCustomError

from tracelib.epcis.models import (
    DEFAULT_NAMESPACES,
    EPCISDocument,
    Extension,
    ExtensionAttribute,
    Ilmd,
    JsonLdContext,
    ObjectEvent,
    ReadPoint,
    document_from_json,
    event_from_dict,
    event_from_json,
)
from tracelib.errors import EpcisError

EX = "http://ns.example.com/epcis/"
NS = {"ex": EX}
EVENT = {
    "type": "ObjectEvent",
    "action": "OBSERVE",
    "eventTime": "2005-04-03T20:33:31.116-06:00",
    "eventTimeZoneOffset": "-06:00",
}


def node(name: str, **kw) -> Extension:
    return Extension(EX, name, "ex", **kw)


# -- the mapping table -------------------------------------------------------------------------

MAPPING = [
    # JSON-LD member value, the node (without name), as documented
    ("text", node("a", text="text")),
    (10, node("a", text="10", json_type="number")),
    (-2.5, node("a", text="-2.5", json_type="number")),
    (True, node("a", text="true", json_type="boolean")),
    (None, node("a", json_type="null")),
    ({}, node("a", json_type="object")),
    ([], node("a", json_type="array")),
    ({"ex:b": "1"}, node("a", children=(node("b", text="1"),))),
    ({"@value": "3", "@type": "xsd:int"}, node("a", text="3", xsi_type="xsd:int")),
    (
        {"@value": 3, "@type": "xsd:int"},
        node("a", text="3", json_type="number", xsi_type="xsd:int"),
    ),
    (
        {"@type": "ex:Thing", "ex:b": "1"},
        node("a", children=(node("b", text="1"),), xsi_type="ex:Thing"),
    ),
    ({"ex:u": "K", "rdf:value": "3"}, node("a", text="3", children=(node("u", text="K"),))),
    ({"plain": "x"}, node("a", children=(Extension(None, "plain", text="x"),))),
]


@pytest.mark.parametrize(("value", "expected"), MAPPING, ids=[json.dumps(v) for v, _ in MAPPING])
def test_json_mapping_both_ways(value, expected):
    (got,) = Extension.from_json("ex:a", value, NS)
    assert got == expected
    assert got.to_json() == ("ex:a", value)
    assert Extension.to_json_object([got]) == {"ex:a": value}


def test_arrays_are_sibling_items():
    nodes = Extension.from_json("ex:v", ["1", {"ex:n": 2}, True], NS)
    assert [(n.name, n.array, n.value) for n in nodes] == [
        ("v", True, "1"),
        ("v", True, None),
        ("v", True, True),
    ]
    assert nodes[1].children[0].value == 2
    assert Extension.to_json_object(nodes) == {"ex:v": ["1", {"ex:n": 2}, True]}
    (single,) = Extension.from_json("ex:v", ["only"], NS)
    assert single.to_json() == ("ex:v", ["only"])
    # XML-style repeated siblings (not flagged) become one array too.
    xml = (node("v", text="1"), node("w", text="x"), node("v", text="2"))
    assert Extension.to_json_object(xml) == {"ex:v": ["1", "2"], "ex:w": "x"}


def test_xml_attributes_become_members():
    weight = Extension.element(
        "{urn:epcglobal:cbv:mda}netWeight",
        "3.5",
        prefix="cbvmda",
        attributes={"measurementUnitCode": "KGM"},
    )
    assert weight.attributes == (ExtensionAttribute(None, "measurementUnitCode", "KGM"),)
    assert weight.to_json() == (
        "cbvmda:netWeight",
        {"measurementUnitCode": "KGM", "rdf:value": "3.5"},
    )
    # Back from JSON the attribute is a child element: the documented lossy direction.
    (back,) = Extension.from_json(*weight.to_json(), {"cbvmda": "urn:epcglobal:cbv:mda"})
    assert back.attributes == ()
    assert back.children == (Extension(None, "measurementUnitCode", text="KGM"),)
    assert back.text == "3.5"


def test_keys_resolve_like_json_ld():
    (curie,) = Extension.from_json("ex:a", "x", NS)
    assert (curie.namespace, curie.name, curie.prefix) == (EX, "a", "ex")
    (iri,) = Extension.from_json("https://example.com/ns#field", "x")
    assert (iri.namespace, iri.name, iri.prefix) == ("https://example.com/ns#", "field", None)
    assert iri.to_json() == ("https://example.com/ns#field", "x")
    (urn,) = Extension.from_json("urn:example:ns:field", "x")
    assert (urn.namespace, urn.name) == ("urn:example:ns:", "field")
    # An undeclared prefix is an absolute IRI (JSON-LD); the prefix stays as a hint.
    (undeclared,) = Extension.from_json("vn:farm", "x")
    assert (undeclared.namespace, undeclared.name, undeclared.prefix) == ("vn:", "farm", "vn")
    assert undeclared.iri == "vn:farm"
    (cbvmda,) = Extension.from_json("cbvmda:lotNumber", "L1")
    assert cbvmda.clark == "{urn:epcglobal:cbv:mda:}lotNumber"
    assert DEFAULT_NAMESPACES["gs1"] == "https://gs1.org/voc/"


def test_protected_prefixes_cannot_be_redefined():
    (lot,) = Extension.from_json("cbvmda:lotNumber", "L1", {"cbvmda": "http://example.com/cbvmda/"})
    assert lot.namespace == "urn:epcglobal:cbv:mda:"


def test_prefix_choice_for_output():
    plain = Extension("urn:x:ns", "a", text="1")  # no prefix hint, no separator at the end
    with pytest.raises(EpcisError) as err:
        plain.to_json()
    assert err.value.code == "EPCIS_NO_PREFIX"
    assert plain.to_json(prefixes={"urn:x:ns": "x"}) == ("x:a", "1")
    assert node("a", text="1").to_json(prefixes={EX: "other"}) == ("other:a", "1")


@pytest.mark.parametrize(
    "value",
    [
        [[1, 2]],
        {"@context": {}},
        {"@list": [1]},
        {"@value": 1, "ex:x": 2},
        {"@type": ["a", "b"]},
        float("nan"),
        Decimal("NaN"),
        {1, 2},
        b"bytes",
        object(),
    ],
    ids=lambda v: "object" if type(v) is object else repr(v),
)
def test_unsupported_values(value):
    with pytest.raises(EpcisError) as err:
        Extension.from_json("ex:a", value, NS)
    assert err.value.code == "EPCIS_INVALID_EXTENSION"


def test_constructor_checks():
    bad = [
        {"namespace": "", "name": "a"},
        {"namespace": EX, "name": ""},
        {"namespace": EX, "name": "a", "text": 3},
        {"namespace": EX, "name": "a", "children": [node("b")]},
        {"namespace": EX, "name": "a", "children": ("not a node",)},
        {"namespace": EX, "name": "a", "attributes": ("x",)},
        {"namespace": EX, "name": "a", "json_type": "string"},
        {"namespace": EX, "name": "a", "json_type": "number", "text": "1.0.0"},
        {"namespace": EX, "name": "a", "json_type": "boolean", "text": "True"},
        {"namespace": EX, "name": "a", "json_type": "null", "text": "null"},
        {"namespace": EX, "name": "a", "xsi_type": ""},
        {"namespace": EX, "name": "a", "array": 1},
        {"namespace": EX, "name": "a", "prefix": 3},
    ]
    for kwargs in bad:
        with pytest.raises(EpcisError) as err:
            Extension(**kwargs)
        assert err.value.code == "EPCIS_INVALID_EXTENSION", kwargs
    with pytest.raises(EpcisError):
        ExtensionAttribute(EX, "a", 3)  # type: ignore[arg-type]
    with pytest.raises(EpcisError):
        Extension.element("{broken", "x")
    with pytest.raises(EpcisError):
        Extension.element("ex:a", "x", namespace=EX)
    with pytest.raises(EpcisError):
        Extension.element("a", 3 + 4j)  # type: ignore[arg-type]
    with pytest.raises(EpcisError):
        node("a").replace(colour="red")


def test_element_builder():
    tree = Extension.element(
        "vehicle",
        [
            Extension.element(
                "vehiclePosition", 1, namespace="urn:gs1:epcisapp:rail:", prefix="rail"
            )
        ],
        namespace="urn:gs1:epcisapp:rail:",
        prefix="rail",
        xsi_type="rail:Vehicle",
        attributes=[ExtensionAttribute("urn:gs1:epcisapp:rail:", "id", "v2", "rail")],
    )
    assert tree.children[0].value == 1
    assert tree.children[0].json_type == "number"
    assert tree.attributes[0].clark == "{urn:gs1:epcisapp:rail:}id"
    assert tree.to_json() == (
        "rail:vehicle",
        {"@type": "rail:Vehicle", "rail:id": "v2", "rail:vehiclePosition": 1},
    )
    assert Extension.element("{urn:x:}empty").text == ""
    assert Extension.element("{urn:x:}n", None).json_type == "null"
    assert Extension.element("{urn:x:}d", Decimal("1.50")).text == "1.50"


def test_equality_ignores_prefix_hints():
    a = Extension(EX, "a", "ex", text="1")
    b = Extension(EX, "a", "other", text="1")
    assert a == b
    assert hash(a) == hash(b)
    assert (a != b) is False
    assert a != Extension(EX, "a", "ex", text="2")
    assert a != Extension(EX, "a", "ex", text="1", array=True)
    assert ExtensionAttribute(EX, "u", "K", "ex") == ExtensionAttribute(EX, "u", "K", "x")
    assert a != (EX, "a", "ex", "1", (), (), None, None, False)  # not equal to a plain tuple
    assert pickle.loads(pickle.dumps(a)) == a
    assert pickle.loads(pickle.dumps(a)).prefix == "ex"
    assert a.replace(text="2").text == "2"
    assert repr(a) == f"Extension('{{{EX}}}a'='1')"


def test_nodes_dump_and_validate_in_models():
    ilmd = Ilmd(
        extensions=[
            Extension(
                EX,
                "a",
                "ex",
                children=(Extension(None, "b", text="x"),),
                attributes=(ExtensionAttribute(EX, "u", "K", "ex"),),
                xsi_type="ex:T",
            ),
            Extension(EX, "n", "ex", text="5", json_type="number", array=True),
        ]
    )
    dumped = ilmd.model_dump(by_alias=True)
    assert dumped["extensions"][0] == {
        "namespace": EX,
        "name": "a",
        "prefix": "ex",
        "children": [{"namespace": None, "name": "b", "text": "x"}],
        "attributes": [{"namespace": EX, "name": "u", "value": "K", "prefix": "ex"}],
        "xsiType": "ex:T",
    }
    assert Ilmd.model_validate(dumped) == ilmd
    assert Ilmd.model_validate_json(ilmd.model_dump_json()) == ilmd
    with pytest.raises(EpcisError) as err:
        Ilmd.model_validate({"extensions": [{"name": "x"}]})
    assert (err.value.code, err.value.path) == ("EPCIS_INVALID_EXTENSION", "$.extensions[0]")
    with pytest.raises(EpcisError):
        Ilmd.model_validate({"extensions": [{"namespace": EX, "name": "x", "colour": 1}]})


# -- extension points and prefix binding ---------------------------------------------


def test_prefixed_members_at_every_extension_point():
    data = {
        **EVENT,
        "ex:top": "1",
        "readPoint": {"id": "urn:x:rp", "ex:rp": "2"},
        "bizLocation": {"id": "urn:x:bl", "ex:bl": "3"},
        "errorDeclaration": {"declarationTime": "2005-04-04T00:00:00Z", "ex:ed": "4"},
        "ilmd": {"ex:il": "5"},
        "sensorElementList": [
            {
                "sensorMetadata": {"ex:sm": "6"},
                "sensorReport": [{"type": "Temperature", "ex:sr": "7"}],
                "ex:se": "8",
            }
        ],
    }
    ev = event_from_dict(data, namespaces=NS)
    element = ev.sensor_element_list[0]
    found = [
        ev.extensions,
        ev.read_point.extensions,
        ev.biz_location.extensions,
        ev.error_declaration.extensions,
        ev.ilmd.extensions,
        element.sensor_metadata.extensions,
        element.sensor_report[0].extensions,
        element.extensions,
    ]
    assert [(nodes[0].namespace, nodes[0].text) for nodes in found] == [
        (EX, str(i)) for i in range(1, 9)
    ]


def test_own_context_binds_the_event_and_its_parts():
    data = {
        **EVENT,
        "readPoint": {"id": "urn:x:rp", "ext2:address": "Cần Thơ"},
        "ext2:name": "HTX",
        "@context": [{"ext2": "http://www.ext2.net/"}],
    }
    ev = event_from_dict(data)
    assert ev.extensions[0].clark == "{http://www.ext2.net/}name"
    assert ev.read_point.extensions[0].clark == "{http://www.ext2.net/}address"
    assert ev.context.namespaces == {"ext2": "http://www.ext2.net/"}


def test_a_context_after_the_members_rebinds_them():
    text = json.dumps(
        {
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2005-07-11T11:30:47.0Z",
            "epcisBody": {
                "eventList": [
                    {**EVENT, "ext1:a": "doc-level", "ilmd": {"ext1:lot": "L"}},
                    {**EVENT, "ext1:a": "own", "@context": {"ext1": "http://own.example/"}},
                ]
            },
            "@context": [
                "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                {"ext1": "http://doc.example/", "cbvmda": "http://example.com/cbvmda/"},
            ],
        }
    )
    doc = document_from_json(text)
    first, second = doc.events
    assert first.extensions[0].namespace == "http://doc.example/"
    assert first.ilmd.extensions[0].namespace == "http://doc.example/"
    assert second.extensions[0].namespace == "http://own.example/"
    assert doc.context.redefined_protected() == ("cbvmda",)
    # Passing the prefixes up front gives the same models.
    assert document_from_json(text, namespaces={"ext1": "http://doc.example/"}) == doc


def test_validation_context_namespaces():
    ev = event_from_json(json.dumps({**EVENT, "ex:a": 1}), namespaces=NS)
    assert ev.extensions[0].clark == f"{{{EX}}}a"
    assert ObjectEvent.model_validate({**EVENT, "ex:a": 1}, context={"namespaces": NS}) == ev
    unbound = event_from_json(json.dumps({**EVENT, "ex:a": 1}))
    assert unbound.extensions[0].namespace == "ex:"


def test_given_and_prefixed_extensions_are_combined():
    rp = ReadPoint.model_validate(
        {"id": "urn:x:y", "extensions": [node("a", text="1")], "ex:b": "2"},
        context={"namespaces": NS},
    )
    assert [n.name for n in rp.extensions] == ["a", "b"]


def test_find_extensions():
    ev = event_from_dict(
        {**EVENT, "ilmd": {"cbvmda:lotNumber": "L1", "ex:lotNumber": "X"}}, namespaces=NS
    )
    assert [n.text for n in ev.ilmd.find_extensions("cbvmda:lotNumber")] == ["L1"]
    assert [n.text for n in ev.ilmd.find_extensions("lotNumber")] == ["L1", "X"]
    assert [n.text for n in ev.ilmd.find_extensions(f"{{{EX}}}lotNumber")] == ["X"]
    assert ev.ilmd.find_extensions("ex:lotNumber", namespaces=NS)[0].text == "X"
    assert ev.ilmd.find_extensions("none:x") == ()


def test_json_ld_context_value():
    ctx = JsonLdContext.of(
        [
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {
                "a": "http://a.example/",
                "b": "http://b.example",
                "c": {"@id": "http://c.example", "@prefix": True},
                "ex:term": {"@type": "@id"},
                "@version": 1.1,
            },
        ]
    )
    assert ctx.urls == ("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",)
    assert ctx.namespaces == {"a": "http://a.example/", "c": "http://c.example"}
    assert ctx.redefined_protected() == ()
    assert JsonLdContext.of(ctx) is ctx
    assert JsonLdContext.of("https://x.example/c.jsonld").value == "https://x.example/c.jsonld"
    assert JsonLdContext.of(None).namespaces == {}
    for bad in (5, {"a": float("nan")}, {"a": {1, 2}}):
        with pytest.raises(EpcisError) as err:
            JsonLdContext.of(bad)
        assert err.value.code == "EPCIS_INVALID_CONTEXT"
    doc = EPCISDocument.model_validate(
        {
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2005-07-11T11:30:47Z",
            "epcisBody": {"eventList": []},
            "@context": ctx.value,
        }
    )
    assert doc.context == ctx
    assert doc.model_dump(by_alias=True)["@context"] == ctx.value


def test_the_model_checks_extension_keys_itself():
    # pydantic-core validates the keys of extras in JSON mode only from 2.14.2 on.
    rp = ReadPoint(id="urn:x:y")
    with pytest.raises(PydanticCustomError) as err:
        rp._take_extras({"colour": "red"}, DEFAULT_NAMESPACES)
    assert err.value.type == "EPCIS_UNKNOWN_MEMBER"
