"""``tracelib gs1 validate``: check GS1 keys and data given on the command line or in a file.

Besides the keys, ``--kind element-string|dl|epc`` (or detection) checks AI element strings
(bracketed, raw, scan data), Digital Link URIs and EPCs; ``tracelib gs1 convert`` and
``tracelib gs1 label`` live in :mod:`tracelib.cli.gs1_convert` and :mod:`tracelib.cli.gs1_label`.

Each input gets one verdict: valid (with its kind and canonical form) or invalid (with the
error code, the position of the offending character, a message and, where one exists, a
suggestion). Exit status: 0 when every input is valid, 1 when any is invalid, 2 for a usage
error (unreadable file, missing column, bad option).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from .._parse import DATA_KINDS, KEY_KINDS, _key_module, _parse_as, parse
from ._inputs import UsageError, is_tty, read_codes
from ._output import (
    CARET_LIMIT,
    Outcome,
    Progress,
    json_line,
    marks,
    outcome_from_error,
    printable,
    table_lines,
    write,
)

__all__ = ["BULK_THRESHOLD", "add_parser", "check", "validate_command"]

#: Inputs beyond this many rows use a bulk validator and may show a progress bar.
BULK_THRESHOLD = 100_000

_KIND_HELP = ", ".join((*KEY_KINDS, *DATA_KINDS))


def add_parser(commands: Any) -> None:
    """Register ``gs1`` and its sub-commands ``validate``, ``convert``, ``label``.

    Args:
        commands: The object returned by ``ArgumentParser.add_subparsers()``.

    Examples:
        >>> import argparse
        >>> parser = argparse.ArgumentParser(prog="tracelib")
        >>> add_parser(parser.add_subparsers())
        >>> args = parser.parse_args(["gs1", "validate", "96385074", "--json"])
        >>> args.codes, args.kind, args.json
        (['96385074'], 'auto', True)
    """
    gs1 = commands.add_parser(
        "gs1",
        help="GS1 keys and data: validate, convert, draw labels",
        description="GS1 identification keys, element strings, Digital Link URIs and EPCs.",
        epilog=(
            "examples:\n"
            "  tracelib gs1 validate 8935049500568\n"
            "  tracelib gs1 convert '(01)08935049500568(10)L1' --to dl\n"
            "  tracelib gs1 label https://id.gs1.org/01/08935049500568 -o label.svg\n\n"
            "exit status: 0 success, 1 invalid input found, 2 usage error"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    gs1.set_defaults(func=lambda _args: _missing_command(gs1), command_name="tracelib gs1")
    sub = gs1.add_subparsers(dest="gs1_command", metavar="COMMAND")
    validate = sub.add_parser(
        "validate",
        help="check GS1 keys and data and show what is wrong and where",
        description=(
            "Check GS1 keys given as arguments or read from a file. The kind of each key\n"
            "is detected from its shape unless --kind is given.\n\n"
            "exit status: 0 all valid, 1 some invalid, 2 usage error"
        ),
        epilog=(
            "examples:\n"
            "  tracelib gs1 validate 8935049500568 (00)389301234500000013\n"
            "  tracelib gs1 validate --kind gln 8930123450029\n"
            "  tracelib gs1 validate '(01)08935049500568(10)L1' https://id.gs1.org/01/08935049500568\n"
            "  tracelib gs1 validate --kind element-string --file scans.txt\n"
            "  tracelib gs1 validate --file codes.txt --json\n"
            "  tracelib gs1 validate --file catalogue.csv --column gtin\n"
            "  cut -f2 export.tsv | tracelib gs1 validate --file -"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("codes", nargs="*", metavar="CODE", help="keys to check")
    validate.add_argument(
        "-f",
        "--file",
        metavar="F",
        help="read the keys from F: one per line, or a CSV/TSV column (- is standard input)",
    )
    validate.add_argument(
        "-c",
        "--column",
        metavar="C",
        help="the CSV/TSV column holding the keys: a header name or a 1-based index",
    )
    validate.add_argument(
        "--header",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="whether the first CSV/TSV row is a header (default: detected)",
    )
    validate.add_argument(
        "-k",
        "--kind",
        choices=("auto", *KEY_KINDS, *DATA_KINDS),
        default="auto",
        metavar="KIND",
        help=f"the kind of key or data: auto (default: detect) or one of {_KIND_HELP}",
    )
    validate.add_argument(
        "--json", action="store_true", help="print one JSON object per input (JSON lines)"
    )
    validate.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=(
            f"show a progress bar on stderr (default: on a terminal, past {BULK_THRESHOLD:,} rows)"
        ),
    )
    validate.set_defaults(func=validate_command, command_name="tracelib gs1 validate")
    from . import gs1_convert, gs1_label

    gs1_convert.add_parser(sub)
    gs1_label.add_parser(sub)


def _missing_command(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def check(text: str, kind: str = "auto") -> Outcome:
    """The verdict on one input: detected with :func:`tracelib.parse`, or as ``kind``.

    Args:
        text: The input.
        kind: ``"auto"`` or a key kind (``"gtin"``, ``"gln"``, ...).

    Returns:
        The outcome; for an invalid input its ``kind`` names the format whose error is shown.

    Examples:
        >>> check("8935049500568").canonical
        '8935049500568'
        >>> o = check("8935049500569", "gln")
        >>> o.valid, o.kind, o.code, o.position, o.suggestion
        (False, 'gln', 'GS1_LINTER_INCORRECT_CHECK_DIGIT', 12, '8')
    """
    result = parse(text) if kind == "auto" else _parse_as(text, kind)
    if result.ok:
        return Outcome(text, True, result.kind, None, None, result.value)
    err = result.error
    assert err is not None  # not ok: parse always explains why
    if kind != "auto":
        return outcome_from_error(text, kind, err)
    err_kind = result.error_kind
    return outcome_from_error(text, None if err_kind == "*" else err_kind, err)


def _bulk_checks(texts: Sequence[str], kind: str, bar: Progress) -> Iterator[Outcome] | None:
    """Verdicts through the vectorised GTIN validator, or ``None`` when it is unavailable."""
    done = 0

    def advance(count: int) -> None:  # the bulk validator reports each chunk's size
        nonlocal done
        done += count
        bar.update(done)

    if kind == "element-string":
        return _bulk_element_strings(texts, bar)
    if kind == "dl":
        return _bulk_digital_links(texts, bar)
    try:
        from ..gs1 import bulk, gtin

        result = bulk.validate_gtins(texts, progress=advance)
    except ImportError:  # an optional dependency missing: the scalar path is exact too
        return None
    column = result.valid
    valid: list[bool] = column.tolist() if hasattr(column, "tolist") else list(column)

    def outcomes() -> Iterator[Outcome]:
        for text, ok in zip(texts, valid, strict=True):
            if ok:
                yield Outcome(text, True, "gtin", None, None, gtin.compact(text))
            else:  # rerun the scalar path: the same verdict, plus message and suggestion
                yield check(text, kind)

    return outcomes()


def _bulk_element_strings(texts: Sequence[str], bar: Progress) -> Iterator[Outcome] | None:
    """Verdicts through the bulk element-string validator, or ``None`` when it is absent."""
    try:
        from ..gs1 import _bulk_es
    except ImportError:  # pragma: no cover - ships with tracelib
        return None
    result = _bulk_es.validate_element_strings(texts)
    bar.update(len(texts))
    valid = [bool(v) for v in result.valid]
    hri = [str(h) for h in result.hri]

    def outcomes() -> Iterator[Outcome]:
        for text, ok, canonical in zip(texts, valid, hri, strict=True):
            if ok:
                yield Outcome(text, True, "element-string", None, None, canonical)
            else:  # the scalar path gives the same verdict with message and suggestion
                yield check(text, "element-string")

    return outcomes()


def _bulk_digital_links(texts: Sequence[str], bar: Progress) -> Iterator[Outcome] | None:
    """Verdicts through the bulk Digital Link validator, or ``None`` when it is absent.

    A URI the bulk validator accepts is its own canonical form, as in :func:`check`; any
    other input (compressed URIs, scan data, surrounding blanks, errors) goes through
    :func:`check`, which gives the same verdict with message and suggestion.
    """
    try:
        from ..gs1 import _bulk_dl
    except ImportError:  # pragma: no cover - ships with tracelib
        return None
    result = _bulk_dl.validate_digital_links(texts)
    bar.update(len(texts))
    valid = [bool(v) for v in result.valid]

    def outcomes() -> Iterator[Outcome]:
        for text, ok in zip(texts, valid, strict=True):
            if ok:
                yield Outcome(text, True, "dl", None, None, text)
            else:
                yield check(text, "dl")

    return outcomes()


def validate_command(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run ``tracelib gs1 validate`` with parsed arguments.

    Args:
        args: The namespace built by the parser of :func:`add_parser`.
        out: Where verdicts go (default: standard output).
        err: Where the progress bar and notes go (default: standard error).

    Returns:
        0 when every input is valid, 1 when any is invalid.

    Raises:
        UsageError: no input, both codes and ``--file``, an unreadable file, a missing column.

    Examples:
        >>> ns = argparse.Namespace(codes=["96385074"], file=None, column=None, header=None,
        ...                         kind="auto", json=True, progress=None)
        >>> validate_command(ns)  # doctest: +ELLIPSIS
        {"input": "96385074", "valid": true, "kind": "gtin", ...}
        0
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    texts = _inputs(args)
    kind: str = args.kind
    if kind != "auto" and kind not in DATA_KINDS and _key_module(kind) is None:
        raise UsageError(f"--kind {kind} is not available in this version of tracelib")
    if not texts:
        write(err, "tracelib gs1 validate: no codes to validate")
        return 0
    n = len(texts)
    bulk = n > BULK_THRESHOLD and kind in ("auto", "gtin", "element-string", "dl")
    show = args.progress if args.progress is not None else (n > BULK_THRESHOLD and is_tty(err))
    bar = Progress(2 * n if bulk else n, stream=err, enabled=bool(show), label="validating")
    checks: Iterator[Outcome] | None = None
    if bulk:
        checks = _bulk_checks(texts, kind, bar)
    offset = n if checks is not None else 0
    if checks is None:
        bar.total = n
        checks = (check(text, kind) for text in texts)
    width = min(CARET_LIMIT, max(len(printable(t)) for t in texts))
    ok_mark, bad_mark = marks(out)
    invalid = 0
    every = max(1, n // 100)
    for i, outcome in enumerate(checks, 1):
        if not outcome.valid:
            invalid += 1
        if args.json:
            write(out, json_line(outcome))
        else:
            for line in table_lines(
                outcome, width=width, valid_mark=ok_mark, invalid_mark=bad_mark
            ):
                write(out, line)
        if i % every == 0:
            bar.update(offset + i)
    bar.close()
    if not args.json and n > 1:
        write(out, "")
        write(out, f"{n} codes: {n - invalid} valid, {invalid} invalid")
    return 1 if invalid else 0


def _inputs(args: argparse.Namespace) -> list[str]:
    codes: list[str] = list(args.codes or [])
    if args.file is None:
        if args.column is not None:
            raise UsageError("--column needs --file")
        if not codes:
            raise UsageError("give one or more codes, or --file F (- for standard input)")
        return codes
    if codes:
        raise UsageError("give codes as arguments or with --file, not both")
    return read_codes(args.file, column=args.column, header=args.header)
