"""The trace event model (``SuKien``) and its parts. Public through :mod:`tracelib.portal.models`.

The EPCIS mapping lives in :mod:`tracelib.portal._models_epcis`.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, TypeAdapter, model_validator
from pydantic import ValidationError as _PydanticError
from typing_extensions import Self

from ..errors import InputError
from ._models_base import JsonValue, PortalModel, jsonable
from ._models_entities import Media
from ._models_types import Gln13, LocationCode, Number, ProductCode, Sscc18, Uri

if TYPE_CHECKING:
    from ..epcis.models import EpcisEvent

__all__ = [
    "BizTransactionType",
    "BusinessTransaction",
    "EventItem",
    "EventType",
    "Party",
    "Quantity",
    "Stage",
    "TraceEvent",
]

Stage = Literal[
    "vung_trong",
    "thu_hoach",
    "so_che",
    "che_bien_dong_goi",
    "van_chuyen",
    "nhan_hang",
    "kho_tong",
    "dai_ly",
    "cua_hang",
    "nhap_khau",
    "xuat_khau",
    "ban_le",
    "kiem_tra",
    "khac",
]
"""The stage (*công đoạn*) of an event: growing area, harvest, preliminary processing,
processing and packing, transport, receiving, main warehouse, agent, store, import, export,
retail sale, inspection, other. The portal's observed stage set plus the steps EPCIS needs."""

EventType = Literal["object", "aggregation", "transformation", "transaction"]
"""The EPCIS event type an event is rendered as."""

BizTransactionType = Literal[
    "bol",
    "cert",
    "desadv",
    "inv",
    "pedigree",
    "po",
    "poc",
    "prodorder",
    "recadv",
    "rma",
    "testprd",
    "testres",
    "upevt",
]
"""CBV 2.0 business transaction types (``inv`` invoice, ``po`` order, ``desadv`` delivery
note, ``bol`` bill of lading...)."""

_Text = Annotated[str, Field(min_length=1)]
_Offset = Annotated[str, Field(pattern=r"^[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)$")]
_DATETIME: TypeAdapter[_dt.datetime] = TypeAdapter(_dt.datetime)


