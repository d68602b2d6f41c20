"""GS1 keys: scalar GTIN checks against peers, bulk validation against the numpy limit.

Run with ``.venv/bin/python bench/gs1_keys.py`` (``--quick`` for a smoke run, ``--check``
to exit with status 1 when a budget of design section 10 is missed, ``--markdown`` for the
tables of ``docs/performance.md``).

Inputs: 1,000,000 generated GTIN-13 strings (100,000 with ``--quick``), as ``list[str]``:
"half invalid" has a wrong check digit in every other code, "valid" the same codes with the
right one. Scalar cases map each function over "half invalid"; bulk cases take the whole
list. The numpy-from-strings limit is what no GTIN validator can beat by much in numpy:
convert the list to a byte array and compute the check digit, with no checks at all.

Budgets: ``gtin.is_valid`` >= 5x ``stdnum.ean.is_valid``; ``bulk.validate_gtins`` >= 0.8x
the numpy limit on the valid list.
"""

from __future__ import annotations

import sys

import numpy as np
from _common import Budget, Row, check_budgets, header, parse_args, print_table, run_rounds
from biip import ParseError
from biip.gtin import Gtin
from stdnum import ean

from tracelib.gs1 import bulk, gtin

_W13 = np.array([1, 3] * 6 + [1], dtype=np.uint16)  # weights from the left, check digit last


def make_codes(n: int, seed: int = 20260127) -> tuple[list[str], list[str]]:
    """``n`` random GTIN-13s: (all valid, every other one with a wrong check digit)."""
    rng = np.random.default_rng(seed)
    digits = rng.integers(0, 10, size=(n, 13), dtype=np.uint8)
    total = (digits[:, :12].astype(np.int64) * _W13[:12]).sum(axis=1)
    digits[:, 12] = (-total) % 10
    good = (digits + 48).tobytes().decode("ascii")
    wrong = digits.copy()
    wrong[::2, 12] = (wrong[::2, 12] + rng.integers(1, 10, size=wrong[::2].shape[0])) % 10
    bad = (wrong + 48).tobytes().decode("ascii")
    return (
        [good[i : i + 13] for i in range(0, 13 * n, 13)],
        [bad[i : i + 13] for i in range(0, 13 * n, 13)],
    )


def numpy_limit(values: list[str]) -> np.ndarray:
    """The list as a byte array and its check digits verified, vectorised, with no checks."""
    codes = np.array(values, dtype="S14").view(np.uint8).reshape(-1, 14)
    return np.einsum("ij,j->i", codes[:, :13] - np.uint8(48), _W13, dtype=np.uint16) % 10 == 0


def plain_is_valid(value: str) -> bool:
    """A plain Python mod-10 loop, as one would write it without tuning."""
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        return False
    total = 0
    for i, ch in enumerate(reversed(value[:-1])):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10 == int(value[-1])


def biip_is_valid(value: str) -> bool:
    try:
        Gtin.parse(value)
    except ParseError:
        return False
    return True


def _pure_bulk(values: list[str]) -> bulk.BulkResult:
    kernel = bulk._numpy_kernel
    bulk._numpy_kernel = lambda: None  # the pure-Python path, as without numpy
    try:
        return bulk.validate_gtins(values)
    finally:
        bulk._numpy_kernel = kernel


def _agreement(valid: list[str], mixed: list[str]) -> list[str]:
    """Every case must give the same verdicts: the figures compare equal work."""
    expected_mixed = [i % 2 == 1 for i in range(len(mixed))]
    problems = []
    for name, fn in [
        ("gtin.is_valid", gtin.is_valid),
        ("stdnum", ean.is_valid),
        ("biip", biip_is_valid),
        ("plain loop", plain_is_valid),
    ]:
        if [fn(v) for v in mixed[:20_000]] != expected_mixed[:20_000]:
            problems.append(name)
    if numpy_limit(mixed).tolist() != expected_mixed or not numpy_limit(valid).all():
        problems.append("numpy limit")
    if bulk.validate_gtins(mixed).valid.tolist() != expected_mixed:
        problems.append("bulk (half invalid)")
    if bulk.validate_gtins(valid).n_valid != len(valid):
        problems.append("bulk (valid)")
    return problems


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_rounds=3)
    n = 100_000 if args.quick else 1_000_000
    print(header(f"GS1 keys: {n:,} GTIN-13 as list[str]", args))
    valid, mixed = make_codes(n)
    problems = _agreement(valid, mixed)
    if problems:
        print(f"verdicts disagree: {', '.join(problems)}", file=sys.stderr)
        return 2

    scalar = run_rounds(
        {
            "tracelib": lambda: list(map(gtin.is_valid, mixed)),
            "stdnum": lambda: list(map(ean.is_valid, mixed)),
            "biip": lambda: list(map(biip_is_valid, mixed)),
            "plain": lambda: list(map(plain_is_valid, mixed)),
        },
        rounds=args.rounds,
    )
    vector = run_rounds(
        {
            "limit valid": lambda: numpy_limit(valid),
            "bulk valid": lambda: bulk.validate_gtins(valid),
            "limit mixed": lambda: numpy_limit(mixed),
            "bulk mixed": lambda: bulk.validate_gtins(mixed),
            "pure valid": lambda: _pure_bulk(valid),
        },
        rounds=args.rounds,
    )

    def row(name: str, seconds: float, base: float, versus: str) -> Row:
        return Row(name, n, seconds, base / seconds, versus)

    std = scalar["stdnum"]
    lim, lim_mixed = vector["limit valid"], vector["limit mixed"]
    print()
    print("Scalar, one call per code (half the codes with a wrong check digit):")
    print_table(
        [
            row("tracelib gtin.is_valid", scalar["tracelib"], std, "stdnum"),
            row("python-stdnum ean.is_valid", std, std, "stdnum"),
            row("biip Gtin.parse (try/except)", scalar["biip"], std, "stdnum"),
            row("plain Python mod-10 loop", scalar["plain"], std, "stdnum"),
        ],
        markdown=args.markdown,
    )
    print()
    print("Bulk, one call for the whole list:")
    print_table(
        [
            row("numpy-from-strings limit (valid)", lim, lim, "limit"),
            row("tracelib bulk.validate_gtins (valid)", vector["bulk valid"], lim, "limit"),
            row("numpy-from-strings limit (half invalid)", lim_mixed, lim_mixed, "limit"),
            row(
                "tracelib bulk.validate_gtins (half invalid)",
                vector["bulk mixed"],
                lim_mixed,
                "limit",
            ),
            row("tracelib bulk, pure-Python path (valid)", vector["pure valid"], lim, "limit"),
        ],
        markdown=args.markdown,
    )
    return check_budgets(
        [
            Budget("scalar gtin.is_valid vs stdnum.ean.is_valid", std / scalar["tracelib"], 5.0),
            Budget("bulk.validate_gtins vs numpy limit (valid)", lim / vector["bulk valid"], 0.8),
        ],
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
