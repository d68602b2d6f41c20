"""``tracelib demo``: a lot of Vinh oranges from a Nghệ An orchard to a Hà Nội shelf, offline.

A fictional cooperative numbers its locations (GLN), its OCOP products (GTIN-13 for units,
GTIN-14 with indicator 1 for cartons) and a pallet (SSCC), every check digit computed by the
library; a batch of scanned codes with realistic mistakes is validated, each error shown with
its code, position, a caret and a suggestion. Then one lot travels farm → packing house →
distributor → supermarket: every stage is an EPCIS 2.0 event (with cold-chain temperature
readings), signed into a tamper-evident chain with custody handovers; the shelf label is a
QR code carrying the chain's signed head; a consumer verifies the bundle offline (VALID), and
a tampered copy is caught with the exact finding (INVALID). The data is embedded
(:mod:`tracelib.cli._demo_data`, :mod:`tracelib.cli._demo_journey`) and the output is the
same on every run.

The demo is a sequence of :class:`Step` objects in :data:`STEPS`.

Examples:
    >>> import io
    >>> buf = io.StringIO()
    >>> run(buf)
    0
    >>> "GS1_LINTER_INCORRECT_CHECK_DIGIT at position 12" in buf.getvalue()
    True
    >>> "verdict: VALID" in buf.getvalue(), "verdict: INVALID" in buf.getvalue()
    (True, True)
"""

from __future__ import annotations

import argparse
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .._parse import _parse_as, parse
from . import _demo_chapters as chapters
from ._demo_data import COOPERATIVE, LOCATIONS, PALLET, PRODUCTS, SCANS, UPC_BODY, Scan
from ._output import Outcome, caret, marks, outcome_from_error, printable, write

__all__ = ["STEPS", "Step", "add_parser", "run"]


class _Story:
    """What the steps share: the output stream and the codes numbered so far."""

    __slots__ = ("codes", "data", "out", "outcomes", "output_dir", "step")

    def __init__(self, out: TextIO, output_dir: Path | None = None) -> None:
        self.out = out
        self.output_dir = output_dir
        #: what later chapters share (the journey, the label URI, verdicts)
        self.data: dict[str, Any] = {}
        self.step = 0
        #: target name ("unit:101", "gln:002", ...) -> (code, description)
        self.codes: dict[str, tuple[str, str]] = {}
        #: (scan, text as read, verdict), in scan order
        self.outcomes: list[tuple[Scan, str, Outcome]] = []

    def say(self, text: str = "") -> None:
        write(self.out, text)


@dataclass(frozen=True, slots=True)
class Step:
    """One chapter of the demo: a title and the function that tells it.

    Attributes:
        title: The heading printed before the step.
        run: Called with the shared story; prints the step and records what later steps need.

    Examples:
        >>> [step.title for step in STEPS][:2]
        ['The cooperative and its GS1 Company Prefix', 'Locations: a GLN for the farm and the packing house']
    """  # noqa: E501 - doctest output on one line

    title: str
    run: Callable[[_Story], None]


def _company(story: _Story) -> None:
    c = COOPERATIVE
    story.say(f"  {c.name} ({c.english}), {c.region}.")
    story.say(f"  GS1 Vietnam (prefix 893) assigned it the GS1 Company Prefix {c.gcp}:")
    story.say(f"  {len(c.gcp)} digits, fictional, like every name and number in this demo.")
    room = 12 - len(c.gcp)
    story.say(f"  A GTIN-13 is the prefix, a {room}-digit item reference and a check digit, so the")
    story.say(f"  cooperative can number up to {10**room:,} products.")


def _locations(story: _Story) -> None:
    from ..gs1 import gln

    for loc in LOCATIONS:
        body = COOPERATIVE.gcp + loc.reference
        code = body + gln.calc_check_digit(body)
        story.codes[f"gln:{loc.reference}"] = (code, loc.name)
        story.say(f"  GLN {code}  {loc.name} ({loc.role})")
    story.say("  Each GLN is prefix + location reference + check digit, from")
    story.say("  gln.calc_check_digit(body).")


