"""``docs/gs1/deviations.md`` as data: the row ids its sections list.

The deviation tests compare these sets with the disagreements they observe on the
conformance vectors, so the page cannot drift from the code. Ids are read from backticks
(`` `gs1process.ps.test:259` ``); a section is the text under one ``## `` heading.
"""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "gs1" / "deviations.md"


def _text(section: str | None) -> str:
    text = PAGE.read_text(encoding="utf-8")
    if section is None:
        return text
    found = [part for part in re.split(r"^## ", text, flags=re.M)[1:] if part.startswith(section)]
    assert len(found) == 1, f"expected one section {section!r} on {PAGE.name}"
    return found[0]


def entries(pattern: str, section: str | None = None, *, first_column: bool = False) -> set[str]:
    """Every backticked text matching the regular expression ``pattern`` (whole).

    With ``first_column``, only those that open a table row (the row's id), not those
    quoted in its other columns.
    """
    lead = r"^\| " if first_column else ""
    return set(re.findall(rf"{lead}`({pattern})`", _text(section), flags=re.M))


def rows(prefix: str, section: str | None = None) -> set[str]:
    """The ids ``prefix:N`` (a file and a line) on the page or in one section of it."""
    return entries(rf"{re.escape(prefix)}:\d+", section)
