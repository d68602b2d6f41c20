"""Hypothesis strategies for valid EPCIS 2.0 models, shared by the epcis test suites.

Every strategy builds *valid* models (the constructors would raise otherwise), covering every
optional part of the five event types, documents, sensor data and extension trees. The
``syntax`` argument restricts a model to what one syntax can carry exactly, so that codecs
can assert ``read(write(model)) == model``:

* ``"any"``: everything the model allows;
* ``"xml"``: no JSON-only shapes (typed JSON scalars, array flags, empty JSON containers,
  ``@context``), at most one ``certificationInfo``, sensor extensions as simple attributes,
  leaf text never ``None``;
* ``"jsonld"``: no XML-only shapes (extension attributes, the SBDH, unqualified top-level
  extensions, siblings that JSON would regroup), numbers that survive JSON doubles, leaf
  text never ``None``. Extension prefixes are those of :data:`NAMESPACES`: pass them as the
  ``@context`` prefixes (``context={"namespaces": NAMESPACES}``).

    from tests.epcis import strategies as es
    @given(es.events(syntax="jsonld"))
    def test_round_trip(event): ...
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from tests import strategies as gs
from tests.epcis.strategies_values import (
    _SAFE,
    _TEXT,
    NAMESPACES,
    Syntax,
    cbv_values,
    class_ids,
    decimals,
    digital_links,
    epc_urns,
    event_ids,
    extension_nodes,
    extensions,
    instance_ids,
    location_ids,
    offsets,
    private_uris,
    timestamps,
)
from tracelib.epcis import cbv
from tracelib.epcis.models import (
    AggregationEvent,
    AssociationEvent,
    BizLocation,
    BizTransaction,
    ContactInformation,
    Destination,
    DocumentIdentification,
    EPCISBody,
    EPCISCaptureJob,
    EPCISDocument,
    EPCISHeader,
    EPCISMasterData,
    EPCISMasterDataBody,
    EPCISMasterDataDocument,
    EPCISQueryBody,
    EPCISQueryDocument,
    ErrorDeclaration,
    Extension,
    Ilmd,
    JsonLdContext,
    ObjectEvent,
    Partner,
    PartnerIdentification,
    PersistentDisposition,
    ProblemDetails,
    QuantityElement,
    QueryResults,
    QueryResultsBody,
    ReadPoint,
    SensorElement,
    SensorMetadata,
    SensorReport,
    Source,
    StandardBusinessDocumentHeader,
    TransactionEvent,
    TransformationEvent,
    Vocabulary,
    VocabularyAttribute,
    VocabularyElement,
)

__all__ = [
    "NAMESPACES",
    "Syntax",
    "aggregation_events",
    "association_events",
    "biz_locations",
    "biz_transactions",
    "capture_jobs",
    "cbv_values",
    "class_ids",
    "decimals",
    "destinations",
    "digital_links",
    "documents",
    "epc_urns",
    "epcis_documents",
    "error_declarations",
    "event_ids",
    "events",
    "extension_nodes",
    "extensions",
    "ilmds",
    "instance_ids",
    "location_ids",
    "master_data_documents",
    "object_events",
    "offsets",
    "persistent_dispositions",
    "private_uris",
    "quantity_elements",
    "query_documents",
    "read_points",
    "sbdhs",
    "sensor_elements",
    "sensor_metadata",
    "sensor_reports",
    "sources",
    "timestamps",
    "transaction_events",
    "transformation_events",
    "vocabularies",
]


# -- event parts -------------------------------------------------------------------------------


def _model(cls: type[Any], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Instances of a model from strategies of its fields (by Python name)."""
    return st.fixed_dictionaries(fields).map(lambda kw: cls(**kw))


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _tuples(strategy: st.SearchStrategy[Any], max_size: int = 3) -> st.SearchStrategy[Any]:
    return st.lists(strategy, max_size=max_size).map(tuple)


@functools.cache
def quantity_elements(syntax: Syntax = "any") -> st.SearchStrategy[QuantityElement]:
    """``{epcClass, quantity?, uom?}`` (a uom only with a quantity)."""
    return st.builds(
        lambda c, q, u: QuantityElement(epc_class=c, quantity=q, uom=u if q is not None else None),
        class_ids(),
        _opt(decimals(syntax)),
        _opt(st.sampled_from(("KGM", "LTR", "MTR", "EA", "TNE", "H87"))),
    )