def _catalogue(story: _Story) -> None:
    from ..gs1 import gtin

    for p in PRODUCTS:
        body = COOPERATIVE.gcp + p.reference
        unit = body + gtin.calc_check_digit(body)
        carton_body = "1" + body
        carton = carton_body + gtin.calc_check_digit(carton_body)
        story.codes[f"unit:{p.reference}"] = (unit, f"{p.vietnamese}, {p.unit}")
        story.codes[f"carton:{p.reference}"] = (carton, f"{p.vietnamese}, carton of {p.carton}")
        stars = "★" * p.ocop_stars
        story.say(f"  {p.reference}  {p.vietnamese} ({p.english}), {p.unit} · OCOP {stars}")
        story.say(f"       unit GTIN-13 {unit} · carton of {p.carton}, GTIN-14 {carton}")
    story.say("  Check digits come from gtin.calc_check_digit(body). A carton's GTIN-14 is")
    story.say("  indicator 1 + the unit's first 12 digits + its own check digit: never the unit's.")


def _pallet(story: _Story) -> None:
    from ..gs1 import sscc

    extension, serial = PALLET
    body = extension + COOPERATIVE.gcp + serial
    code = body + sscc.calc_check_digit(body)
    story.codes["sscc"] = (code, "pallet for the Hà Nội distributor")
    story.say(f"  SSCC {code}  (grouped: {sscc.format(code, gcp_length=len(COOPERATIVE.gcp))})")
    story.say(
        f"  = extension digit {extension} + prefix {COOPERATIVE.gcp} + serial reference {serial}"
        f" + check digit {code[-1]}"
    )
    story.say(f"  Its label text reads (00){code}.")
    story.say("  The pallet holds 20 cartons of rice and 20 of dried mango.")


def _scanned_text(story: _Story, scan: Scan) -> str:
    """The text as read: the intended code with the scan's mistake applied."""
    if scan.target == "upc":
        from ..gs1 import gtin

        return UPC_BODY + gtin.calc_check_digit(UPC_BODY)
    code = story.codes[scan.target][0]
    mistake, _, arg = scan.mistake.partition(":")
    where, _, digit = arg.partition(":")
    at = int(where) if where.isdigit() else 0
    if mistake == "digit":
        return code[:at] + digit + code[at + 1 :]
    if mistake == "swap":
        return code[:at] + code[at + 1] + code[at] + code[at + 2 :]
    if mistake == "drop":
        return code[:at] + code[at + 1 :]
    if mistake == "letter-o":
        return code[:at] + "O" + code[at + 1 :]
    if mistake == "arabic":
        return "".join(chr(0x0660 + int(d)) for d in code)
    if mistake == "hri":
        return f"({'00' if scan.target == 'sscc' else '01'}){code}"
    return code


def _verdict(text: str, target: str) -> tuple[Outcome, tuple[str, ...]]:
    """Validate one scan: :func:`tracelib.parse`, or as a GLN for a location label."""
    result = _parse_as(text, "gln") if target.startswith("gln:") else parse(text)
    if result.ok:
        return Outcome(text, True, result.kind, None, None, result.value), parse(text).candidates
    err = result.error
    assert err is not None
    kind = result.error_kind
    return outcome_from_error(text, None if kind == "*" else kind, err), ()


