"""Generate the GS1 AI table and the linter code lists in ``src/tracelib/gs1/_data/``.

Usage::

    python scripts/gen_ai_table.py                        # the pinned release (2026-01-27)
    python scripts/gen_ai_table.py --dictionary PATH      # update from another release
        [--commit HASH] [--linter-vectors PATH | --skip-codelists] [--date YYYY-MM-DD]

Outputs:

* ``_data/ai_table.py``: every AI of ``gs1-syntax-dictionary.txt`` (ranges expanded) as
  literal tuples: flags, components (type, lengths, optional, linters), raw and parsed
  ``req``/``ex`` attributes, ``dlpkey`` qualifier sequences, titles and the release id;
* ``_data/codelists.py``: the code lists behind the ``iso3166``, ``iso3166alpha2``,
  ``iso4217``, ``packagetype`` and ``mediatype`` linters, taken from the accepting rows of
  ``gs1/ai/linter-vectors.jsonl`` (the upstream unit tests enumerate every code each list
  accepts and, for the numeric lists, every three-digit value).

The dictionary line format (documented in its header) is
``AIs [Flags] Specification [Attributes...] [# Title]``. The script also updates the
``DICTIONARY_RELEASE`` constant of ``src/tracelib/gs1/ai.py`` when the release changes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from _conformance import REPO, conformance_root, sha256

PINNED_SHA256 = "6461ece7c03420fb27a3f18163ef9a08694aa4bb2491dea25f63bcdf22451a99"
PINNED_COMMIT = "8ad003f83a4ba6c2179ce15d578fae27d6580909"
UPSTREAM = "gs1/gs1-syntax-dictionary:gs1-syntax-dictionary.txt"
DATA = REPO / "src" / "tracelib" / "gs1" / "_data"
AI_MODULE = REPO / "src" / "tracelib" / "gs1" / "ai.py"

# Characters the dictionary header reserves for flags ("Allocated from: ...").
FLAG_CHARS = set("*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~")
COMPONENT = re.compile(
    r"^(?P<open>\[)?(?P<type>[NXYZ])(?:(?P<fixed>\d+)|\.\.(?P<max>\d+))(?P<close>\])?"
    r"(?P<linters>(?:,[a-z0-9]+)*)$"
)
AI_FIELD = re.compile(r"^(?P<first>\d{2,4})(?:-(?P<last>\d{2,4}))?$")
PATTERN = re.compile(r"^\d[\dn]{1,3}$")

# Linters whose code list comes from the vectors: name -> (constant, must include, must exclude).
CODE_LISTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "iso3166": ("ISO3166_NUMERIC", ("004", "704", "894"), ("000", "999")),
    "iso3166alpha2": ("ISO3166_ALPHA2", ("AD", "VN", "ZW"), ("UE", "XX")),
    # 2026-01-27: XAD (396, ISO 4217 amendment 179) and VED (926) added; HRK (191),
    # SLL (694) and ZWL (932) removed. ZWG (924) since 2025-01-30.
    "iso4217": ("ISO4217_NUMERIC", ("084", "396", "704", "924", "926"), ("191", "694", "932")),
    "packagetype": ("PACKAGE_TYPES", ("1A", "BX", "PX", "VK"), ("AZ",)),
    "mediatype": ("MEDIA_TYPES", ("01", "10", "80", "99"), ("00", "11", "79")),
}


def parse_dictionary(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return the release id and one record per dictionary entry (line)."""
    release = ""
    entries: list[dict[str, Any]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            m = re.match(r"#\s*Release:\s*(\S+)", line)
            if m and not release:
                release = m.group(1)
            continue
        body, _, title = line.partition("#")
        tokens = body.split()
        entries.append(parse_entry(tokens, title.strip(), lineno))
    if not release:
        raise SystemExit("no '# Release:' line in the dictionary header")
    return release, entries


def parse_entry(tokens: list[str], title: str, lineno: int) -> dict[str, Any]:
    where = f"line {lineno}"
    m = AI_FIELD.match(tokens[0])
    if not m:
        raise SystemExit(f"{where}: bad AI field {tokens[0]!r}")
    first, last = m.group("first"), m.group("last") or m.group("first")
    if len(first) != len(last) or int(last) < int(first):
        raise SystemExit(f"{where}: bad AI range {tokens[0]!r}")
    ais = [str(n).zfill(len(first)) for n in range(int(first), int(last) + 1)]
    rest = tokens[1:]
    flags = ""
    if rest and not COMPONENT.match(rest[0]) and set(rest[0]) <= FLAG_CHARS:
        flags, rest = rest[0], rest[1:]
    unknown_flags = set(flags) - {"*", "?"}
    if unknown_flags:
        raise SystemExit(f"{where}: undefined flags {sorted(unknown_flags)}")
    components: list[tuple[str, int, int, bool, tuple[str, ...]]] = []
    spec: list[str] = []
    while rest and "=" not in rest[0] and rest[0] != "dlpkey":
        tok = rest.pop(0)
        c = COMPONENT.match(tok)
        if not c or bool(c.group("open")) != bool(c.group("close")):
            raise SystemExit(f"{where}: bad component {tok!r}")
        fixed = c.group("fixed")
        lo, hi = (int(fixed), int(fixed)) if fixed else (1, int(c.group("max")))
        linters = tuple(x for x in c.group("linters").split(",") if x)
        components.append((c.group("type"), lo, hi, bool(c.group("open")), linters))
        spec.append(tok)
    if not components:
        raise SystemExit(f"{where}: no components")
    for i, comp in enumerate(components):
        if comp[1] != comp[2] and i != len(components) - 1:
            raise SystemExit(f"{where}: only the last component may vary in length")
        if i and components[i - 1][3] and not comp[3]:
            raise SystemExit(f"{where}: mandatory component after an optional one")
    req_raw: list[str] = []
    ex_raw: list[str] = []
    dlpkey: tuple[tuple[str, ...], ...] | None = None
    for tok in rest:
        key, eq, value = tok.partition("=")
        if key == "req":
            req_raw.append(value)
        elif key == "ex":
            ex_raw.append(value)
        elif key == "dlpkey":
            if dlpkey is not None:
                raise SystemExit(f"{where}: dlpkey given twice")
            dlpkey = tuple(tuple(seq.split(",")) for seq in value.split("|")) if eq else ()
        else:
            raise SystemExit(f"{where}: unknown attribute {tok!r} (extend the generator)")
    requires = tuple(tuple(tuple(alt.split("+")) for alt in value.split(",")) for value in req_raw)
    excludes = tuple(p for value in ex_raw for p in value.split(","))
    for pattern in [p for r in requires for alt in r for p in alt] + list(excludes):
        if not PATTERN.match(pattern):
            raise SystemExit(f"{where}: bad AI pattern {pattern!r}")
    for seq in dlpkey or ():
        if not all(x.isdigit() for x in seq):
            raise SystemExit(f"{where}: bad dlpkey qualifiers {seq!r}")
    return {
        "entry": tokens[0],
        "ais": ais,
        "flags": flags,
        "title": title,
        "spec": " ".join(spec),
        "components": tuple(components),
        "attributes": tuple(rest),
        "req": tuple(req_raw),
        "requires": requires,
        "ex": tuple(ex_raw),
        "excludes": excludes,
        "dlpkey": dlpkey,
    }


def prefix_lengths(entries: list[dict[str, Any]]) -> dict[str, int]:
    """AI length per two-digit prefix; the dictionary keeps it uniform per prefix."""
    table: dict[str, int] = {}
    for e in entries:
        for ai in e["ais"]:
            if table.setdefault(ai[:2], len(ai)) != len(ai):
                raise SystemExit(f"AI {ai}: prefix {ai[:2]} has AIs of different lengths")
    all_ais = [ai for e in entries for ai in e["ais"]]
    for a in all_ais:
        for b in all_ais:
            if a != b and b.startswith(a):
                raise SystemExit(f"AI {a} is a prefix of AI {b}")
    return dict(sorted(table.items()))


def render_table(
    release: str,
    entries: list[dict[str, Any]],
    source: str,
    digest: str,
    today: str,
) -> str:
    ais = [ai for e in entries for ai in e["ais"]]
    if len(set(ais)) != len(ais):
        raise SystemExit("duplicate AIs in the dictionary")
    lines = [
        f'"""GS1 Barcode Syntax Dictionary, release {release}, as Python literals.',
        "",
        "Generated by ``scripts/gen_ai_table.py``; do not edit by hand.",
        "",
        f"Source: {source}",
        f"File sha256: {digest}",
        f"Generated: {today}",
        f"Entries: {len(entries)} dictionary lines = {len(ais)} AIs (ranges expanded).",
        "",
        "Row layout of ``AIS``: ``(entry, ai, flags, title, spec, components, attributes,",
        "req, requires, ex, excludes, dlpkey)``; a component is ``(type, min_length,",
        "max_length, optional, linters)``; ``dlpkey`` is ``None`` (not a primary key) or",
        "the tuple of alternative qualifier sequences (empty: no qualifiers).",
        '"""',
        "",
        f"RELEASE = {release!r}",
        f"SOURCE = {source!r}",
        f"SHA256 = {digest!r}",
        f"GENERATED = {today!r}",
        f"ENTRY_COUNT = {len(entries)}",
        f"AI_COUNT = {len(ais)}",
        "",
        "#: AI length per two-digit prefix (uniform within a prefix in the dictionary).",
        f"PREFIX_LENGTHS = {prefix_lengths(entries)!r}",
        "",
        "# fmt: off",
        "AIS = (",
    ]
    for e in entries:
        for ai in e["ais"]:
            row = (
                e["entry"],
                ai,
                e["flags"],
                e["title"],
                e["spec"],
                e["components"],
                e["attributes"],
                e["req"],
                e["requires"],
                e["ex"],
                e["excludes"],
                e["dlpkey"],
            )
            lines.append(f"    {row!r},")
    lines += [")", "# fmt: on", ""]
    return "\n".join(lines)


def code_lists(vectors: Path) -> dict[str, list[str]]:
    """Accepted codes per list linter, checked against the rejecting rows."""
    accepted: dict[str, set[str]] = {name: set() for name in CODE_LISTS}
    rejected: dict[str, set[str]] = {name: set() for name in CODE_LISTS}
    with vectors.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            if row["linter"] in accepted:
                (accepted if row["valid"] else rejected)[row["linter"]].add(row["input"])
    result: dict[str, list[str]] = {}
    for name, (_, must, must_not) in CODE_LISTS.items():
        codes = accepted[name]
        if codes & rejected[name]:
            raise SystemExit(f"{name}: codes both accepted and rejected")
        missing = set(must) - codes
        extra = set(must_not) & codes
        if missing or extra:
            raise SystemExit(f"{name}: expected {sorted(missing)} present, {sorted(extra)} absent")
        result[name] = sorted(codes)
    if len(result["iso3166"]) != 249 or len(result["iso3166alpha2"]) != 249:
        raise SystemExit("ISO 3166-1 has 249 assigned codes")
    return result


def render_code_lists(lists: dict[str, list[str]], source: str, digest: str, today: str) -> str:
    lines = [
        '"""Code lists of the GS1 Syntax Dictionary linters.',
        "",
        "ISO 3166-1 numeric and alpha-2, ISO 4217 numeric, package types (UN/ECE",
        "Recommendation 21, as the reference linter lists them) and AIDC media types.",
        "",
        "Generated by ``scripts/gen_ai_table.py``; do not edit by hand.",
        "",
        f"Source: {source}",
        f"File sha256: {digest}",
        f"Generated: {today}",
        "",
        "Each list is the set of values that the reference linter accepts: the upstream unit",
        "tests enumerate every accepted code (and, for the numeric lists, all 1,000 three-digit",
        "values). Release 2026-01-27 aligned ISO 4217 with amendments 177-179: XAD (396) and",
        "VED (926) added, HRK (191), SLL (694) and ZWL (932) removed.",
        '"""',
        "",
        "# fmt: off",
    ]
    for name, (const, _, _) in CODE_LISTS.items():
        codes = lists[name]
        lines.append(f"#: ``{name}``: {len(codes)} codes.")
        lines.append(f"{const} = frozenset(")
        lines.append("    (")
        lines.extend(
            "        " + " ".join(f"{c!r}," for c in codes[i : i + 12])
            for i in range(0, len(codes), 12)
        )
        lines += ["    )", ")", ""]
    lines += ["# fmt: on", ""]
    return "\n".join(lines)


def update_release_constant(release: str) -> None:
    if not AI_MODULE.exists():
        return
    text = AI_MODULE.read_text(encoding="utf-8")
    new = re.sub(
        r'^DICTIONARY_RELEASE = "[^"]*"',
        f'DICTIONARY_RELEASE = "{release}"',
        text,
        count=1,
        flags=re.M,
    )
    if new != text:
        AI_MODULE.write_text(new, encoding="utf-8")
        print(f"updated DICTIONARY_RELEASE in {AI_MODULE} to {release}")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    subprocess.run(["ruff", "format", "--quiet", str(path)], check=False)
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dictionary", type=Path, help="gs1-syntax-dictionary.txt to read")
    parser.add_argument("--commit", help="upstream commit or tag of --dictionary")
    parser.add_argument("--linter-vectors", type=Path, help="linter-vectors.jsonl for code lists")
    parser.add_argument("--skip-codelists", action="store_true", help="keep _data/codelists.py")
    parser.add_argument("--date", help="generation date to record (default: today)")
    args = parser.parse_args(argv)

    dictionary = args.dictionary or conformance_root() / "gs1" / "ai" / "gs1-syntax-dictionary.txt"
    digest = sha256(dictionary)
    commit = args.commit or (PINNED_COMMIT if digest == PINNED_SHA256 else "unknown")
    today = args.date or datetime.date.today().isoformat()
    release, entries = parse_dictionary(dictionary.read_text(encoding="utf-8"))
    source = f"{UPSTREAM}@{commit} (release {release})"
    write(DATA / "ai_table.py", render_table(release, entries, source, digest, today))
    update_release_constant(release)

    if not args.skip_codelists:
        vectors = args.linter_vectors or conformance_root() / "gs1" / "ai" / "linter-vectors.jsonl"
        vsource = (
            "gs1/ai/linter-vectors.jsonl (unit tests of gs1/gs1-syntax-dictionary "
            f"src/lint_*.c @{commit})"
        )
        text = render_code_lists(code_lists(vectors), vsource, sha256(vectors), today)
        write(DATA / "codelists.py", text)


if __name__ == "__main__":
    main()
