"""The canonical data model of the portal client: English field names, Vietnamese aliases.

One frozen pydantic model per entity of design §3 — :class:`Organization` (*tổ chức*),
:class:`Location` (*địa điểm*), :class:`Product` (*sản phẩm*), :class:`Lot` (*lô hàng*),
:class:`TraceEvent` (*sự kiện*, EPCIS-backed), :class:`Certificate` (*chứng nhận*),
:class:`Media`, :class:`TraceChain` (*chuỗi sản xuất*), :class:`Stamp` (*tem*) — and
:class:`Dataset`, a bundle of them (what the coverage report and the export transport read).

* ``Model.parse(data)`` reads a mapping or JSON with English **or** Vietnamese keys;
  ``model.dump(lang="vi")`` writes Vietnamese keys; errors are tracelib errors with a JSON
  path (English keys), GS1 problems :class:`~tracelib.portal.errors.IdentifierError` with
  the ``position`` in the identifier.
* ``model.canonical_json()`` gives the RFC 8785 bytes that are stored and sent;
  :func:`load` reads them back. ``model.internal_id()`` is a UUIDv5 of them (for events the
  CBV 2.0 hash ID of the EPCIS rendering); ``model.natural_key()`` the GTIN, GLN, lot...
* GS1 keys are checked with :mod:`tracelib.gs1`: GTINs stored as 14 digits, GLNs 13,
  SSCCs 18, product trace codes as GS1 Digital Link URIs.

The wire names of a target (field names of the national portal's API) are not here: each
transport maps these models with its own field map.

Examples:
    >>> p = Product.parse({"ten_san_pham": "Cam Vinh", "gtin": "8935049500568",
    ...                    "xuat_xu": "VN", "khoi_luong_tinh": "1.5", "don_vi_tinh": "kg"})
    >>> p.dump()  # doctest: +NORMALIZE_WHITESPACE
    {'name': 'Cam Vinh', 'gtin': '08935049500568', 'origin_country': 'VN', 'unit': 'kg',
     'net_quantity': 1.5, 'high_risk': False}
    >>> load("product", p.canonical_json()) == p
    True
    >>> try:
    ...     Product.parse({"gtin": "8935049500561"})
    ... except ValueError as err:
    ...     print(type(err).__name__, err.path, err.position)
    IdentifierError $.gtin 12
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import InputError, LossyConversionWarning
from ._models_base import NAMESPACE, Lang, PortalModel, model_error
from ._models_entities import (
    Carrier,
    Contact,
    Location,
    LocationType,
    Lot,
    Media,
    Organization,
    PortalRefs,
    Product,
    Role,
)
from ._models_epcis import NAMESPACE as EPCIS_NAMESPACE
from ._models_epcis import STAGE_BIZ_STEPS
from ._models_event import (
    BizTransactionType,
    BusinessTransaction,
    EventItem,
    EventType,
    Party,
    Quantity,
    Stage,
    TraceEvent,
)
from ._models_records import (
    Certificate,
    CertificateScope,
    CertificateType,
    Stamp,
    StampKind,
    TraceChain,
)
from ._models_types import location_code, product_code
from .errors import IdentifierError
from .transport import EntityType

if TYPE_CHECKING:
    from ..epcis.models import EPCISDocument

__all__ = [
    "ENTITY_MODELS",
    "EPCIS_NAMESPACE",
    "NAMESPACE",
    "STAGE_BIZ_STEPS",
    "BizTransactionType",
    "BusinessTransaction",
    "Carrier",
    "Certificate",
    "CertificateScope",
    "CertificateType",
    "Contact",
    "Dataset",
    "EventItem",
    "EventType",
    "Lang",
    "Location",
    "LocationType",
    "Lot",
    "Media",
    "Organization",
    "Party",
    "PortalModel",
    "PortalRefs",
    "Product",
    "Quantity",
    "Role",
    "Stage",
    "Stamp",
    "StampKind",
    "TraceChain",
    "TraceEvent",
    "load",
    "location_code",
    "model_error",
    "product_code",
]


class Dataset(PortalModel):
    """A bundle of portal records: what a province reviews, the coverage report reads and the
    export transport writes.

    Attributes:
        organizations: ``to_chuc``.
        locations: ``dia_diem``.
        products: ``san_pham``.
        lots: ``lo_hang``.
        events: ``su_kien``.
        certificates: ``chung_nhan``.
        media: ``tep_dinh_kem``.
        chains: ``chuoi_san_xuat``.
        stamps: ``tem``.

    Examples:
        >>> ds = Dataset(products=[Product(name="Cam Vinh", gtin="8935049500568")])
        >>> Dataset.parse(ds.dump("vi")) == ds, list(ds.dump("vi"))
        (True, ['san_pham'])
    """

    _VI: ClassVar[dict[str, str]] = {
        "organizations": "to_chuc",
        "locations": "dia_diem",
        "products": "san_pham",
        "lots": "lo_hang",
        "events": "su_kien",
        "certificates": "chung_nhan",
        "media": "tep_dinh_kem",
        "chains": "chuoi_san_xuat",
        "stamps": "tem",
    }

    organizations: tuple[Organization, ...] = ()
    locations: tuple[Location, ...] = ()
    products: tuple[Product, ...] = ()
    lots: tuple[Lot, ...] = ()
    events: tuple[TraceEvent, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    media: tuple[Media, ...] = ()
    chains: tuple[TraceChain, ...] = ()
    stamps: tuple[Stamp, ...] = ()

    @classmethod
    def from_epcis(cls, doc: EPCISDocument) -> Dataset:
        """Read the events of an EPCIS document, and the master data of its header.

        Events without a trace event form (association events) and master data the models
        do not carry are reported with a :class:`~tracelib.errors.LossyConversionWarning`.

        Args:
            doc: An ``EPCISDocument`` (or an ``EPCISQueryDocument``).

        Returns:
            The dataset: events, locations, products and lots.

        Raises:
            IdentifierError: An identifier that is not a GS1 key (``path`` in the document).
            InputError: Not an EPCIS document (``PORTAL_NOT_A_DOCUMENT``).

        Examples:
            >>> from tracelib.epcis.models import EPCISDocument, ObjectEvent
            >>> e = ObjectEvent.create("2025-01-15T10:00:00+07:00", biz_step="retail_selling",
            ...     epcs=["https://id.gs1.org/01/08935049500568/21/S1"])
            >>> ds = Dataset.from_epcis(EPCISDocument.create([e], creation_date=e.event_time))
            >>> [ev.stage for ev in ds.events]
            ['ban_le']
        """
        from ..epcis import models
        from ._models_epcis import master_data

        if not isinstance(doc, (models.EPCISDocument, models.EPCISQueryDocument)):
            raise InputError(
                f"not an EPCIS document: {type(doc).__name__}",
                code="PORTAL_NOT_A_DOCUMENT",
                path="$",
            )
        events: list[TraceEvent] = []
        for i, event in enumerate(doc.events):
            if isinstance(event, models.AssociationEvent):
                warnings.warn(
                    f"event {i} is an AssociationEvent: not carried by the portal models",
                    LossyConversionWarning,
                    stacklevel=2,
                )
                continue
            try:
                events.append(TraceEvent.from_epcis(event))
            except InputError as exc:
                root = f"$.epcisBody.eventList[{i}]"
                path = root + (exc.path[1:] if exc.path and exc.path.startswith("$") else "")
                if isinstance(exc, IdentifierError):
                    raise IdentifierError(exc.message, path=path, position=exc.position) from exc
                raise InputError(exc.message, code=exc.code, path=path) from exc
        locations: list[Location] = []
        products: list[Product] = []
        lots: list[Lot] = []
        if isinstance(doc, models.EPCISDocument):
            locations, products, lots = master_data(doc)
        return cls(
            events=tuple(events),
            locations=tuple(locations),
            products=tuple(products),
            lots=tuple(lots),
        )

    def internal_id(self) -> str:
        """A UUIDv5 of the canonical JSON.

        Returns:
            The id.

        Examples:
            >>> Dataset().internal_id() == Dataset.parse("{}").internal_id()
            True
        """
        return super().internal_id()


ENTITY_MODELS: dict[EntityType, type[PortalModel]] = {
    "organization": Organization,
    "product": Product,
    "location": Location,
    "chain": TraceChain,
    "event": TraceEvent,
    "media": Media,
    "certificate": Certificate,
}
"""The model class of each :data:`~tracelib.portal.transport.EntityType`."""


def load(entity_type: EntityType, body: bytes | str) -> Any:
    """Read a model from its canonical JSON (the inverse of ``canonical_json()``).

    Args:
        entity_type: What it is (a key of :data:`ENTITY_MODELS`).
        body: The JSON bytes (an outbox row or item body).

    Returns:
        The model.

    Raises:
        InputError: ``PORTAL_UNKNOWN_ENTITY`` for another entity type, and the errors of
            ``parse``.

    Examples:
        >>> org = Organization(name="HTX Cam Xã Đoài", tax_code="2900123456")
        >>> load("organization", org.canonical_json()) == org
        True
    """
    model = ENTITY_MODELS.get(entity_type)
    if model is None:
        raise InputError(
            f"unknown entity type {entity_type!r}; one of {sorted(ENTITY_MODELS)}",
            code="PORTAL_UNKNOWN_ENTITY",
        )
    return model.parse(body)