@functools.cache
def read_points(syntax: Syntax = "any") -> st.SearchStrategy[ReadPoint]:
    """A readPoint, sometimes with extensions."""
    return _model(ReadPoint, id=location_ids(), extensions=extensions(syntax, max_size=2))


@functools.cache
def biz_locations(syntax: Syntax = "any") -> st.SearchStrategy[BizLocation]:
    """A bizLocation, sometimes with extensions."""
    return _model(BizLocation, id=location_ids(), extensions=extensions(syntax, max_size=2))


@functools.cache
def biz_transactions() -> st.SearchStrategy[BizTransaction]:
    """A business transaction, with or without a type."""
    return st.builds(
        lambda t, v: BizTransaction(type=t, value=v),
        _opt(cbv_values("bizTransactionType")),
        private_uris() | epc_urns(),
    )


@functools.cache
def sources() -> st.SearchStrategy[Source]:
    """A source of a transfer."""
    return st.builds(
        lambda t, v: Source(type=t, value=v), cbv_values("sourceDestType"), location_ids()
    )


@functools.cache
def destinations() -> st.SearchStrategy[Destination]:
    """A destination of a transfer."""
    return st.builds(
        lambda t, v: Destination(type=t, value=v), cbv_values("sourceDestType"), location_ids()
    )


@functools.cache
def persistent_dispositions() -> st.SearchStrategy[PersistentDisposition]:
    """``{set?, unset?}``, at least one, values unique in each list."""
    # unique as dispositions: a URN and its bare word are one value
    values = st.lists(
        cbv_values("disposition"),
        min_size=1,
        max_size=3,
        unique_by=lambda v: (
            cbv.to_web_uri(v, "disposition") if cbv.is_known(v, "disposition") else v
        ),
    ).map(tuple)
    return st.one_of(
        st.builds(lambda s: PersistentDisposition(set=s), values),
        st.builds(lambda u: PersistentDisposition(unset=u), values),
        st.builds(lambda s, u: PersistentDisposition(set=s, unset=u), values, values),
    )


@functools.cache
def error_declarations(syntax: Syntax = "any") -> st.SearchStrategy[ErrorDeclaration]:
    """An error declaration with its optional parts."""
    return _model(
        ErrorDeclaration,
        declaration_time=timestamps(),
        reason=_opt(cbv_values("errorReason")),
        corrective_event_ids=_tuples(event_ids()),
        extensions=extensions(syntax, max_size=2),
    )


@functools.cache
def ilmds(syntax: Syntax = "any") -> st.SearchStrategy[Ilmd]:
    """ILMD: CBV master data attributes (``cbvmda:``) and user extensions."""
    cbvmda = st.lists(
        st.sampled_from(("lotNumber", "countryOfOrigin", "itemExpirationDate", "harvestDate")),
        unique=True,
        max_size=3,
    )

    def combine(names: list[str], user: tuple[Extension, ...]) -> Ilmd:
        taken = {(node.namespace, node.name) for node in user}
        standard = tuple(
            Extension("urn:epcglobal:cbv:mda:", name, "cbvmda", text=f"v-{name}")
            for name in names
            if ("urn:epcglobal:cbv:mda:", name) not in taken
        )
        return Ilmd(extensions=standard + user)

    return st.builds(combine, cbvmda, extensions(syntax, max_size=3))


@functools.cache
def sensor_metadata(syntax: Syntax = "any") -> st.SearchStrategy[SensorMetadata]:
    """Sensor metadata with any subset of its fields."""
    return _model(
        SensorMetadata,
        time=_opt(timestamps()),
        start_time=_opt(timestamps()),
        end_time=_opt(timestamps()),
        device_id=_opt(instance_ids()),
        device_metadata=_opt(private_uris()),
        raw_data=_opt(private_uris()),
        data_processing_method=_opt(private_uris()),
        biz_rules=_opt(private_uris()),
        extensions=extensions(syntax, simple=True, max_size=2),
    )


