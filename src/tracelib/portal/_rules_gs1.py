"""GS1 helpers of the compliance rules: trace codes, GLNs and the event classification.

Everything here returns a value or ``None`` (or an error message): no exception escapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..errors import TracelibError
from ._rules_base import child, text

__all__ = [
    "CTE_STAGES",
    "IMPORT_STAGES",
    "RECEIVE_STAGES",
    "RETAIL_STAGES",
    "SHIP_STAGES",
    "cte",
    "gs1_shaped",
    "gtin_problem",
    "location_code_problem",
    "movement",
    "product_code",
    "product_code_problem",
]

# Stages (design §3 ``cong_doan``) by their CBV bizStep (``models.STAGE_BIZ_STEPS``), plus
# the English bizStep words themselves for records that carry them.
_SHIP_STEPS = frozenset({"shipping", "departing"})
_RECEIVE_STEPS = frozenset({"receiving", "arriving"})
SHIP_STAGES = frozenset({"van_chuyen", "xuat_khau"} | _SHIP_STEPS)
RECEIVE_STAGES = frozenset({"nhan_hang", "dai_ly", "nhap_khau"} | _RECEIVE_STEPS)
IMPORT_STAGES = frozenset({"nhap_khau"})
RETAIL_STAGES = frozenset({"ban_le", "retail_selling"})

#: FSMA 204 critical tracking events (21 CFR 1.1325-1.1350) by stage; a transformation
#: event is always ``transformation``; ``extensions.cte`` names a CTE explicitly (cooling,
#: first land-based receiving have no stage of their own).
CTE_STAGES: dict[str, str] = {
    "thu_hoach": "harvesting",
    "commissioning": "harvesting",
    "che_bien_dong_goi": "initial_packing",
    "packing": "initial_packing",
    **dict.fromkeys(SHIP_STAGES, "shipping"),
    **dict.fromkeys(RECEIVE_STAGES, "receiving"),
}
_CTE_NAMES = frozenset(CTE_STAGES.values()) | {
    "cooling",
    "first_land_based_receiving",
    "transformation",
}


def _stage(event: Mapping[str, Any]) -> str | None:
    stage = text(event.get("stage"))
    if stage is None:
        return None
    # A CBV URI or URN (bizStep) reduces to its last word.
    for sep in ("BizStep-", "bizstep:", "/"):
        if sep in stage:
            stage = stage.rsplit(sep, 1)[1]
    return stage.lower()


def movement(event: Mapping[str, Any]) -> str | None:
    """``"ship"``, ``"receive"`` or ``None``: whether an event is a transfer (TT02 Art. 6 §1a).

    Stages whose CBV bizStep is shipping or departing ship; receiving or arriving receive
    (``van_chuyen``, ``xuat_khau``; ``nhan_hang``, ``dai_ly``, ``nhap_khau``).

    Examples:
        >>> movement({"stage": "van_chuyen"}), movement({"stage": "nhap_khau"})
        ('ship', 'receive')
        >>> movement({"stage": "thu_hoach"}) is None
        True
    """
    stage = _stage(event)
    if stage in SHIP_STAGES:
        return "ship"
    if stage in RECEIVE_STAGES:
        return "receive"
    return None


def cte(event: Mapping[str, Any]) -> str | None:
    """The FSMA 204 critical tracking event of an event, or ``None``.

    A transformation event (``event_type``) is ``"transformation"``; otherwise the stage
    decides (:data:`CTE_STAGES`); ``extensions.cte`` names the CTE explicitly.

    Examples:
        >>> cte({"event_type": "transformation", "stage": "che_bien_dong_goi"})
        'transformation'
        >>> cte({"stage": "thu_hoach"}), cte({"stage": "kho_tong"})
        ('harvesting', None)
    """
    explicit = text(child(event, "extensions").get("cte"))
    if explicit is not None and explicit in _CTE_NAMES:
        return explicit
    if text(event.get("event_type")) == "transformation":
        return "transformation"
    stage = _stage(event)
    return CTE_STAGES.get(stage) if stage is not None else None


def gs1_shaped(code: str) -> bool:
    """Whether a code is written as GS1 data (digits, HRI, Digital Link, EPC URN, scan data).

    Examples:
        >>> [gs1_shaped(c) for c in ("8930123450029", "(01)1", "https://x/01/1", "HTX-01")]
        [True, True, True, False]
    """
    return (
        code.isdigit()
        or code.startswith(("(", "]", "urn:epc:", "http://", "https://"))
        or "\x1d" in code
    )


def product_code(code: Any) -> Any:
    """A product trace code parsed (``ProductTraceCode``), or the error message text.

    EPC URNs (``urn:epc:id:sgtin:``, ``urn:epc:class:lgtin:``) are read through their
    Digital Link form. Results are memoised (codes repeat across lots and events).
    """
    value = text(code)
    if value is None:
        return "not a string"
    return _parsed_product_code(value)


@lru_cache(maxsize=16384)
def _parsed_product_code(value: str) -> Any:
    from ..gs1.trace_codes import parse_product_trace_code

    try:
        if value.startswith("urn:epc:"):
            from ..epcis.models import as_digital_link

            value = as_digital_link(value)
        return parse_product_trace_code(value)
    except TracelibError as err:
        return f"{err.code}: {err.message}"


def product_code_problem(code: Any) -> str | None:
    """Why a GS1-shaped product trace code is invalid, or ``None`` (valid or not GS1-shaped).

    Examples:
        >>> product_code_problem("(01)08935049500568(10)L1") is None
        True
        >>> product_code_problem("(01)08935049500569(10)L1")[:6]
        'GS1_LI'
        >>> product_code_problem("LOT-HTX-01") is None
        True
    """
    value = text(code)
    if value is None:
        return "not a string"
    if not gs1_shaped(value):
        return None
    parsed = product_code(value)
    return parsed if isinstance(parsed, str) else None


def location_code_problem(code: Any) -> str | None:
    """Why a GS1-shaped location trace code (GLN, (41x) HRI, Digital Link) is invalid.

    Examples:
        >>> location_code_problem("8930123450029") is None
        True
        >>> location_code_problem("8930123450028")[:4]
        'GS1_'
        >>> location_code_problem("Kho Vinh") is None
        True
    """
    from ..gs1 import gln
    from ..gs1.trace_codes import parse_location_trace_code

    value = text(code)
    if value is None:
        return "not a string"
    if not gs1_shaped(value):
        return None
    try:
        if value.isdigit():
            gln.validate(value)
        elif value.startswith("urn:epc:"):
            from ..epcis.models import as_digital_link

            parse_location_trace_code(as_digital_link(value))
        else:
            parse_location_trace_code(value)
    except TracelibError as err:
        return f"{err.code}: {err.message}"
    return None


def gtin_problem(value: Any) -> str | None:
    """Why a GTIN is invalid (length, digits, check digit), or ``None`` when it is valid.

    Examples:
        >>> gtin_problem("8935049500568") is None
        True
        >>> gtin_problem("8935049500569")
        'GS1_LINTER_INCORRECT_CHECK_DIGIT: ...'
    """
    from ..gs1 import gtin

    if not isinstance(value, str):
        return "not a string"
    try:
        gtin.validate(value)
    except TracelibError as err:
        return f"{err.code}: {err.message}"
    return None


def gln_problem(value: Any) -> str | None:
    """Why a GLN is invalid, or ``None`` when it is valid.

    Examples:
        >>> gln_problem("8930123450029") is None
        True
    """
    from ..gs1 import gln

    if not isinstance(value, str):
        return "not a string"
    try:
        gln.validate(value)
    except TracelibError as err:
        return f"{err.code}: {err.message}"
    return None
