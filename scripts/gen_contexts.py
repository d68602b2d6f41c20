"""Generate the JSON-LD context facts of ``tracelib.epcis.jsonld`` (no GS1 file is copied).

Usage::

    python scripts/gen_contexts.py       # reads $TRACELIB_CONFORMANCE (see scripts/_conformance.py)

tracelib never fetches a ``@context``: the codec resolves the context URLs seen in EPCIS 2.0
documents from tables derived here from the GS1 context files of the conformance folder. The
files themselves stay out of the repository (GS1 licence, house rule); what is written to
``src/tracelib/epcis/_data/contexts.py`` are facts about them:

* ``URLS``: context URL -> key of the file it resolves to (aliases included, with the reason);
* ``PREFIXES``: the prefixes each context declares (JSON-LD 1.1: a simple term definition whose
  IRI ends in a gen-delim character, or ``"@prefix": true``);
* ``VOCAB``: the ``@vocab`` of a context, when it has one (the legacy simple context);
* ``PROTECTED``: for ``@protected`` contexts, every term and a digest of its definition
  (:func:`tracelib.epcis._jsonld_context.definition_digest`), to detect redefinitions;
* ``TERMS``: for the EPCIS contexts, each top-level term's expanded IRI, ``@type`` and
  ``@container`` (``@id``/``@vocab`` typing, and ``quantity`` as ``xsd:double`` in the ratified
  2.0.0 file but ``xsd:decimal`` in the github.io copy), plus the scoped ``set``/``unset`` of
  ``persistentDisposition`` that the writer uses.

The provenance header records each source path and its SHA-256.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any

from _conformance import REPO, conformance_root, sha256

sys.path.insert(0, str(REPO / "src"))

from tracelib.epcis._jsonld_context import definition_digest, prefix_iri

OUT = REPO / "src" / "tracelib" / "epcis" / "_data" / "contexts.py"

RATIFIED = "epcis-hash/contexts/ref.gs1.org_standards_epcis_2.0.0_epcis-context.jsonld"
GITHUB = "epcis/epcis-context.jsonld"
SIMPLE = "epcis/epcis-context-simple.jsonld"
MODULAR = (
    "cbv-context-bizstep",
    "cbv-context-biztransaction-type",
    "cbv-context-component",
    "cbv-context-disposition",
    "cbv-context-error-reason",
    "cbv-context-sourcedest-type",
    "gs1-context-measurement-type",
    "gs1-context-sensor-alert-type",
)

#: key -> (source file, description)
SOURCES: dict[str, tuple[str, str]] = {
    "epcis-2.0.0": (RATIFIED, "ratified EPCIS 2.0.0 context (quantity xsd:double)"),
    "epcis-github": (GITHUB, "gs1.github.io working copy (quantity xsd:decimal)"),
    "epcis-simple": (SIMPLE, "legacy simple context (@vocab epcis:)"),
    **{
        name: (f"epcis/JSON-LD-Context/{name}.jsonld", "modular CBV/GS1 vocabulary context")
        for name in MODULAR
    },
}

GS1_IO = "https://gs1.github.io/EPCIS/"
#: url -> (key, why)
URLS: dict[str, tuple[str, str]] = {
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld": (
        "epcis-2.0.0",
        "the ratified file",
    ),
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld": (
        "epcis-2.0.0",
        "unversioned URL of the latest ratified context (2.0.0)",
    ),
    "https://ref.gs1.org/standards/epcis/2.0.1/epcis-context.jsonld": (
        "epcis-2.0.0",
        "announced 2.0.1 URL (RalphTro PR #126), no file yet: treated as 2.0.0",
    ),
    GS1_IO + "epcis-context.jsonld": ("epcis-github", "the github.io copy"),
    GS1_IO + "epcis-context-simple.jsonld": ("epcis-simple", "the legacy simple context"),
    **{
        f"{GS1_IO}{name}.jsonld": (name, "referenced by epcis-context-root.jsonld")
        for name in MODULAR
    },
}


def _load(relative: str) -> dict[str, Any]:
    raw = json.loads((conformance_root() / relative).read_text(encoding="utf-8"))
    context = raw["@context"]
    if not isinstance(context, dict):
        raise SystemExit(f"{relative}: expected one @context object")
    return context


def _expand(value: Any, prefixes: dict[str, str]) -> Any:
    if not isinstance(value, str) or value.startswith("@"):
        return value
    prefix, colon, local = value.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return value


def _term(definition: Any, prefixes: dict[str, str]) -> tuple[Any, Any, Any]:
    if isinstance(definition, str):
        return _expand(definition, prefixes), None, None
    if isinstance(definition, dict):
        return (
            _expand(definition.get("@id"), prefixes),
            _expand(definition.get("@type"), prefixes),
            definition.get("@container"),
        )
    return None, None, None


def _facts(context: dict[str, Any]) -> dict[str, Any]:
    prefixes = {
        term: iri
        for term, definition in context.items()
        if not term.startswith("@") and (iri := prefix_iri(term, definition)) is not None
    }
    terms = {term: d for term, d in context.items() if not term.startswith("@")}
    protected = (
        {term: definition_digest(d) for term, d in terms.items()}
        if context.get("@protected") is True
        else {}
    )
    return {
        "prefixes": prefixes,
        "vocab": context.get("@vocab"),
        "protected": protected,
        "terms": {term: _term(d, prefixes) for term, d in terms.items()},
    }


def _scoped(context: dict[str, Any], term: str, prefixes: dict[str, str]) -> dict[str, Any]:
    scoped = context[term].get("@context", [])
    out: dict[str, Any] = {}
    for entry in scoped if isinstance(scoped, list) else [scoped]:
        for name, definition in entry.items():
            if name in ("set", "unset"):
                out[f"{term}.{name}"] = _term(definition, prefixes)
    return out


def _literal(value: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "".join(f"{pad}    {k!r}: {_literal(v, indent + 4)},\n" for k, v in value.items())
        return "{\n" + inner + pad + "}"
    return repr(value)


def main() -> None:
    root = conformance_root()
    facts: dict[str, dict[str, Any]] = {}
    for key, (relative, _) in SOURCES.items():
        context = _load(relative)
        facts[key] = _facts(context)
        if key.startswith("epcis-") and key != "epcis-simple":
            facts[key]["terms"].update(
                _scoped(context, "persistentDisposition", facts[key]["prefixes"])
            )
        if not key.startswith("epcis-"):
            facts[key]["terms"] = {}
    quantity = {key: facts[key]["terms"]["quantity"][1] for key in ("epcis-2.0.0", "epcis-github")}
    if quantity != {
        "epcis-2.0.0": "http://www.w3.org/2001/XMLSchema#double",
        "epcis-github": "http://www.w3.org/2001/XMLSchema#decimal",
    }:
        raise SystemExit(f"unexpected quantity datatypes: {quantity}")

    lines = [
        '"""Facts about the EPCIS 2.0 JSON-LD contexts, generated by ``scripts/gen_contexts.py``.',
        "",
        "Do not edit by hand. The GS1 context files are not copied: these tables are derived",
        "from them (prefixes, ``@vocab``, digests of protected term definitions, term IRIs and",
        "types). Sources (conformance folder)::",
        "",
    ]
    for key, (relative, what) in SOURCES.items():
        lines.append(f"    {key}: {what}")
        lines.append(f"        {relative}")
        lines.append(f"        sha256 {sha256(root / relative)}")
    lines += [
        "",
        "URL aliases::",
        "",
    ]
    for url, (key, why) in URLS.items():
        lines.append(f"    {url}")
        lines.append(f"        -> {key}: {why}")
    lines += [
        '"""',
        "",
        "from __future__ import annotations",
        "",
        '__all__ = ["PREFIXES", "PROTECTED", "TERMS", "URLS", "VOCAB"]',
        "",
        f"_GS1_IO = {GS1_IO!r}",
        "",
        "#: Context URL -> key of the context it resolves to.",
        "URLS: dict[str, str] = {",
        *(
            (
                f"    _GS1_IO + {u[len(GS1_IO) :]!r}: {k!r},"
                if u.startswith(GS1_IO)
                else f"    {u!r}: {k!r},"
            )
            for u, (k, _) in URLS.items()
        ),
        "}",
        "",
        "#: Key -> the prefixes the context declares.",
        "PREFIXES: dict[str, dict[str, str]] = "
        + _literal({k: f["prefixes"] for k, f in facts.items()}, 0),
        "",
        "#: Key -> ``@vocab`` of the context (only contexts that have one).",
        "VOCAB: dict[str, str] = "
        + _literal({k: f["vocab"] for k, f in facts.items() if f["vocab"]}, 0),
        "",
        "#: Key -> {term: digest of its definition} for ``@protected`` contexts.",
        "PROTECTED: dict[str, dict[str, str]] = "
        + _literal({k: f["protected"] for k, f in facts.items() if f["protected"]}, 0),
        "",
        "#: Key -> {term: (expanded IRI, expanded @type, @container)} of the EPCIS contexts.",
        "TERMS: dict[str, dict[str, tuple[str | None, str | None, str | None]]] = "
        + _literal({k: f["terms"] for k, f in facts.items() if f["terms"]}, 0),
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    ruff = shutil.which("ruff") or str(REPO / ".venv" / "bin" / "ruff")
    if shutil.which(ruff):
        subprocess.run([ruff, "format", "--quiet", str(OUT)], check=True)
    print(f"wrote {OUT.relative_to(REPO)} ({len(URLS)} URLs, {len(SOURCES)} contexts)")


if __name__ == "__main__":
    main()
