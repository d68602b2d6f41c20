"""Generate the GS1 Prefix and GCP length data of ``tracelib.gs1.prefixes``.

Usage::

    python scripts/gen_prefixes.py                      # from $TRACELIB_CONFORMANCE/gs1/prefixes/
    python scripts/gen_prefixes.py --from gcpprefixformatlist.xml [--date 2026-01-31]

The default run reads ``gs1/prefixes/gcp-length.json`` (prefix -> GCP length) and
``gs1/prefixes/gs1-prefixes.json`` (prefix -> GS1 Prefix length and usage) and writes

* ``src/tracelib/gs1/_data/gcp_length.txt.xz``: the GCP length table;
* ``src/tracelib/gs1/_data/gs1_prefixes.txt.xz``: the GS1 Prefix table, classified;
* ``docs/gs1/_vietnam_893_coverage.md``: the coverage report for GS1 Vietnam (893);
* the ``DATA_DATE`` line of ``src/tracelib/gs1/prefixes.py`` (the GCP table's data date).

Both data files are xz-compressed ASCII/UTF-8 text: ``# name: value`` provenance lines,
then the data. The GCP table has one line per bucket of keys sharing their first 3 digits,
holding TAB-separated groups of keys with the same length and GCP length::

    <3 digits>(TAB <key length>:<GCP length>:<keys of the group, sorted, concatenated>)...

so that the run-time module indexes 1,000 lines at load and parses a bucket the first
time a value needs it. (Keys shorter than 3 digits would be written as their 3-digit
extensions: no current key is that short.)

The GS1 Prefix table has one tab-separated line per key: ``key prefix_length kind usage``.

``--from FILE`` replaces the GCP table with GS1's own list (the GS1 Prefix table and its
classification stay as they are). The file is the one GS1 publishes as
``gcpprefixformatlist.xml`` (or its ``.json`` twin)::

    <GCPPrefixFormatList date="2026-01-31T04:00:00">      (root name and namespace free)
      <entry prefix="8934" gcpLength="7"/>               (any depth; other attributes ignored)
      ...
    </GCPPrefixFormatList>

    {"GCPPrefixFormatList": {"entry": [{"prefix": "8934", "gcpLength": 7}, ...]}}

The data date is ``--date``, else the first 10 characters of a ``date`` attribute/member
of the root, else the file's modification date. Every run checks the table: digit keys of
1 to 12 digits, GCP lengths 0 to 12, no duplicate keys and no key that is a prefix of
another (so at most one key can match a value); it stops with an error otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import lzma
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

try:
    from _conformance import REPO, conformance_root, sha256
except ModuleNotFoundError:  # imported as ``scripts.gen_prefixes`` (tests)
    from scripts._conformance import REPO, conformance_root, sha256

DATA_DIR = REPO / "src" / "tracelib" / "gs1" / "_data"
GCP_FILE = "gcp_length.txt.xz"
PREFIX_FILE = "gs1_prefixes.txt.xz"
MODULE = REPO / "src" / "tracelib" / "gs1" / "prefixes.py"
COVERAGE = REPO / "docs" / "gs1" / "_vietnam_893_coverage.md"
GCP_SOURCE = "gs1/prefixes/gcp-length.json"
PREFIX_SOURCE = "gs1/prefixes/gs1-prefixes.json"

# How the coverage report names the default source.
CONFORMANCE_NOTE = "biip 5.2.0 copy of GS1's list, `gs1/prefixes/gcp-length.json`"

# Provenance lines that may differ between two runs on the same input.
VOLATILE_HEADERS = frozenset({"generated"})

# --------------------------------------------------------------------------------------
# Classification of the GS1 Prefix usages (kept exhaustive: an unknown usage stops the run)
# --------------------------------------------------------------------------------------

#: Usage strings that do not name a GS1 Member Organisation, with their kind.
SPECIAL_USAGES: dict[str, str] = {
    "Used to issue Restricted Circulation Numbers within a company": "gtin8_rcn",
    "Unused to avoid collision with GTIN-8": "unused",
    "Used to issue Restricted Circulation Numbers within a geographic region (MO defined)": (
        "rcn_regional"
    ),
    "Used to issue GS1 Restricted Circulation Numbers within a geographic region (MO defined)": (
        "rcn_regional"
    ),
    "Used to issue GS1 Restricted Circulation Numbers within a company": "rcn_company",
    "GS1 US reserved for future use": "reserved",
    "Managed by GS1 Global Office for future MO": "future_member_organisation",
    "GS1 Global Office": "global_office",
    "Global Office - General Manager Number": "general_manager_number",
    "Used for demonstrations and examples of the GS1 system": "demo",
    "GS1 UK - GTIN-8": "gtin8_allocation",
    "GS1 Poland - GTIN-8": "gtin8_allocation",
    "GS1 Global Office - GTIN-8": "gtin8_allocation",
    "Global Office - GTIN-8": "gtin8_allocation",
    "Serial publications (ISSN)": "issn",
    "Bookland (ISBN)": "isbn",
    "International Standard Music Number (ISMN, 979-0)": "ismn",
    "Refund receipts": "refund_receipt",
    "GS1 coupon identification for common currency areas": "coupon",
    "GS1 coupon identification": "coupon",
}

#: Where each kind may occur (key prefixes), as a sanity check of the classification.
KIND_RANGES: dict[str, tuple[str, ...]] = {
    "gtin8_rcn": ("0000000",),
    "unused": ("00000",),
    "rcn_regional": ("02", "2"),
    "rcn_company": ("04",),
    "reserved": ("05",),
    "future_member_organisation": ("6", "7", "8"),
    "global_office": ("950",),
    "general_manager_number": ("951",),
    "demo": ("952",),
    "gtin8_allocation": ("96",),
    "issn": ("977",),
    "isbn": ("978", "979"),
    "ismn": ("9790",),
    "refund_receipt": ("980",),
    "coupon": ("981", "982", "983", "984", "99"),
}

#: Kinds whose keys carry no GS1 Company Prefix (GCP length 0 expected).
NO_GCP_KINDS = frozenset(
    {
        "rcn_regional",
        "rcn_company",
        "reserved",
        "general_manager_number",
        "gtin8_allocation",
        "issn",
        "isbn",
        "ismn",
        "refund_receipt",
        "coupon",
    }
)

_MO_USAGE = re.compile(r"GS1 [^\d]+")
_NOT_MO_WORDS = ("GTIN-8", "reserved", "future", "coupon", "Restricted", "Global Office")

# Entries added to, or refining, the upstream GS1 Prefix table (each one documented).
ISMN_KEY = "9790"
ISMN_USAGE = "International Standard Music Number (ISMN, 979-0)"
SUPPLEMENT_984 = ("984", 3, "GS1 coupon identification for common currency areas")
SUPPLEMENT_NOTES = (
    "979 split into 9790 (ISMN, ISO 10957: 979-0) and 9791-9799 (ISBN), GS1 Prefix length 3",
    "984 added (coupon, 981-984 per the GS1 Prefix list): the biip 5.2.0 table stops at 983"
    " while the GCP length table lists 984 with GCP length 0",
)


def classify(key: str, usage: str) -> str:
    """Kind of a GS1 Prefix table entry; raises ``ValueError`` for an unknown usage."""
    kind = SPECIAL_USAGES.get(usage)
    if kind is None:
        if _MO_USAGE.fullmatch(usage) and not any(w in usage for w in _NOT_MO_WORDS):
            return "member_organisation"
        raise ValueError(f"unknown GS1 Prefix usage {usage!r} for {key}: classify it")
    if not key.startswith(KIND_RANGES[kind]):
        raise ValueError(f"usage {usage!r} ({kind}) is unexpected for prefix {key}")
    return kind


# --------------------------------------------------------------------------------------
# Reading and checking the tables
# --------------------------------------------------------------------------------------


def check_table(table: Mapping[str, int]) -> None:
    """Stop unless keys are 1-12 digits, lengths 0-12 and no key prefixes another."""
    for key, length in table.items():
        if not (isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 12):
            raise ValueError(f"bad prefix {key!r}: 1 to 12 digits expected")
        if type(length) is not int or not 0 <= length <= 12:
            raise ValueError(f"bad GCP length {length!r} for prefix {key}")
    check_unique_prefixes(table)


def check_unique_prefixes(keys: Iterable[str]) -> None:
    """Stop if a key is a prefix of another one (then two keys could match one value).

    In sorted order the keys that start with ``a`` follow ``a`` directly, so comparing
    neighbours finds every such pair.
    """
    ordered = sorted(keys)
    for a, b in itertools.pairwise(ordered):
        if b.startswith(a):
            raise ValueError(f"prefix {a} is a prefix of {b}: lookups would be ambiguous")


def read_gcp_list(data: bytes, name: str) -> tuple[dict[str, int], str | None]:
    """Parse a GS1 ``gcpprefixformatlist`` (XML, or the JSON twin when ``name`` ends .json).

    Returns the ``prefix -> GCP length`` table and the root ``date`` (``None`` if absent).
    """
    entries: list[tuple[str, Any]] = []
    date: str | None = None
    if name.lower().endswith(".json"):
        doc = json.loads(data)
        root = doc.get("GCPPrefixFormatList", doc) if isinstance(doc, dict) else {}
        rows = root.get("entry", []) if isinstance(root, dict) else []
        if isinstance(root, dict) and isinstance(root.get("date"), str):
            date = root["date"]
        entries = [(str(r.get("prefix", "")), r.get("gcpLength")) for r in rows]
    else:
        root_el = ET.fromstring(data)
        date = root_el.get("date")
        for el in root_el.iter():
            if el.tag.rsplit("}", 1)[-1] == "entry":
                entries.append((el.get("prefix", ""), el.get("gcpLength")))
    if not entries:
        raise ValueError(f"{name}: no <entry prefix=... gcpLength=...> elements found")
    table: dict[str, int] = {}
    for prefix, raw in entries:
        try:
            length = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"{name}: bad gcpLength {raw!r} for prefix {prefix!r}") from None
        key = prefix.strip()
        if key in table and table[key] != length:
            raise ValueError(f"{name}: prefix {key} listed twice ({table[key]}, {length})")
        table[key] = length
    check_table(table)
    return table, (date[:10] if date else None)


def prefix_rows(prefixes: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, int, str, str]]:
    """The GS1 Prefix table as ``(key, prefix_length, kind, usage)`` rows, with supplements."""
    raw = {k: (int(v["prefix_length"]), str(v["usage"])) for k, v in prefixes.items()}
    if "979" in raw and not any(k.startswith("979") and k != "979" for k in raw):
        length, usage = raw.pop("979")
        raw[ISMN_KEY] = (length, ISMN_USAGE)
        raw.update({f"979{d}": (length, usage) for d in "123456789"})
    key984, len984, usage984 = SUPPLEMENT_984
    if not any(k.startswith(key984) or key984.startswith(k) for k in raw):
        raw[key984] = (len984, usage984)
    check_unique_prefixes(raw)
    rows = []
    for key in sorted(raw):
        length, usage = raw[key]
        if not (key.isascii() and key.isdigit() and 1 <= length <= len(key)):
            raise ValueError(f"bad GS1 Prefix entry {key!r}: prefix_length {length}")
        if "\t" in usage or "\n" in usage:
            raise ValueError(f"usage of {key} contains a tab or newline")
        rows.append((key, length, classify(key, usage), usage))
    return rows


def cross_check(gcp: Mapping[str, int], rows: list[tuple[str, int, str, str]]) -> list[str]:
    """Warnings where a no-GCP key of the GCP table falls in a kind that should have GCPs."""
    kinds = {key: kind for key, _, kind, _ in rows}
    lengths = sorted({len(k) for k in kinds})
    warnings = []
    for key, length in sorted(gcp.items()):
        if length:
            continue
        probe = key.ljust(13, "0")
        kind = next((kinds[probe[:n]] for n in lengths if probe[:n] in kinds), None)
        if kind not in NO_GCP_KINDS:
            warnings.append(f"GCP length 0 for {key}, but its GS1 Prefix kind is {kind}")
    return warnings


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def header_lines(title: str, fields: Mapping[str, str]) -> list[str]:
    out = [f"# {title}", "# Generated by scripts/gen_prefixes.py; do not edit by hand."]
    for name, value in fields.items():
        if "\n" in value:
            raise ValueError(f"provenance {name} spans lines")
        out.append(f"# {name}: {value}")
    return out


BUCKET = 3  # digits that the run-time module indexes the GCP table by


def gcp_body(table: Mapping[str, int]) -> list[str]:
    """Data lines of the GCP file: per 3-digit bucket, groups of (key length, GCP length)."""
    buckets: dict[str, dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, length in table.items():
        for k in _extend(key, BUCKET):
            buckets[k[:BUCKET]][len(k), length].append(k)
    lines = []
    for bucket, groups in sorted(buckets.items()):
        parts = [f"{n}:{g}:{''.join(sorted(keys))}" for (n, g), keys in sorted(groups.items())]
        lines.append("\t".join([bucket, *parts]))
    return lines


def _extend(key: str, width: int) -> list[str]:
    """``key`` itself, or all its extensions to ``width`` digits when it is shorter."""
    keys = [key]
    while len(keys[0]) < width:
        keys = [k + d for k in keys for d in "0123456789"]
    return keys


def gcp_text(table: Mapping[str, int], fields: Mapping[str, str]) -> str:
    """The GCP data file's text (before compression)."""
    check_table(table)
    head = header_lines("GS1 Company Prefix (GCP) length table for tracelib.gs1.prefixes", fields)
    fmt = "# format: '<3 digits>' + TAB-separated '<key length>:<GCP length>:<keys>' per line"
    return "\n".join([*head, fmt, *gcp_body(table)]) + "\n"