@functools.cache
def sensor_reports(syntax: Syntax = "any") -> st.SearchStrategy[SensorReport]:
    """Sensor reports with any subset of their 24 fields."""
    number = _opt(decimals(syntax))
    return _model(
        SensorReport,
        type=_opt(cbv_values("measurementType")),
        exception=_opt(cbv_values("sensorAlertType")),
        device_id=_opt(instance_ids()),
        device_metadata=_opt(private_uris()),
        raw_data=_opt(private_uris()),
        data_processing_method=_opt(private_uris()),
        biz_rules=_opt(private_uris()),
        time=_opt(timestamps()),
        microorganism=_opt(private_uris()),
        chemical_substance=_opt(private_uris()),
        value=number,
        component=_opt(cbv_values("component")),
        string_value=_opt(_TEXT),
        boolean_value=_opt(st.booleans()),
        hex_binary_value=_opt(st.binary(min_size=1, max_size=8).map(lambda b: b.hex())),
        uri_value=_opt(private_uris()),
        min_value=number,
        max_value=number,
        mean_value=number,
        s_dev=number,
        perc_rank=number,
        perc_value=number,
        uom=_opt(st.sampled_from(("CEL", "FAH", "KEL", "P1", "KGM", "A93"))),
        coordinate_reference_system=_opt(private_uris()),
        extensions=extensions(syntax, simple=True, max_size=2),
    )


@functools.cache
def sensor_elements(syntax: Syntax = "any") -> st.SearchStrategy[SensorElement]:
    """A sensor element: optional metadata, one report or more, extensions."""
    return _model(
        SensorElement,
        sensor_metadata=_opt(sensor_metadata(syntax)),
        sensor_report=st.lists(sensor_reports(syntax), min_size=1, max_size=3).map(tuple),
        extensions=extensions(syntax, max_size=2),
    )


@functools.cache
def _contexts(syntax: Syntax) -> st.SearchStrategy[JsonLdContext | None]:
    if syntax == "xml":
        return st.none()
    return _opt(
        st.just(
            JsonLdContext.of(
                ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", NAMESPACES]
            )
        )
    )


@functools.cache
def _common(syntax: Syntax) -> dict[str, st.SearchStrategy[Any]]:
    certification = _tuples(private_uris(), max_size=1 if syntax == "xml" else 3)
    return {
        "event_time": timestamps(),
        "record_time": _opt(timestamps()),
        "event_time_zone_offset": offsets(),
        "event_id": _opt(event_ids()),
        "error_declaration": _opt(error_declarations(syntax)),
        "certification_info": certification,
        "biz_step": _opt(cbv_values("bizStep")),
        "disposition": _opt(cbv_values("disposition")),
        "persistent_disposition": _opt(persistent_dispositions()),
        "read_point": _opt(read_points(syntax)),
        "biz_location": _opt(biz_locations(syntax)),
        "source_list": _tuples(sources()),
        "destination_list": _tuples(destinations()),
        "sensor_element_list": _tuples(sensor_elements(syntax), max_size=2),
        "extensions": extensions(syntax),
    }


_ACTIONS = st.sampled_from(("ADD", "OBSERVE", "DELETE"))


@functools.cache
def object_events(syntax: Syntax = "any") -> st.SearchStrategy[ObjectEvent]:
    """ObjectEvents with every optional part."""
    return _model(
        ObjectEvent,
        epc_list=_tuples(instance_ids(), 5),
        quantity_list=_tuples(quantity_elements(syntax)),
        action=_ACTIONS,
        biz_transaction_list=_tuples(biz_transactions()),
        ilmd=_opt(ilmds(syntax)),
        context=_contexts(syntax),
        **_common(syntax),
    )


@functools.cache
def aggregation_events(syntax: Syntax = "any") -> st.SearchStrategy[AggregationEvent]:
    """AggregationEvents with every optional part."""
    return _model(
        AggregationEvent,
        parent_id=_opt(epc_urns()),
        child_epcs=_tuples(instance_ids(), 5),
        child_quantity_list=_tuples(quantity_elements(syntax)),
        action=_ACTIONS,
        biz_transaction_list=_tuples(biz_transactions()),
        context=_contexts(syntax),
        **_common(syntax),
    )


