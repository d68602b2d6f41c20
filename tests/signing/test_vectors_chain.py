"""Published negative vectors under tests/vectors/chain/ (AT-22, second half).

The generator ``scripts/gen_chain_vectors.py`` is deterministic: regenerating gives the
committed bytes. Each vector, read back from its files only, verifies to its expected report
(messages aside) and contains the finding its directory is named after.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scripts import gen_chain_vectors as gen

from tests import vectors
from tracelib.errors import SigningError
from tracelib.signing.report import CODES
from tracelib.signing.trust import TrustBundle
from tracelib.signing.verify import VerifyPolicy, verify
from tracelib.signing.witness import WitnessPolicy

FOLDER = vectors.REPO / "tests" / "vectors" / "chain"
DIRS = sorted(p.name for p in FOLDER.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def generated() -> dict[str, bytes]:
    pytest.importorskip("rfc3161_client", reason="the generator reads the RFC 3161 token")
    return gen.generate()


def test_regeneration_is_byte_identical(generated: dict[str, bytes]) -> None:
    on_disk = {str(p.relative_to(FOLDER)): p.read_bytes() for p in FOLDER.rglob("*") if p.is_file()}
    assert sorted(on_disk) == sorted(generated)
    differ = [rel for rel, data in generated.items() if on_disk[rel] != data]
    assert differ == []


def test_one_vector_per_code_the_verifier_emits() -> None:
    covered = {json.loads((FOLDER / d / "case.json").read_bytes())["code"] for d in DIRS}
    assert covered == set(CODES) - set(gen.PENDING)
    assert set(gen.PENDING) <= set(CODES)
    assert sorted(c.lower().replace("_", "-") for c in covered) == DIRS
    assert gen.PENDING == ()  # every code the verifier knows has its vector


def test_the_rfc3161_token_still_covers_the_base_chain() -> None:
    pytest.importorskip("rfc3161_client", reason="the tsa extra is not installed")
    token = gen.TimestampToken.parse(gen.TSA_TOKEN)
    ref = gen.base_chain().ref()
    message = gen.checkpoint_message(gen.Checkpoint(gen.ORIGIN, ref.size, ref.root))
    assert token.verify(message, [gen.TSA_ROOT]) == "2026-12-01T14:33:36Z"
    with pytest.raises(SigningError):
        token.verify(message + b"x", [gen.TSA_ROOT])


def _report(folder: Path) -> dict[str, Any]:
    case = json.loads((folder / "case.json").read_bytes())
    given = case["policy"]
    witnesses = None
    if "witnesses" in given:
        witnesses = WitnessPolicy.parse(given["witnesses"], max_age=given["max_age"])
    report = verify(
        (folder / "bundle.json").read_bytes(),
        trust=TrustBundle.load((folder / "trust.json").read_bytes()),
        evidence=case["evidence"],
        policy=VerifyPolicy(
            countersign_handovers=given["countersign_handovers"], witnesses=witnesses
        ),
        strict=case["strict"],
        now=case["now"],
    )
    data = report.to_json()
    for finding in data["findings"]:
        finding.pop("message")
    return data


@pytest.mark.parametrize("name", DIRS)
def test_vector_verifies_to_its_expected_report(name: str) -> None:
    folder = FOLDER / name
    expected = json.loads((folder / "report.json").read_bytes())
    code = json.loads((folder / "case.json").read_bytes())["code"]
    if code in gen.NEEDS_TSA:
        pytest.importorskip("rfc3161_client", reason="the tsa extra is not installed")
    actual = _report(folder)
    assert actual == expected
    assert code in [f["code"] for f in actual["findings"]]
    if CODES[code] == "error":
        assert actual["verdict"] == "INVALID"
    else:
        assert actual["verdict"] != "VALID" or CODES[code] == "info"


def test_readme_lists_every_vector() -> None:
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    for name in DIRS:
        assert f"`{name}/`" in text
