"""The farm-to-shelf journey of ``tracelib demo``: EPCIS events and the signed chain.

One lot of Vinh oranges goes from the cooperative's orchard to its packing house, then to a
distributor in Hà Nội and a supermarket. Everything is built from embedded, fictional data
with fixed times and fixed demo keys, so the bytes are the same on every run. The keys are
derived from public strings: **never use them for anything but the demo**.

Examples:
    >>> j = journey()
    >>> [s.biz_step for s in j.stages][:3]
    ['commissioning', 'packing', 'packing']
    >>> j.chain.size, j.chain.custodian.actor == j.parties["shop"].actor
    (12, True)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..epcis.models import AggregationEvent, ObjectEvent, TransformationEvent
from ..gs1 import epc, gln, gtin, sscc
from ..signing.chain import Chain
from ..signing.signers import SoftwareSigner
from ._demo_data import COOPERATIVE, PALLET, PRODUCTS

__all__ = ["LOT", "PARTNERS", "Journey", "Party", "Stage", "dataset", "journey"]

#: The lot of Vinh oranges followed in the demo.
LOT = "CV2611A"


@dataclass(frozen=True, slots=True)
class Party:
    """A company in the journey: its names, GS1 Company Prefix and one location reference.

    Examples:
        >>> PARTNERS[0].role
        'distributor'
    """

    key: str
    name: str
    english: str
    role: str
    gcp: str
    location_reference: str
    location_name: str

    @property
    def gln(self) -> str:
        """The GLN of its location (check digit computed)."""
        body = self.gcp + self.location_reference
        return body + gln.calc_check_digit(body)

    @property
    def sgln(self) -> str:
        """The location as an EPC URN (``urn:epc:id:sgln:…``)."""
        return f"urn:epc:id:sgln:{self.gcp}.{self.location_reference}.0"

    @property
    def pgln(self) -> str:
        """The party as an EPC URN (``urn:epc:id:pgln:…``)."""
        return f"urn:epc:id:pgln:{self.gcp}.{self.location_reference}"


PARTNERS = (
    Party(
        "distributor",
        "Công ty TNHH Phân phối Nông sản Hồng Hà",
        "Hồng Hà Farm Produce Distribution Co.",
        "distributor",
        "893054321",
        "001",
        "Kho lạnh Hồng Hà, Long Biên, Hà Nội",
    ),
    Party(
        "shop",
        "Siêu thị Xanh Cầu Giấy",
        "Xanh supermarket, Cầu Giấy",
        "retailer",
        "893098765",
        "004",
        "Siêu thị Xanh, Cầu Giấy, Hà Nội",
    ),
)

_COOP = Party(
    "coop",
    COOPERATIVE.name,
    COOPERATIVE.english,
    "producer",
    COOPERATIVE.gcp,
    "002",
    "Nhà đóng gói Xuân Thành",
)
_ORCHARD = f"urn:epc:id:sgln:{COOPERATIVE.gcp}.001.0"
_ORCHARD_GLN = COOPERATIVE.gcp + "001" + gln.calc_check_digit(COOPERATIVE.gcp + "001")


@dataclass(frozen=True, slots=True)
class Stage:
    """One recorded step: who recorded it, what it says, and the EPCIS event.

    Attributes:
        party: The key of the recording party (``coop``, ``distributor``, ``shop``).
        title: What happened, in English.
        vietnamese: The stage name in Vietnamese.
        biz_step: The CBV business step (short form).
        event: The EPCIS event.
    """

    party: str
    title: str
    vietnamese: str
    biz_step: str
    event: Any


@dataclass(frozen=True, slots=True)
class Journey:
    """The events, the parties' demo signers and the signed chain of the lot.

    Attributes:
        stages: The recorded steps, in order.
        parties: ``coop``, ``distributor``, ``shop`` → their demo signer.
        companies: ``coop``, ``distributor``, ``shop`` → :class:`Party`.
        chain: The lot's chain (events, handovers and acceptances, all signed).
        unit_gtin: The GTIN-13 of a 1 kg bag.
        carton_gtin: The GTIN-14 of a carton of 10 bags.
        sscc: The pallet's SSCC.
        label_base: The lot's GS1 Digital Link URI (before the signed head is added).
    """

    stages: tuple[Stage, ...]
    parties: dict[str, SoftwareSigner]
    companies: dict[str, Party]
    chain: Chain
    unit_gtin: str
    carton_gtin: str
    sscc: str
    label_base: str


def _signer(party: Party) -> SoftwareSigner:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    seed = hashlib.sha256(f"tracelib demo key · {party.key} · not secret".encode()).digest()
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    return SoftwareSigner.from_private_key(key, actor=f"https://id.gs1.org/417/{party.gln}")


def _temperature(time: str, celsius: float, device: str) -> dict[str, Any]:
    return {
        "sensorMetadata": {"time": time, "deviceID": device},
        "sensorReport": [{"type": "gs1:Temperature", "value": celsius, "uom": "CEL"}],
    }


def _stages(unit: str, carton: str, pallet: str) -> tuple[Stage, ...]:
    size = len(COOPERATIVE.gcp)
    bulk = epc.to_urn(f"(01)0{unit}(10){LOT}", gcp_length=size)
    cartons = epc.to_urn(f"(01){carton}(10){LOT}", gcp_length=size)
    sscc_urn = epc.to_urn(f"(00){pallet}", gcp_length=size)
    dist, shop = PARTNERS
    owner = "owning_party"
    where = "location"
    truck = "urn:epc:id:giai:893054321.XE29C12345"
    return (
        Stage(
            "coop",
            "Harvest: 2,000 kg picked in the orchard",
            "Thu hoạch",
            "commissioning",
            ObjectEvent.create(
                "2026-11-26T06:30:00+07:00",
                action="ADD",
                quantities=[(bulk, 2000, "KGM")],
                biz_step="commissioning",
                disposition="active",
                read_point=_ORCHARD,
                biz_location=_ORCHARD,
            ),
        ),
        Stage(
            "coop",
            "Packing: 2,000 kg sorted into 200 cartons of ten 1 kg bags",
            "Sơ chế, đóng gói",
            "packing",
            TransformationEvent.create(
                "2026-11-26T13:00:00+07:00",
                input_quantities=[(bulk, 2000, "KGM")],
                output_quantities=[(cartons, 200)],
                biz_step="packing",
                disposition="active",
                read_point=_COOP.sgln,
                biz_location=_COOP.sgln,
            ),
        ),
        Stage(
            "coop",
            "Palletising: the 200 cartons onto one pallet",
            "Đóng pallet",
            "packing",
            AggregationEvent.create(
                "2026-11-26T15:00:00+07:00",
                action="ADD",
                parent_id=sscc_urn,
                child_quantities=[(cartons, 200)],
                biz_step="packing",
                disposition="in_progress",
                read_point=_COOP.sgln,
                biz_location=_COOP.sgln,
            ),
        ),
        Stage(
            "coop",
            "Shipping to Hà Nội in a refrigerated truck (5.8 °C)",
            "Vận chuyển",
            "shipping",
            ObjectEvent.create(
                "2026-11-26T18:00:00+07:00",
                epcs=[sscc_urn],
                quantities=[(cartons, 200)],
                biz_step="shipping",
                disposition="in_transit",
                read_point=_COOP.sgln,
                sources=[(owner, _COOP.pgln), (where, _COOP.sgln)],
                destinations=[(owner, dist.pgln), (where, dist.sgln)],
                sensor_elements=[_temperature("2026-11-26T18:00:00+07:00", 5.8, truck)],
            ),
        ),
        Stage(
            "distributor",
            "Receiving at the Hà Nội cold store (6.4 °C on arrival)",
            "Nhập kho tổng",
            "receiving",
            ObjectEvent.create(
                "2026-11-27T09:30:00+07:00",
                epcs=[sscc_urn],
                quantities=[(cartons, 200)],
                biz_step="receiving",
                disposition="in_progress",
                read_point=dist.sgln,
                biz_location=dist.sgln,
                sources=[(owner, _COOP.pgln), (where, _COOP.sgln)],
                destinations=[(owner, dist.pgln), (where, dist.sgln)],
                sensor_elements=[_temperature("2026-11-27T09:30:00+07:00", 6.4, truck)],
            ),
        ),
        Stage(
            "distributor",
            "Shipping to the supermarket",
            "Vận chuyển đến đại lý",
            "shipping",
            ObjectEvent.create(
                "2026-11-28T05:00:00+07:00",
                epcs=[sscc_urn],
                quantities=[(cartons, 200)],
                biz_step="shipping",
                disposition="in_transit",
                read_point=dist.sgln,
                sources=[(owner, dist.pgln), (where, dist.sgln)],
                destinations=[(owner, shop.pgln), (where, shop.sgln)],
            ),
        ),
        Stage(
            "shop",
            "Receiving at the supermarket",
            "Nhập cửa hàng",
            "receiving",
            ObjectEvent.create(
                "2026-11-28T07:15:00+07:00",
                epcs=[sscc_urn],
                quantities=[(cartons, 200)],
                biz_step="receiving",
                disposition="sellable_not_accessible",
                read_point=shop.sgln,
                biz_location=shop.sgln,
                sources=[(owner, dist.pgln), (where, dist.sgln)],
                destinations=[(owner, shop.pgln), (where, shop.sgln)],
            ),
        ),
        Stage(
            "shop",
            "On the shelf: the first carton's bags sold",
            "Bán lẻ",
            "retail_selling",
            ObjectEvent.create(
                "2026-11-28T10:00:00+07:00",
                quantities=[(cartons, 1)],
                biz_step="retail_selling",
                disposition="retail_sold",
                read_point=shop.sgln,
                biz_location=shop.sgln,
            ),
        ),
    )


def journey() -> Journey:
    """Build the lot's events and sign them into a chain with handovers.

    The cooperative records harvest, packing, palletising and shipping, then hands custody to
    the distributor, who accepts, records receiving and shipping and hands over to the
    supermarket, which accepts and records receiving and the first sale.

    Returns:
        The journey.
    """
    unit_body = COOPERATIVE.gcp + PRODUCTS[0].reference
    unit = unit_body + gtin.calc_check_digit(unit_body)
    carton = "1" + unit_body + gtin.calc_check_digit("1" + unit_body)
    extension, serial = PALLET
    pallet_body = extension + COOPERATIVE.gcp + serial
    pallet = pallet_body + sscc.calc_check_digit(pallet_body)
    stages = _stages(unit, carton, pallet)
    companies = {"coop": _COOP, "distributor": PARTNERS[0], "shop": PARTNERS[1]}
    signers = {key: _signer(party) for key, party in companies.items()}
    label_base = f"https://id.gs1.org/01/{carton}/10/{LOT}"
    chain = Chain.create(f"id.gs1.org/01/{carton}/10/{LOT}", signer=signers["coop"])
    holder = "coop"
    minute = 0
    for stage in stages:
        if stage.party != holder:
            nxt = signers[stage.party]
            minute += 1
            chain.handover(
                to_actor=nxt.actor,
                to_kid=nxt.kid,
                signer=signers[holder],
                iat=_iat(stage, minute - 30),
            )
            chain.accept(signer=nxt, iat=_iat(stage, minute - 29))
            holder = stage.party
        chain.append(stage.event, signer=signers[holder], iat=_iat(stage, 5))
    return Journey(stages, signers, companies, chain, unit, carton, pallet, label_base)


def _iat(stage: Stage, minutes: int) -> str:
    """A signing time shortly after (or before) the event, in UTC, fixed for the demo."""
    from datetime import datetime, timedelta, timezone

    when: datetime = stage.event.event_time.as_datetime() + timedelta(minutes=minutes)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def dataset(j: Journey) -> Any:
    """The journey as portal records: organisation, locations, products, lot and events.

    Args:
        j: The journey.

    Returns:
        A :class:`tracelib.portal.models.Dataset` (English field names).
    """
    import datetime as dt
    import warnings
    from decimal import Decimal

    from ..errors import LossyConversionWarning
    from ..portal.models import Dataset, Location, Lot, Media, Organization, Product, TraceEvent

    coop = j.companies["coop"]
    dist, shop = PARTNERS
    nghe_an = "Xã Xuân Thành, tỉnh Nghệ An"
    image = Media(url="https://anh.htx-xuan-thanh.example/cam-vinh.jpg", media_type="image/jpeg")
    common: dict[str, Any] = {
        "images": (image,),
        "brand": "Cam Vinh Xuân Thành",
        "origin_country": "VN",
        "origin_place": "tỉnh Nghệ An",
        "standards_applied": ("VietGAP",),
        "category": "trai-cay-tuoi",
    }
    with warnings.catch_warnings():  # sensor data and dispositions stay in the EPCIS events
        warnings.simplefilter("ignore", LossyConversionWarning)
        events = tuple(TraceEvent.from_epcis(stage.event) for stage in j.stages)
    return Dataset(
        organizations=(
            Organization(
                name=coop.name,
                address=nghe_an,
                province_code="40",
                tax_code="2901234567",
                gln=coop.gln,
                gs1_company_prefix=coop.gcp,
                role="producer",
            ),
        ),
        locations=(
            Location(
                location_trace_code=_ORCHARD_GLN,
                name="Vườn cam Xuân Thành",
                location_type="growing_area",
                address=nghe_an,
                province_code="40",
            ),
            Location(
                location_trace_code=coop.gln,
                name=coop.location_name,
                location_type="processing",
                address=nghe_an,
                province_code="40",
            ),
            Location(
                location_trace_code=dist.gln,
                name=dist.location_name,
                location_type="warehouse",
                address="Long Biên, Hà Nội",
                province_code="01",
            ),
            Location(
                location_trace_code=shop.gln,
                name=shop.location_name,
                location_type="store",
                address="Cầu Giấy, Hà Nội",
                province_code="01",
            ),
        ),
        products=(
            Product(
                name="Cam Vinh (túi lưới 1 kg)",
                gtin=j.unit_gtin,
                unit="túi",
                net_quantity=Decimal("1"),
                **common,
            ),
            Product(
                name="Cam Vinh (thùng 10 túi 1 kg)",
                gtin=j.carton_gtin,
                unit="thùng",
                net_quantity=Decimal("10"),
                **common,
            ),
        ),
        lots=(
            Lot(
                lot=LOT,
                gtin=j.carton_gtin,
                production_date=dt.date(2026, 11, 26),
                expiry_date=dt.date(2026, 12, 26),
                quantity=Decimal("200"),
                uom="H87",
                sscc=(j.sscc,),
            ),
        ),
        events=events,
    )