@functools.cache
def transaction_events(syntax: Syntax = "any") -> st.SearchStrategy[TransactionEvent]:
    """TransactionEvents (one business transaction or more) with every optional part."""
    return _model(
        TransactionEvent,
        biz_transaction_list=st.lists(biz_transactions(), min_size=1, max_size=3).map(tuple),
        parent_id=_opt(epc_urns()),
        epc_list=_tuples(instance_ids(), 5),
        quantity_list=_tuples(quantity_elements(syntax)),
        action=_ACTIONS,
        context=_contexts(syntax),
        **_common(syntax),
    )


@functools.cache
def transformation_events(syntax: Syntax = "any") -> st.SearchStrategy[TransformationEvent]:
    """TransformationEvents with every optional part."""
    return _model(
        TransformationEvent,
        input_epc_list=_tuples(instance_ids(), 4),
        input_quantity_list=_tuples(quantity_elements(syntax)),
        output_epc_list=_tuples(instance_ids(), 4),
        output_quantity_list=_tuples(quantity_elements(syntax)),
        transformation_id=_opt(private_uris()),
        biz_transaction_list=_tuples(biz_transactions()),
        ilmd=_opt(ilmds(syntax)),
        context=_contexts(syntax),
        **_common(syntax),
    )


@functools.cache
def association_events(syntax: Syntax = "any") -> st.SearchStrategy[AssociationEvent]:
    """AssociationEvents with every optional part."""
    return _model(
        AssociationEvent,
        parent_id=epc_urns(),
        child_epcs=_tuples(instance_ids(), 5),
        child_quantity_list=_tuples(quantity_elements(syntax)),
        action=_ACTIONS,
        biz_transaction_list=_tuples(biz_transactions()),
        context=_contexts(syntax),
        **_common(syntax),
    )


@functools.cache
def events(syntax: Syntax = "any") -> st.SearchStrategy[Any]:
    """Events of the five types."""
    return st.one_of(
        object_events(syntax),
        aggregation_events(syntax),
        transaction_events(syntax),
        transformation_events(syntax),
        association_events(syntax),
    )


# -- documents -------------------------------------------------------------------------------------


@functools.cache
def sbdhs() -> st.SearchStrategy[StandardBusinessDocumentHeader]:
    """Standard Business Document Headers (XML only)."""
    partner = _model(
        Partner,
        identifier=_model(
            PartnerIdentification,
            value=gs.numeric_keys(13),
            authority=_opt(st.just("GS1")),
        ),
        contact_information=_tuples(
            _model(ContactInformation, contact=_TEXT.filter(bool), email_address=_opt(_TEXT)),
            max_size=2,
        ),
    )
    return _model(
        StandardBusinessDocumentHeader,
        header_version=st.just("1.0"),
        sender=st.lists(partner, min_size=1, max_size=2).map(tuple),
        receiver=st.lists(partner, min_size=1, max_size=2).map(tuple),
        document_identification=_model(
            DocumentIdentification,
            standard=st.just("EPCglobal"),
            type_version=st.just("2.0"),
            instance_identifier=st.text(_SAFE, min_size=1, max_size=10),
            type=st.just("Events"),
            multiple_type=_opt(st.booleans()),
            creation_date_and_time=timestamps(),
        ),
    )


@functools.cache
def vocabularies(syntax: Syntax = "any") -> st.SearchStrategy[Vocabulary]:
    """Master data vocabularies with attributes of every content kind."""
    value = st.builds(
        lambda node: node.replace(namespace=None, prefix=None, name="attribute", array=False),
        extension_nodes(syntax),
    )
    element = _model(
        VocabularyElement,
        id=location_ids(),
        attributes=_tuples(
            _model(VocabularyAttribute, id=private_uris(), value=_opt(value)), max_size=3
        ),
        children=_tuples(location_ids(), max_size=2),
        extensions=extensions(syntax, max_size=1),
    )
    return _model(
        Vocabulary,
        type=st.sampled_from(
            (
                "urn:epcglobal:epcis:vtype:BusinessLocation",
                "urn:epcglobal:epcis:vtype:ReadPoint",
                "urn:epcglobal:epcis:vtype:EPCClass",
            )
        ),
        vocabulary_element_list=_tuples(element, max_size=3),
        extensions=extensions(syntax, max_size=1),
    )