def _scanning(story: _Story) -> None:
    ok_mark, bad_mark = marks(story.out)
    known = dict(story.codes.values())
    story.say("  Goods-in at the distributor's warehouse: each scan goes through tracelib.parse(),")
    story.say("  which detects the key from its shape; a location label is checked as a GLN.")
    explained = False
    for n, scan in enumerate(SCANS, 1):
        text = _scanned_text(story, scan)
        outcome, candidates = _verdict(text, scan.target)
        story.outcomes.append((scan, text, outcome))
        story.say()
        story.say(f"  Scan {n} · {scan.story}")
        shown = printable(text)
        if outcome.valid:
            desc = known.get(outcome.canonical or "", "not in the catalogue")
            story.say(f"    {ok_mark} {shown}  {outcome.kind}  {outcome.canonical}: {desc}")
            _valid_notes(story, outcome, candidates)
            continue
        where = "" if outcome.position is None else f" at position {outcome.position}"
        story.say(f"    {bad_mark} {shown}  {outcome.kind or '?'}  {outcome.code}{where}")
        lead = " " * (4 + len(bad_mark) + 1)
        mark = "" if outcome.position is None else caret(text, outcome.position, outcome.length)
        story.say(f"{lead}{mark}  {outcome.message}{_suggestion(outcome)}")
        closest = _diagnose(text, known)
        if closest:
            code, desc, why = closest
            story.say(f"      closest catalogue code: {code} {desc}")
            story.say(f"      what happened: {why}")
        if outcome.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT" and not explained:
            explained = True
            story.say("      note: a check digit shows that some digit is wrong, not which one;")
            story.say("      the suggested digit only fits the other digits as read. Re-scan.")


def _suggestion(outcome: Outcome) -> str:
    if outcome.suggestion is None:
        return ""
    if outcome.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT":
        return f"; suggestion: check digit {outcome.suggestion}"
    return f"; suggestion: {outcome.suggestion}"


def _valid_notes(story: _Story, outcome: Outcome, candidates: tuple[str, ...]) -> None:
    from ..gs1 import gtin

    canonical = outcome.canonical or ""
    if outcome.kind == "gtin" and len(canonical) == 12:
        story.say(f"      a GTIN-12 (UPC-A); in AI (01) it is written {gtin.to_gtin14(canonical)}.")
    if outcome.kind == "gln" and len(candidates) > 1:
        both = ", ".join(candidates)
        story.say(f"      tracelib.parse() alone reports {both}: 13 digits with a good check")
        story.say("      digit are both; the label is a location, so it is checked as a GLN.")


def _diagnose(text: str, known: dict[str, str]) -> tuple[str, str, str] | None:
    """Which catalogue code a bad scan probably was, and what happened to it."""
    ascii_text = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
    )
    if ascii_text != text and ascii_text in known:
        return ascii_text, known[ascii_text], "the same digits, written in another script"
    for code, desc in known.items():
        why = _difference(text, code)
        if why:
            return code, desc, why
    return None


def _difference(text: str, code: str) -> str | None:
    if len(text) == len(code):
        diffs = [i for i, (a, b) in enumerate(zip(text, code, strict=True)) if a != b]
        if len(diffs) == 1:
            i = diffs[0]
            return f"position {i} reads {text[i]!r} instead of {code[i]!r}"
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
            i = diffs[0]
            if text[i] == code[i + 1] and text[i + 1] == code[i]:
                return f"the digits at positions {i} and {i + 1} are swapped"
    if len(text) + 1 == len(code):
        for i in range(len(code)):
            if code[:i] + code[i + 1 :] == text:
                return f"the {code[i]!r} at position {i} is missing"
    return None


def _summary(story: _Story) -> None:
    valid = [n for n, (_, _, o) in enumerate(story.outcomes, 1) if o.valid]
    invalid = len(story.outcomes) - len(valid)
    story.say(f"  {len(story.outcomes)} scans: {len(valid)} valid, {invalid} invalid.")
    by_code: Counter[str] = Counter()
    scans: dict[str, list[int]] = {}
    for n, (_, _, o) in enumerate(story.outcomes, 1):
        if o.code is not None:
            by_code[o.code] += 1
            scans.setdefault(o.code, []).append(n)
    width = max((len(code) for code in by_code), default=0)
    for code, count in sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        numbers = ", ".join(map(str, scans[code]))
        story.say(f"    {code.ljust(width)}  {count}  (scan{'s' if count > 1 else ''} {numbers})")
    story.say("  Every error names a stable code and the position of the character concerned,")
    story.say("  so a scanner app can highlight it. Try it yourself:")
    bad = next((text for _, text, o in story.outcomes if not o.valid), "")
    story.say(f"    tracelib gs1 validate {bad} --json")


