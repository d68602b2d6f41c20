"""The outbox and the submitter against a scripted in-memory transport (P-3, P-5, P-7).

The transport here implements the protocol without I/O (its flows yield nothing and return
outcomes) and holds a fake, *non-idempotent* server: every create it receives is counted,
so a resend of a record the server already holds shows up as a second create.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tracelib.errors import InputError
from tracelib.portal.errors import (
    ConflictError,
    OrganizationNotActivated,
    PortalBug,
    RateLimited,
    TransientError,
)
from tracelib.portal.outbox import Backoff, DrainReport, Outbox, Submitter, natural_key_of
from tracelib.portal.transport import EntityType, Flow, Item, Outcome, Sleep, Transport


class Crash(BaseException):
    """The process dies here (not an error any code may catch)."""


class FakeServer:
    """A target that stores what it is sent and counts every create."""

    def __init__(self) -> None:
        self.held: dict[tuple[str, str], bytes] = {}
        self.creates: Counter[tuple[str, str]] = Counter()
        self.received: list[Item] = []

    def store(self, entity_type: str, item: Item) -> None:
        key = (entity_type, item.id)
        self.creates[key] += 1
        self.received.append(item)
        self.held[key] = item.body


Fault = Callable[[str, EntityType, Sequence[Item]], None]


class ScriptedTransport:
    """The transport protocol over :class:`FakeServer`; faults come from a script.

    ``script`` maps a call number (0-based, counting send/confirm/lookup calls) to a fault:
    ``"503"`` (refused before processing), ``"lost"`` (stored, then the response is lost:
    a TransientError), ``"429"`` (RateLimited, retry_after=3), ``"crash-before"``,
    ``"crash-after"`` (the process dies before/after the server stored the batch),
    ``"bug"`` (PortalBug, permanent), ``"conflict"``.
    """

    name = "fake"

    def __init__(
        self,
        server: FakeServer,
        *,
        max_batch: int = 10,
        script: dict[int, str] | None = None,
        two_step: bool = False,
        refuse: Callable[[EntityType, Item], Exception | None] | None = None,
        only: str | None = None,
    ) -> None:
        self.server = server
        self.max_batch = max_batch
        self.script = dict(script or {})
        self.two_step = two_step
        self.refuse = refuse
        self.only = only
        self.calls: list[tuple[str, EntityType, tuple[str, ...]]] = []

    def _fault(self, kind: str, entity_type: EntityType, items: Sequence[Any]) -> str | None:
        number = len(self.calls)
        ids = tuple(getattr(i, "id", "") for i in items)
        self.calls.append((kind, entity_type, ids))
        if self.only is not None and kind != self.only:
            return None
        return self.script.get(number)

    def send(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[list[Outcome]]:
        fault = self._fault("send", entity_type, items)
        if self.refuse is not None:
            for item in items:
                error = self.refuse(entity_type, item)
                if error is not None:
                    raise error
        if fault == "503":
            raise TransientError("503 before processing", http_status=503)
        if fault == "429":
            raise RateLimited("429", retry_after=3.0, http_status=429)
        if fault == "bug":
            raise PortalBug("ERR_SYS_DEV", raw={"error": "ERR_SYS_DEV"})
        if fault == "conflict":
            raise ConflictError("exists", http_status=409)
        if fault == "crash-before":
            raise Crash
        for item in items:
            self.server.store(entity_type, item)
        if fault == "lost":
            raise TransientError("connection reset after commit")
        if fault == "crash-after":
            raise Crash
        state = "CREATED" if self.two_step else "CONFIRMED"
        return [
            Outcome(
                i.id, state, remote_id=f"R-{i.id}", job=f"job/{i.id}" if self.two_step else None
            )
            for i in items
        ]
        yield  # pragma: no cover - a flow without I/O

    def confirm(self, entity_type: EntityType, outcomes: Sequence[Outcome]) -> Flow[list[Outcome]]:
        fault = self._fault("confirm", entity_type, outcomes)
        if fault in ("503", "lost"):
            raise TransientError("job poll failed")
        if fault in ("crash-before", "crash-after"):
            raise Crash
        return [Outcome(o.id, "CONFIRMED", remote_id=o.remote_id, job=o.job) for o in outcomes]
        yield  # pragma: no cover

    def lookup(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[dict[str, Outcome]]:
        fault = self._fault("lookup", entity_type, items)
        if fault in ("503", "lost"):
            raise TransientError("lookup failed")
        if fault in ("crash-before", "crash-after"):
            raise Crash
        return {
            i.id: Outcome(i.id, "CONFIRMED", remote_id=f"R-{i.id}", duplicate=True)
            for i in items
            if (entity_type, i.id) in self.server.held
        }
        yield  # pragma: no cover


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now


def runner(clock: FakeClock) -> Callable[[Flow[Any]], Any]:
    """Runs a flow without I/O: a Sleep advances the fake clock; a Request is a test bug."""

    def run(flow: Flow[Any]) -> Any:
        try:
            step = next(flow)
            while True:
                assert isinstance(step, Sleep), f"unexpected request {step!r}"
                assert step.seconds >= 0
                clock.sleeps.append(step.seconds)
                clock.now += step.seconds
                step = flow.send(None)
        except StopIteration as done:
            return done.value

    return run


def submitter(box: Outbox, transport: Transport, clock: FakeClock, **kw: Any) -> Submitter:
    kw.setdefault("rand", lambda: 0.5)
    return Submitter(box, transport, runner(clock), **kw)


def events(lanes: int, per_lane: int) -> list[Item]:
    """Events interleaved across lanes: lane ``L`` event ``k`` has id ``L-k``."""
    out = []
    for k in range(per_lane):
        for lane in range(lanes):
            body = json.dumps({"lane": lane, "stage": k}).encode()
            out.append(Item("event", f"{lane}-{k}", body, lane=f"lot-{lane}"))
    return out


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def box(tmp_path: Path, clock: FakeClock) -> Iterable[Outbox]:
    with Outbox(tmp_path / "outbox.sqlite", clock=clock) as outbox:
        yield outbox


# ---- the store -----------------------------------------------------------------------------


def test_file_outbox_is_wal_with_full_sync(tmp_path: Path) -> None:
    with Outbox(tmp_path / "o.sqlite") as box:
        assert box.journal_mode == "wal"
        assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_enqueue_is_idempotent_per_target(box: Outbox) -> None:
    items = events(2, 3)
    assert box.enqueue(items, "fake") == 6
    assert box.enqueue(items, "fake") == 0
    assert box.enqueue(items[:2], "other") == 2
    assert box.stats("fake")["PENDING"] == 6
    assert box.stats()["PENDING"] == 8
    assert box.targets() == ["fake", "other"]
    assert [r.id for r in box.rows(target="fake")] == [i.id for i in items]


def test_enqueue_is_all_or_nothing_with_a_located_error(box: Outbox) -> None:
    bad: list[Any] = [Item("event", "a", b"{}"), "not an item"]
    with pytest.raises(InputError) as info:
        box.enqueue(bad, "fake")
    assert info.value.code == "PORTAL_OUTBOX_BAD_ITEM"
    assert info.value.position == 1
    assert box.stats()["PENDING"] == 0
    with pytest.raises(InputError) as info:
        box.enqueue([Item("product", "p", b"{}", depends_on=(("event", "e"),))], "fake")
    assert info.value.code == "PORTAL_OUTBOX_BAD_DEPENDENCY"
    for junk in (Item("thing", "x", b"{}"), Item("event", "", b"{}"), Item("event", "x", "s")):  # type: ignore[arg-type]
        with pytest.raises(InputError) as info:
            box.enqueue([junk], "fake")
        assert info.value.code == "PORTAL_OUTBOX_BAD_ITEM"
    with pytest.raises(InputError):
        box.enqueue([], "")
    with pytest.raises(InputError):
        box.claim("fake", limit=0)
    with pytest.raises(InputError):
        box.rows("DONE")  # type: ignore[arg-type]


def test_not_an_outbox_file_is_a_tracelib_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError) as info:
        Outbox(path)
    assert info.value.code == "PORTAL_OUTBOX_BAD_PATH"


def test_rows_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite"
    with Outbox(path) as box:
        box.enqueue(events(1, 3), "fake")
        claim = box.claim("fake", limit=2)
        box.record(claim.rows[:1], [Outcome(claim.rows[0].id, "CONFIRMED", remote_id="r0")])
    with Outbox(path) as box:
        assert [r.state for r in box.rows()] == ["CONFIRMED", "SENT", "PENDING"]
        assert box.mapping.get("fake", "event", "0-0") == "r0"


def test_state_machine_two_step(box: Outbox, clock: FakeClock) -> None:
    server = FakeServer()
    transport = ScriptedTransport(server, two_step=True)
    seen: list[str] = []
    report = submitter(box, transport, clock, on_confirmed=lambda r: seen.append(r.id)).drain()
    assert report.complete
    box.enqueue([Item("product", "p1", b'{"gtin": "08930000000019"}')], "fake")
    claim = box.claim("fake", limit=5)
    assert [r.state for r in claim.rows] == ["SENT"]
    created = box.record(claim.rows, [Outcome("p1", "CREATED", job="job/p1", remote_id="R1")])
    assert [(r.state, r.job) for r in created] == [("CREATED", "job/p1")]
    assert box.mapping.get("fake", "product", "p1") is None
    report = submitter(box, transport, clock, on_confirmed=lambda r: seen.append(r.id)).drain()
    assert report.confirmed == 1
    assert report.complete
    assert seen == ["p1"]
    assert box.get("fake", "product", "p1").state == "CONFIRMED"  # type: ignore[union-attr]
    entry = box.mapping.find("fake", "product", "08930000000019")
    assert entry is not None
    assert (entry.internal_id, entry.portal_id) == ("p1", "R1")
    assert [c[0] for c in transport.calls] == ["confirm"]


def test_natural_keys() -> None:
    assert natural_key_of("location", b'{"location_trace_code": "8930000000017"}') == (
        "8930000000017"
    )
    assert natural_key_of("organization", b'{"tax_code": "2900123456"}') == "2900123456"
    assert natural_key_of("product", b"[1]") is None
    assert natural_key_of("product", b"\xff") is None
    assert natural_key_of("product", b'{"gtin": true}') is None


# ---- dependency order (P-3) ----------------------------------------------------------------


def master_data() -> list[Item]:
    return [
        Item("organization", "org", b'{"tax_code": "2900123456"}'),
        Item("product", "prod", b'{"gtin": "08930000000019"}'),
        Item("location", "loc", b'{"location_trace_code": "8930000000017"}'),
    ]


def test_events_before_their_product_are_held_until_it_is_confirmed(
    box: Outbox, clock: FakeClock
) -> None:
    deps = (("product", "prod"), ("location", "loc"))
    evs = [Item("event", f"e{k}", b"{}", lane="lot-1", depends_on=deps) for k in range(3)]
    box.enqueue(evs, "fake")  # events first
    box.enqueue([Item("media", "m1", b'{"url": "https://x/1.jpg"}', lane="lot-1")], "fake")
    box.enqueue(list(reversed(master_data())), "fake")
    server = FakeServer()
    transport = ScriptedTransport(server, two_step=True)
    report = submitter(box, transport, clock).drain()
    assert report.complete
    assert report.confirmed == 7
    order = [i.id for i in server.received]
    assert order == ["org", "prod", "loc", "e0", "e1", "e2", "m1"]
    # every event went out after the confirmation of its product and location
    sends = [c for c in transport.calls if c[0] == "send"]
    confirms = [c for c in transport.calls if c[0] == "confirm"]
    first_event = transport.calls.index(next(c for c in sends if c[1] == "event"))
    assert all(transport.calls.index(c) < first_event for c in confirms[:3])


def test_events_stay_held_while_their_product_failed(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(master_data(), "fake")
    box.enqueue(
        [Item("event", "e1", b"{}", lane="lot-1", depends_on=(("product", "prod"),))], "fake"
    )
    server = FakeServer()

    def refuse(entity_type: EntityType, item: Item) -> Exception | None:
        return PortalBug("ERR_SYS_DEV") if item.id == "prod" else None

    report = submitter(box, ScriptedTransport(server, refuse=refuse), clock).drain()
    assert not report.complete
    assert report.failed == 1
    assert report.held == 1
    assert box.get("fake", "product", "prod").error == "PORTAL_BUG: ERR_SYS_DEV"  # type: ignore[union-attr]
    assert ("event", "e1") not in server.held
    # a human fixes it: retry_failed, the product is looked up, then sent, then the event
    assert box.retry_failed("fake") == 1
    report = submitter(box, ScriptedTransport(server), clock).drain()
    assert report.complete
    assert server.creates[("event", "e1")] == 1
    assert server.creates[("product", "prod")] == 1


def test_dependency_already_in_the_mapping_store_is_met(box: Outbox, clock: FakeClock) -> None:
    box.mapping.put("fake", "product", "prod", "SP-9", natural_key="08930000000019")
    box.enqueue([Item("event", "e1", b"{}", depends_on=(("product", "prod"),))], "fake")
    report = submitter(box, ScriptedTransport(FakeServer()), clock).drain()
    assert report.complete


def test_organization_not_activated_stops_every_request(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(master_data(), "fake")
    box.enqueue(events(2, 2), "fake")

    def refuse(entity_type: EntityType, item: Item) -> Exception | None:
        if entity_type in ("organization", "product"):
            return OrganizationNotActivated("NullReferenceException in ToChuc_SanPhamService")
        return None

    transport = ScriptedTransport(FakeServer(), refuse=refuse)
    with pytest.raises(OrganizationNotActivated):
        submitter(box, transport, clock).drain()
    assert len(transport.calls) == 1
    assert box.stats("fake")["PENDING"] == 7  # nothing lost, nothing failed
    # the admin activates the organisation: the next drain sends everything
    transport.refuse = None
    assert submitter(box, transport, clock).drain().complete


# ---- ordering (P-7) -------------------------------------------------------------------------


def test_eight_chains_reach_the_target_in_stage_order(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(events(8, 25), "fake")
    server = FakeServer()
    script = {n: ("lost" if n % 3 == 0 else "503") for n in range(1, 60, 4)}
    transport = ScriptedTransport(server, max_batch=7, script=script)
    report = submitter(box, transport, clock).drain()
    assert report.complete
    assert report.retried > 0
    for lane in range(8):
        stages = [json.loads(i.body)["stage"] for i in server.received if i.lane == f"lot-{lane}"]
        assert stages == list(range(25))
    assert max(server.creates.values()) == 1


def test_a_failed_event_holds_the_rest_of_its_lane_only(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(events(2, 3), "fake")

    def refuse(entity_type: EntityType, item: Item) -> Exception | None:
        return PortalBug("bad") if item.id == "0-1" else None

    transport = ScriptedTransport(FakeServer(), max_batch=1, refuse=refuse)
    report = submitter(box, transport, clock).drain()
    held = {r.id for r in box.rows("PENDING")}
    assert held == {"0-2"}
    assert report.held == 1
    assert {i.id for i in transport.server.received} == {"0-0", "1-0", "1-1", "1-2"}


# ---- retries ---------------------------------------------------------------------------------


def test_backoff_is_capped_exponential_full_jitter() -> None:
    policy = Backoff(initial=1.0, cap=10.0)
    bounds = [policy.delay(n, rand=0.9999999) for n in range(8)]
    assert bounds == pytest.approx([1, 2, 4, 8, 10, 10, 10, 10], rel=1e-6)
    assert policy.delay(3, rand=0.0) == 0.0
    assert policy.delay(3, rand=0.5, retry_after=1000.0) == 600.0
    for bad in ({"initial": -1}, {"max_attempts": 0}, {"cap": "x"}):
        with pytest.raises(InputError):
            Backoff(**bad)  # type: ignore[arg-type]


def test_retry_after_is_honoured(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(events(1, 1), "fake")
    transport = ScriptedTransport(FakeServer(), script={0: "429"})
    report = submitter(box, transport, clock).drain()
    assert report.complete
    assert report.retried == 1
    assert clock.sleeps == [3.0]
    # a 429 was not processed: no lookup before the resend
    assert [c[0] for c in transport.calls] == ["send", "send"]


def test_transient_failures_back_off_then_give_up(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(events(1, 1), "fake")
    script = dict.fromkeys(range(100), "503")
    transport = ScriptedTransport(FakeServer(), script=script, only="send")
    sub = submitter(box, transport, clock, backoff=Backoff(initial=1.0, cap=4.0, max_attempts=4))
    report = sub.drain()
    assert report.failed == 1
    assert not report.complete
    assert clock.sleeps == [0.5, 1.0, 2.0]  # rand=0.5 times 1, 2, 4
    row = box.rows("FAILED")[0]
    assert row.attempts == 4
    assert row.error == "PORTAL_TRANSIENT: 503 before processing"
    # after a 503 (uncertain) the rows are looked up before each resend
    assert [c[0] for c in transport.calls] == [
        "send",
        "lookup",
        "send",
        "lookup",
        "send",
        "lookup",
        "send",
    ]


def test_permanent_failure_is_failed_and_kept_for_a_human(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(events(1, 2), "fake")
    report = submitter(box, ScriptedTransport(FakeServer(), script={0: "bug"}), clock).drain()
    assert report.failed == 2
    assert {r.error for r in box.rows("FAILED")} == {"PORTAL_BUG: ERR_SYS_DEV"}


def test_conflict_is_reconciled_not_resent(box: Outbox, clock: FakeClock) -> None:
    server = FakeServer()
    box.enqueue(events(1, 2), "fake")
    for item in events(1, 2):
        server.store("event", item)
    report = submitter(box, ScriptedTransport(server, script={0: "conflict"}), clock).drain()
    assert report.complete
    assert report.reconciled == 2
    assert report.duplicates == 2
    assert max(server.creates.values()) == 1


def test_error_text_in_rows_is_redacted(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(events(1, 1), "fake")

    def refuse(entity_type: EntityType, item: Item) -> Exception | None:
        return PortalBug("upstream said Authorization: Bearer s3cr3t-token")

    submitter(box, ScriptedTransport(FakeServer(), refuse=refuse), clock).drain()
    raw = Path(box.path).read_bytes() + Path(box.path + "-wal").read_bytes()
    assert b"s3cr3t-token" not in raw
    assert "Bearer ***" in (box.rows("FAILED")[0].error or "")


# ---- reconciliation (P-5 in memory) --------------------------------------------------------


def test_response_lost_after_commit_is_reconciled_by_lookup(box: Outbox, clock: FakeClock) -> None:
    server = FakeServer()
    box.enqueue(events(2, 5), "fake")
    transport = ScriptedTransport(server, max_batch=4, script={0: "lost", 3: "lost"})
    report = submitter(box, transport, clock).drain()
    assert report.complete
    assert report.reconciled == 6  # 4 from call 0, 2 from call 3
    assert set(server.creates.values()) == {1}
    assert len(server.held) == 10


def test_rows_left_sent_are_looked_up_before_anything_is_sent(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "o.sqlite"
    server = FakeServer()
    with Outbox(path, clock=clock) as box:
        box.enqueue(events(1, 4), "fake")
        claim = box.claim("fake", limit=4)
        for item in claim.rows[:2]:
            server.store("event", item.item())  # reached the server, then the process died
    with Outbox(path, clock=clock) as box:
        transport = ScriptedTransport(server)
        report = submitter(box, transport, clock).drain()
        assert report.complete
        assert report.reconciled == 2
        assert transport.calls[0][0] == "lookup"
        assert [c for c in transport.calls if c[0] == "send"] == [("send", "event", ("0-2", "0-3"))]
    assert set(server.creates.values()) == {1}


def test_a_failed_lookup_never_leads_to_a_blind_resend(box: Outbox, clock: FakeClock) -> None:
    server = FakeServer()
    box.enqueue(events(1, 2), "fake")
    claim = box.claim("fake", limit=2)
    for row in claim.rows:
        server.store("event", row.item())
    transport = ScriptedTransport(server, script={0: "503", 1: "503"})
    report = submitter(box, transport, clock).drain()
    assert report.complete
    assert [c[0] for c in transport.calls] == ["lookup", "lookup", "lookup"]
    assert set(server.creates.values()) == {1}


def test_drain_without_a_runner_and_the_flow_form(box: Outbox, clock: FakeClock) -> None:
    box.enqueue(events(1, 2), "fake")
    sub = Submitter(box, ScriptedTransport(FakeServer()))
    with pytest.raises(InputError) as info:
        sub.drain()
    assert info.value.code == "PORTAL_OUTBOX_NO_RUNNER"
    report = runner(clock)(sub.drain_flow())
    assert isinstance(report, DrainReport)
    assert report.confirmed == 2
    with pytest.raises(InputError):
        Submitter(box, ScriptedTransport(FakeServer()), batch_size=0)


def test_outbox_file_holds_only_what_was_enqueued(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite"
    with Outbox(path) as box:
        box.enqueue([Item("product", "p1", b'{"gtin": "08930000000019"}')], "fake")
    db = sqlite3.connect(path)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()
    assert {"rows", "mapping", "meta"} <= tables
