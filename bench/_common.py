"""Shared helpers of the bench scripts: interleaved best-of-N timing, tables, ratios, budgets.

Every bench script times tracelib and its peers in one process, round by round: each round
runs every case once, in the same order, and a case's figure is its best round. Python
figures vary up to 1.5x run to run on a shared host, so the ratios (measured side by side)
are what budgets are checked on, not the absolute rates.

Usage in a script::

    args = parse_args("what this bench measures")
    print(header("GS1 keys", args))
    times = run_rounds({"a": fn_a, "b": fn_b}, rounds=args.rounds)
    print_table([Row("a", n, times["a"]), ...], markdown=args.markdown)
    sys.exit(check_budgets([Budget("a vs b", times["b"] / times["a"], 5.0)], args))
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Budget",
    "Row",
    "check_budgets",
    "format_rate",
    "header",
    "machine_info",
    "parse_args",
    "print_table",
    "run_rounds",
    "time_once",
]


def parse_args(
    description: str, argv: Sequence[str] | None = None, *, default_rounds: int = 5
) -> argparse.Namespace:
    """The common command line: ``--quick``, ``--rounds N``, ``--check``, ``--markdown``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="small inputs and two rounds (a smoke run)"
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="timing rounds; the best round counts"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a budget is missed"
    )
    parser.add_argument("--markdown", action="store_true", help="print tables as Markdown")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 2 if args.quick else default_rounds
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> str:
    """One line: date, Python implementation and version, OS, CPU model and core count."""
    today = datetime.date.today().isoformat()
    python = f"{platform.python_implementation()} {platform.python_version()}"
    cores = os.cpu_count() or 0
    system = f"{platform.system()} {platform.machine()}"
    return f"{today} · {python} · {system} · {_cpu_model()} · {cores} cores"


def header(title: str, args: argparse.Namespace) -> str:
    """The banner printed first: title, machine and timing method."""
    mode = " (--quick)" if args.quick else ""
    return (
        f"# {title}{mode}\n"
        f"# {machine_info()}\n"
        f"# best of {args.rounds} interleaved rounds, one process, single thread, GC off"
    )


def time_once(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes; its result is freed after the clock stops."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()
    del result
    return elapsed


def run_rounds(
    cases: Mapping[str, Callable[[], object]],
    *,
    rounds: int,
    progress: bool = True,
) -> dict[str, float]:
    """Best time (seconds) of each case over ``rounds`` rounds that each run every case once."""
    best = dict.fromkeys(cases, float("inf"))
    for round_no in range(1, rounds + 1):
        for name, fn in cases.items():
            best[name] = min(best[name], time_once(fn))
        if progress:
            print(f"  round {round_no}/{rounds} done", file=sys.stderr, flush=True)
    return best


def format_rate(per_second: float) -> str:
    """Items per second as ``12.3M``, ``456k`` or ``789``."""
    if per_second >= 1e6:
        return f"{per_second / 1e6:.2f}M"
    if per_second >= 1e3:
        return f"{per_second / 1e3:.0f}k"
    return f"{per_second:.0f}"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a results table: ``items`` processed in ``seconds``, with an optional ratio."""

    name: str
    items: int
    seconds: float
    ratio: float | None = None
    versus: str = ""

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else float("inf")


def print_table(rows: Sequence[Row], *, markdown: bool = False) -> None:
    """Print rows as an aligned text table, or as a Markdown table."""
    cells = [
        (
            row.name,
            format_rate(row.rate),
            f"{row.seconds * 1000:.1f} ms",
            f"{row.ratio:.2f}x {row.versus}".rstrip() if row.ratio is not None else "",
        )
        for row in rows
    ]
    titles = ("case", "items/s", "best time", "ratio")
    if markdown:
        print("| " + " | ".join(titles) + " |")
        print("|---|---:|---:|---:|")
        for cell in cells:
            print("| " + " | ".join(cell) + " |")
        return
    widths = [max(len(t), *(len(c[i]) for c in cells)) for i, t in enumerate(titles)]
    line = _justify(titles, widths)
    print(line)
    print("-" * len(line))
    for cell in cells:
        print(_justify(cell, widths))


def _justify(cells: Sequence[str], widths: Sequence[int]) -> str:
    """The first cell left-justified, the others right-justified."""
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


@dataclass(frozen=True, slots=True)
class Budget:
    """A performance budget: a measured ratio that must reach ``target``."""

    name: str
    ratio: float
    target: float

    @property
    def met(self) -> bool:
        return self.ratio >= self.target


def check_budgets(budgets: Sequence[Budget], args: argparse.Namespace) -> int:
    """Print each budget with OK/MISSED; the exit status (1 only with ``--check`` and a miss)."""
    print()
    print("Budgets:")
    for budget in budgets:
        verdict = "OK" if budget.met else "MISSED"
        print(f"  {budget.name}: {budget.ratio:.2f}x (target >= {budget.target}x)  {verdict}")
    missed = [b for b in budgets if not b.met]
    return 1 if args.check and missed else 0
