"""Every ``pycon`` example in the documentation pages runs as a doctest."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
_BLOCK = re.compile(r"^```pycon\n(.*?)^```", re.MULTILINE | re.DOTALL)
PAGES = sorted(
    p
    for p in [REPO / "README.md", *DOCS.rglob("*.md")]
    if _BLOCK.search(p.read_text(encoding="utf-8"))
)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(REPO)) for p in PAGES])
def test_page_examples_run(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    source = "\n".join(block for block in _BLOCK.findall(text))
    parser = doctest.DocTestParser()
    test = parser.get_doctest(source, {}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} example(s) failed in {page.name}"


def test_pages_with_examples_exist():
    assert {p.name for p in PAGES} >= {"index.md", "README.md"}