def prefix_text(rows: list[tuple[str, int, str, str]], fields: Mapping[str, str]) -> str:
    """The GS1 Prefix data file's text (before compression)."""
    head = header_lines("GS1 Prefix table for tracelib.gs1.prefixes", fields)
    fmt = "# format: 'key<TAB>prefix_length<TAB>kind<TAB>usage' per line"
    body = [f"{k}\t{n}\t{kind}\t{usage}" for k, n, kind, usage in rows]
    return "\n".join([*head, fmt, *body]) + "\n"


def parse_header(text: str) -> dict[str, str]:
    """The ``# name: value`` provenance lines of a data file's text."""
    fields = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        name, sep, value = line[2:].partition(": ")
        if sep and " " not in name:
            fields[name] = value
    return fields


def rows_from_text(text: str) -> list[tuple[str, int, str, str]]:
    """The ``(key, prefix_length, kind, usage)`` rows of a GS1 Prefix data file's text."""
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, length, kind, usage = line.split("\t")
            rows.append((key, int(length), kind, usage))
    return rows


def stable_text(text: str) -> str:
    """The text without provenance lines that change from run to run (for comparisons)."""
    volatile = tuple(f"# {name}: " for name in VOLATILE_HEADERS)
    return "\n".join(line for line in text.splitlines() if not line.startswith(volatile))


