"""Public surface: every package's ``__all__`` is sorted, complete and importable."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys

import pytest

import tracelib

PACKAGES = ["tracelib", "tracelib.gs1", "tracelib.errors"]


def _isort_key(name: str) -> tuple[int, list[object]]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions and modules.
    if name.isupper() or (name.upper() == name and "_" in name):
        group = 0
    elif name[:1].isupper():
        group = 1
    else:
        group = 2
    natural = [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
    return group, natural


def _public_modules() -> list[str]:
    names = ["tracelib"]
    for info in pkgutil.walk_packages(tracelib.__path__, "tracelib."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _public_modules())
def test_all_is_sorted_and_resolves(name):
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported, key=_isort_key), f"{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported)
    for attr in exported:
        assert not attr.startswith("_") or attr == "__version__"
        assert getattr(module, attr) is not None, f"{name}.{attr}"


def test_version_is_the_distribution_version():
    from importlib import metadata

    assert tracelib.__version__ == metadata.version("tracelib")


def test_dictionary_release_has_one_source():
    from tracelib import gs1

    assert gs1.DICTIONARY_RELEASE == gs1.ai.DICTIONARY_RELEASE == "2026-01-27"


def test_lazy_names_are_real():
    from tracelib import gs1

    assert gs1.Gtin is importlib.import_module("tracelib.gs1.keys").Gtin
    assert gs1.gln is importlib.import_module("tracelib.gs1.gln")
    with pytest.raises(AttributeError):
        gs1.no_such_thing  # noqa: B018


def test_import_loads_no_data():
    """G-17: ``import tracelib.gs1`` loads no data table, key module or bulk code (the import
    time itself, < 100 ms, is measured by ``bench/import_time.py``, not asserted here)."""
    code = (
        "import tracelib.gs1, sys; "
        "print(int(any(m.endswith(('_data.ai_table', 'keys', 'bulk')) for m in sys.modules)))"
    )
    env = {"PATH": "", "PYTHONHASHSEED": "0"}
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    ).stdout.split()[0]
    assert loaded == "0", "import tracelib.gs1 must not load data tables, keys or bulk"