def _json_values(value: object, path: str = "$") -> Any:
    if value is None or isinstance(value, (bool, str, int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{path}: {value} is not JSON", code="PORTAL_INVALID_VALUE")
        if type(value) is int and abs(value) >= 2**53:
            raise InputError(
                f"{path}: integers beyond 2**53 are not portable JSON", code="PORTAL_INVALID_VALUE"
            )
        return value
    if isinstance(value, Decimal):
        return jsonable(value)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InputError(f"{path}: keys are text", code="PORTAL_INVALID_VALUE")
            out[k] = _json_values(v, f"{path}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [_json_values(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise InputError(
        f"{path}: not a JSON value ({type(value).__name__})", code="PORTAL_INVALID_VALUE"
    )


class Quantity(PortalModel):
    """A quantity with its unit.

    Attributes:
        value: ``gia_tri``.
        uom: ``don_vi``: UN/ECE Rec. 20 code (``KGM``, ``H87``...) for EPCIS.

    Examples:
        >>> Quantity(value="1200.5", uom="KGM").dump("vi")
        {'gia_tri': 1200.5, 'don_vi': 'KGM'}
    """

    _VI: ClassVar[dict[str, str]] = {"value": "gia_tri", "uom": "don_vi"}

    value: Number
    uom: _Text | None = None


class EventItem(PortalModel):
    """An input or output of a transformation, with its quantity.

    Attributes:
        trace_code: ``ma_truy_vet_san_pham``: the product trace code.
        quantity: ``so_luong`` (for lot-level codes).
        uom: ``don_vi``.

    Examples:
        >>> EventItem(trace_code="(01)08935049500568(10)L1", quantity=10, uom="KGM").trace_code
        'https://id.gs1.org/01/08935049500568/10/L1'
    """

    _VI: ClassVar[dict[str, str]] = {
        "trace_code": "ma_truy_vet_san_pham",
        "quantity": "so_luong",
        "uom": "don_vi",
    }

    trace_code: ProductCode
    quantity: Number | None = None
    uom: _Text | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.uom is not None and self.quantity is None:
            raise InputError("uom needs a quantity", code="PORTAL_INVALID_VALUE")
        return self


class Party(PortalModel):
    """The party before or after an event (``ben_truoc`` / ``ben_sau``): an organisation
    and/or its location.

    Attributes:
        party: ``ma_don_vi``: the organisation's GLN.
        location: ``ma_truy_vet_dia_diem``: the location trace code.

    Examples:
        >>> Party(party="8930123450005", location="8930123450029").dump("vi")
        {'ma_don_vi': '8930123450005', 'ma_truy_vet_dia_diem': '8930123450029'}
    """

    _VI: ClassVar[dict[str, str]] = {"party": "ma_don_vi", "location": "ma_truy_vet_dia_diem"}

    party: Gln13 | None = None
    location: LocationCode | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.party is None and self.location is None:
            raise InputError("a party needs a party GLN or a location", code="PORTAL_MISSING_FIELD")
        return self


class BusinessTransaction(PortalModel):
    """A business document (``chung_tu``): invoice, order, delivery note...

    Attributes:
        type: ``loai``: CBV type (``inv``, ``po``, ``desadv``...).
        id: ``so``: the document number or URI.

    Examples:
        >>> BusinessTransaction(type="inv", id="HD-0001234").dump("vi")
        {'loai': 'inv', 'so': 'HD-0001234'}
    """

    _VI: ClassVar[dict[str, str]] = {"type": "loai", "id": "so"}

    type: BizTransactionType | None = None
    id: Annotated[str, Field(min_length=1, max_length=2000)]


class TraceEvent(PortalModel):
    """A traceability event (``SuKien``), rendered as an EPCIS 2.0 event.

    Attributes:
        event_id: ``ma_su_kien``: an event ID URI; when absent :meth:`internal_id` is the
            CBV hash ID of :meth:`to_epcis`.
        event_type: ``loai_su_kien``: object (default), aggregation, transformation,
            transaction.
        stage: ``cong_doan``.
        event_time: ``thoi_gian``: aware; a naive time is read in ``tz``.
        tz: ``mui_gio``: the offset of the place, ``+07:00`` by default.
        product_trace_codes: ``ma_truy_vet_san_pham``: what the event is about.
        location_trace_code: ``ma_truy_vet_dia_diem``: where.
        actor: ``don_vi_thuc_hien``: who (the organisation's GLN or name).
        source: ``ben_truoc``: the party and location before (shipping/receiving).
        destination: ``ben_sau``: the party and location after.
        inputs: ``dau_vao``: consumed (transformation only).
        outputs: ``dau_ra``: produced (transformation only).
        quantity: ``so_luong``: the quantity of the lot-level trace codes.
        business_transactions: ``chung_tu``.
        evidence_media: ``anh_minh_chung``.
        extensions: ``thong_tin_them``: sector KDEs (temperature, vehicle plate, driver...).
        parent: ``sscc_cha``: the logistic unit (SSCC) of an aggregation or transaction, or
            the one an object event observes (a pallet shipped or received).

    Examples:
        >>> ev = TraceEvent(stage="thu_hoach", event_time="2025-01-10T07:00:00",
        ...     product_trace_codes=["(01)08935049500568(10)NA-2025-01"],
        ...     location_trace_code="8930123450012", quantity={"value": 1200, "uom": "KGM"})
        >>> ev.event_time.isoformat(), ev.to_epcis().biz_step
        ('2025-01-10T07:00:00+07:00', 'commissioning')
        >>> TraceEvent.from_epcis(ev.to_epcis()) == ev
        True
    """

    _VI: ClassVar[dict[str, str]] = {
        "event_id": "ma_su_kien",
        "event_type": "loai_su_kien",
        "stage": "cong_doan",
        "event_time": "thoi_gian",
        "tz": "mui_gio",
        "product_trace_codes": "ma_truy_vet_san_pham",
        "location_trace_code": "ma_truy_vet_dia_diem",
        "actor": "don_vi_thuc_hien",
        "source": "ben_truoc",
        "destination": "ben_sau",
        "inputs": "dau_vao",
        "outputs": "dau_ra",
        "quantity": "so_luong",
        "business_transactions": "chung_tu",
        "evidence_media": "anh_minh_chung",
        "extensions": "thong_tin_them",
        "parent": "sscc_cha",
    }

    event_id: Uri | None = None
    event_type: EventType = "object"
    stage: Stage
    tz: _Offset = "+07:00"  # before event_time: a bad offset is reported first
    event_time: AwareDatetime
    product_trace_codes: tuple[ProductCode, ...] = ()
    location_trace_code: LocationCode | None = None
    actor: _Text | None = None
    source: Party | None = None
    destination: Party | None = None
    inputs: tuple[EventItem, ...] = ()
    outputs: tuple[EventItem, ...] = ()
    quantity: Quantity | None = None
    business_transactions: tuple[BusinessTransaction, ...] = ()
    evidence_media: tuple[Media, ...] = ()
    extensions: Annotated[dict[str, JsonValue], BeforeValidator(_json_values)] = Field(
        default_factory=dict
    )
    parent: Sscc18 | None = None

    @classmethod
    def _prepare(cls, data: dict[Any, Any]) -> dict[Any, Any]:
        value = data.get("event_time")
        if isinstance(value, str):
            try:
                value = _DATETIME.validate_python(value)
            except _PydanticError:
                return data  # reported by the field's own validation
        if isinstance(value, _dt.datetime) and value.tzinfo is None:
            tz = data.get("tz", "+07:00")
            try:
                offset = _dt.datetime.strptime(tz, "%z").utcoffset() if tz else None
            except (TypeError, ValueError):
                return data
            if offset is not None:
                data = {**data, "event_time": value.replace(tzinfo=_dt.timezone(offset))}
        return data

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.event_type != "transformation" and (self.inputs or self.outputs):
            raise InputError(
                "inputs and outputs are for transformation events", code="PORTAL_INVALID_VALUE"
            )
        if self.event_type == "transformation" and not (self.inputs or self.outputs):
            raise InputError(
                "a transformation event needs inputs or outputs", code="PORTAL_MISSING_FIELD"
            )
        if self.event_type == "transaction" and not self.business_transactions:
            raise InputError(
                "a transaction event needs business_transactions", code="PORTAL_MISSING_FIELD"
            )
        if self.parent is not None and self.event_type == "transformation":
            raise InputError(
                "parent is for aggregation, transaction and object events (the logistic unit)",
                code="PORTAL_INVALID_VALUE",
            )
        if self.event_type == "aggregation" and (
            self.parent is None or not self.product_trace_codes
        ):
            raise InputError(
                "an aggregation event needs a parent and product_trace_codes (its children)",
                code="PORTAL_MISSING_FIELD",
            )
        return self

    def to_epcis(self) -> EpcisEvent:
        """The EPCIS 2.0 event of this trace event.

        stage → ``bizStep`` (and ``txng:stage``); location trace code → ``readPoint`` and
        ``bizLocation`` (Digital Link ``/414/``); product trace codes → ``epcList`` (with a
        serial) or ``quantityList`` (lot level); source/destination → ``sourceList`` /
        ``destinationList`` (``owning_party`` ``/417/`` and ``location``); documents →
        ``bizTransactionList``; actor, evidence media and sector KDEs → ``txng:``
        extensions.

        Returns:
            An ``ObjectEvent``, ``AggregationEvent``, ``TransformationEvent`` or
            ``TransactionEvent``.

        Raises:
            InputError: When EPCIS refuses a value (``PORTAL_EPCIS_MAPPING``).

        Examples:
            >>> ev = TraceEvent(stage="van_chuyen", event_time="2025-01-12T08:00:00+07:00",
            ...     product_trace_codes=["(01)08935049500568(10)NA-2025-01"],
            ...     source={"party": "8930123450005"}, destination={"party": "8930123450050"})
            >>> e = ev.to_epcis()
            >>> e.biz_step, [s.type for s in e.source_list], e.action
            ('shipping', ['owning_party'], 'OBSERVE')
        """
        from ._models_epcis import to_epcis

        return to_epcis(self)

    @classmethod
    def from_epcis(cls, event: EpcisEvent) -> TraceEvent:
        """Read an EPCIS event (Object, Aggregation, Transformation, Transaction).

        The inverse of :meth:`to_epcis`. For events from elsewhere, the stage comes from
        ``bizStep`` (``txng:stage`` when present); whatever the trace event cannot carry
        is reported with a :class:`~tracelib.errors.LossyConversionWarning` naming the
        first difference, never dropped silently.

        Args:
            event: The EPCIS event.

        Returns:
            The trace event.

        Raises:
            IdentifierError: An identifier that is not a GS1 key (``path`` in the event).
            InputError: ``PORTAL_UNSUPPORTED_EVENT`` for association events and non-events.

        Examples:
            >>> from tracelib.epcis.models import ObjectEvent
            >>> e = ObjectEvent.create("2025-01-15T10:00:00+07:00", action="OBSERVE",
            ...     biz_step="retail_selling", epcs=["urn:epc:id:sgtin:8935049.050056.S1"])
            >>> te = TraceEvent.from_epcis(e)
            >>> te.stage, te.product_trace_codes
            ('ban_le', ('https://id.gs1.org/01/08935049500568/21/S1',))
        """
        from ._models_epcis import from_epcis

        return from_epcis(cls, event)

    def internal_id(self) -> str:
        """``event_id`` when set, else the CBV 2.0 hash ID of :meth:`to_epcis`.

        Returns:
            The id (``ni:///sha-256;…?ver=CBV2.0`` for a hash ID).

        Examples:
            >>> ev = TraceEvent(stage="ban_le", event_time="2025-01-15T10:00:00+07:00")
            >>> ev.internal_id() == ev.to_epcis().hash_id()
            True
        """
        if self.event_id is not None:
            return self.event_id
        return self.to_epcis().hash_id()

    def natural_key(self) -> str | None:
        """The event ID, if set.

        Returns:
            The key, or ``None``.

        Examples:
            >>> TraceEvent(stage="ban_le", event_time="2025-01-15T10:00:00+07:00").natural_key()
        """
        return self.event_id
