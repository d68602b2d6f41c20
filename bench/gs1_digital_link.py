"""GS1 Digital Link: parse, generate and compress against biip, in one process.

Run with ``.venv/bin/python bench/gs1_digital_link.py`` (``--quick`` for a smoke run,
``--check`` to exit with status 1 when the aim is missed, ``--markdown`` for the tables of
``docs/performance.md``).

Inputs: 20,000 generated, valid Digital Link URIs (2,000 with ``--quick``): a GTIN-14 with a
random key-qualifier path (none, lot, serial, lot + serial, CPV + lot + serial) and 0 to 3
query attributes (expiry date, net weight, internal text with characters that need
percent-encoding), on the canonical stem or a custom stem with a path of its own.

Cases:

* parse: ``tracelib.gs1.digital_link.parse_digital_link`` (URI syntax, key qualifiers,
  then every element-string rule: linters, ``req``/``ex``, repeats) against biip
  ``GS1DigitalLinkURI.parse`` (which checks far less); the URI layer alone
  (``_dl_fast.scan``, what the parser runs first) and the element-string rules alone
  (``element_strings._from_clean_pairs`` on the decoded pairs, what it runs next) show
  where the time goes, and the public ``from_ais`` with value spans is shown for scale;
* generate: ``build_digital_link`` from already validated element strings against biip
  ``GS1DigitalLinkURI.from_element_strings(...).as_uri()`` from its parsed element strings;
* compression (a second table): ``dl_compression.compress_digital_link`` of the URIs and
  ``decompress`` of the results. No Python peer is installed; the design's figures for
  gs1-compression (section 10: 15k compress / 11k decompress per second) come from another
  run and another machine.

Aim (design section 10: "the same ratio to biip" as element strings): parse and generate
>= 10x biip. Compression has no budget.
"""

from __future__ import annotations

import random
import sys
from collections import Counter

from _common import Budget, Row, check_budgets, header, parse_args, print_table, run_rounds
from biip.gs1_digital_link_uris import GS1DigitalLinkURI

from tracelib.gs1 import _dl_fast
from tracelib.gs1.digital_link import build_digital_link, parse_digital_link
from tracelib.gs1.dl_compression import compress_digital_link, decompress
from tracelib.gs1.element_strings import _from_clean_pairs, from_ais
from tracelib.gs1.options import resolve_options

#: Design section 10, measured elsewhere (not in this run): items per second.
DESIGN_COMPRESSION_PEER = {"gs1-compression compress": "15k", "gs1-compression decompress": "11k"}

_CSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._/"
_PATHS = ((), ("10",), ("21",), ("10", "21"), ("22", "10", "21"))
_STEMS = ("https://id.gs1.org", "https://brand.example.com/products")


def _gtin(rng: random.Random) -> str:
    body = "0" + "".join(rng.choice("0123456789") for _ in range(12))
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_CSET) for _ in range(rng.randint(1, n)))


def make_uris(n: int, seed: int = 20260127) -> list[str]:
    """``n`` valid Digital Link URIs, made with tracelib and checked by both libraries."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        pairs = [("01", _gtin(rng))]
        pairs += [(ai, _text(rng, 12)) for ai in rng.choice(_PATHS)]
        extra = {
            "17": f"{rng.randint(24, 30):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
            "3103": f"{rng.randint(0, 999999):06d}",
            "99": _text(rng, 20),
        }
        for ai in rng.sample(sorted(extra), rng.randint(0, 3)):
            pairs.append((ai, extra[ai]))
        rng.shuffle(pairs)
        out.append(build_digital_link(pairs, stem=rng.choice(_STEMS)))
    return out


def main() -> int:
    args = parse_args("GS1 Digital Link parse, generate and compress: tracelib vs biip")
    n = 2_000 if args.quick else 20_000
    uris = make_uris(n)
    strict = resolve_options("strict")
    scan = _dl_fast.scan  # the URI layer alone
    layers = [scan(u, strict) for u in uris]
    spans = [_dl_fast.fast_parse(u, strict) for u in uris]

    parsed = [parse_digital_link(u) for u in uris]
    element_strings = [dl.as_element_string() for dl in parsed]
    biip_parsed = [GS1DigitalLinkURI.parse(u) for u in uris]
    biip_elements = [b.element_strings for b in biip_parsed]
    for dl, b, uri in zip(parsed, biip_parsed, uris, strict=True):  # both read the same AIs
        assert sorted(dl.ais) == sorted((e.ai.ai, e.value) for e in b.element_strings), uri
        assert build_digital_link(dl.as_element_string(), stem=dl.stem) == uri
    assert all(p is not None and _from_clean_pairs(p[1], strict) is not None for p in layers)
    compressed = [compress_digital_link(u) for u in uris]
    for uri, small in zip(uris, compressed, strict=True):  # compression keeps every AI
        assert Counter(parse_digital_link(decompress(small)).ais) == Counter(
            parse_digital_link(uri).ais
        )

    print(header(f"GS1 Digital Link ({n:,} URIs)", args))
    cases = {
        "tracelib parse_digital_link": lambda: [parse_digital_link(u) for u in uris],
        "tracelib URI layer only": lambda: [scan(u, strict) for u in uris],
        "tracelib element-string rules only": lambda: [
            _from_clean_pairs(p[1], strict) for p in layers if p is not None
        ],
        "tracelib from_ais (public, with spans)": lambda: [
            from_ais(p.pairs, profile=strict, spans=p.spans) for p in spans if p is not None
        ],
        "biip GS1DigitalLinkURI.parse": lambda: [GS1DigitalLinkURI.parse(u) for u in uris],
        "tracelib build_digital_link": lambda: [build_digital_link(es) for es in element_strings],
        "biip from_element_strings().as_uri()": lambda: [
            GS1DigitalLinkURI.from_element_strings(e).as_uri() for e in biip_elements
        ],
        "tracelib compress_digital_link": lambda: [compress_digital_link(u) for u in uris],
        "tracelib decompress": lambda: [decompress(c) for c in compressed],
    }
    times = run_rounds(cases, rounds=args.rounds)
    biip_parse = times["biip GS1DigitalLinkURI.parse"]
    biip_build = times["biip from_element_strings().as_uri()"]
    parse_ratio = biip_parse / times["tracelib parse_digital_link"]
    build_ratio = biip_build / times["tracelib build_digital_link"]
    versus = {
        "tracelib parse_digital_link": biip_parse,
        "tracelib URI layer only": biip_parse,
        "tracelib element-string rules only": biip_parse,
        "tracelib from_ais (public, with spans)": biip_parse,
        "tracelib build_digital_link": biip_build,
    }
    print_table(
        [
            Row(name, n, seconds, versus[name] / seconds, "vs biip")
            if name in versus
            else Row(name, n, seconds)
            for name, seconds in times.items()
            if "compress" not in name
        ],
        markdown=args.markdown,
    )
    print()
    print_table(
        [Row(name, n, seconds) for name, seconds in times.items() if "compress" in name],
        markdown=args.markdown,
    )
    peers = ", ".join(f"{k} {v}/s" for k, v in DESIGN_COMPRESSION_PEER.items())
    print(f"\nCompression peers, design section 10 (not this run): {peers}")
    return check_budgets(
        [
            Budget("DL parse vs biip GS1DigitalLinkURI.parse", parse_ratio, 10.0),
            Budget("DL generate vs biip as_uri", build_ratio, 10.0),
        ],
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
