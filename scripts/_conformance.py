"""Locate the shared conformance data for generator scripts (never copied into the repo)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def conformance_root() -> Path:
    """``$TRACELIB_CONFORMANCE`` or ``../shared/conformance`` beside the repository."""
    env = os.environ.get("TRACELIB_CONFORMANCE")
    root = Path(env) if env else REPO.parent / "shared" / "conformance"
    if not root.is_dir():
        raise SystemExit(f"conformance data not found at {root}; set TRACELIB_CONFORMANCE")
    return root


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, for provenance headers."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
