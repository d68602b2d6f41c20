"""Portal outbox: events/s sustained through the durable outbox into the local emulator (P-15).

Run with ``.venv/bin/python bench/portal.py`` (``--quick`` for a smoke run, ``--check`` to
exit with status 1 when a budget is missed, ``--markdown`` for ``docs/performance.md``,
``--sizes 10000 100000 200000`` to choose the sizes).

For each size a fresh :class:`tracelib.portal.emulator.PortalEmulator` (SQLite file in a
temporary directory) serves on 127.0.0.1 in this process, and a **separate submitter
process** does what ``tracelib portal submit`` does: enqueue N ObjectEvents (streamed from a
generator, 8 chains) into a file outbox (WAL, ``synchronous=FULL``), then drain it through
the ``epcis`` transport (``POST /epcis/capture`` in batches of ``--batch``, capture jobs
polled, every row committed ``SENT`` before its request and ``CONFIRMED`` after) over real
HTTP with httpx. The submitter's figures:

* "enqueue": rows/s of ``Outbox.enqueue`` (one transaction);
* "drain": events/s from the first request to the last confirmation;
* "sustained": N / (enqueue + drain) — the budget figure, >= 5,000 events/s (design §11);
* peak RSS: ``VmHWM`` of the submitter process (psutil's RSS where there is no ``/proc``),
  which must not grow with N (budget: peak at the largest size <= 1.25x the smallest).

The emulator stores and checks every event, so its cost is in the figure; it runs in the
parent process, so on 2 cores the two processes each get one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import Budget, check_budgets, format_rate, machine_info

ROOT = Path(__file__).resolve().parents[1]


def _events(count: int, lanes: int = 8) -> Iterator[object]:
    from tracelib.portal.transport import Item

    for i in range(count):
        event_id = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        body = (
            f'{{"type":"ObjectEvent","eventID":"{event_id}","action":"OBSERVE",'
            f'"bizStep":"shipping","eventTime":"2025-03-01T08:{(i // 60) % 60:02d}:'
            f'{i % 60:02d}+07:00","eventTimeZoneOffset":"+07:00",'
            f'"epcList":["urn:epc:id:sgtin:893012345.0012.{i}"],'
            '"readPoint":{"id":"urn:epc:id:sgln:893012345.000.0"}}'
        ).encode()
        yield Item("event", event_id, body, lane=f"lot-{i % lanes}")


def _peak_rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import psutil

    return int(psutil.Process().memory_info().rss // 1024)


def child(url: str, count: int, batch: int, db: str) -> None:
    """The submitter process: enqueue, drain, print one JSON line of figures."""
    import httpx

    from tracelib.portal.drivers import HttpxChannel, run_sync
    from tracelib.portal.outbox import Backoff, Outbox, Submitter
    from tracelib.portal.transports.epcis import EpcisTransport

    with Outbox(db) as box, httpx.Client(timeout=60.0) as http:
        start = time.perf_counter()
        added = box.enqueue(_events(count), "epcis")  # type: ignore[arg-type]
        enqueued = time.perf_counter()
        channel = HttpxChannel(http)
        transport = EpcisTransport(url, max_batch=batch, discover_limits=False)
        report = Submitter(
            box, transport, lambda flow: run_sync(flow, channel), backoff=Backoff(initial=0.01)
        ).drain()
        done = time.perf_counter()
    print(
        json.dumps(
            {
                "events": count,
                "added": added,
                "complete": report.complete,
                "batches": report.batches,
                "enqueue_s": enqueued - start,
                "drain_s": done - enqueued,
                "peak_rss_kb": _peak_rss_kb(),
            }
        ),
        flush=True,
    )


def run_size(count: int, batch: int) -> dict[str, float]:
    """One size: a fresh emulator here, the submitter in a subprocess."""
    from tracelib.portal.emulator import PortalEmulator

    with tempfile.TemporaryDirectory(prefix="tracelib-bench-portal-") as tmp:
        emulator = PortalEmulator(Path(tmp) / "emulator.sqlite")
        try:
            with emulator.serve() as server:
                env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        str(count),
                        "--url",
                        server.epcis_url,
                        "--batch",
                        str(batch),
                        "--db",
                        str(Path(tmp) / "outbox.sqlite"),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                )
            stored = emulator.event_count()
        finally:
            emulator.close()
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    if stored != count or not figures["complete"]:
        raise SystemExit(f"{count} events: the emulator holds {stored}, report {figures}")
    return figures


def main() -> int:
    """Run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="2,000 and 10,000 events")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch", type=int, default=1000, help="events per capture request")
    parser.add_argument("--check", action="store_true", help="exit 1 when a budget is missed")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.url, args.child, args.batch, args.db)
        return 0
    sizes = [2_000, 10_000] if args.quick else sorted(args.sizes)
    print(f"## Portal outbox → emulator (epcis capture over loopback HTTP)\n\n{machine_info()}\n")
    results = [(n, run_size(n, args.batch)) for n in sizes]
    head = ["events", "enqueue rows/s", "drain events/s", "sustained events/s", "peak RSS"]
    table = []
    for n, f in results:
        table.append(
            [
                f"{n:,}",
                format_rate(n / f["enqueue_s"]),
                format_rate(n / f["drain_s"]),
                format_rate(n / (f["enqueue_s"] + f["drain_s"])),
                f"{f['peak_rss_kb'] / 1024:.1f} MiB",
            ]
        )
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---:" for _ in head) + "|")
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in [head, *table]) for i in range(len(head))]
        for row in [head, *table]:
            print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    slowest = min(n / (f["enqueue_s"] + f["drain_s"]) for n, f in results)
    first, last = results[0][1]["peak_rss_kb"], results[-1][1]["peak_rss_kb"]
    print()
    budgets = [
        Budget("sustained events/s vs 5,000", slowest / 5000.0, 1.0),
        Budget(
            f"peak RSS flat ({results[-1][0]:,} vs {results[0][0]:,} events, <= 1.25x)",
            1.25 * first / last,
            1.0,
        ),
    ]
    return check_budgets(budgets, args)


if __name__ == "__main__":
    sys.exit(main())
