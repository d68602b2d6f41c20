"""The five EPCIS 2.0 event types and their discriminated union.

Field names are snake_case with the JSON-LD member names as aliases. Required fields follow
the XSD (design table): ``action`` on all but TransformationEvent, ``bizTransactionList``
(one item or more) on TransactionEvent, ``parentID`` on AssociationEvent, and on every
event ``eventTime`` and ``eventTimeZoneOffset``. ``persistentDisposition`` is allowed on all
five (the XSD does; the JSON Schema only on Object and Transformation events, a lint matter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from ._extensions import Extension
from ._models_base import CbvText, Uri
from ._models_build import build_event
from ._models_common import (
    BizLocation,
    BizTransaction,
    Destination,
    Ilmd,
    PersistentDisposition,
    QuantityElement,
    ReadPoint,
    Source,
)
from ._models_event_base import Action, EpcisEvent
from ._models_extensible import extensions_field
from ._models_sensor import SensorElement

if TYPE_CHECKING:
    from datetime import datetime

    from typing_extensions import Self

__all__ = [
    "Action",
    "AggregationEvent",
    "AssociationEvent",
    "EpcisEvent",
    "ObjectEvent",
    "TransactionEvent",
    "TransformationEvent",
]


class ObjectEvent(EpcisEvent):
    """Something happened to objects (observed, commissioned, decommissioned...).

    Requires ``action``. See :meth:`create` to build one from Python values.

    Examples:
        >>> ev = ObjectEvent.model_validate({"type": "ObjectEvent", "action": "OBSERVE",
        ...     "eventTime": "2005-04-03T20:33:31.116-06:00", "eventTimeZoneOffset": "-06:00",
        ...     "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"], "bizStep": "shipping",
        ...     "example:myField": "a user extension"})
        >>> ev
        ObjectEvent(2005-04-03T20:33:31.116-06:00 OBSERVE shipping, 1 EPC, 1 extensions)
        >>> ev.extensions[0].iri, ev.extensions[0].text
        ('example:myField', 'a user extension')
    """

    _epc_fields: ClassVar[tuple[str, ...]] = ("epc_list",)
    _quantity_fields: ClassVar[tuple[str, ...]] = ("quantity_list",)

    type: Literal["ObjectEvent"] = "ObjectEvent"
    epc_list: tuple[Uri, ...] = Field((), alias="epcList")
    quantity_list: tuple[QuantityElement, ...] = Field((), alias="quantityList")
    action: Action
    biz_step: CbvText | None = Field(None, alias="bizStep")
    disposition: CbvText | None = None
    persistent_disposition: PersistentDisposition | None = Field(
        None, alias="persistentDisposition"
    )
    read_point: ReadPoint | None = Field(None, alias="readPoint")
    biz_location: BizLocation | None = Field(None, alias="bizLocation")
    biz_transaction_list: tuple[BizTransaction, ...] = Field((), alias="bizTransactionList")
    source_list: tuple[Source, ...] = Field((), alias="sourceList")
    destination_list: tuple[Destination, ...] = Field((), alias="destinationList")
    sensor_element_list: tuple[SensorElement, ...] = Field((), alias="sensorElementList")
    ilmd: Ilmd | None = None
    extensions: tuple[Extension, ...] = extensions_field()

    @classmethod
    def create(
        cls,
        event_time: datetime | str,
        *,
        epcs: Any = (),
        quantities: Any = (),
        action: Action = "OBSERVE",
        biz_step: Any = None,
        disposition: Any = None,
        persistent_disposition: Any = None,
        read_point: Any = None,
        biz_location: Any = None,
        biz_transactions: Any = (),
        sources: Any = (),
        destinations: Any = (),
        sensor_elements: Any = (),
        ilmd: Any = None,
        event_time_zone_offset: str | None = None,
        record_time: datetime | str | None = None,
        event_id: str | None = None,
        error_declaration: Any = None,
        certification_info: Any = (),
        extensions: Any = (),
        namespaces: Any = None,
    ) -> Self:
        """Build an ObjectEvent from Python values.

        ``eventTimeZoneOffset`` comes from the aware ``event_time`` (or the offset of its
        text, ``Z`` giving ``+00:00``). CBV values are accepted as bare words (checked
        against the CBV 2.0 lists), enum members or URIs; identifiers as strings,
        :class:`tracelib.gs1.epc.Epc` values (written as URNs) or :mod:`tracelib.gs1.keys`
        objects (written as Digital Link URIs).

        Args:
            event_time: An aware ``datetime`` or an EPCIS timestamp string. Naive datetimes
                are refused.
            epcs: Instance identifiers (``epcList``).
            quantities: :class:`QuantityElement`\\ s, ``(epc_class, quantity[, uom])``
                tuples, mappings, or class identifiers alone.
            action: ``"ADD"``, ``"OBSERVE"`` (default) or ``"DELETE"``.
            biz_step: Business step, e.g. ``"commissioning"`` or ``BizStep.SHIPPING``.
            disposition: Disposition, e.g. ``"active"``.
            persistent_disposition: :class:`PersistentDisposition` or ``{"set": [...],
                "unset": [...]}``.
            read_point: Location identifier or :class:`ReadPoint`.
            biz_location: Location identifier or :class:`BizLocation`.
            biz_transactions: :class:`BizTransaction`\\ s, ``(type, id)`` tuples or ids.
            sources: :class:`Source`\\ s or ``(type, id)`` tuples.
            destinations: :class:`Destination`\\ s or ``(type, id)`` tuples.
            sensor_elements: :class:`SensorElement`\\ s or mappings.
            ilmd: :class:`Ilmd`, extension nodes, or a JSON-LD style mapping
                (``{"cbvmda:lotNumber": "L1"}``).
            event_time_zone_offset: Override the derived offset.
            record_time: Record time (aware ``datetime`` or string).
            event_id: Event ID URI.
            error_declaration: :class:`ErrorDeclaration` or a mapping.
            certification_info: One URI or several.
            extensions: Extension nodes or a JSON-LD style mapping.
            namespaces: ``{prefix: IRI}`` for the prefixes used in mapping keys.

        Returns:
            The event.

        Raises:
            EpcisError: For any invalid argument (``EPCIS_NAIVE_DATETIME``,
                ``EPCIS_UNKNOWN_VOCAB``, ``EPCIS_INVALID_URI``...).

        Examples:
            >>> from datetime import datetime, timedelta, timezone
            >>> ict = timezone(timedelta(hours=7))
            >>> ev = ObjectEvent.create(datetime(2024, 5, 1, 8, 30, tzinfo=ict), action="ADD",
            ...     epcs=["urn:epc:id:sgtin:8935049.050056.1001"], biz_step="commissioning",
            ...     ilmd={"cbvmda:lotNumber": "LOT-2024-07"})
            >>> ev.event_time, ev.event_time_zone_offset, ev.biz_step
            (Timestamp('2024-05-01T08:30:00.000+07:00'), '+07:00', 'commissioning')
        """
        return build_event(cls, locals())


class AggregationEvent(EpcisEvent):
    """Objects were aggregated (packed) into or disaggregated from a parent.

    Requires ``action``.

    Examples:
        >>> AggregationEvent.create("2024-05-01T10:00:00+07:00", action="ADD", biz_step="packing",
        ...     parent_id="urn:epc:id:sscc:8935049.0000000001",
        ...     child_epcs=["urn:epc:id:sgtin:8935049.050056.1",
        ...                 "urn:epc:id:sgtin:8935049.050056.2"])
        AggregationEvent(2024-05-01T10:00:00+07:00 ADD packing, 3 EPCs)
    """

    _epc_fields: ClassVar[tuple[str, ...]] = ("parent_id", "child_epcs")
    _quantity_fields: ClassVar[tuple[str, ...]] = ("child_quantity_list",)

    type: Literal["AggregationEvent"] = "AggregationEvent"
    parent_id: Uri | None = Field(None, alias="parentID")
    child_epcs: tuple[Uri, ...] = Field((), alias="childEPCs")
    child_quantity_list: tuple[QuantityElement, ...] = Field((), alias="childQuantityList")
    action: Action
    biz_step: CbvText | None = Field(None, alias="bizStep")
    disposition: CbvText | None = None
    persistent_disposition: PersistentDisposition | None = Field(
        None, alias="persistentDisposition"
    )
    read_point: ReadPoint | None = Field(None, alias="readPoint")
    biz_location: BizLocation | None = Field(None, alias="bizLocation")
    biz_transaction_list: tuple[BizTransaction, ...] = Field((), alias="bizTransactionList")
    source_list: tuple[Source, ...] = Field((), alias="sourceList")
    destination_list: tuple[Destination, ...] = Field((), alias="destinationList")
    sensor_element_list: tuple[SensorElement, ...] = Field((), alias="sensorElementList")
    extensions: tuple[Extension, ...] = extensions_field()

    @classmethod
    def create(
        cls,
        event_time: datetime | str,
        *,
        parent_id: Any = None,
        child_epcs: Any = (),
        child_quantities: Any = (),
        action: Action = "OBSERVE",
        biz_step: Any = None,
        disposition: Any = None,
        persistent_disposition: Any = None,
        read_point: Any = None,
        biz_location: Any = None,
        biz_transactions: Any = (),
        sources: Any = (),
        destinations: Any = (),
        sensor_elements: Any = (),
        event_time_zone_offset: str | None = None,
        record_time: datetime | str | None = None,
        event_id: str | None = None,
        error_declaration: Any = None,
        certification_info: Any = (),
        extensions: Any = (),
        namespaces: Any = None,
    ) -> Self:
        """Build an AggregationEvent from Python values (see :meth:`ObjectEvent.create`).

        Args:
            event_time: An aware ``datetime`` or an EPCIS timestamp string.
            parent_id: The container (e.g. an SSCC).
            child_epcs: The contained instances (``childEPCs``).
            child_quantities: Contained quantities (``childQuantityList``).
            action: ``"ADD"`` (pack), ``"OBSERVE"`` (default) or ``"DELETE"`` (unpack).
            biz_step: Business step.
            disposition: Disposition.
            persistent_disposition: Persistent disposition.
            read_point: Read point.
            biz_location: Business location.
            biz_transactions: Business transactions.
            sources: Sources.
            destinations: Destinations.
            sensor_elements: Sensor elements.
            event_time_zone_offset: Override the derived offset.
            record_time: Record time.
            event_id: Event ID URI.
            error_declaration: Error declaration.
            certification_info: One URI or several.
            extensions: Extension nodes or a JSON-LD style mapping.
            namespaces: ``{prefix: IRI}`` for the prefixes used in mapping keys.

        Returns:
            The event.

        Raises:
            EpcisError: For any invalid argument.

        Examples:
            >>> ev = AggregationEvent.create("2024-05-01T10:00:00+07:00", action="DELETE",
            ...     parent_id="urn:epc:id:sscc:8935049.0000000001", biz_step="unpacking")
            >>> ev.action, ev.child_epcs
            ('DELETE', ())
        """
        return build_event(cls, locals())


class TransactionEvent(EpcisEvent):
    """Objects were associated with (or dissociated from) business transactions.

    Requires ``action`` and a ``bizTransactionList`` with one item or more.

    Examples:
        >>> TransactionEvent.create("2024-05-02T09:00:00+07:00", action="ADD",
        ...     biz_transactions=[("po", "urn:epc:id:gdti:8935049.00001.PO77")],
        ...     epcs=["urn:epc:id:sscc:8935049.0000000001"])
        TransactionEvent(2024-05-02T09:00:00+07:00 ADD, 1 EPC)
    """

    _epc_fields: ClassVar[tuple[str, ...]] = ("parent_id", "epc_list")
    _quantity_fields: ClassVar[tuple[str, ...]] = ("quantity_list",)

    type: Literal["TransactionEvent"] = "TransactionEvent"
    biz_transaction_list: tuple[BizTransaction, ...] = Field(
        alias="bizTransactionList", min_length=1
    )
    parent_id: Uri | None = Field(None, alias="parentID")
    epc_list: tuple[Uri, ...] = Field((), alias="epcList")
    quantity_list: tuple[QuantityElement, ...] = Field((), alias="quantityList")
    action: Action
    biz_step: CbvText | None = Field(None, alias="bizStep")
    disposition: CbvText | None = None
    persistent_disposition: PersistentDisposition | None = Field(
        None, alias="persistentDisposition"
    )
    read_point: ReadPoint | None = Field(None, alias="readPoint")
    biz_location: BizLocation | None = Field(None, alias="bizLocation")
    source_list: tuple[Source, ...] = Field((), alias="sourceList")
    destination_list: tuple[Destination, ...] = Field((), alias="destinationList")
    sensor_element_list: tuple[SensorElement, ...] = Field((), alias="sensorElementList")
    extensions: tuple[Extension, ...] = extensions_field()

    @classmethod
    def create(
        cls,
        event_time: datetime | str,
        *,
        biz_transactions: Any,
        parent_id: Any = None,
        epcs: Any = (),
        quantities: Any = (),
        action: Action = "OBSERVE",
        biz_step: Any = None,
        disposition: Any = None,
        persistent_disposition: Any = None,
        read_point: Any = None,
        biz_location: Any = None,
        sources: Any = (),
        destinations: Any = (),
        sensor_elements: Any = (),
        event_time_zone_offset: str | None = None,
        record_time: datetime | str | None = None,
        event_id: str | None = None,
        error_declaration: Any = None,
        certification_info: Any = (),
        extensions: Any = (),
        namespaces: Any = None,
    ) -> Self:
        """Build a TransactionEvent from Python values (see :meth:`ObjectEvent.create`).

        Args:
            event_time: An aware ``datetime`` or an EPCIS timestamp string.
            biz_transactions: The transactions, at least one (``(type, id)`` tuples, ids or
                :class:`BizTransaction`\\ s).
            parent_id: A parent (container) identifier.
            epcs: Instance identifiers.
            quantities: Quantities.
            action: ``"ADD"``, ``"OBSERVE"`` (default) or ``"DELETE"``.
            biz_step: Business step.
            disposition: Disposition.
            persistent_disposition: Persistent disposition.
            read_point: Read point.
            biz_location: Business location.
            sources: Sources.
            destinations: Destinations.
            sensor_elements: Sensor elements.
            event_time_zone_offset: Override the derived offset.
            record_time: Record time.
            event_id: Event ID URI.
            error_declaration: Error declaration.
            certification_info: One URI or several.
            extensions: Extension nodes or a JSON-LD style mapping.
            namespaces: ``{prefix: IRI}`` for the prefixes used in mapping keys.

        Returns:
            The event.

        Raises:
            EpcisError: For any invalid argument.

        Examples:
            >>> ev = TransactionEvent.create("2024-05-02T09:00:00+07:00", action="ADD",
            ...     biz_transactions=["urn:epc:id:gdti:8935049.00001.INV9"])
            >>> ev.biz_transaction_list[0].type is None
            True
        """
        return build_event(cls, locals())


class TransformationEvent(EpcisEvent):
    """Inputs were consumed and outputs produced (milling, cooking, mixing...).

    Has no ``action``.

    Examples:
        >>> TransformationEvent.create("2024-05-01T14:00:00+07:00", biz_step="commissioning",
        ...     input_quantities=[("urn:epc:class:lgtin:8935049.050056.PADDY7", "2000", "KGM")],
        ...     output_quantities=[("urn:epc:class:lgtin:8935049.050063.RICE7", "1300", "KGM")])
        TransformationEvent(2024-05-01T14:00:00+07:00 commissioning, 2 quantities)
    """

    _epc_fields: ClassVar[tuple[str, ...]] = ("input_epc_list", "output_epc_list")
    _quantity_fields: ClassVar[tuple[str, ...]] = ("input_quantity_list", "output_quantity_list")

    type: Literal["TransformationEvent"] = "TransformationEvent"
    input_epc_list: tuple[Uri, ...] = Field((), alias="inputEPCList")
    input_quantity_list: tuple[QuantityElement, ...] = Field((), alias="inputQuantityList")
    output_epc_list: tuple[Uri, ...] = Field((), alias="outputEPCList")
    output_quantity_list: tuple[QuantityElement, ...] = Field((), alias="outputQuantityList")
    transformation_id: Uri | None = Field(None, alias="transformationID")
    biz_step: CbvText | None = Field(None, alias="bizStep")
    disposition: CbvText | None = None
    persistent_disposition: PersistentDisposition | None = Field(
        None, alias="persistentDisposition"
    )
    read_point: ReadPoint | None = Field(None, alias="readPoint")
    biz_location: BizLocation | None = Field(None, alias="bizLocation")
    biz_transaction_list: tuple[BizTransaction, ...] = Field((), alias="bizTransactionList")
    source_list: tuple[Source, ...] = Field((), alias="sourceList")
    destination_list: tuple[Destination, ...] = Field((), alias="destinationList")
    sensor_element_list: tuple[SensorElement, ...] = Field((), alias="sensorElementList")
    ilmd: Ilmd | None = None
    extensions: tuple[Extension, ...] = extensions_field()

    @classmethod
    def create(
        cls,
        event_time: datetime | str,
        *,
        input_epcs: Any = (),
        input_quantities: Any = (),
        output_epcs: Any = (),
        output_quantities: Any = (),
        transformation_id: Any = None,
        biz_step: Any = None,
        disposition: Any = None,
        persistent_disposition: Any = None,
        read_point: Any = None,
        biz_location: Any = None,
        biz_transactions: Any = (),
        sources: Any = (),
        destinations: Any = (),
        sensor_elements: Any = (),
        ilmd: Any = None,
        event_time_zone_offset: str | None = None,
        record_time: datetime | str | None = None,
        event_id: str | None = None,
        error_declaration: Any = None,
        certification_info: Any = (),
        extensions: Any = (),
        namespaces: Any = None,
    ) -> Self:
        """Build a TransformationEvent from Python values (see :meth:`ObjectEvent.create`).

        Args:
            event_time: An aware ``datetime`` or an EPCIS timestamp string.
            input_epcs: Consumed instances.
            input_quantities: Consumed quantities.
            output_epcs: Produced instances.
            output_quantities: Produced quantities.
            transformation_id: Links transformation events of one process.
            biz_step: Business step.
            disposition: Disposition.
            persistent_disposition: Persistent disposition.
            read_point: Read point.
            biz_location: Business location.
            biz_transactions: Business transactions.
            sources: Sources.
            destinations: Destinations.
            sensor_elements: Sensor elements.
            ilmd: ILMD of the outputs.
            event_time_zone_offset: Override the derived offset.
            record_time: Record time.
            event_id: Event ID URI.
            error_declaration: Error declaration.
            certification_info: One URI or several.
            extensions: Extension nodes or a JSON-LD style mapping.
            namespaces: ``{prefix: IRI}`` for the prefixes used in mapping keys.

        Returns:
            The event.

        Raises:
            EpcisError: For any invalid argument.

        Examples:
            >>> ev = TransformationEvent.create("2024-05-01T14:00:00+07:00",
            ...     input_epcs=["urn:epc:id:sgtin:8935049.050056.1"],
            ...     output_quantities=[("urn:epc:class:lgtin:8935049.050063.R7", "1300.5", "KGM")])
            >>> ev.output_quantity_list[0].quantity
            Decimal('1300.5')
        """
        return build_event(cls, locals())


class AssociationEvent(EpcisEvent):
    """Objects were physically associated with a parent for a longer time (a sensor fixed
    to a crate, parts installed in an assembly).

    Requires ``parentID`` and ``action``.

    Examples:
        >>> AssociationEvent.create("2024-05-03T06:00:00+07:00", action="ADD",
        ...     parent_id="urn:epc:id:grai:8935049.00001.CRATE9",
        ...     child_epcs=["urn:epc:id:giai:8935049.LOGGER1"])
        AssociationEvent(2024-05-03T06:00:00+07:00 ADD, 2 EPCs)
    """

    _epc_fields: ClassVar[tuple[str, ...]] = ("parent_id", "child_epcs")
    _quantity_fields: ClassVar[tuple[str, ...]] = ("child_quantity_list",)

    type: Literal["AssociationEvent"] = "AssociationEvent"
    parent_id: Uri = Field(alias="parentID")
    child_epcs: tuple[Uri, ...] = Field((), alias="childEPCs")
    child_quantity_list: tuple[QuantityElement, ...] = Field((), alias="childQuantityList")
    action: Action
    biz_step: CbvText | None = Field(None, alias="bizStep")
    disposition: CbvText | None = None
    persistent_disposition: PersistentDisposition | None = Field(
        None, alias="persistentDisposition"
    )
    read_point: ReadPoint | None = Field(None, alias="readPoint")
    biz_location: BizLocation | None = Field(None, alias="bizLocation")
    biz_transaction_list: tuple[BizTransaction, ...] = Field((), alias="bizTransactionList")
    source_list: tuple[Source, ...] = Field((), alias="sourceList")
    destination_list: tuple[Destination, ...] = Field((), alias="destinationList")
    sensor_element_list: tuple[SensorElement, ...] = Field((), alias="sensorElementList")
    extensions: tuple[Extension, ...] = extensions_field()

    @classmethod
    def create(
        cls,
        event_time: datetime | str,
        *,
        parent_id: Any,
        child_epcs: Any = (),
        child_quantities: Any = (),
        action: Action = "OBSERVE",
        biz_step: Any = None,
        disposition: Any = None,
        persistent_disposition: Any = None,
        read_point: Any = None,
        biz_location: Any = None,
        biz_transactions: Any = (),
        sources: Any = (),
        destinations: Any = (),
        sensor_elements: Any = (),
        event_time_zone_offset: str | None = None,
        record_time: datetime | str | None = None,
        event_id: str | None = None,
        error_declaration: Any = None,
        certification_info: Any = (),
        extensions: Any = (),
        namespaces: Any = None,
    ) -> Self:
        """Build an AssociationEvent from Python values (see :meth:`ObjectEvent.create`).

        Args:
            event_time: An aware ``datetime`` or an EPCIS timestamp string.
            parent_id: The parent (required).
            child_epcs: Associated instances.
            child_quantities: Associated quantities.
            action: ``"ADD"``, ``"OBSERVE"`` (default) or ``"DELETE"``.
            biz_step: Business step.
            disposition: Disposition.
            persistent_disposition: Persistent disposition.
            read_point: Read point.
            biz_location: Business location.
            biz_transactions: Business transactions.
            sources: Sources.
            destinations: Destinations.
            sensor_elements: Sensor elements.
            event_time_zone_offset: Override the derived offset.
            record_time: Record time.
            event_id: Event ID URI.
            error_declaration: Error declaration.
            certification_info: One URI or several.
            extensions: Extension nodes or a JSON-LD style mapping.
            namespaces: ``{prefix: IRI}`` for the prefixes used in mapping keys.

        Returns:
            The event.

        Raises:
            EpcisError: For any invalid argument.

        Examples:
            >>> ev = AssociationEvent.create("2024-05-03T06:00:00+07:00", action="DELETE",
            ...     parent_id="urn:epc:id:grai:8935049.00001.CRATE9")
            >>> ev.parent_id
            'urn:epc:id:grai:8935049.00001.CRATE9'
        """
        return build_event(cls, locals())
