"""The ``tracelib`` command as a process: ``python -m tracelib`` and the console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tracelib

ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_python_m_tracelib_version():
    proc = run(sys.executable, "-m", "tracelib", "--version")
    assert proc.returncode == 0
    assert proc.stdout == f"tracelib {tracelib.__version__}\n"
    assert proc.stderr == ""


def test_python_m_tracelib_validate_exit_status_and_json():
    proc = run(
        sys.executable,
        "-m",
        "tracelib",
        "gs1",
        "validate",
        "--json",
        "8930123451019",
        "8930123451303",
    )
    assert proc.returncode == 1
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["valid"] for r in rows] == [True, False]
    assert rows[1]["position"] == 12


def test_python_m_tracelib_reads_stdin():
    proc = run(
        sys.executable,
        "-m",
        "tracelib",
        "gs1",
        "validate",
        "--file",
        "-",
        stdin="8930123451019\r\n96385074\r\n",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "2 codes: 2 valid, 0 invalid"


def test_usage_error_is_one_line_without_traceback():
    proc = run(sys.executable, "-m", "tracelib", "gs1", "validate", "--file", "/nonexistent/x.csv")
    assert proc.returncode == 2
    assert proc.stderr == "tracelib gs1 validate: error: no such file: /nonexistent/x.csv\n"


def test_console_script(tmp_path):
    script = shutil.which("tracelib", path=str(Path(sys.executable).parent))
    if script is None:  # pragma: no cover - the package is installed in the dev venv
        pytest.fail("the tracelib console script is not installed next to the interpreter")
    proc = run(script, "--version")
    assert proc.returncode == 0
    assert proc.stdout == f"tracelib {tracelib.__version__}\n"
    proc = run(script, "demo", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0
    assert "GS1_LINTER_INCORRECT_CHECK_DIGIT at position 12" in proc.stdout


def test_demo_in_a_process_writes_only_demo_output(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "tracelib", "demo"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    out = proc.stdout.decode("utf-8")
    assert "Step 6 · Scan summary" in out
    assert "Done: the portal holds the records; the genuine lot is VALID, the copy INVALID." in out
    assert [p.name for p in tmp_path.iterdir()] == ["demo-output"]
    assert (tmp_path / "demo-output" / "label.svg").read_text(encoding="utf-8").startswith("<")