def write_xz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))


def read_xz(path: Path) -> str:
    return lzma.decompress(path.read_bytes()).decode("utf-8")


def set_data_date(module: Path, date: str) -> None:
    """Rewrite the ``DATA_DATE`` line of ``prefixes.py``."""
    text = module.read_text(encoding="utf-8")
    new, count = re.subn(
        r'^DATA_DATE: Final\[str\] = "[^"]*"$',
        f'DATA_DATE: Final[str] = "{date}"',
        text,
        flags=re.MULTILINE,
    )
    if count != 1:
        raise ValueError(f"no DATA_DATE line found in {module}")
    if new != text:
        module.write_text(new, encoding="utf-8")


# --------------------------------------------------------------------------------------
# The GS1 Vietnam (893) coverage report
# --------------------------------------------------------------------------------------


def coverage(table: Mapping[str, int], root: str) -> tuple[list[str], list[str]]:
    """Keys under ``root`` and the maximal digit prefixes under it that no key covers."""
    under = sorted(k for k in table if k.startswith(root))
    keys: list[str] = []
    gaps: list[str] = []

    def walk(prefix: str) -> None:
        if prefix in table:
            keys.append(prefix)
        elif not any(k.startswith(prefix) for k in under):
            gaps.append(prefix)
        else:
            for digit in "0123456789":
                walk(prefix + digit)

    if any(root.startswith(k) for k in table):
        raise ValueError(f"{root} is itself covered by a shorter key")
    walk(root)
    return keys, gaps


