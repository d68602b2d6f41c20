"""tracelib.epcis.cbv: the CBV 2.0 lists and the four forms of a value."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import vectors
from tracelib.epcis import cbv
from tracelib.errors import EpcisError

EXPECTED_COUNTS = {
    "bizStep": 41,
    "disposition": 33,
    "bizTransactionType": 13,
    "sourceDestType": 3,
    "errorReason": 2,
    "component": 14,
    "measurementType": 72,
    "sensorAlertType": 2,
}
# Written out independently of the library: (Web URI type, URN segment) per CBV list.
FORMS = {
    "bizStep": ("BizStep", "bizstep"),
    "disposition": ("Disp", "disp"),
    "bizTransactionType": ("BTT", "btt"),
    "sourceDestType": ("SDT", "sdt"),
    "errorReason": ("ER", "er"),
    "component": ("Comp", "comp"),
}
SCHEMAS = {
    "bizStep": ("bizStep", "bizStep"),
    "disposition": ("disposition", "disposition"),
    "bizTransactionType": ("bizTransaction-type", "bizTransaction-type"),
    "sourceDestType": ("source-dest-type", "source-dest-type"),
    "errorReason": ("error-reason", "error-reason"),
    "component": ("component", "component"),
    "measurementType": ("measurement-type", "measurementType"),
    "sensorAlertType": ("sensor-alert-type", "sensorAlertType"),
}


def expected_forms(kind: str, word: str) -> dict[str, str]:
    if kind in FORMS:
        web_type, segment = FORMS[kind]
        return {
            "urn": f"urn:epcglobal:cbv:{segment}:{word}",
            "web_uri": f"https://ref.gs1.org/cbv/{web_type}-{word}",
            "bare": word,
            "curie": f"cbv:{web_type}-{word}",
        }
    return {
        "urn": f"https://gs1.org/voc/{word}",  # no URN form: the Web URI is given
        "web_uri": f"https://gs1.org/voc/{word}",
        "bare": word,
        "curie": f"gs1:{word}",
    }


# -- the lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "count"), EXPECTED_COUNTS.items())
def test_list_counts(kind, count):
    words = cbv.terms(kind)
    assert len(words) == count
    assert len(set(words)) == count
    enum = cbv.vocabulary(kind)
    assert [member.value for member in enum] == list(words)
    assert all(member.kind == kind for member in enum)


def test_total_and_notable_terms():
    assert sum(len(cbv.terms(kind)) for kind in cbv.KINDS) == 180
    assert {"sensor_reporting", "sampling"} <= set(cbv.BIZ_STEPS)
    assert cbv.BIZ_TRANSACTION_TYPES == (
        "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv",
        "rma", "testprd", "testres", "upevt",
    )  # fmt: skip
    assert cbv.SOURCE_DEST_TYPES == ("owning_party", "possessing_party", "location")
    assert cbv.ERROR_REASONS == ("did_not_occur", "incorrect_data")
    assert cbv.SENSOR_ALERT_TYPES == ("ALARM_CONDITION", "ERROR_CONDITION")
    assert "EffectiveDoseRate" not in cbv.MEASUREMENT_TYPES  # seen in real data, not in 2.0


@pytest.mark.conformance
@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_lists_equal_the_json_schema_enums(kind):
    file, definition = SCHEMAS[kind]
    schema = vectors.load_json(f"epcis/JSON-Schema/schemas/{file}-JSON-Schema.json")
    (enum,) = [o["enum"] for o in schema["definitions"][definition]["anyOf"] if "enum" in o]
    assert tuple(enum) == cbv.terms(kind)


@pytest.mark.conformance
def test_urn_forms_equal_the_cbv_ontology():
    text = vectors.path("epcis/Ontology/CBV.ttl").read_text(encoding="utf-8")
    same_as = dict(re.findall(r"^cbv:(\w+-\w+)\s+a\s.*?owl:sameAs\s+<([^>]+)>", text, re.M | re.S))
    checked = 0
    for kind in FORMS:
        for word in cbv.terms(kind):
            forms = expected_forms(kind, word)
            assert same_as[forms["curie"][4:]] == forms["urn"]
            checked += 1
    assert checked == 106


# -- the conversion vectors ----------------------------------------------------------------------


def _vector_result(row):
    function, args = row["function"], row["args"]
    if function == "toBareStringVocabulary":
        return cbv.to_bare(args[0])
    if function == "toUrnVocabulary":
        return cbv.to_urn(args[0])
    if function == "toWebURIVocabulary":
        return cbv.to_web_uri(args[0])
    value, field, form = args
    kind = cbv.kind_for_field(field)
    form = (form or "").lower()
    if value is None or form not in ("urn", "weburi"):
        return value
    return cbv.to_urn(value, kind) if form == "urn" else cbv.to_web_uri(value, kind)


@pytest.mark.conformance
def test_openepcis_vocabulary_vectors():
    rows = vectors.jsonl("gs1/epc/openepcis-cbv-vocab.jsonl")
    assert len(rows) == 213
    failures = [
        (row["id"], row["args"], row["expected"], _vector_result(row))
        for row in rows
        if _vector_result(row) != row["expected"]
    ]
    assert failures == []


# -- every form to every other -------------------------------------------------------------------


def test_every_form_converts_to_every_other():
    checked = 0
    for kind in cbv.KINDS:
        for word in cbv.terms(kind):
            forms = expected_forms(kind, word)
            for source_form, text in forms.items():
                if source_form == "urn" and kind not in FORMS:
                    continue  # GS1 Web Vocabulary terms have no URN to read
                # Bare words need their kind; measurement and alert types share "gs1:".
                needs_kind = source_form == "bare" or kind not in FORMS
                value = cbv.CbvValue.parse(text, kind if needs_kind else None)
                assert (value.kind, value.word, value.form, value.is_known) == (
                    kind,
                    word,
                    source_form,
                    True,
                ), text
                for target, expected in forms.items():
                    assert value.to(target) == expected
                    assert cbv.convert(text, target, kind=kind) == expected
                    checked += 1
    assert checked == (106 * 4 + 74 * 3) * 4  # CBV lists read from 4 forms, GS1 voc from 3


@given(
    st.sampled_from(cbv.KINDS).flatmap(
        lambda kind: st.tuples(st.just(kind), st.sampled_from(cbv.terms(kind)))
    ),
    st.sampled_from(("urn", "web_uri", "bare", "curie")),
    st.sampled_from(("urn", "web_uri", "bare", "curie")),
)
def test_conversions_compose(kind_word, first, second):
    kind, word = kind_word
    once = cbv.convert(word, first, kind=kind)
    twice = cbv.convert(once, second, kind=kind)
    assert twice == cbv.convert(word, second, kind=kind)
    assert cbv.is_known(twice, kind)


def test_enum_members_carry_all_forms():
    member = cbv.Disposition.IN_TRANSIT
    assert (str(member), f"{member:>12}", member.bare) == (
        "in_transit",
        "  in_transit",
        "in_transit",
    )
    assert member.urn == "urn:epcglobal:cbv:disp:in_transit"
    assert member.web_uri == "https://ref.gs1.org/cbv/Disp-in_transit"
    assert member.curie == "cbv:Disp-in_transit"
    assert cbv.MeasurementType.TEMPERATURE.urn == "https://gs1.org/voc/Temperature"
    assert cbv.MeasurementType.AMOUNT_OF_SUBSTANCE_PER_UNIT_VOLUME.value == (
        "AmountOfSubstancePerUnitVolume"
    )
    assert cbv.SensorComponent.X.web_uri == "https://ref.gs1.org/cbv/Comp-x"
    assert cbv.to_urn(cbv.BizStep.SHIPPING) == "urn:epcglobal:cbv:bizstep:shipping"
    assert cbv.CbvValue.parse(cbv.ErrorReason.DID_NOT_OCCUR).form == "bare"


# -- values outside the lists --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "word", "form"),
    [
        ("https://ref.gs1.org/cbv/ER-other", "errorReason", "other", "web_uri"),
        ("urn:epcglobal:cbv:sdt:processing_party", "sourceDestType", "processing_party", "urn"),
        ("gs1:Molar_concentration", "measurementType", "Molar_concentration", "curie"),
        (
            "https://gs1.org/voc/EffectiveDoseRate",
            "measurementType",
            "EffectiveDoseRate",
            "web_uri",
        ),
    ],
)
def test_newer_gs1_terms_keep_their_structure(text, kind, word, form):
    value = cbv.CbvValue.parse(text)
    assert (value.kind, value.word, value.form) == (kind, word, form)
    assert value.is_gs1
    assert not value.is_known
    assert cbv.CbvValue.parse(value.to_urn()).word == word


@pytest.mark.parametrize(
    "text",
    [
        "urn:gs1:epcisapp:rail:btt:passage",
        "https://example.com/cbv/My-Own-Vocabulary",
        "cbv:receiving",
        "urn:epcglobal:cbv:bt:0614141073467:1152",
        "urn:epcglobal:cbv:mda:lotNumber",
        "https://ref.gs1.org/cbv/Unknown-word",
        "",
        " ",
        "example:x",
    ],
)
def test_other_values_stay_as_written(text):
    value = cbv.CbvValue.parse(text, "bizStep")
    assert (value.form, value.word, value.is_known) == ("other", None, False)
    for form in ("urn", "web_uri", "bare", "curie"):
        assert value.to(form) == text
    assert str(value) == text


def test_bare_words_need_a_kind():
    assert cbv.CbvValue.parse("shipping").form == "other"
    assert cbv.to_web_uri("shipping") == "shipping"
    assert cbv.to_web_uri("shipping", "bizStep") == "https://ref.gs1.org/cbv/BizStep-shipping"
    # A structured value keeps its own vocabulary whatever the field says.
    assert cbv.CbvValue.parse("urn:epcglobal:cbv:disp:active", "bizStep").kind == "disposition"
    assert cbv.CbvValue.parse("gs1:ALARM_CONDITION").kind == "sensorAlertType"


def test_gs1_voc_stem_is_an_option():
    value = cbv.CbvValue.parse("Temperature", "measurementType")
    assert (
        value.to_web_uri(gs1_voc="https://ref.gs1.org/voc/")
        == "https://ref.gs1.org/voc/Temperature"
    )
    # https://www.gs1.org/voc/ is a different namespace: not read as a GS1 term.
    assert cbv.CbvValue.parse("https://www.gs1.org/voc/Temperature").form == "other"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("bizStep", "bizStep"),
        ("BIZSTEP", "bizStep"),
        ("persistentDisposition", "disposition"),
        ("bizTransactionLIST", "bizTransactionType"),
        ("Destination", "sourceDestType"),
        ("sourceList", "sourceDestType"),
        ("errorDeclaration", "errorReason"),
        ("reason", "errorReason"),
        ("component", "component"),
        ("measurementType", "measurementType"),
        ("exception", "sensorAlertType"),
        ("type", None),
        ("eventTime", None),
        (None, None),
        (42, None),
    ],
)
def test_kind_for_field(name, kind):
    assert cbv.kind_for_field(name) == kind


# -- validate / is_known / junk ------------------------------------------------------------------


def test_validate():
    assert (
        cbv.validate("cbv:Disp-in_transit", "disposition")
        == "https://ref.gs1.org/cbv/Disp-in_transit"
    )
    assert cbv.validate("urn:gs1:epcisapp:rail:btt:passage", "bizTransactionType") == (
        "urn:gs1:epcisapp:rail:btt:passage"
    )
    for bad in (
        "shiping",
        "urn:epcglobal:cbv:disp:active",
        "https://ref.gs1.org/cbv/ER-other",
        "gs1:Temperature",
        "not a uri",
        "",
    ):
        with pytest.raises(EpcisError) as err:
            cbv.validate(bad, "bizStep" if not bad.startswith("https://ref") else "errorReason")
        assert err.value.code == "EPCIS_UNKNOWN_VOCAB"
        assert err.value.position == 0


JUNK = [
    None,
    b"shipping",
    3,
    3.5,
    ["shipping"],
    {"a": 1},
    object(),
    "😀" * 3,
    "x" * 100_000,
    "\x00",
]


def _junk_id(value: object) -> str:
    # Stable across xdist workers: no memory addresses, no 100k-character ids.
    return f"{type(value).__name__}-{len(repr(value))}"


@pytest.mark.parametrize("junk", JUNK, ids=_junk_id)
def test_is_known_never_raises(junk):
    assert cbv.is_known(junk) is False
    assert cbv.is_known(junk, "bizStep") is False
    assert cbv.is_known("shipping", junk) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("junk", [j for j in JUNK if not isinstance(j, str)], ids=_junk_id)
def test_non_strings_raise_epcis_error(junk):
    with pytest.raises(EpcisError) as err:
        cbv.CbvValue.parse(junk)
    assert err.value.code == "EPCIS_INVALID_VALUE"
    if junk is not None:
        with pytest.raises(EpcisError):
            cbv.to_web_uri(junk)


def test_bad_kind_and_form():
    for call in (
        lambda: cbv.CbvValue.parse("x", "bizstep"),  # type: ignore[arg-type]
        lambda: cbv.terms("nope"),  # type: ignore[arg-type]
        lambda: cbv.vocabulary(None),  # type: ignore[arg-type]
        lambda: cbv.CbvValue.parse("shipping", "bizStep").to("url"),  # type: ignore[arg-type]
    ):
        with pytest.raises(EpcisError) as err:
            call()
        assert err.value.code == "EPCIS_INVALID_VALUE"


def test_none_passes_through_module_functions():
    assert cbv.to_urn(None) is None
    assert cbv.to_web_uri(None, "bizStep") is None
    assert cbv.to_bare(None) is None
    assert cbv.to_curie(None) is None


@given(st.text(max_size=60), st.sampled_from((None, *cbv.KINDS)))
def test_parse_never_fails_on_text(text, kind):
    value = cbv.CbvValue.parse(text, kind)
    assert value.text == text
    for form in ("urn", "web_uri", "bare", "curie"):
        assert isinstance(value.to(form), str)
    assert cbv.is_known(text, kind) == (value.is_known and (kind is None or value.kind == kind))
