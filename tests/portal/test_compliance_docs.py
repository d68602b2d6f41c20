"""docs/portal/profiles.md lists exactly the rules ``rules()`` returns, each as defined."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracelib.portal.compliance import PROFILES, Rule, rules

PAGE = Path(__file__).resolve().parents[2] / "docs" / "portal" / "profiles.md"
_ROW = re.compile(r"^\| `([a-z0-9_.-]+)` \| (.*) \|$", re.MULTILINE)


def _rows() -> dict[str, list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    rows: dict[str, list[str]] = {}
    for code, rest in _ROW.findall(text):
        if code in PROFILES:  # the profiles table
            continue
        assert code not in rows, f"{code} listed twice"
        rows[code] = [cell.strip() for cell in re.split(r"(?<!\\) \| ", rest)]
    return rows


def test_page_lists_exactly_the_rules() -> None:
    assert sorted(_rows()) == sorted(r.code for r in rules())


@pytest.mark.parametrize("rule", rules(), ids=[r.code for r in rules()])
def test_row_matches_the_rule(rule: Rule) -> None:
    checks, severity, labels, source, evidence = _rows()[rule.code]
    assert checks.replace("\\|", "|").startswith(rule.checks)
    assert (f"(opt-in: `{rule.opt_in}`)" in checks) == (rule.opt_in is not None)
    assert severity == rule.severity
    assert labels == f"{rule.label_vi} / {rule.label_en}"
    assert source == rule.source
    assert evidence == f"[{rule.evidence}]"


def test_rules_are_under_their_profile_heading() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name, profile in PROFILES.items():
        start = text.index(f"### `{name}`")
        end = text.find("\n### ", start + 1)
        section = text[start : end if end != -1 else len(text)]
        for rule in profile.own_rules:
            assert f"| `{rule.code}` |" in section, rule.code
