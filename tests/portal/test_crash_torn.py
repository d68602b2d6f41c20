"""Torn writes: a process killed during a commit, a WAL cut short (nothing acknowledged lost).

SQLite in WAL mode appends each transaction's pages to ``outbox.sqlite-wal`` and, with
``synchronous=FULL``, fsyncs them before ``COMMIT`` returns. A crash can only tear the
transaction being written; on the next open SQLite ignores the torn frames (their checksums
do not match) and the outbox is exactly as after the last acknowledged commit.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracelib.portal.outbox import Backoff, Outbox, Submitter
from tracelib.portal.transport import Item

from .test_outbox import FakeClock, FakeServer, ScriptedTransport, runner

ROOT = Path(__file__).resolve().parents[2]

WRITER = r"""
import sys
from tracelib.portal.outbox import Outbox
from tracelib.portal.transport import Item
box = Outbox(sys.argv[1])
n = 0
while True:
    items = [Item("event", f"e{n + k}", b'{"pad": "' + b"x" * 2000 + b'"}', lane=f"l{k % 4}")
             for k in range(50)]
    box.enqueue(items, "fake")
    n += 50
    print(n, flush=True)
"""

TORN = r"""
import os, signal, sys
from tracelib.portal.outbox import Outbox
from tracelib.portal.transport import Item, Outcome
path = sys.argv[1]
box = Outbox(path)
box._db.execute("PRAGMA wal_autocheckpoint=0")
box.enqueue([Item("event", f"a{k}", b"{}", lane="l") for k in range(20)], "fake")
claim = box.claim("fake", limit=5)  # five rows SENT: the server got them
print(os.path.getsize(path + "-wal"), flush=True)
box.record(claim.rows, [Outcome(r.id, "CONFIRMED", remote_id="R") for r in claim.rows])
box.enqueue([Item("event", f"b{k}", b"{}", lane="l") for k in range(20)], "fake")
print(os.path.getsize(path + "-wal"), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no clean close: the WAL is not checkpointed
"""


def _python(code: str, *args: str, tmp: Path) -> subprocess.Popen[str]:
    script = tmp / "child.py"
    script.write_text(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


@pytest.mark.parametrize("delay", [0.2, 0.35, 0.5])
def test_kill_during_commits_loses_no_acknowledged_enqueue(tmp_path: Path, delay: float) -> None:
    db = tmp_path / "outbox.sqlite"
    child = _python(WRITER, str(db), tmp=tmp_path)
    assert child.stdout is not None
    acked = 0
    started = time.monotonic()
    while time.monotonic() - started < delay or acked < 100:
        line = child.stdout.readline()
        assert line, child.stderr.read() if child.stderr else ""
        acked = int(line)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert _integrity(db) == "ok"
    with Outbox(db) as box:
        rows = box.rows()
    assert len(rows) >= acked  # every acknowledged enqueue is there
    assert len(rows) % 50 == 0  # a transaction is all or nothing
    assert [r.id for r in rows] == [f"e{n}" for n in range(len(rows))]


def test_truncated_wal_keeps_every_acknowledged_commit(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    db = src / "outbox.sqlite"
    child = _python(TORN, str(db), tmp=tmp_path)
    out, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err
    first, second = (int(x) for x in out.split())
    assert second > first
    wal = Path(str(db) + "-wal")
    assert wal.stat().st_size == second
    for cut in (first + 1, first + 100, (first + second) // 2, second - 1, second):
        case = tmp_path / f"cut-{cut}"
        case.mkdir()
        shutil.copy(db, case / "outbox.sqlite")
        shutil.copy(wal, case / "outbox.sqlite-wal")
        with open(case / "outbox.sqlite-wal", "r+b") as handle:
            handle.truncate(cut)
        path = case / "outbox.sqlite"
        assert _integrity(path) == "ok"
        with Outbox(path) as box:
            ids = {r.id for r in box.rows()}
            a_rows = {f"a{k}" for k in range(20)}
            assert a_rows <= ids  # acknowledged before the torn transaction(s)
            states = {r.id: r.state for r in box.rows()}
            confirmed = {i for i, s in states.items() if s == "CONFIRMED"}
            sent = {i for i, s in states.items() if s == "SENT"}
            # the record() commit is atomic: five rows either CONFIRMED or still SENT
            assert (confirmed, sent) in (
                ({f"a{k}" for k in range(5)}, set()),
                (set(), {f"a{k}" for k in range(5)}),
            )
            b_rows = ids - a_rows
            assert b_rows in (set(), {f"b{k}" for k in range(20)})
            if cut == second:
                assert confirmed
                assert b_rows
            if cut == first + 1:  # both later transactions torn
                assert not confirmed
                assert not b_rows
            # resume: the rows the server got are looked up, never created twice
            server = FakeServer()
            for k in range(5):
                server.store("event", Item("event", f"a{k}", b"{}", lane="l"))
            clock = FakeClock()
            box.clock = clock
            report = Submitter(
                box, ScriptedTransport(server), runner(clock), backoff=Backoff(), rand=lambda: 0.5
            ).drain()
            assert report.complete
            assert set(server.creates.values()) == {1}
            assert {i for _, i in server.held} == ids
