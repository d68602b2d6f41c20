"""The one loader of the shared conformance vectors.

Paths resolve from ``$TRACELIB_CONFORMANCE`` or, when unset, ``../shared/conformance``
relative to the repository root (found from this file, never from the working directory).
A test that needs the data skips only when the whole folder is absent; under CI (``CI`` set)
a missing folder or file is a failure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


def root() -> Path:
    env = os.environ.get("TRACELIB_CONFORMANCE")
    return Path(env) if env else REPO.parent / "shared" / "conformance"


def path(relative: str) -> Path:
    """Absolute path of a conformance file; skips (or fails under CI) when it is absent."""
    base = root()
    if not base.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"conformance data missing at {base} (CI must have it)")
        pytest.skip(
            f"conformance data not found at {base}; set TRACELIB_CONFORMANCE",
            allow_module_level=True,
        )
    target = base / relative
    if not target.exists():
        pytest.fail(f"conformance file missing: {target}")
    return target


@cache
def _json(relative: str) -> Any:
    return json.loads(path(relative).read_text(encoding="utf-8"))


def load_json(relative: str) -> Any:
    """A parsed JSON conformance file (cached)."""
    return _json(relative)


def iter_jsonl(relative: str) -> Iterator[dict[str, Any]]:
    """The rows of a JSON-lines conformance file."""
    with path(relative).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def jsonl(relative: str) -> list[dict[str, Any]]:
    """All rows of a JSON-lines conformance file."""
    return list(iter_jsonl(relative))
