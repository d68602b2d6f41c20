"""Import time of tracelib's packages (design G-17: ``import tracelib.gs1`` < 100 ms).

Run with ``.venv/bin/python bench/import_time.py`` (``--check`` exits 1 when the budget is
missed, ``--markdown`` prints the table of ``docs/performance.md``). Each import runs in a fresh
interpreter with bytecode already cached; the figure is the best of ``--rounds`` runs, next to
``import json`` (a stdlib reference) measured the same way.
"""

from __future__ import annotations

import subprocess
import sys

from _common import Budget, Row, check_budgets, header, parse_args, print_table

_MODULES = (
    "json",
    "tracelib",
    "tracelib.gs1",
    "tracelib.epcis",
    "tracelib.signing",
    "tracelib.portal",
)


def _once(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return float(out.split()[0])


def main() -> int:
    """Measure and print; the exit status of the budget check."""
    args = parse_args("import time of tracelib's packages", default_rounds=7)
    print(header("Import time (fresh interpreter, bytecode cached)", args))
    for module in _MODULES:  # warm the bytecode caches
        _once(module)
    best = {m: min(_once(m) for _ in range(args.rounds)) for m in _MODULES}
    print_table([Row(f"import {m}", 1, best[m]) for m in _MODULES], markdown=args.markdown)
    return check_budgets(
        [Budget("import tracelib.gs1 < 100 ms", 0.100 / best["tracelib.gs1"], 1.0)], args
    )


if __name__ == "__main__":
    sys.exit(main())
