"""Generate ``docs/conformance.md`` from a run of the conformance-marked tests.

Usage::

    .venv/bin/python scripts/gen_conformance.py --date 2026-05-14 [--workers 2]
        [--keep DIR]      # keep the JUnit report and the probe files in DIR
    .venv/bin/python scripts/gen_conformance.py --date 2026-05-14 --from DIR  # no test run

The script runs ``pytest -m conformance`` over ``tests/`` (the corpus is read from
``$TRACELIB_CONFORMANCE``, default ``../shared/conformance``) with ``--junitxml``. While the
tests run, this same module is loaded as a pytest plugin (``-p scripts.gen_conformance``).
It records which corpus files and folders each test file opens through ``tests/vectors.py``.
The page then shows, per standards area, the vector files and sets exercised, the
passed / xfailed / skipped / failed counts, every xfail and skip with its reason, and links
to the deviation pages.

The page is deterministic: rows are sorted, and the only date on it is ``--date``.
``tests/test_conformance_page.py`` collects the conformance tests again (without running
them) and compares the test ids per area with the page, so a stale page fails the suite.
The exit status is 1 when a conformance test failed (the page is written anyway).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "conformance.md"
PROBE_ENV = "TRACELIB_CONFORMANCE_PROBE"
OUTCOMES = ("passed", "xfailed", "skipped", "failed")


@dataclass(frozen=True)
class Area:
    """A standards area of the page: its title, what it covers and its test files."""

    title: str
    about: str
    files: tuple[str, ...]
    links: tuple[tuple[str, str, str], ...] = ()  # (text, page, heading prefix or "")
    deviation_prefixes: tuple[str, ...] = ()  # headings of gs1/deviations.md


AREAS: tuple[Area, ...] = (
    Area(
        "GS1 syntax: AI element strings, linters and scan data",
        "The GS1 Syntax Dictionary and the AI table built from it, every linter, element "
        "strings and scan data. Checked against the GS1 Barcode Syntax Engine's unit tests "
        "and BWIPP's test templates.",
        (
            "tests/gs1/test_ai_table.py",
            "tests/gs1/test_bulk.py",
            "tests/gs1/test_element_strings_vectors.py",
            "tests/gs1/test_linters.py",
            "tests/gs1/test_scan_data.py",
        ),
        (
            ("AI element strings: conformance", "gs1/element-strings.md", "Conformance"),
            ("Differences from the C library", "gs1/ai.md", "Differences from the C library"),
        ),
        ("AI element strings", "BWIPP error names", "zint"),
    ),
    Area(
        "GS1 Digital Link and its compression",
        "GS1 Digital Link 1.6 URIs to and from element strings, and the compressed form.",
        (
            "tests/gs1/test_bulk_dl.py",
            "tests/gs1/test_digital_link_vectors.py",
            "tests/gs1/test_dl_compression.py",
        ),
        (
            ("Digital Link: conformance and deviations", "gs1/digital-link.md", "Conformance"),
            ("Compression: where tracelib differs", "gs1/compression.md", "Where tracelib"),
        ),
        ("Digital Link",),
    ),
    Area(
        "EPC (Tag Data Standard)",
        "EPC URIs, tag URIs and binary encodings, and their GS1 keys and Digital Links.",
        ("tests/gs1/test_epc_vectors.py",),
        (("EPC: conformance", "gs1/epc.md", "Conformance"),),
        ("EPC",),
    ),
    Area(
        "EPCIS codecs: models, XML, JSON-LD, 1.2 up-conversion, streaming",
        "Reading and writing the GS1 EPCIS 2.0 examples and the openepcis test resources in "
        "both syntaxes, without loss. Covers the offline JSON-LD contexts, EPCIS 1.2 "
        "up-conversion, streaming and the lot graph.",
        (
            "tests/epcis/test_fast_paths.py",
            "tests/epcis/test_graph.py",
            "tests/epcis/test_jsonld_contexts.py",
            "tests/epcis/test_jsonld_corpus.py",
            "tests/epcis/test_jsonld_prep.py",
            "tests/epcis/test_jsonld_properties.py",
            "tests/epcis/test_models_corpus.py",
            "tests/epcis/test_models_documents.py",
            "tests/epcis/test_roundtrip_corpus.py",
            "tests/epcis/test_stream.py",
            "tests/epcis/test_upconvert.py",
            "tests/epcis/test_xml_corpus.py",
        ),
        (("EPCIS 1.2 up-conversion: the conformance corpus", "epcis/upconvert.md", "The conf"),),
    ),
    Area(
        "EPCIS validation, schemas and CBV",
        "Validation against the official EPCIS 2.0 XSD and JSON Schemas, the query schema, "
        "and the CBV 2.0 vocabularies against the schema enums and the CBV ontology.",
        (
            "tests/cli/test_epcis.py",
            "tests/epcis/test_cbv.py",
            "tests/epcis/test_jsonld_schema.py",
            "tests/epcis/test_validate_corpus.py",
            "tests/epcis/test_validate_query.py",
            "tests/epcis/test_validate_schemas.py",
            "tests/portal/test_models_epcis.py",
        ),
        (("Validation: on the conformance corpus", "epcis/validation.md", "On the conf"),),
    ),
    Area(
        "Event hash IDs",
        "The CBV 2.0 event hash ID, against the reference implementation's examples and the "
        "openepcis event hash generator.",
        (
            "tests/epcis/test_hash_pairs.py",
            "tests/epcis/test_hash_reference.py",
            "tests/epcis/test_hash_vectors.py",
        ),
        (
            ("Event hash ID: conformance", "epcis/hashing.md", "Conformance"),
            ("Event hash ID: deviations", "epcis/hashing.md", "Deviations"),
        ),
    ),
    Area(
        "EPCIS REST binding",
        "The capture and query client and the loopback server against the EPCIS 2.0 OpenAPI "
        "document and query schema.",
        ("tests/epcis/test_client_conformance.py",),
        (("REST client and test server", "epcis/client.md", ""),),
    ),
    Area(
        "Signing",
        "JCS (RFC 8785), Ed25519 / ECDSA / RSA signatures (RFC 8032, Wycheproof), JWK "
        "thumbprints and did:key, DSSE, RFC 9162 Merkle proofs, C2SP signed notes, RFC 3161 "
        "timestamps, and the VC Data Integrity and JWS exports.",
        (
            "tests/signing/test_canonical.py",
            "tests/signing/test_export_conformance.py",
            "tests/signing/test_keys.py",
            "tests/signing/test_merkle.py",
            "tests/signing/test_notes.py",
            "tests/signing/test_records.py",
            "tests/signing/test_timestamps.py",
        ),
        (("Signing primitives: conformance", "signing/primitives.md", "Conformance"),),
    ),
)
OTHER = "Other conformance tests"


def area_of(test_file: str) -> str:
    """The title of the area a test file belongs to (``OTHER`` when unlisted).

    Args:
        test_file: The file, relative to the repository (``tests/gs1/test_linters.py``).

    Returns:
        The area title.
    """
    for area in AREAS:
        if test_file in area.files:
            return area.title
    return OTHER


def file_of(nodeid: str) -> str:
    """The test file of a pytest node id."""
    return nodeid.split("::", 1)[0]


def digest(nodeids: Iterable[str]) -> str:
    """The first 12 hex digits of the SHA-256 of the sorted node ids, one per line."""
    text = "\n".join(sorted(nodeids))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------- pytest plugin (probe)

_seen: dict[str, set[str]] = defaultdict(set)
_current: list[str] = []


def _note(relative: object) -> None:
    if _current and isinstance(relative, str):
        _seen[_current[-1]].add(relative.replace("\\", "/").rstrip("/"))


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return path.as_posix()


def pytest_configure(config: Any) -> None:
    """Wrap the vector loaders of ``tests/vectors.py`` to record what each test file opens."""
    if not os.environ.get(PROBE_ENV):
        return
    from tests import vectors

    original_path, original_load = vectors.path, vectors.load_json

    def path(relative: str) -> Path:
        _note(relative)
        return original_path(relative)

    def load_json(relative: str) -> Any:
        _note(relative)
        return original_load(relative)

    vectors.path = path
    vectors.load_json = load_json


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: Any) -> Any:
    """Attribute loads made while a test module is collected (parametrize) to its file."""
    path = getattr(collector, "path", None)
    module = type(collector).__name__ == "Module" and path is not None
    if module:
        _current.append(_relative(Path(path)))
    try:
        yield
    finally:
        if module:
            _current.pop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Any:
    """Attribute loads made while a test runs (with its fixtures) to its file."""
    _current.append(_relative(Path(item.path)))
    try:
        yield
    finally:
        _current.pop()


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    """Write what this process saw (one file per xdist worker)."""
    out = os.environ.get(PROBE_ENV)
    if not out:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    data = {name: sorted(paths) for name, paths in sorted(_seen.items())}
    Path(out, f"probe-{worker}.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


# ---------------------------------------------------------------- results


@dataclass
class Result:
    """One test's outcome."""

    nodeid: str
    outcome: str
    reason: str = ""


