"""EPC (Tag Data Standard): SGTIN-96 encode and decode, against epcpy when it is installed.

Run with ``.venv/bin/python bench/gs1_epc.py`` (``--quick`` for a smoke run, ``--markdown``
for the tables of ``docs/performance.md``; ``--check`` is accepted for symmetry: there is
no EPC budget).

Inputs: 20,000 generated SGTIN pure-identity URNs (2,000 with ``--quick``): company
prefixes of 6 to 12 digits, random item references, numeric serials without leading zeros
below 2^38 (so every one fits SGTIN-96), filter value 1 (point-of-sale item).

Cases:

* URN -> hex: ``tracelib.gs1.epc.encode_hex(urn, filter=1)`` (parse and check the URN,
  choose SGTIN-96, pack the bits);
* hex -> URN: ``epc.decode_hex(hex).as_urn()`` (header, partition, fields, checks);
* URN -> Digital Link: ``epc.to_digital_link(urn)`` (GTIN check digit, serial escaping);
* epcpy ``SGTIN(urn).hex(...)`` and ``SGTIN.from_hex(hex).epc_uri`` when ``epcpy`` is
  installed (it is not a tracelib dependency); otherwise the script prints the peer figures
  of design section 10 (epcpy 55k / 41k, pyepc 33k-36k / 46k-51k per second), which come
  from another run and another machine: compare them with care.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

from _common import Row, header, parse_args, print_table, run_rounds

from tracelib.gs1 import epc

#: Design section 10, measured elsewhere (not in this run): items per second.
DESIGN_PEERS = {
    "epcpy URI -> SGTIN-96 hex": "55k",
    "epcpy hex -> URI": "41k",
    "pyepc SGTIN-96 encode": "33k-36k",
    "pyepc SGTIN-96 decode": "46k-51k",
}


def make_urns(n: int, seed: int = 20260127) -> list[str]:
    """``n`` SGTIN URNs that SGTIN-96 can hold (13 digits of GCP + item reference)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        gcp_length = rng.randint(6, 12)
        gcp = "".join(rng.choice("0123456789") for _ in range(gcp_length))
        item = "".join(rng.choice("0123456789") for _ in range(13 - gcp_length))
        serial = rng.randint(0, 2**38 - 1)
        out.append(f"urn:epc:id:sgtin:{gcp}.{item}.{serial}")
    return out


def _epcpy_cases(
    urns: list[str], hexes: list[str]
) -> dict[str, Callable[[], object]] | None:  # pragma: no cover - optional peer
    try:
        from epcpy.epc_schemes.sgtin import SGTIN, SGTINFilterValue
    except ImportError:
        return None
    scheme = SGTIN.BinaryCodingScheme.SGTIN_96
    pos = SGTINFilterValue.POS_ITEM
    assert [SGTIN(u).hex(binary_coding_scheme=scheme, filter_value=pos) for u in urns[:50]] == (
        hexes[:50]
    )
    assert [SGTIN.from_hex(h).epc_uri for h in hexes[:50]] == urns[:50]
    return {
        "epcpy SGTIN(urn).hex()": lambda: [
            SGTIN(u).hex(binary_coding_scheme=scheme, filter_value=pos) for u in urns
        ],
        "epcpy SGTIN.from_hex().epc_uri": lambda: [SGTIN.from_hex(h).epc_uri for h in hexes],
    }


def main() -> int:
    args = parse_args("EPC: SGTIN-96 encode/decode, tracelib (vs epcpy when installed)")
    n = 2_000 if args.quick else 20_000
    urns = make_urns(n)
    hexes = [epc.encode_hex(u, filter=1) for u in urns]
    # Same work: every hex is SGTIN-96 and decodes back to its URN.
    assert all(len(h) == 24 and h.startswith("30") for h in hexes)
    assert [epc.decode_hex(h).as_urn() for h in hexes] == urns

    print(header(f"EPC SGTIN-96 ({n:,} URNs)", args))
    cases: dict[str, Callable[[], object]] = {
        "tracelib encode_hex (URN -> SGTIN-96 hex)": lambda: [
            epc.encode_hex(u, filter=1) for u in urns
        ],
        "tracelib decode_hex().as_urn() (hex -> URN)": lambda: [
            epc.decode_hex(h).as_urn() for h in hexes
        ],
        "tracelib to_digital_link (URN -> DL)": lambda: [epc.to_digital_link(u) for u in urns],
    }
    peers = _epcpy_cases(urns, hexes)
    if peers is not None:
        cases.update(peers)
    times = run_rounds(cases, rounds=args.rounds)
    rows = []
    for name, seconds in times.items():
        ratio = None
        versus = ""
        if peers is not None and name.startswith("tracelib encode"):
            ratio, versus = times["epcpy SGTIN(urn).hex()"] / seconds, "epcpy"
        elif peers is not None and name.startswith("tracelib decode"):
            ratio, versus = times["epcpy SGTIN.from_hex().epc_uri"] / seconds, "epcpy"
        rows.append(Row(name, n, seconds, ratio, versus))
    print_table(rows, markdown=args.markdown)
    if peers is None:
        print()
        print("epcpy is not installed; peer figures of design section 10 (not this run):")
        for name, rate in DESIGN_PEERS.items():
            print(f"  {name}: {rate}/s")
    print()
    print("Budgets: none for EPC (design section 10 sets none).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
