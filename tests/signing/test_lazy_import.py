"""``tracelib.signing`` loads its submodules on first use (PEP 562) with the same surface."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import types

import pytest

import tracelib.signing as signing

# every public submodule of the package, found on disk (a new one must be made lazy too)
_SUBMODULES = {
    info.name
    for info in pkgutil.iter_modules(signing.__path__)
    if not info.name.startswith("_") and info.name != "verify"
}


def _fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object."""
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_import_loads_neither_cryptography_nor_the_chain_code() -> None:
    loaded = _fresh(
        "import json, sys; import tracelib.signing;"
        "print(json.dumps(sorted(m for m in sys.modules"
        " if m.startswith(('cryptography', 'tracelib.signing.')))))"
    )
    assert "cryptography.x509" not in loaded
    assert loaded == []


def test_first_use_loads_only_what_it_needs() -> None:
    loaded = _fresh(
        "import json, sys; from tracelib.signing import canonicalize;"
        "print(json.dumps({'x509': 'cryptography.x509' in sys.modules,"
        " 'chain': 'tracelib.signing.chain' in sys.modules,"
        " 'canonical': 'tracelib.signing.canonical' in sys.modules}))"
    )
    assert loaded == {"x509": False, "chain": False, "canonical": True}


@pytest.mark.parametrize("name", signing.__all__)
def test_every_exported_name_resolves_to_its_origin(name: str) -> None:
    value = getattr(signing, name)
    if name in _SUBMODULES:
        assert value is importlib.import_module(f"tracelib.signing.{name}")
    else:
        origin = importlib.import_module(f"tracelib.signing.{signing._LAZY_NAMES[name]}")
        assert value is getattr(origin, name)


def test_the_lazy_tables_cover_all_and_nothing_else() -> None:
    assert set(signing._LAZY_NAMES) | signing._LAZY_MODULES == set(signing.__all__)
    assert signing._LAZY_MODULES == _SUBMODULES
    assert not set(signing._LAZY_NAMES) & signing._LAZY_MODULES


def test_dir_lists_every_exported_name() -> None:
    assert set(signing.__all__) <= set(dir(signing))


def test_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        signing.no_such_name  # noqa: B018
    assert not hasattr(signing, "_private_thing")


def test_the_design_import_line_works() -> None:
    from tracelib.signing import Chain, SoftwareSigner, TrustBundle, verify

    farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    lot = Chain.create("trace.example.vn/lot/08930000000012/LOT1", signer=farm)
    lot.append(b'{"type":"ObjectEvent"}', payload_type="application/ld+json", signer=farm)
    report = verify(lot.bundle(), trust=TrustBundle.from_signers([farm]))
    assert report.ok


def test_verify_stays_the_function_after_its_submodule_loads() -> None:
    # ``verify`` names both a submodule and the exported function; loading the submodule
    # first (in a fresh interpreter, so it is a first load) must not shadow the function.
    result = _fresh(
        "import json, types; import tracelib.signing.verify; import tracelib.signing as s;"
        "print(json.dumps({'module': isinstance(s.verify, types.ModuleType),"
        " 'name': s.verify.__name__}))"
    )
    assert result == {"module": False, "name": "verify"}
    assert isinstance(signing.verify, types.FunctionType)
