"""Hypothesis strategies for GS1 keys, shared by the test suite.

Valid keys are built with check digits computed here, independently of ``tracelib`` (a
plain mod-10 loop and the ``csumalpha`` pair), so that tests using them are not circular.

    from tests import strategies as gs
    @given(gs.gtins())
    def test_something(code): ...
"""

from __future__ import annotations

from hypothesis import strategies as st

DIGITS = "0123456789"
#: GS1 character set 82, in value order.
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
#: GS1 character set 39.
CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: The characters of a check-character pair.
CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

_PRIMES = [p for p in range(2, 600) if all(p % d for d in range(2, int(p**0.5) + 1))][:97]


def mod10(body: str) -> str:
    """The GS1 mod-10 check digit of ``body`` (weights 3, 1, 3, ... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def check_pair(body: str) -> str:
    """The GS1 check-character pair of a CSET 82 ``body``."""
    total = sum(CSET82.index(ch) * _PRIMES[len(body) - 1 - i] for i, ch in enumerate(body)) % 1021
    return CSET32[total >> 5] + CSET32[total & 31]


def digits(min_size: int, max_size: int | None = None) -> st.SearchStrategy[str]:
    """Strings of ASCII digits."""
    return st.text(DIGITS, min_size=min_size, max_size=min_size if max_size is None else max_size)


def numeric_keys(length: int) -> st.SearchStrategy[str]:
    """Valid numeric keys of ``length`` digits ending in their mod-10 check digit."""
    return digits(length - 1).map(lambda b: b + mod10(b))


def gtins(lengths: tuple[int, ...] = (8, 12, 13, 14)) -> st.SearchStrategy[str]:
    """Valid GTINs in the given lengths."""
    return st.sampled_from(lengths).flatmap(numeric_keys)


def glns() -> st.SearchStrategy[str]:
    """Valid GLNs (13 digits)."""
    return numeric_keys(13)


def ssccs() -> st.SearchStrategy[str]:
    """Valid SSCCs (18 digits)."""
    return numeric_keys(18)


def gsrns() -> st.SearchStrategy[str]:
    """Valid GSRNs / GSRN-Ps (18 digits)."""
    return numeric_keys(18)


def gsins() -> st.SearchStrategy[str]:
    """Valid GSINs (17 digits)."""
    return numeric_keys(17)


def cset82_text(min_size: int = 0, max_size: int = 16) -> st.SearchStrategy[str]:
    """Strings of CSET 82 characters."""
    return st.text(CSET82, min_size=min_size, max_size=max_size)


def cset39_text(min_size: int = 0, max_size: int = 16) -> st.SearchStrategy[str]:
    """Strings of CSET 39 characters."""
    return st.text(CSET39, min_size=min_size, max_size=max_size)


def grais() -> st.SearchStrategy[str]:
    """Valid GRAIs: ``0``, 13 digits of asset type, optional CSET 82 serial (<= 16)."""
    return st.builds(lambda k, s: "0" + k + s, numeric_keys(13), cset82_text(0, 16))


def gdtis() -> st.SearchStrategy[str]:
    """Valid GDTIs: 13 digits of document type, optional CSET 82 serial (<= 17)."""
    return st.builds(lambda k, s: k + s, numeric_keys(13), cset82_text(0, 17))


def gcns() -> st.SearchStrategy[str]:
    """Valid GCNs: 13 digits of coupon reference, optional numeric serial (<= 12)."""
    return st.builds(lambda k, s: k + s, numeric_keys(13), digits(0, 12))


def _gcp_led(tail: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda g, t: g + t, digits(4, 12), tail)


def giais() -> st.SearchStrategy[str]:
    """Valid GIAIs: a numeric GCP (>= 4 digits) and CSET 82, 30 characters at most."""
    return _gcp_led(cset82_text(0, 18))


def gincs() -> st.SearchStrategy[str]:
    """Valid GINCs: a numeric GCP (>= 4 digits) and CSET 82, 30 characters at most."""
    return _gcp_led(cset82_text(0, 18))


def cpids() -> st.SearchStrategy[str]:
    """Valid CPIDs: a numeric GCP (>= 4 digits) and CSET 39, 30 characters at most."""
    return _gcp_led(cset39_text(0, 18))


def gmn_bodies() -> st.SearchStrategy[str]:
    """GMN bodies (no pair): a numeric GCP (>= 4 digits) and CSET 82, 23 characters at most."""
    return _gcp_led(cset82_text(0, 11))


def gmns() -> st.SearchStrategy[str]:
    """Valid GMNs: a body and its check-character pair."""
    return gmn_bodies().map(lambda b: b + check_pair(b))


def pieces_of_total() -> st.SearchStrategy[str]:
    """Valid 4-digit piece-of-total values (1 <= piece <= total <= 99)."""
    pair = st.tuples(st.integers(1, 99), st.integers(1, 99)).map(sorted)
    return pair.map(lambda pt: f"{pt[0]:02d}{pt[1]:02d}")


def itips() -> st.SearchStrategy[str]:
    """Valid ITIPs: a GTIN-14 and a piece of total."""
    return st.builds(lambda g, p: g + p, numeric_keys(14), pieces_of_total())


def upces() -> st.SearchStrategy[str]:
    """Canonical 8-digit UPC-Es (number system 0 or 1), the forms a UPC-A suppresses to."""

    def build(ns: str, m: str) -> str:
        last = m[5]
        if last in "012":
            body = m[0:2] + last + "0000" + m[2:5]
        elif last == "3":
            body = m[0:3] + "00000" + m[3:5]
        elif last == "4":
            body = m[0:4] + "00000" + m[4]
        else:
            body = m[0:5] + "0000" + last
        return ns + m + mod10(ns + body)

    def canonical(m: str) -> bool:
        last = m[5]
        return not (
            (last == "3" and m[2] in "012")
            or (last == "4" and m[3] == "0")
            or (last in "56789" and m[4] == "0")
        )

    return st.builds(build, st.sampled_from("01"), digits(6).filter(canonical))


#: Values that no key accepts: wrong types, empty or blank text, foreign digits, huge text.
JUNK: tuple[object, ...] = (
    None,
    "",
    " ",
    "\t\n",
    b"09521234543213",
    bytearray(b"0952"),
    9521234543213,
    0,
    -1,
    9.5,
    float("nan"),
    True,
    [],
    ["09521234543213"],
    {},
    {"gtin": "09521234543213"},
    ("0", "9"),
    object(),
    "😀",
    "0952123454321😀",
    "٠٩٥٢١٢٣٤٥٤٣٢١٣",
    "۰۹۵۲۱۲۳۴۵۴۳۲۱۳",
    "\x00",
    "0952123454321\x00",
    "\x000952123454321",
    "9" * 10_000,
    "A" * 10_000,
    "0952 " * 2_000,
    "\ud800",
    "(01)",
    "()",
    "(",
)


def anything() -> st.SearchStrategy[object]:
    """One of :data:`JUNK`, random text or bytes: for "never raises" tests (may be valid)."""
    return st.one_of(st.sampled_from(JUNK), st.text(max_size=40), st.binary(max_size=20))
