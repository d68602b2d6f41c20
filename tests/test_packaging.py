"""``python -m build`` makes a wheel and an sdist that install and work (issue 8, item 6).

Offline: the build runs without isolation (hatchling from the dev environment), the wheel is
installed with ``--no-deps`` into an empty target directory, and the smoke test runs from
another working directory with that directory first on the path, so it exercises the
installed files (data files included), not the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("build")
pytest.importorskip("hatchling")

pytestmark = pytest.mark.slow

_DATA_FILES = (
    "tracelib/py.typed",
    "tracelib/portal/_data/nbc-v5.toml",
    "tracelib/epcis/_data/contexts.py",
)

_SMOKE = """
import pathlib, sys, tempfile
import tracelib
from tracelib.cli import main
where = pathlib.Path(tracelib.__file__).resolve()
assert where.is_relative_to(pathlib.Path(sys.argv[1]).resolve()), where
assert main(["gs1", "validate", "8930123451019"]) == 0
from tracelib.portal.profile import NbcProfile
assert NbcProfile.load().experimental
out = tempfile.mkdtemp()
assert main(["demo", "--out", out]) == 0
assert (pathlib.Path(out) / "label.png").read_bytes()[:4] == b"\\x89PNG"
print("SMOKE OK", tracelib.__version__)
"""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def test_wheel_contents(dist: Path) -> None:
    (wheel,) = dist.glob("tracelib-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in _DATA_FILES:
        assert name in names, name
    assert not [n for n in names if n.startswith(("tests/", "examples/")) or "__pycache__" in n]
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    for extra in ("bulk", "validate", "stream", "export", "tsa", "pkcs11"):
        assert f"Provides-Extra: {extra}" in text, extra


def test_sdist_contents(dist: Path) -> None:
    (sdist,) = dist.glob("tracelib-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for name in ("pyproject.toml", "README.md", "LICENSE", "src/tracelib/portal/_data/nbc-v5.toml"):
        assert name in names, name


def test_installed_wheel_passes_the_smoke_test(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("tracelib-*.whl")
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONIOENCODING": "utf-8"}
    smoke = subprocess.run(
        [sys.executable, "-c", _SMOKE, str(target)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        check=False,
    )
    assert smoke.returncode == 0, smoke.stdout[-2000:] + smoke.stderr[-2000:]
    assert "SMOKE OK" in smoke.stdout