@functools.cache
def epcis_documents(syntax: Syntax = "any", max_events: int = 3) -> st.SearchStrategy[Any]:
    """Capture documents; XML ones may carry an SBDH, JSON-LD ones the pseudo-SBDH members."""

    def pseudo(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.none() if syntax == "xml" else _opt(strategy)

    header = _model(
        EPCISHeader,
        sbdh=_opt(sbdhs()) if syntax != "jsonld" else st.none(),
        epcis_master_data=_opt(
            _model(EPCISMasterData, vocabulary_list=_tuples(vocabularies(syntax), max_size=2))
        ),
    )
    return _model(
        EPCISDocument,
        context=_contexts(syntax),
        id=pseudo(private_uris()),
        schema_version=st.just("2.0"),
        creation_date=timestamps(),
        instance_identifier=pseudo(st.text(_SAFE, min_size=1, max_size=8)),
        sender=pseudo(st.text(_SAFE, min_size=1, max_size=8)),
        receiver=pseudo(st.text(_SAFE, min_size=1, max_size=8)),
        epcis_header=_opt(header),
        epcis_body=_model(
            EPCISBody, event_list=st.lists(events(syntax), max_size=max_events).map(tuple)
        ),
        extensions=extensions(syntax, max_size=2),
    )


@functools.cache
def query_documents(syntax: Syntax = "any", max_events: int = 3) -> st.SearchStrategy[Any]:
    """Query documents with event results."""
    return _model(
        EPCISQueryDocument,
        context=_contexts(syntax),
        schema_version=st.just("2.0") if syntax == "xml" else _opt(st.just("2.0")),
        creation_date=timestamps() if syntax == "xml" else _opt(timestamps()),
        epcis_body=_model(
            EPCISQueryBody,
            query_results=_model(
                QueryResults,
                query_name=st.just("SimpleEventQuery"),
                subscription_id=_opt(st.uuids().map(str)),
                results_body=_model(
                    QueryResultsBody,
                    event_list=st.lists(events(syntax), max_size=max_events).map(tuple),
                ),
            ),
        ),
    )


@functools.cache
def master_data_documents(syntax: Syntax = "any") -> st.SearchStrategy[Any]:
    """Master data documents (XML)."""
    return _model(
        EPCISMasterDataDocument,
        schema_version=st.just("2.0"),
        creation_date=timestamps(),
        epcis_body=_model(
            EPCISMasterDataBody, vocabulary_list=_tuples(vocabularies(syntax), max_size=2)
        ),
    )


@functools.cache
def capture_jobs() -> st.SearchStrategy[EPCISCaptureJob]:
    """Capture job states (errors or an error file, not both)."""
    problem = _model(
        ProblemDetails,
        type=private_uris(),
        title=_TEXT.filter(bool),
        status=_opt(st.integers(-1, 599)),
        detail=_opt(_TEXT),
        instance=_opt(private_uris()),
    )
    outcome = st.one_of(
        st.just({}),
        _tuples(problem, max_size=2).map(lambda errors: {"errors": errors}),
        private_uris().map(lambda uri: {"error_file": uri}),
    )
    return st.builds(
        lambda result, **fields: EPCISCaptureJob(**fields, **result),
        outcome,
        capture_id=st.uuids().map(str),
        running=st.booleans(),
        success=st.booleans(),
        capture_error_behaviour=_opt(st.sampled_from(("rollback", "proceed"))),
        created_at=_opt(timestamps()),
        finished_at=_opt(timestamps()),
    )


@functools.cache
def documents(syntax: Syntax = "any") -> st.SearchStrategy[Any]:
    """Any document kind the syntax can carry."""
    kinds = [epcis_documents(syntax), query_documents(syntax)]
    if syntax != "jsonld":
        kinds.append(master_data_documents(syntax))
    kinds.append(capture_jobs())
    return st.one_of(kinds)