#: The chapters of the demo, in order.
STEPS: tuple[Step, ...] = (
    Step("The cooperative and its GS1 Company Prefix", _company),
    Step("Locations: a GLN for the farm and the packing house", _locations),
    Step("Product catalogue: GTIN-13 for units, GTIN-14 (indicator 1) for cartons", _catalogue),
    Step("A pallet for the Hà Nội distributor: SSCC", _pallet),
    Step("Validating scanned codes", _scanning),
    Step("Scan summary", _summary),
    Step("The journey of one lot: EPCIS 2.0 events from orchard to shelf", chapters.events),
    Step("Checking the records against Circular 02/2024 before upload", chapters.compliance),
    Step(
        "Submitting to the national portal (embedded emulator) through the outbox", chapters.portal
    ),
    Step("Signing the lot's chain, with custody handed over at each sale", chapters.signing),
    Step("The QR traceability label carrying the signed head", chapters.label),
    Step("A shopper verifies the lot offline", chapters.consumer),
    Step("A tampered copy is caught", chapters.tampering),
)


def _columns(text: str) -> int:
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def run(out: TextIO | None = None, output_dir: str | Path | None = None) -> int:
    """Print the demo (and write its files when ``output_dir`` is given).

    Args:
        out: Where to print (default: standard output).
        output_dir: Where to write the label, the bundle and the reports (created if
            missing); ``None`` writes nothing.

    Returns:
        0 when the genuine lot verifies VALID and the tampered copy INVALID (the demo's
        scans include invalid codes on purpose); 1 otherwise.

    Examples:
        >>> import io
        >>> buf = io.StringIO()
        >>> run(buf)
        0
        >>> buf.getvalue().splitlines()[0]
        'tracelib demo · from a Nghệ An orchard to a Hà Nội shelf'
    """
    import sys

    directory = None if output_dir is None else Path(output_dir)
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    story = _Story(sys.stdout if out is None else out, directory)
    story.say("tracelib demo · from a Nghệ An orchard to a Hà Nội shelf")
    story.say("All data is embedded and fictional; nothing is read from the network.")
    for story.step, step in enumerate(STEPS, 1):
        story.say()
        story.say(f"Step {story.step} · {step.title}")
        step.run(story)
    ok = (
        story.data.get("verdict") == "VALID"
        and story.data.get("tampered_verdict") == "INVALID"
        and story.data.get("portal_complete") is True
    )
    story.say()
    story.say(
        "Done: the portal holds the records; the genuine lot is VALID, the copy INVALID."
        if ok
        else "Unexpected results: see above."
    )
    return 0 if ok else 1


def add_parser(commands: Any) -> None:
    """Register ``demo`` on the top-level sub-parsers.

    Args:
        commands: The object returned by ``ArgumentParser.add_subparsers()``.

    Examples:
        >>> import argparse
        >>> parser = argparse.ArgumentParser(prog="tracelib")
        >>> add_parser(parser.add_subparsers(dest="command"))
        >>> parser.parse_args(["demo"]).command
        'demo'
    """
    demo = commands.add_parser(
        "demo",
        help="follow a lot of oranges from a Nghệ An orchard to a Hà Nội shelf (offline)",
        description=(
            "Number a fictional cooperative's locations, products and a pallet, validate "
            "scanned codes with typical mistakes, record a lot's journey as EPCIS events, sign "
            "them into a chain with handovers, print the QR label with the signed head, verify "
            "it as a shopper would and catch a tampered copy. Embedded data; no network."
        ),
    )
    demo.add_argument(
        "-o",
        "--out",
        default="demo-output",
        metavar="DIR",
        help="where to write the label, the bundle and the reports (default: ./demo-output)",
    )
    demo.set_defaults(func=_run_command, command_name="tracelib demo")


def _run_command(args: argparse.Namespace) -> int:
    return run(output_dir=Path(args.out))
