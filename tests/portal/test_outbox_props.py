"""Property: random interleavings of crashes and failures never lose or duplicate a row.

Each example enqueues master data and events across several lanes into a real SQLite file,
then drains through the scripted transport of ``test_outbox`` while a random script makes
calls fail (refused, response lost after the server stored the batch, 429, job poll
failures) or kills the "process" (before or after the server stored the batch, or right
after a confirmation was committed). After a crash the outbox file is opened again, the
same input is enqueued again (a rerun) and the drain resumes. In the end the
non-idempotent fake server holds every record exactly once, lanes arrived in order, and
events arrived after their product and location.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracelib.portal.outbox import Backoff, Outbox, Row, Submitter
from tracelib.portal.transport import Item

from .test_outbox import Crash, FakeClock, FakeServer, ScriptedTransport, runner

FAULTS = ["503", "lost", "429", "crash-before", "crash-after", "crash-confirmed"]


def workload(lanes: int, per_lane: int) -> list[Item]:
    deps = (("product", "prod"), ("location", "loc"))
    items = [
        Item(
            "event",
            f"{lane}-{k}",
            json.dumps({"k": k}).encode(),
            lane=f"lot-{lane}",
            depends_on=deps,
        )
        for k in range(per_lane)
        for lane in range(lanes)
    ]
    items += [Item("media", f"m{lane}", b"{}", lane=f"lot-{lane}") for lane in range(lanes)]
    items += [
        Item("product", "prod", b'{"gtin": "08930000000019"}'),
        Item("location", "loc", b'{"location_trace_code": "8930000000017"}'),
        Item("organization", "org", b'{"tax_code": "2900123456"}'),
    ]
    return items


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    lanes=st.integers(1, 4),
    per_lane=st.integers(1, 6),
    batch=st.integers(1, 5),
    two_step=st.booleans(),
    script=st.dictionaries(st.integers(0, 40), st.sampled_from(FAULTS), max_size=15),
)
def test_crashes_and_faults_never_lose_or_duplicate(
    lanes: int, per_lane: int, batch: int, two_step: bool, script: dict[int, str]
) -> None:
    items = workload(lanes, per_lane)
    server = FakeServer()
    clock = FakeClock()
    crash_after_confirm = {n for n, f in script.items() if f == "crash-confirmed"}
    transport = ScriptedTransport(
        server,
        max_batch=batch,
        two_step=two_step,
        script={n: f for n, f in script.items() if f != "crash-confirmed"},
    )
    confirmations = 0

    def on_confirmed(row: Row) -> None:
        nonlocal confirmations
        confirmations += 1
        if confirmations in crash_after_confirm:
            raise Crash

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "outbox.sqlite"
        for _ in range(60):  # each pass is one "process"
            box = Outbox(path, clock=clock)
            try:
                box.enqueue(items, "fake")
                sub = Submitter(
                    box,
                    transport,
                    runner(clock),
                    backoff=Backoff(max_attempts=1000),
                    rand=lambda: 0.5,
                    on_confirmed=on_confirmed,
                )
                report = sub.drain()
            except Crash:
                continue
            finally:
                box.close()
            break
        else:  # pragma: no cover - the script is finite
            raise AssertionError("never finished")
        assert report.complete
        with Outbox(path) as box:
            assert len(box.rows("CONFIRMED")) == len(items)

    # exactly once
    assert set(server.held) == {(i.entity_type, i.id) for i in items}
    assert set(server.creates.values()) == {1}
    # per-lane FIFO
    for lane in range(lanes):
        got = [
            i.id for i in server.received if i.lane == f"lot-{lane}" and i.entity_type == "event"
        ]
        assert got == [f"{lane}-{k}" for k in range(per_lane)]
    # dependency order
    order = [i.id for i in server.received]
    first_event = min(order.index(f"{lane}-0") for lane in range(lanes))
    assert order.index("org") < order.index("prod") < order.index("loc") < first_event
    last_event = max(order.index(f"{lane}-{per_lane - 1}") for lane in range(lanes))
    assert all(order.index(f"m{lane}") > last_event for lane in range(lanes))
