"""GS1 element strings: full-lint parsing against biip and python-stdnum (budget G-16).

Run with ``.venv/bin/python bench/gs1_syntax.py`` (``--quick`` for a smoke run, ``--check``
to exit with status 1 when the budget of design section 10 is missed, ``--markdown`` for
the tables of ``docs/performance.md``).

Inputs: 20,000 generated valid 4-AI messages ``(01)…(17)…(10)…(21)…`` (5,000 with
``--quick``): random GTIN-14s, expiry dates, lots and serials, so no two messages share a
value. Each is given as bracketed HRI and as raw data with GS separators. tracelib runs
the ``strict`` profile: every linter (check digit, GCP position, date), the ``req=``/
``ex=`` pairings, repeats and the (8030) rule. biip parses with its own checks (check
digits and dates); ``stdnum.gs1_128.info`` reads the raw form.

Budget: ``parse_element_string`` on HRI >= 10x biip ``GS1Message.parse_hri``.
"""

from __future__ import annotations

import random
import sys

from _common import Budget, Row, check_budgets, header, parse_args, print_table, run_rounds
from biip.gs1_messages import GS1Message
from stdnum import gs1_128

from tracelib.gs1 import _bulk_es
from tracelib.gs1.element_strings import parse_element_string
from tracelib.gs1.scan_data import parse_scan_data


def _check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def make_messages(n: int, seed: int = 20260127) -> list[list[tuple[str, str]]]:
    """``n`` valid messages, each ``[(01), (17), (10), (21)]`` with fresh values."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        body = "0" + "".join(rnd.choice("0123456789") for _ in range(12))
        expiry = f"{rnd.randint(25, 35):02d}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        lot = "L" + "".join(rnd.choice("0123456789ABCDEF") for _ in range(rnd.randint(3, 10)))
        serial = "".join(rnd.choice("0123456789ABCXYZ") for _ in range(rnd.randint(6, 12)))
        out.append([("01", body + _check_digit(body)), ("17", expiry), ("10", lot), ("21", serial)])
    return out


def main() -> int:
    args = parse_args("GS1 element strings: tracelib vs biip and python-stdnum")
    n = 5_000 if args.quick else 20_000
    messages = make_messages(n)
    hri = ["".join(f"({ai}){value}" for ai, value in m) for m in messages]
    raw = [f"\x1d01{m[0][1]}17{m[1][1]}10{m[2][1]}\x1d21{m[3][1]}" for m in messages]
    stdnum_raw = [r[1:] for r in raw]
    scans = ["]d2" + r[1:] for r in raw]
    # Sanity: every parser reads the same four AIs.
    assert parse_element_string(hri[0]).ais == tuple(messages[0])
    assert parse_element_string(raw[0]).ais == tuple(messages[0])
    assert len(GS1Message.parse_hri(hri[0]).element_strings) == 4
    assert len(gs1_128.info(stdnum_raw[0], separator="\x1d")) == 4

    def tracelib_hri() -> None:
        for text in hri:
            parse_element_string(text)

    def tracelib_raw() -> None:
        for text in raw:
            parse_element_string(text)

    def tracelib_scan() -> None:
        for text in scans:
            parse_scan_data(text)

    def tracelib_bulk() -> None:
        _bulk_es.validate_element_strings(hri)

    def biip_hri() -> None:
        for text in hri:
            GS1Message.parse_hri(text)

    def biip_raw() -> None:
        for text in raw:
            GS1Message.parse(text[1:])

    def stdnum_info() -> None:
        for text in stdnum_raw:
            gs1_128.info(text, separator="\x1d")

    print(header("GS1 element strings (4 AIs, full lint)", args))
    cases = {
        "tracelib parse_element_string (HRI)": tracelib_hri,
        "tracelib parse_element_string (raw, GS)": tracelib_raw,
        "tracelib parse_scan_data (]d2)": tracelib_scan,
        "tracelib validate_element_strings (HRI)": tracelib_bulk,
        "biip GS1Message.parse_hri": biip_hri,
        "biip GS1Message.parse (raw)": biip_raw,
        "stdnum gs1_128.info (raw)": stdnum_info,
    }
    times = run_rounds(cases, rounds=args.rounds)
    biip = times["biip GS1Message.parse_hri"]
    rows = [
        Row(name, n, seconds, biip / seconds if name.startswith("tracelib") else None, "biip HRI")
        for name, seconds in times.items()
    ]
    print_table(rows, markdown=args.markdown)
    budgets = [
        Budget("parse_element_string HRI vs biip parse_hri", biip / times[next(iter(cases))], 10.0)
    ]
    return check_budgets(budgets, args)


if __name__ == "__main__":
    sys.exit(main())