def _ranges(prefixes: list[str]) -> list[str]:
    """Merge sibling prefixes with consecutive last digits: 89365..89369 -> '89365–89369'."""
    out: list[list[str]] = []
    for p in prefixes:
        last = out[-1][-1] if out else ""
        if last and len(last) == len(p) and last[:-1] == p[:-1] and int(p[-1]) == int(last[-1]) + 1:
            out[-1].append(p)
        else:
            out.append([p])
    return [run[0] if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in out]


def vietnam_report(table: Mapping[str, int], date: str, source: str) -> str:
    """Markdown coverage report of GS1 Prefix 893 (GS1 Vietnam) in the GCP table."""
    keys, gaps = coverage(table, "893")
    share = sum(10 ** (13 - len(k)) for k in keys) / 10**10
    lines = [
        "<!-- Generated by scripts/gen_prefixes.py; do not edit by hand. -->",
        "",
        f"GCP length table of **{date}** ({source}): **{len(keys)} "
        f"{'entry' if len(keys) == 1 else 'entries'}** under GS1",
        "Prefix 893 (GS1 Vietnam). They cover "
        f"{share:.1%} of the 893 number space (of all possible keys 893xxxxxxxxxx, not of"
        " companies); every other 893 key",
        "resolves to *unknown* (`GcpLengthUnknown`).",
        "",
        "| Key prefix | GCP length | Number space |",
        "|---|---:|---:|",
    ]
    lines += [f"| `{k}` | {table[k]} | {10 ** (13 - len(k)) / 10**10:.4%} |" for k in keys]
    lines += [
        "",
        "Ranges of the 893 space without any entry (a key starting with one of these prefixes",
        "has no known GCP length):",
        "",
        ", ".join(f"`{r}`" for r in _ranges(gaps)) + ".",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def conformance_fields(doc: Mapping[str, Any], source_path: Path, rel: str) -> dict[str, str]:
    source = doc.get("source", {})
    return {
        "source-file": rel,
        "source-sha256": sha256(source_path),
        "upstream-package": str(source.get("package", "")),
        "upstream-file": str(source.get("file", "")),
        "origin": str(source.get("origin", "")),
        "data-date": str(source.get("source_date", "")),
    }


def build_from_conformance(root: Path) -> tuple[str, str, dict[str, int], str]:
    """GCP text, GS1 Prefix text, the GCP table and its data date, from the conformance files.

    The ``generated`` line is left out (the caller adds it), so that a fresh run can be
    compared with the shipped files.
    """
    gcp_path = root / GCP_SOURCE
    prefix_path = root / PREFIX_SOURCE
    gcp_doc = json.loads(gcp_path.read_text(encoding="utf-8"))
    prefix_doc = json.loads(prefix_path.read_text(encoding="utf-8"))
    table = {str(k): v for k, v in gcp_doc["gcp_length"].items()}
    date = str(gcp_doc["source"]["source_date"])
    fields = conformance_fields(gcp_doc, gcp_path, GCP_SOURCE)
    fields["entries"] = str(len(table))
    rows = prefix_rows(prefix_doc["prefixes"])
    pfields = conformance_fields(prefix_doc, prefix_path, PREFIX_SOURCE)
    pfields["data-date"] = pfields["data-date"] or date
    pfields["entries"] = str(len(rows))
    for i, note in enumerate(SUPPLEMENT_NOTES, 1):
        pfields[f"supplement-{i}"] = note
    return gcp_text(table, fields), prefix_text(rows, pfields), table, date


def _with_generated(text: str, today: str) -> str:
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("# format: "))
    return "\n".join([*lines[:at], f"# generated: {today}", *lines[at:]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--from", dest="source", type=Path, help="a GS1 gcpprefixformatlist file")
    parser.add_argument("--date", help="data date YYYY-MM-DD of the --from file")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="data directory")
    parser.add_argument("--report", type=Path, default=COVERAGE, help="893 coverage report path")
    parser.add_argument("--module", type=Path, default=MODULE, help="prefixes.py (DATA_DATE)")
    args = parser.parse_args(argv)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()

    try:
        if args.source is None:
            gcp, prefix, table, date = build_from_conformance(conformance_root())
            write_xz(args.out / PREFIX_FILE, _with_generated(prefix, today))
            source = CONFORMANCE_NOTE
        else:
            data = args.source.read_bytes()
            table, root_date = read_gcp_list(data, args.source.name)
            mtime = dt.datetime.fromtimestamp(args.source.stat().st_mtime, dt.timezone.utc)
            date = args.date or root_date or mtime.date().isoformat()
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                raise ValueError(f"data date {date!r} is not YYYY-MM-DD")
            fields = {
                "source-file": args.source.name,
                "source-sha256": sha256(args.source),
                "upstream-package": "GS1 GCP length list supplied to gen_prefixes.py --from",
                "upstream-file": args.source.name,
                "origin": "GS1 gcpprefixformatlist (www.gs1.org/docs/gcp_length/)",
                "data-date": date,
                "entries": str(len(table)),
            }
            gcp = gcp_text(table, fields)
            source = f"GS1 `{args.source.name}`"
    except (ValueError, KeyError, ET.ParseError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    write_xz(args.out / GCP_FILE, _with_generated(gcp, today))
    if (args.out / PREFIX_FILE).exists():
        rows = rows_from_text(read_xz(args.out / PREFIX_FILE))
        for warning in cross_check(table, rows):
            print(f"warning: {warning}", file=sys.stderr)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(vietnam_report(table, date, source), encoding="utf-8")
    set_data_date(args.module, date)
    for name in (GCP_FILE, PREFIX_FILE):
        path = args.out / name
        if path.exists():
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    print(f"wrote {args.report}; DATA_DATE = {date}; {len(table):,} GCP prefixes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