@dataclass
class FileRow:
    """The tests of one file."""

    file: str
    vectors: list[str] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


def _nodeid(classname: str, name: str) -> str:
    """Rebuild a node id from a JUnit ``classname`` and ``name`` (pytest's mangling)."""
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        candidate = "/".join(parts[:cut]) + ".py"
        if (REPO / candidate).is_file():
            return "::".join([candidate, *parts[cut:], name])
    return "::".join([classname, name])


def read_junit(path: Path) -> list[Result]:
    """The outcome of every test case of a JUnit XML report."""
    results = []
    for case in ET.parse(path).getroot().iter("testcase"):
        nodeid = _nodeid(case.get("classname", ""), case.get("name", ""))
        outcome, reason = "passed", ""
        for child in case:
            if child.tag == "skipped":
                kind = child.get("type", "")
                outcome = "xfailed" if kind == "pytest.xfail" else "skipped"
                reason = child.get("message", "")
                if outcome == "skipped":
                    reason = re.sub(r"^[^:]*\.py:\d+: ", "", reason)
            elif child.tag in ("failure", "error"):
                outcome, reason = "failed", child.get("message", "")
        results.append(Result(nodeid, outcome, " ".join(reason.split())))
    return results


def read_probes(folder: Path) -> dict[str, set[str]]:
    """Merge the probe files of every pytest process."""
    merged: dict[str, set[str]] = defaultdict(set)
    for probe in sorted(folder.glob("probe-*.json")):
        for name, paths in json.loads(probe.read_text(encoding="utf-8")).items():
            merged[name].update(paths)
    return merged


