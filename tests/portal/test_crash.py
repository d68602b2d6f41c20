"""Durability over real HTTP and real processes (P-4, P-5).

P-4: a subprocess submits >= 10,000 events through the outbox and the ``epcis`` transport to
a loopback EPCIS server that fails 10 % of requests at random; it is SIGKILLed mid-run and
started again; the rerun exits 0 and the server holds every event exactly once, with the
content that was enqueued.

P-5: the server commits a capture and the response is lost (the connection drops after the
events were stored); the client reconciles by lookup, the capture is not sent again, and the
server holds one copy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tracelib.epcis.testing import AppResponse, EpcisTestServer
from tracelib.portal.drivers import HttpxChannel, run_sync
from tracelib.portal.outbox import Backoff, Outbox, Submitter
from tracelib.portal.transport import Item
from tracelib.portal.transports.epcis import EpcisTransport

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys
import httpx
from tracelib.portal.drivers import HttpxChannel, run_sync
from tracelib.portal.outbox import Backoff, Outbox, Submitter
from tracelib.portal.transports.epcis import EpcisTransport
sys.path.insert(0, sys.argv[4])
from tests.portal.test_crash import make_events

url, db, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
box = Outbox(db)
added = box.enqueue(make_events(count), "epcis")
transport = EpcisTransport(url, max_batch=250, discover_limits=False)
with httpx.Client(timeout=30.0) as http:
    channel = HttpxChannel(http)
    sub = Submitter(box, transport, lambda flow: run_sync(flow, channel),
                    backoff=Backoff(initial=0.01, cap=0.2, max_attempts=1000))
    print(json.dumps({"added": added}), flush=True)
    report = sub.drain()
print(json.dumps({"stats": report.stats, "reconciled": report.reconciled}), flush=True)
box.close()
sys.exit(0 if report.complete else 1)
"""


def make_event(i: int) -> dict[str, Any]:
    """Event ``i`` of the workload (its eventID is its outbox id)."""
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "eventTime": f"2025-03-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}+07:00",
        "eventTimeZoneOffset": "+07:00",
        "epcList": [f"urn:epc:id:sgtin:893012345.0012.{i}"],
        "readPoint": {"id": "urn:epc:id:sgln:893012345.000.0"},
    }


def make_events(count: int, lanes: int = 8) -> list[Item]:
    """``count`` event items spread over ``lanes`` chains."""
    out = []
    for i in range(count):
        event = make_event(i)
        body = json.dumps(event, separators=(",", ":")).encode()
        out.append(Item("event", event["eventID"], body, lane=f"lot-{i % lanes}"))
    return out


def _content(event: dict[str, Any]) -> str:
    kept = {k: v for k, v in event.items() if k not in ("eventID", "recordTime", "@context")}
    return json.dumps(kept, sort_keys=True)


def _run_child(url: str, db: Path, count: int, tmp: Path) -> subprocess.Popen[str]:
    script = tmp / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    return subprocess.Popen(
        [sys.executable, str(script), url, str(db), str(count), str(ROOT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_stores_every_event_exactly_once(tmp_path: Path) -> None:
    count = 10_000
    db = tmp_path / "outbox.sqlite"
    with EpcisTestServer(fail_rate=0.1, seed=7) as server:
        child = _run_child(server.url, db, count, tmp_path)
        deadline = time.monotonic() + 60
        while server.event_count() < count // 3:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the submitter made no progress"
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.communicate()
        assert child.returncode == -signal.SIGKILL
        stored_at_kill = server.event_count()
        assert 0 < stored_at_kill < count
        with Outbox(db) as box:  # the killed run left work behind
            assert box.stats()["CONFIRMED"] < count

        rerun = _run_child(server.url, db, count, tmp_path)
        out, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err
        lines = [json.loads(line) for line in out.splitlines()]
        assert lines[0] == {"added": 0}  # the rerun enqueued nothing new
        assert lines[-1]["stats"]["CONFIRMED"] == count

        assert server.event_count() == count
        captures = sum(1 for r in server.requests if r.method == "POST")
        assert captures > count // 250  # random 503s happened and were retried
        stored = [event for _, event, _ in server.store.scan()]
    ids = [e["eventID"] for e in stored]
    assert len(set(ids)) == len(ids) == count
    want = sorted(_content(make_event(i)) for i in range(count))
    assert sorted(_content(e) for e in stored) == want
    with Outbox(db) as box:
        assert box.stats()["CONFIRMED"] == count


class _LoseResponseAfterCommit:
    """Wraps the server's app: the first capture is processed, then its answer is lost."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.captures = 0
        self.lost = 0

    def handle(self, method: str, target: str, headers: Any, body: bytes, **kw: Any) -> Any:
        answer = self.app.handle(method, target, headers, body, **kw)
        if method == "POST" and target.endswith("/capture"):
            self.captures += 1
            if self.lost == 0:
                self.lost += 1
                return AppResponse(0, drop=True)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


def test_response_lost_after_commit_reconciles_to_one_copy(tmp_path: Path) -> None:
    items = make_events(30, lanes=3)
    with EpcisTestServer() as server:
        wrapper = _LoseResponseAfterCommit(server.app)
        server.app = wrapper  # type: ignore[assignment]
        with Outbox(tmp_path / "o.sqlite") as box, httpx.Client() as http:
            box.enqueue(items, "epcis")
            channel = HttpxChannel(http)
            transport = EpcisTransport(server.url, max_batch=50, discover_limits=False)
            sub = Submitter(
                box, transport, lambda flow: run_sync(flow, channel), backoff=Backoff(initial=0.01)
            )
            report = sub.drain()
            assert report.complete
            assert report.reconciled == 30
            assert report.retried == 30
        assert wrapper.lost == 1
        assert wrapper.captures == 1  # looked up, never captured again
        assert server.event_count() == 30
