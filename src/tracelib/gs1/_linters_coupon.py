"""GS1 Syntax Dictionary linters that involve GS1 Company Prefixes: ``gcppos1``, ``gcppos2``,
``couponcode`` (AI 8110, North American coupon) and ``couponposoffer`` (AI 8112).

Same contract as :mod:`tracelib.gs1._linters_basic`. Offline, a GCP is only checked for
being numeric with at least :data:`GCP_MIN_LENGTH` digits; a real allocation check needs
a lookup hook (the reference library's ``GS1_LINTER_CUSTOM_GCP_LOOKUP``), see
:func:`tracelib.gs1.ai.set_gcp_lookup_hook`.

Coupon fields are read left to right. A field that is absent altogether is reported over
the whole value (``0``, ``len``); a field cut short is reported over the characters that
are there, as the reference linters do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._linters_basic import Fail, digits_fail
from ._linters_dates import yymmdd
from .codes import Gs1Code

if TYPE_CHECKING:
    from .ai import GcpLookupHook

__all__: list[str] = []

#: The shortest GS1 Company Prefix (the reference ``GCP_MIN_LENGTH``).
GCP_MIN_LENGTH = 4

_C = Gs1Code
_hook: GcpLookupHook | None = None


def set_hook(hook: GcpLookupHook | None) -> GcpLookupHook | None:
    """Install the process-wide GCP lookup hook; return the previous one."""
    global _hook
    previous, _hook = _hook, hook
    return previous


def get_hook() -> GcpLookupHook | None:
    """The process-wide GCP lookup hook, or ``None``."""
    return _hook


def _lookup(hook: GcpLookupHook, gcp: str, pos: int) -> Fail | None:
    status = hook(gcp)
    if status == "allocated":
        return None
    if status == "not_allocated":
        return (_C.GS1_LINTER_INVALID_GCP_PREFIX, pos, len(gcp))
    # "offline", or any answer that is not a verdict: the lookup could not decide.
    return (_C.GS1_LINTER_GCP_DATASOURCE_OFFLINE, pos, len(gcp))


def _gcp_at(s: str, start: int, hook: GcpLookupHook | None) -> Fail | None:
    n = len(s)
    if n - start < GCP_MIN_LENGTH:
        # The span is the GCP part; a value holding nothing from the GCP on is all marked.
        at = start if n > start else 0
        return (_C.GS1_LINTER_TOO_SHORT_FOR_GCP, at, n - at)
    head = s[start : start + GCP_MIN_LENGTH]
    if not (head.isascii() and head.isdigit()):
        fail = digits_fail(head)
        assert fail is not None
        return (_C.GS1_LINTER_INVALID_GCP_PREFIX, start + fail[1], 1)
    hook = hook or _hook
    if hook is not None:
        return _lookup(hook, s[start:], start)
    return None


def gcppos1(s: str, hook: GcpLookupHook | None = None) -> Fail | None:
    return _gcp_at(s, 0, hook)


def gcppos2(s: str, hook: GcpLookupHook | None = None) -> Fail | None:
    return _gcp_at(s, 1, hook)


class _Reader:
    """Reads fixed-width coupon fields, producing the reference error spans."""

    __slots__ = ("n", "p", "s")

    def __init__(self, s: str) -> None:
        self.s = s
        self.n = len(s)
        self.p = 0

    def take(self, width: int, code: Gs1Code) -> tuple[str, Fail | None]:
        p, n = self.p, self.n
        if p + width > n:
            return "", (code, 0, n) if p >= n else (code, p, n - p)
        self.p = p + width
        return self.s[p : p + width], None

    def vli(self, missing: Gs1Code, invalid: Gs1Code, allowed: str) -> tuple[int, Fail | None]:
        digit, fail = self.take(1, missing)
        if fail is not None:
            return -1, fail
        if digit not in allowed:
            return -1, (invalid, self.p - 1, 1)
        return int(digit), None

    def counted(
        self, missing: Gs1Code, invalid: Gs1Code, allowed: str, truncated: Gs1Code
    ) -> Fail | None:
        """A length digit (VLI) followed by that many characters."""
        width, fail = self.vli(missing, invalid, allowed)
        if fail is not None:
            return fail
        return self.take(width, truncated)[1]


def _purchase_codes(which: str, *, gcp: bool = True) -> tuple[Gs1Code, ...]:
    names: tuple[str, ...] = (
        "MISSING_{}_PURCHASE_REQUIREMENT_VLI",
        "INVALID_{}_PURCHASE_REQUIREMENT_LENGTH",
        "TRUNCATED_{}_PURCHASE_REQUIREMENT",
        "MISSING_{}_PURCHASE_REQUIREMENT_CODE",
        "INVALID_{}_PURCHASE_REQUIREMENT_CODE",
        "TRUNCATED_{}_PURCHASE_FAMILY_CODE",
    )
    if gcp:
        names += (
            "MISSING_{}_PURCHASE_GCP_VLI",
            "INVALID_{}_PURCHASE_GCP_LENGTH",
            "TRUNCATED_{}_PURCHASE_GCP",
        )
    return tuple(Gs1Code["GS1_LINTER_COUPON_" + name.format(which)] for name in names)


# Error codes of the qualifying purchase blocks, in field order (the first has no GCP).
_FIRST = _purchase_codes("1ST", gcp=False)
_SECOND = _purchase_codes("2ND")
_THIRD = _purchase_codes("3RD")


def _requirement(r: _Reader, codes: tuple[Gs1Code, ...]) -> Fail | None:
    """Purchase requirement (VLI + value), requirement code and family code."""
    fail = r.counted(codes[0], codes[1], "12345", codes[2])
    if fail is not None:
        return fail
    _, fail = r.vli(codes[3], codes[4], "012349")
    if fail is not None:
        return fail
    return r.take(3, codes[5])[1]


def _purchase(
    r: _Reader, codes: tuple[Gs1Code, ...], rules: bool, hook: GcpLookupHook | None
) -> Fail | None:
    """A second or third qualifying purchase block (after its field identifier)."""
    if rules:
        _, fail = r.vli(
            _C.GS1_LINTER_COUPON_MISSING_ADDITIONAL_PURCHASE_RULES_CODE,
            _C.GS1_LINTER_COUPON_INVALID_ADDITIONAL_PURCHASE_RULES_CODE,
            "0123",
        )
        if fail is not None:
            return fail
    fail = _requirement(r, codes)
    if fail is not None:
        return fail
    vli, fail = r.vli(codes[6], codes[7], "01234569")
    if fail is not None:
        return fail
    if vli == 9:  # no GCP of its own: the primary GCP applies
        return None
    return _company(r, 6 + vli, codes[8], hook)


def _company(r: _Reader, width: int, truncated: Gs1Code, hook: GcpLookupHook | None) -> Fail | None:
    gcp, fail = r.take(width, truncated)
    if fail is not None:
        return fail
    hook = hook or _hook
    if hook is not None:
        return _lookup(hook, gcp, r.p - width)
    return None


def _date_field(r: _Reader, short: Gs1Code, invalid: Gs1Code) -> tuple[str, Fail | None]:
    date, fail = r.take(6, short)
    if fail is not None:
        return "", fail
    if yymmdd(date) is not None:
        return "", (invalid, r.p - 6, 6)
    return date, None


def couponcode(s: str, hook: GcpLookupHook | None = None) -> Fail | None:
    bad = digits_fail(s)
    if bad is not None:
        return bad
    r = _Reader(s)
    vli, fail = r.vli(
        _C.GS1_LINTER_COUPON_MISSING_GCP_VLI, _C.GS1_LINTER_COUPON_INVALID_GCP_LENGTH, "0123456"
    )
    if fail is not None:
        return fail
    fail = _company(r, 6 + vli, _C.GS1_LINTER_COUPON_TRUNCATED_GCP, hook)
    if fail is not None:
        return fail
    _, fail = r.take(6, _C.GS1_LINTER_COUPON_TRUNCATED_OFFER_CODE)
    if fail is not None:
        return fail
    fail = r.counted(
        _C.GS1_LINTER_COUPON_MISSING_SAVE_VALUE_VLI,
        _C.GS1_LINTER_COUPON_INVALID_SAVE_VALUE_LENGTH,
        "12345",
        _C.GS1_LINTER_COUPON_TRUNCATED_SAVE_VALUE,
    )
    if fail is not None:
        return fail
    fail = _requirement(r, _FIRST)
    if fail is not None:
        return fail
    # Optional fields, each introduced by its identifier, in increasing order.
    if r.p < r.n and s[r.p] == "1":
        r.p += 1
        fail = _purchase(r, _SECOND, True, hook)
        if fail is not None:
            return fail
    if r.p < r.n and s[r.p] == "2":
        r.p += 1
        fail = _purchase(r, _THIRD, False, hook)
        if fail is not None:
            return fail
    expiry = ""
    expiry_at = -1
    if r.p < r.n and s[r.p] == "3":
        expiry_at = r.p
        r.p += 1
        expiry, fail = _date_field(
            r,
            _C.GS1_LINTER_COUPON_TOO_SHORT_FOR_EXPIRATION_DATE,
            _C.GS1_LINTER_COUPON_INVALID_EXIPIRATION_DATE,
        )
        if fail is not None:
            return fail
    if r.p < r.n and s[r.p] == "4":
        r.p += 1
        start, fail = _date_field(
            r,
            _C.GS1_LINTER_COUPON_TOO_SHORT_FOR_START_DATE,
            _C.GS1_LINTER_COUPON_INVALID_START_DATE,
        )
        if fail is not None:
            return fail
        if expiry and expiry < start:
            return (_C.GS1_LINTER_COUPON_EXPIRATION_BEFORE_START, expiry_at, r.p - expiry_at)
    if r.p < r.n and s[r.p] == "5":
        r.p += 1
        vli, fail = r.vli(
            _C.GS1_LINTER_COUPON_MISSING_SERIAL_NUMBER_VLI,
            _C.GS1_LINTER_COUPON_MISSING_SERIAL_NUMBER_VLI,
            "0123456789",
        )
        if fail is not None:
            return fail
        _, fail = r.take(6 + vli, _C.GS1_LINTER_COUPON_TRUNCATED_SERIAL_NUMBER)
        if fail is not None:
            return fail
    if r.p < r.n and s[r.p] == "6":
        r.p += 1
        vli, fail = r.vli(
            _C.GS1_LINTER_COUPON_MISSING_RETAILER_GCP_OR_GLN_VLI,
            _C.GS1_LINTER_COUPON_INVALID_RETAILER_GCP_OR_GLN_LENGTH,
            "1234567",
        )
        if fail is not None:
            return fail
        fail = _company(r, 6 + vli, _C.GS1_LINTER_COUPON_TRUNCATED_RETAILER_GCP_OR_GLN, hook)
        if fail is not None:
            return fail
    if r.p < r.n and s[r.p] == "9":
        r.p += 1
        for missing, invalid, allowed in (
            (
                _C.GS1_LINTER_COUPON_MISSING_SAVE_VALUE_CODE,
                _C.GS1_LINTER_COUPON_INVALID_SAVE_VALUE_CODE,
                "01256",
            ),
            (
                _C.GS1_LINTER_COUPON_MISSING_SAVE_VALUE_APPLIES_TO_ITEM,
                _C.GS1_LINTER_COUPON_INVALID_SAVE_VALUE_APPLIES_TO_ITEM,
                "012",
            ),
            (
                _C.GS1_LINTER_COUPON_MISSING_STORE_COUPON_FLAG,
                _C.GS1_LINTER_COUPON_MISSING_STORE_COUPON_FLAG,
                "0123456789",
            ),
            (
                _C.GS1_LINTER_COUPON_MISSING_DONT_MULTIPLY_FLAG,
                _C.GS1_LINTER_COUPON_INVALID_DONT_MULTIPLY_FLAG,
                "01",
            ),
        ):
            _, fail = r.vli(missing, invalid, allowed)
            if fail is not None:
                return fail
    if r.p < r.n:
        return (_C.GS1_LINTER_COUPON_EXCESS_DATA, r.p, r.n - r.p)
    return None


def couponposoffer(s: str) -> Fail | None:
    bad = digits_fail(s)
    if bad is not None:
        return bad
    r = _Reader(s)
    _, fail = r.vli(
        _C.GS1_LINTER_COUPON_MISSING_FORMAT_CODE, _C.GS1_LINTER_COUPON_INVALID_FORMAT_CODE, "01"
    )
    if fail is not None:
        return fail
    vli, fail = r.vli(
        _C.GS1_LINTER_COUPON_MISSING_FUNDER_VLI,
        _C.GS1_LINTER_COUPON_INVALID_FUNDER_LENGTH,
        "0123456",
    )
    if fail is not None:
        return fail
    _, fail = r.take(6 + vli, _C.GS1_LINTER_COUPON_TRUNCATED_FUNDER)
    if fail is not None:
        return fail
    _, fail = r.take(6, _C.GS1_LINTER_COUPON_TRUNCATED_OFFER_CODE)
    if fail is not None:
        return fail
    vli, fail = r.vli(
        _C.GS1_LINTER_COUPON_MISSING_SERIAL_NUMBER_VLI,
        _C.GS1_LINTER_COUPON_MISSING_SERIAL_NUMBER_VLI,
        "0123456789",
    )
    if fail is not None:
        return fail
    _, fail = r.take(6 + vli, _C.GS1_LINTER_COUPON_TRUNCATED_SERIAL_NUMBER)
    if fail is not None:
        return fail
    if r.p < r.n:
        return (_C.GS1_LINTER_COUPON_EXCESS_DATA, r.p, r.n - r.p)
    return None