MAX_VECTOR_ENTRIES = 8


def _grouped(files: list[str], depth: int) -> list[str]:
    """Files grouped by their first ``depth`` folders; more than 3 in a group are counted."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name in files:
        groups["/".join(name.split("/")[:-1][:depth])].append(name)
    shown: list[str] = []
    for prefix, group in groups.items():
        if len(group) > 3 and prefix:
            shown.append(f"{prefix}/ ({len(group)} files)")
        else:
            shown.extend(group)
    return shown


def summarise_vectors(paths: Iterable[str], root: Path) -> list[str]:
    """Vector files and folders as shown on the page.

    Files are grouped by folder, with more than three files of one folder counted as
    ``folder/ (N files)``. The grouping uses the deepest folder level that keeps the list
    to ``MAX_VECTOR_ENTRIES`` entries. A folder opened as a whole (to read every file in it)
    is shown as ``folder/ (all)`` unless files under it are named already.

    Args:
        paths: Corpus-relative paths the tests opened.
        root: The corpus root (to tell folders from files).

    Returns:
        The entries, sorted.
    """
    paths = set(paths)
    folders = {p for p in paths if (root / p).is_dir()}
    files = sorted(paths - folders)
    whole = [
        f"{folder}/ (all)"
        for folder in folders
        if not any(name.startswith(folder + "/") for name in files)
    ]
    deepest = max((name.count("/") for name in files), default=0)
    shown = _grouped(files, deepest)
    for depth in range(deepest - 1, 0, -1):
        if len(shown) + len(whole) <= MAX_VECTOR_ENTRIES:
            break
        shown = _grouped(files, depth)
    return sorted(shown + whole)


# ---------------------------------------------------------------- page


def _headings(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8") if page.is_file() else ""
    return [m.group(1).strip() for m in re.finditer(r"^#{2,3} (.+)$", text, flags=re.M)]


def _slug(text: str) -> str:
    from markdown.extensions.toc import slugify

    return str(slugify(text, "-"))


def _link(text: str, page: str, prefix: str) -> str:
    if not prefix:
        return f"[{text}]({page})"
    found = [h for h in _headings(REPO / "docs" / page) if h.startswith(prefix)]
    return f"[{text}]({page}#{_slug(found[0])})" if found else f"[{text}]({page})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def _counts(rows: Iterable[FileRow]) -> list[int]:
    rows = list(rows)
    return [sum(len(r.results) for r in rows), *(sum(r.count(o) for r in rows) for o in OUTCOMES)]


def render(rows: Mapping[str, FileRow], *, date: str, version: str) -> str:
    """The Markdown of the page.

    Args:
        rows: The test files' rows, by file.
        date: The date to print.
        version: tracelib's version.

    Returns:
        The page.
    """
    by_area: dict[str, list[FileRow]] = defaultdict(list)
    for name in sorted(rows):
        by_area[area_of(name)].append(rows[name])
    titles = [a.title for a in AREAS if a.title in by_area]
    if OTHER in by_area:
        titles.append(OTHER)
    total = _counts(rows.values())
    out = [
        "# Standards conformance",
        "",
        "<!-- Generated by scripts/gen_conformance.py: do not edit by hand. -->",
        "",
        "tracelib is tested against the published test vectors of the standards it implements.",
        "These include the GS1 Barcode Syntax Engine's and BWIPP's tests, the GS1 EPCIS 2.0",
        "examples and schemas, the openepcis test resources, the CBV event hash reference",
        "implementation, and RFC, Wycheproof, C2SP and W3C vectors. The tests that need this",
        "corpus carry the `conformance` marker. This page is made from their results:",
        "",
        "```sh",
        "TRACELIB_CONFORMANCE=../shared/conformance \\",
        "  .venv/bin/python scripts/gen_conformance.py --date YYYY-MM-DD",
        "```",
        "",
        f"Run on {date}, tracelib {version}: **{total[0]} conformance tests**, "
        f"{total[1]} passed, {total[2]} expected failures, {total[3]} skipped, "
        f"{total[4]} failed.",
        "Expected failures (xfail) and skips are listed under their area with the reason the "
        "test gives. Where tracelib departs from a reference on purpose, the departure is a "
        "passing test, documented on the deviation pages linked from each area "
        "([Deviations from the references](gs1/deviations.md) for GS1).",
        "",
        "`tests/test_conformance_page.py` collects the conformance tests again (without "
        "running them) and compares the number and the digest of the test ids of every area "
        "with the tables below, so this page cannot silently go stale.",
        "",
        "## Summary",
        "",
        "| Area | Test files | Tests | Passed | Xfailed | Skipped | Failed | Id digest |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for title in titles:
        area_rows = by_area[title]
        ids = [r.nodeid for row in area_rows for r in row.results]
        counts = " | ".join(str(n) for n in _counts(area_rows))
        out.append(
            f"| [{title}](#{_slug(title)}) | {len(area_rows)} | {counts} | `{digest(ids)}` |"
        )
    out.append(f"| **All** | {len(rows)} | " + " | ".join(str(n) for n in total) + " | |")
    for title in titles:
        area = next((a for a in AREAS if a.title == title), None)
        area_rows = by_area[title]
        out += ["", f"## {title}", ""]
        if area is not None:
            out += [area.about, ""]
            links = [_link(*link) for link in area.links]
            deviations = REPO / "docs" / "gs1" / "deviations.md"
            links += [
                f"[Deviations: {heading}](gs1/deviations.md#{_slug(heading)})"
                for heading in _headings(deviations)
                if area.deviation_prefixes and heading.startswith(area.deviation_prefixes)
            ]
            if links:
                out += ["See: " + "; ".join(links) + ".", ""]
        out += [
            "| Test file | Vector files and sets | Tests | Passed | Xfailed | Skipped | Failed |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in area_rows:
            vectors = ", ".join(f"`{_cell(v)}`" for v in row.vectors) or "(none recorded)"
            counts = " | ".join(str(n) for n in _counts([row]))
            out.append(f"| `{row.file}` | {vectors} | {counts} |")
        for outcome, heading in (
            ("xfailed", "Expected failures"),
            ("skipped", "Skipped"),
            ("failed", "Failures"),
        ):
            listed = sorted(
                (r for row in area_rows for r in row.results if r.outcome == outcome),
                key=lambda r: r.nodeid,
            )
            if listed:
                out += ["", f"{heading}:", "", "| Test | Reason |", "|---|---|"]
                out += [f"| `{_cell(r.nodeid)}` | {_cell(r.reason)} |" for r in listed]
    return "\n".join(out) + "\n"


_FILE_ROW = re.compile(
    r"^\| `(tests/[^`]+\.py)` \| .*? \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$"
)
_AREA_ROW = re.compile(r"^\| \[(.+?)\]\(#[^)]*\) \| (\d+) \| (\d+) \|.*\| `([0-9a-f]{12})` \|$")


def read_page(text: str) -> tuple[dict[str, tuple[int, str]], dict[str, list[int]]]:
    """The tables of a generated page, for the staleness test.

    Args:
        text: The page.

    Returns:
        ``{area: (tests, id digest)}`` from the summary and
        ``{test file: [tests, passed, xfailed, skipped, failed]}`` from the area tables.
    """
    areas = {m[1]: (int(m[3]), m[4]) for m in map(_AREA_ROW.match, text.splitlines()) if m}
    files = {
        m[1]: [int(m[i]) for i in range(2, 7)] for m in map(_FILE_ROW.match, text.splitlines()) if m
    }
    return areas, files


# ---------------------------------------------------------------- main


def run(root: Path, workers: int, scratch: Path) -> tuple[list[Result], dict[str, set[str]]]:
    """Run the conformance tests; their results and the vectors each file opened."""
    junit = scratch / "conformance.xml"
    for stale in [junit, *scratch.glob("probe-*.json")]:
        stale.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        TRACELIB_CONFORMANCE=str(root),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        **{PROBE_ENV: str(scratch)},
    )
    command = [sys.executable, "-m", "pytest", "-m", "conformance", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "scripts.gen_conformance", f"--junitxml={junit}", "tests"]
    if workers:
        command += ["-n", str(workers)]
    done = subprocess.run(command, cwd=REPO, env=env, check=False)
    if not junit.is_file():
        raise SystemExit(f"pytest wrote no JUnit report (exit status {done.returncode})")
    return read_junit(junit), read_probes(scratch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--date", default=dt.date.today().isoformat(), help="YYYY-MM-DD")
    parser.add_argument("--workers", type=int, default=0, help="pytest-xdist workers")
    parser.add_argument("--output", type=Path, default=PAGE)
    parser.add_argument("--keep", type=Path, help="keep the JUnit report and probes here")
    parser.add_argument(
        "--from", dest="source", type=Path, help="render from a --keep folder, without running"
    )
    args = parser.parse_args(argv)
    dt.date.fromisoformat(args.date)
    try:
        from _conformance import conformance_root
    except ModuleNotFoundError:  # imported as ``scripts.gen_conformance``
        from scripts._conformance import conformance_root
    from importlib.metadata import version

    root = conformance_root()
    if args.source is not None:
        results = read_junit(args.source / "conformance.xml")
        probes = read_probes(args.source)
    elif args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        results, probes = run(root, args.workers, args.keep)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            results, probes = run(root, args.workers, Path(scratch))
    rows: dict[str, FileRow] = {}
    for result in results:
        name = file_of(result.nodeid)
        rows.setdefault(name, FileRow(name)).results.append(result)
    for name, row in rows.items():
        row.results.sort(key=lambda r: r.nodeid)
        row.vectors = summarise_vectors(probes.get(name, ()), root)
    page = render(rows, date=args.date, version=version("tracelib"))
    args.output.write_text(page, encoding="utf-8")
    failed = sum(r.outcome == "failed" for r in results)
    print(f"wrote {args.output} ({len(results)} tests, {failed} failed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
