"""P-4 against the portal emulator's own faults, over real HTTP and real processes.

A subprocess submits 10,000 events through a file outbox and the ``epcis`` transport to
:class:`~tracelib.portal.emulator.PortalEmulator` with ``fail_rate=0.1`` (500 before commit,
503/429 with ``Retry-After``, connection resets, slow answers and responses **lost after
commit**); it is SIGKILLed mid-run and started again. The rerun exits 0 and the emulator
holds every event exactly once, with the content that was enqueued (compared without
``eventID``/``recordTime``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracelib.portal.emulator import PortalEmulator
from tracelib.portal.outbox import Outbox

from .test_crash import CHILD, _content, make_event

ROOT = Path(__file__).resolve().parents[2]
COUNT = 10_000


def _run_child(url: str, db: Path, tmp: Path) -> subprocess.Popen[str]:
    script = tmp / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    return subprocess.Popen(
        [sys.executable, str(script), url, str(db), str(COUNT), str(ROOT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_kill_9_against_the_emulator_faults_stores_every_event_once(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite"
    with (
        PortalEmulator(tmp_path / "emulator.sqlite", fail_rate=0.1, seed=11) as emu,
        emu.serve() as server,
    ):
        child = _run_child(server.epcis_url, db, tmp_path)
        deadline = time.monotonic() + 60
        while emu.event_count() < COUNT // 3:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the submitter made no progress"
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.communicate()
        assert child.returncode == -signal.SIGKILL
        assert 0 < emu.event_count() < COUNT
        with Outbox(db) as box:  # the killed run left work behind
            assert box.stats()["CONFIRMED"] < COUNT

        rerun = _run_child(server.epcis_url, db, tmp_path)
        out, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err
        lines = [json.loads(line) for line in out.splitlines()]
        assert lines[0] == {"added": 0}  # the rerun enqueued nothing new
        assert lines[-1]["stats"]["CONFIRMED"] == COUNT

        drawn = emu.counts()["faults_drawn"]
        assert drawn.get("lost", 0) >= 1, drawn  # responses were lost after commit
        assert sum(drawn.values()) >= 5, drawn
        assert emu.event_count() == COUNT
        stored = emu.events()
    ids = [e["eventID"] for e in stored]
    assert len(set(ids)) == len(ids) == COUNT
    assert sorted(_content(e) for e in stored) == sorted(
        _content(make_event(i)) for i in range(COUNT)
    )
    with Outbox(db) as box:
        assert box.stats()["CONFIRMED"] == COUNT
