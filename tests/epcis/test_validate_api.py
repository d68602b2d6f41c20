"""tracelib.epcis.validate: the public surface, the code table and its documentation."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from tracelib.epcis._validate_codes import FINDING_CODES, severity_of
from tracelib.epcis.findings import Finding

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "epcis" / "validation.md"
SOURCES = sorted((REPO / "src" / "tracelib" / "epcis").glob("*validate*.py"))


def test_public_names():
    module = importlib.import_module("tracelib.epcis.validate")
    assert module.__all__ == sorted(module.__all__)
    assert set(module.__all__) == {
        "FINDING_CODES",
        "SCHEMAS_ENV",
        "SchemaSet",
        "lint",
        "validate",
        "validate_query",
    }
    for name in module.__all__:
        assert getattr(module, name) is not None


def test_the_module_is_callable_as_validate():
    # `tracelib.epcis.validate` names both the module and the function: either works.
    module = importlib.import_module("tracelib.epcis.validate")
    expected = [Finding("EPCIS_UNKNOWN_FORMAT", "error", "neither XML nor JSON")]
    assert module(b"?", schema=False) == expected
    assert module.validate(b"?", schema=False) == expected


def _table_rows(text: str, heading: str) -> dict[str, str]:
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `(EPCIS_[A-Z_0-9]+)` \| (error|warning|info) \|", section, re.M))


def test_every_code_is_documented_with_its_severity():
    rows = _table_rows(PAGE.read_text(encoding="utf-8"), "## Finding codes")
    readers = {"EPCIS_ELEMENT_ORDER", "EPCIS_UNKNOWN_MEMBER", "EPCIS_UNKNOWN_CONTEXT"}
    readers |= {"EPCIS_PROTECTED_TERM"}
    assert {code: sev for code, sev in rows.items() if code not in readers} == {
        code: severity for code, (severity, _) in FINDING_CODES.items()
    }
    assert readers <= set(rows)


def test_every_code_the_validator_writes_is_in_the_table():
    written: set[str] = set()
    for source in SOURCES:
        written |= set(re.findall(r'"(EPCIS_[A-Z_0-9]+)"', source.read_text(encoding="utf-8")))
    # codes read from other modules' errors, not written as findings here
    written -= {"EPCIS_INVALID_VALUE"}
    assert written <= set(FINDING_CODES), written - set(FINDING_CODES)
    assert set(FINDING_CODES) <= written


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("EPCIS_XSD_INVALID", "error"),
        ("EPCIS_MISSING_FIELD", "error"),
        ("EPCIS_BARE_EVENT", "info"),
    ],
)
def test_severity_of(code, severity):
    assert severity_of(code) == severity


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("quantities", [("urn:epc:class:lgtin:893012345.045101.CV2611A", 5)], ".quantityList[0]"),
        (
            "epcs",
            ["urn:epc:id:sgtin:893012345.0101.1", "urn:epc:id:sscc:893012345.3000001"],
            ".epcList[1]",
        ),
        ("biz_location", "urn:epc:id:sgln:893012345.01.0", ".bizLocation.id"),
    ],
)
def test_invalid_epc_urns_are_errors_with_their_path(field, value, path):
    from tracelib.epcis import lint
    from tracelib.epcis.models import ObjectEvent

    event = ObjectEvent.create("2026-11-26T06:30:00+07:00", **{field: value})
    found = [f for f in lint(event) if f.code == "EPCIS_INVALID_EPC"]
    assert len(found) == 1
    assert found[0].severity == "error"
    assert found[0].path.startswith("$" + path)


def test_valid_epc_urns_raise_no_identifier_finding():
    from tracelib.epcis import lint
    from tracelib.epcis.models import ObjectEvent

    event = ObjectEvent.create(
        "2026-11-26T06:30:00+07:00",
        epcs=["urn:epc:id:sscc:893012345.30000001"],
        quantities=[("urn:epc:class:lgtin:893012345.1101.CV2611A", 200)],
        biz_location="urn:epc:id:sgln:893012345.002.0",
    )
    assert [f for f in lint(event) if f.code == "EPCIS_INVALID_EPC"] == []
