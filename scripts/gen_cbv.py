"""Generate the CBV 2.0 code lists of ``tracelib.epcis.cbv``.

Usage::

    python scripts/gen_cbv.py            # reads $TRACELIB_CONFORMANCE/epcis/ (gs1/EPCIS @ 2b888be)

Three independent GS1 artefacts describe each list; this script reads all three and stops
with an error when they disagree, so the generated module is the intersection of what the
JSON Schema, the JSON-LD contexts and the CBV ontology say:

* ``JSON-Schema/schemas/<list>-JSON-Schema.json``: the bare words (the ``enum`` of the
  ``anyOf``), in schema order;
* ``JSON-LD-Context/<context>.jsonld``: bare word -> CURIE (``cbv:BizStep-shipping``,
  ``gs1:Temperature``), which fixes the Web URI stem of each list;
* ``Ontology/CBV.ttl``: ``cbv:BizStep-shipping owl:sameAs <urn:epcglobal:cbv:bizstep:shipping>``,
  which fixes the URN form of the six CBV lists (the two GS1 Web Vocabulary lists,
  measurement and sensor alert types, have no URN form).

It writes ``src/tracelib/epcis/_data/cbv_lists.py``: a provenance docstring (source commit,
file hashes), one tuple of bare words per list and one ``str`` enum per list.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from _conformance import REPO, conformance_root, sha256

OUT = REPO / "src" / "tracelib" / "epcis" / "_data" / "cbv_lists.py"
SOURCE_COMMIT = "2b888befbc071e1c2d388e027b30149b3f51dcef"

#: kind, constant name, enum name, schema file, schema definition, context file,
#: CURIE prefix, URN segment (None: no URN form), expected count, description.
LISTS = [
    (
        "bizStep",
        "BIZ_STEPS",
        "BizStep",
        "bizStep",
        "bizStep",
        "cbv-context-bizstep",
        "cbv:BizStep-",
        "bizstep",
        41,
        "business steps",
    ),
    (
        "disposition",
        "DISPOSITIONS",
        "Disposition",
        "disposition",
        "disposition",
        "cbv-context-disposition",
        "cbv:Disp-",
        "disp",
        33,
        "dispositions",
    ),
    (
        "bizTransactionType",
        "BIZ_TRANSACTION_TYPES",
        "BizTransactionType",
        "bizTransaction-type",
        "bizTransaction-type",
        "cbv-context-biztransaction-type",
        "cbv:BTT-",
        "btt",
        13,
        "business transaction types",
    ),
    (
        "sourceDestType",
        "SOURCE_DEST_TYPES",
        "SourceDestType",
        "source-dest-type",
        "source-dest-type",
        "cbv-context-sourcedest-type",
        "cbv:SDT-",
        "sdt",
        3,
        "source/destination types",
    ),
    (
        "errorReason",
        "ERROR_REASONS",
        "ErrorReason",
        "error-reason",
        "error-reason",
        "cbv-context-error-reason",
        "cbv:ER-",
        "er",
        2,
        "error reasons",
    ),
    (
        "component",
        "SENSOR_COMPONENTS",
        "SensorComponent",
        "component",
        "component",
        "cbv-context-component",
        "cbv:Comp-",
        "comp",
        14,
        "sensor components",
    ),
    (
        "measurementType",
        "MEASUREMENT_TYPES",
        "MeasurementType",
        "measurement-type",
        "measurementType",
        "gs1-context-measurement-type",
        "gs1:",
        None,
        72,
        "measurement types (GS1 Web Vocabulary)",
    ),
    (
        "sensorAlertType",
        "SENSOR_ALERT_TYPES",
        "SensorAlertType",
        "sensor-alert-type",
        "sensorAlertType",
        "gs1-context-sensor-alert-type",
        "gs1:",
        None,
        2,
        "sensor alert types (GS1 Web Vocabulary)",
    ),
]

_TTL_TERM = re.compile(r"^cbv:(\w+)-(\w+)\s+a\s+cbv:(\w+)\b", re.MULTILINE)
_TTL_SAMEAS = re.compile(r"owl:sameAs\s+<(urn:epcglobal:cbv:[^>]+)>")


def _fail(message: str) -> None:
    raise SystemExit(f"gen_cbv: {message}")


def _schema_words(path: Path, definition: str) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    enums = [
        option["enum"] for option in data["definitions"][definition]["anyOf"] if "enum" in option
    ]
    if len(enums) != 1:
        _fail(f"{path.name}: expected one enum in {definition}")
    words = [str(word) for word in enums[0]]
    if len(set(words)) != len(words):
        _fail(f"{path.name}: duplicate words")
    return words


def _context_curies(path: Path) -> dict[str, str]:
    context = json.loads(path.read_text(encoding="utf-8"))["@context"]
    return {
        key: value
        for key, value in context.items()
        if not key.startswith("@") and key not in ("cbv", "gs1") and isinstance(value, str)
    }


def _ttl_urns(path: Path) -> dict[str, str]:
    """``cbv:BizStep-shipping`` -> its ``owl:sameAs`` URN, for every term block of CBV.ttl."""
    text = path.read_text(encoding="utf-8")
    starts = [match.start() for match in _TTL_TERM.finditer(text)] + [len(text)]
    urns: dict[str, str] = {}
    for begin, end in itertools.pairwise(starts):
        block = text[begin:end]
        head = _TTL_TERM.match(block)
        assert head is not None
        same = _TTL_SAMEAS.search(block)
        if same:
            urns[f"cbv:{head.group(1)}-{head.group(2)}"] = same.group(1)
    return urns


def _member_name(word: str) -> str:
    if word.isupper() or word.islower() or "_" in word:
        name = word.upper()
    else:  # CamelCase measurement types: AbsoluteHumidity -> ABSOLUTE_HUMIDITY
        name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", word).upper()
    if not name.isidentifier():
        _fail(f"no enum member name for {word!r}")
    return name


def main() -> None:
    root = conformance_root() / "epcis"
    ttl_path = root / "Ontology" / "CBV.ttl"
    ttl = _ttl_urns(ttl_path)
    used: list[Path] = [ttl_path]
    blocks: list[str] = []
    enums: list[str] = []
    summary: list[str] = []
    for (
        kind,
        const,
        enum_name,
        schema,
        definition,
        context,
        curie_prefix,
        segment,
        count,
        description,
    ) in LISTS:
        schema_path = root / "JSON-Schema" / "schemas" / f"{schema}-JSON-Schema.json"
        context_path = root / "JSON-LD-Context" / f"{context}.jsonld"
        used += [schema_path, context_path]
        words = _schema_words(schema_path, definition)
        if len(words) != count:
            _fail(f"{kind}: {len(words)} words in the schema, expected {count}")
        curies = _context_curies(context_path)
        if set(curies) != set(words):
            _fail(f"{kind}: schema and context disagree: {sorted(set(curies) ^ set(words))}")
        for word in words:
            if curies[word] != curie_prefix + word:
                _fail(f"{kind}: context maps {word!r} to {curies[word]!r}")
            if segment is not None:
                expected = f"urn:epcglobal:cbv:{segment}:{word}"
                if ttl.get(curie_prefix + word) != expected:
                    _fail(f"{kind}: CBV.ttl has {ttl.get(curie_prefix + word)!r} for {word!r}")
        if segment is not None:
            in_ttl = {key for key in ttl if key.startswith(curie_prefix)}
            if in_ttl != {curie_prefix + word for word in words}:
                _fail(f"{kind}: CBV.ttl lists other terms: {sorted(in_ttl)}")
        items = "".join(f"\n    {json.dumps(word)}," for word in words)
        blocks.append(
            f"{const}: tuple[str, ...] = ({items}\n)\n"
            f'"""The {count} CBV 2.0 {description}: bare words, in schema order."""\n'
        )
        members = "".join(f"\n    {_member_name(word)} = {json.dumps(word)}" for word in words)
        urn_note = (
            f"``urn:epcglobal:cbv:{segment}:<word>``"
            if segment
            else "none (``to_urn()`` gives the Web URI)"
        )
        stem = (
            f"https://ref.gs1.org/cbv/{curie_prefix[4:]}<word>"
            if curie_prefix.startswith("cbv:")
            else "https://gs1.org/voc/<word>"
        )
        enums.append(
            f'''

class {enum_name}(CbvEnum):
    """The {count} CBV 2.0 {description}.

    Each member's value is the bare word. Forms:

    * URN: {urn_note};
    * Web URI: ``{stem}``;
    * CURIE: ``{curie_prefix}<word>``.

    Examples:
        >>> {enum_name}.{_member_name(words[0])}.value
        {words[0]!r}
        >>> {enum_name}.{_member_name(words[0])}.web_uri
        '{stem.replace("<word>", words[0])}'
    """
{members}
'''
        )
        summary.append(f"{kind}={count}")
    provenance = "\n".join(
        f"    {path.relative_to(root.parent).as_posix()}\n        sha256 {sha256(path)}"
        for path in sorted(set(used))
    )
    text = f'''"""CBV 2.0 code lists, generated by ``scripts/gen_cbv.py``; do not edit by hand.

Source: gs1/EPCIS @ {SOURCE_COMMIT}
(conformance folder ``epcis/``), cross-checked between the JSON Schema enums, the JSON-LD
contexts and ``Ontology/CBV.ttl``::

{provenance}

Counts: {", ".join(summary[:4])},
{", ".join(summary[4:])}.
"""

from __future__ import annotations

from .._cbv_core import CbvEnum

__all__ = [
    "BIZ_STEPS",
    "BIZ_TRANSACTION_TYPES",
    "DISPOSITIONS",
    "ERROR_REASONS",
    "MEASUREMENT_TYPES",
    "SENSOR_ALERT_TYPES",
    "SENSOR_COMPONENTS",
    "SOURCE_DEST_TYPES",
    "BizStep",
    "BizTransactionType",
    "Disposition",
    "ErrorReason",
    "MeasurementType",
    "SensorAlertType",
    "SensorComponent",
    "SourceDestType",
]

# fmt: off
{chr(10).join(blocks)}{"".join(enums)}'''
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text.rstrip() + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}: {', '.join(summary)}")


if __name__ == "__main__":
    main()
