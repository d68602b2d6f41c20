"""The fields and helpers common to the five EPCIS 2.0 event types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field

from ._context import JsonLdContext
from ._models_base import Offset, Timestamp, Uri
from ._models_codec import Hashable, Serialisable
from ._models_common import (
    BizLocation,
    BizTransaction,
    Destination,
    ErrorDeclaration,
    PersistentDisposition,
    QuantityElement,
    ReadPoint,
    Source,
    as_digital_link,
)
from ._models_extensible import Extensible
from ._models_sensor import SensorElement

if TYPE_CHECKING:
    from .cbv import CbvValue

__all__ = ["Action", "CertificationInfo", "EpcisEvent"]

Action = Literal["ADD", "OBSERVE", "DELETE"]
"""The ``action`` of an event."""


def _one_or_many(value: Any) -> Any:
    # certificationInfo: one URI in the XSD, a URI or an array in the JSON Schema.
    return (value,) if isinstance(value, str) else value


CertificationInfo = Annotated[tuple[Uri, ...], BeforeValidator(_one_or_many)]


class EpcisEvent(Hashable, Serialisable, Extensible):
    """Fields common to the five event types (EPCIS 2.0 ``EPCISEventType``).

    Attributes:
        type: The event type (the discriminator).
        context: An ``@context`` carried by the event itself (JSON-LD), kept as written.
        event_time: When the event happened, as written (original offset and digits).
        record_time: When it was recorded by the repository.
        event_time_zone_offset: The offset of the business location, ``±hh:mm``.
        event_id: The event's ID (a UUID URN or an ``ni:///`` hash ID).
        error_declaration: Declares this event erroneous.
        certification_info: Certificates (one in XML; the JSON Schema allows several).
        extensions: Event-level user extensions, in document order.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD")
        >>> isinstance(ev, EpcisEvent), ev.type
        (True, 'ObjectEvent')
    """

    _has_context: ClassVar[bool] = True
    _epc_fields: ClassVar[tuple[str, ...]] = ()
    _quantity_fields: ClassVar[tuple[str, ...]] = ()

    type: str
    context: JsonLdContext | None = Field(None, alias="@context")
    event_time: Timestamp = Field(alias="eventTime")
    record_time: Timestamp | None = Field(None, alias="recordTime")
    event_time_zone_offset: Offset = Field(alias="eventTimeZoneOffset")
    event_id: Uri | None = Field(None, alias="eventID")
    error_declaration: ErrorDeclaration | None = Field(None, alias="errorDeclaration")
    certification_info: CertificationInfo = Field((), alias="certificationInfo")

    if TYPE_CHECKING:
        biz_step: str | None
        disposition: str | None
        read_point: ReadPoint | None
        biz_location: BizLocation | None
        biz_transaction_list: tuple[BizTransaction, ...]
        source_list: tuple[Source, ...]
        destination_list: tuple[Destination, ...]
        sensor_element_list: tuple[SensorElement, ...]
        persistent_disposition: PersistentDisposition | None
        action: Action | None

    @property
    def biz_step_cbv(self) -> CbvValue | None:
        """``bizStep`` as a :class:`~tracelib.epcis.cbv.CbvValue` (``None`` when absent)."""
        from .cbv import CbvValue

        return None if self.biz_step is None else CbvValue.parse(self.biz_step, "bizStep")

    @property
    def disposition_cbv(self) -> CbvValue | None:
        """``disposition`` as a :class:`~tracelib.epcis.cbv.CbvValue` (``None`` when absent)."""
        from .cbv import CbvValue

        if self.disposition is None:
            return None
        return CbvValue.parse(self.disposition, "disposition")

    def epcs(self, *, digital_link: bool = False) -> tuple[str, ...]:
        """Every instance-level identifier of the event, in field order.

        ``parentID``, then ``epcList`` / ``childEPCs`` / ``inputEPCList`` and
        ``outputEPCList``, whichever the event type has.

        Args:
            digital_link: Convert each to a Digital Link URI (see
                :func:`~tracelib.epcis.models.as_digital_link`).

        Returns:
            The identifiers.

        Raises:
            EpcisError: With ``digital_link=True``, when one is not convertible.

        Examples:
            >>> from tracelib.epcis.models import AggregationEvent
            >>> ev = AggregationEvent.create("2024-05-01T10:00:00+07:00", action="ADD",
            ...     parent_id="urn:epc:id:sscc:8935049.0000000001",
            ...     child_epcs=["urn:epc:id:sgtin:8935049.050056.1"])
            >>> ev.epcs(digital_link=True)
            ('https://id.gs1.org/00/089350490000000013', 'https://id.gs1.org/01/08935049500568/21/1')
        """
        out: list[str] = []
        for name in self._epc_fields:
            value = getattr(self, name)
            if isinstance(value, str):
                out.append(value)
            elif value:
                out.extend(value)
        return tuple(as_digital_link(epc) for epc in out) if digital_link else tuple(out)

    def quantities(self) -> tuple[QuantityElement, ...]:
        """Every quantity element of the event (``quantityList``, ``childQuantityList``,
        ``inputQuantityList`` then ``outputQuantityList``).

        Returns:
            The quantity elements.

        Examples:
            >>> from tracelib.epcis.models import TransformationEvent
            >>> ev = TransformationEvent.create("2024-05-01T14:00:00+07:00",
            ...     input_quantities=[("urn:epc:class:lgtin:8935049.050056.PADDY7", 2000, "KGM")],
            ...     output_quantities=[("urn:epc:class:lgtin:8935049.050063.RICE7", 1300, "KGM")])
            >>> [str(q.quantity) for q in ev.quantities()]
            ['2000', '1300']
        """
        out: list[QuantityElement] = []
        for name in self._quantity_fields:
            out.extend(getattr(self, name))
        return tuple(out)

    def __repr__(self) -> str:
        head = [str(self.event_time)]
        action = getattr(self, "action", None)
        if action:
            head.append(action)
        biz_step = self.biz_step_cbv
        if biz_step is not None:
            head.append(biz_step.to_bare())
        parts = [" ".join(head)]
        epcs = len(self.epcs())
        if epcs:
            parts.append(f"{epcs} EPC{'s' if epcs != 1 else ''}")
        quantities = len(self.quantities())
        if quantities:
            parts.append(f"{quantities} quantit{'ies' if quantities != 1 else 'y'}")
        if self.read_point is not None:
            parts.append(f"readPoint {self.read_point.id}")
        if self.sensor_element_list:
            parts.append(f"{len(self.sensor_element_list)} sensor elements")
        if getattr(self, "ilmd", None) is not None:
            parts.append("ilmd")
        if self.extensions:
            parts.append(f"{len(self.extensions)} extensions")
        if self.error_declaration is not None:
            parts.append("error declared")
        return f"{self.type}({', '.join(parts)})"

    def _repr_html_(self) -> str:
        from ._models_documents import events_html

        return events_html((self,))
