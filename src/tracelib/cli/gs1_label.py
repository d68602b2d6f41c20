"""``tracelib gs1 label``: draw a traceability label (QR Code or GS1 DataMatrix) into a file.

The file type follows the name given with ``-o``: ``.png`` or ``.svg``. Without
``--datamatrix`` the INPUT is a GS1 Digital Link URI put in a plain QR Code; with
``--datamatrix`` (or ``--gs1-qr``) it is an element string (bracketed HRI, raw data or GS1
scan data) put in a GS1 DataMatrix (or a GS1 QR Code); both need the ``datamatrix`` extra.
The data is validated first (strict profile): nothing is written for bad data.

With ``--json`` one JSON object goes to standard output: ``input, valid, file, symbol,
bytes, hri, code, position, message, suggestion``.

Exit status: 0 written, 1 invalid data, 2 usage error (bad option, unwritable file,
missing extra).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from ..errors import Gs1Error, MissingDependencyError
from ._inputs import UsageError
from ._output import marks, outcome_from_error, table_lines, write

__all__ = ["add_parser", "label_command", "render"]

_SUFFIXES = (".png", ".svg")


def add_parser(commands: Any) -> None:
    """Register ``label`` on the sub-parsers of ``tracelib gs1``.

    Args:
        commands: The object returned by the ``gs1`` parser's ``add_subparsers()``.

    Examples:
        >>> import argparse
        >>> parser = argparse.ArgumentParser(prog="gs1")
        >>> add_parser(parser.add_subparsers())
        >>> args = parser.parse_args(["label", "https://id.gs1.org/01/08935049500568",
        ...                           "-o", "x.png", "--ecc", "Q"])
        >>> args.output, args.ecc, args.text
        ('x.png', 'Q', False)
    """
    label = commands.add_parser(
        "label",
        help="draw a Digital Link QR Code or GS1 DataMatrix label into a PNG or SVG file",
        description=(
            "Draw a traceability label. INPUT is a GS1 Digital Link URI (QR Code), or with\n"
            "--datamatrix / --gs1-qr an element string. The data is validated first.\n\n"
            "exit status: 0 written, 1 invalid data, 2 usage error"
        ),
        epilog=(
            "examples:\n"
            "  tracelib gs1 label https://id.gs1.org/01/08935049500568/10/L1 -o label.png --text\n"
            "  tracelib gs1 label 'https://example.vn/01/08935049500568/21/S1' -o qr.svg --ecc Q\n"
            "  tracelib gs1 label '(01)08935049500568(17)261231(10)L1' -o dm.png --datamatrix\n"
            "  tracelib gs1 label https://id.gs1.org/01/08935049500568 -o qr.png --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    label.add_argument("input", metavar="INPUT", help="Digital Link URI, or element string")
    label.add_argument(
        "-o",
        "--out",
        "--output",
        dest="output",
        required=True,
        metavar="FILE",
        help="the .png or .svg file to write",
    )
    label.add_argument(
        "--text", action="store_true", help="print the HRI text under the symbol (PNG: Pillow)"
    )
    label.add_argument(
        "--ecc", choices=("L", "M", "Q", "H"), default="M", help="QR error correction (M)"
    )
    label.add_argument("--box-size", type=int, default=10, metavar="PX", help="pixels per module")
    kind = label.add_mutually_exclusive_group()
    kind.add_argument(
        "--datamatrix", action="store_true", help="GS1 DataMatrix of an element string (extra)"
    )
    kind.add_argument(
        "--gs1-qr", action="store_true", help="GS1 QR Code (FNC1 mode) of an element string"
    )
    label.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object on stdout (the file written, or the error)",
    )
    label.set_defaults(func=label_command, command_name="tracelib gs1 label")


def render(
    data: str,
    *,
    svg: bool,
    text: bool = False,
    ecc: str = "M",
    box_size: int = 10,
    datamatrix: bool = False,
    gs1_qr: bool = False,
) -> bytes:
    """The file contents of a label.

    Args:
        data: The input.
        svg: SVG rather than PNG.
        text: Print the HRI under the symbol.
        ecc: QR Code error correction level.
        box_size: Pixels per module.
        datamatrix: GS1 DataMatrix of an element string.
        gs1_qr: GS1 QR Code of an element string.

    Returns:
        PNG bytes, or the SVG document encoded as UTF-8.

    Raises:
        Gs1Error: Invalid data or option.
        MissingDependencyError: A needed extra is missing.

    Examples:
        >>> render("https://id.gs1.org/01/08935049500568", svg=True)[:4]
        b'<svg'
    """
    from ..gs1 import labels

    if datamatrix:
        if svg:
            return labels.datamatrix_svg(data, box_size=box_size, text=text).encode()
        return labels.datamatrix_png(data, box_size=box_size, text=text)
    options: dict[str, Any] = {"ecc": ecc, "box_size": box_size, "text": text, "gs1_qr": gs1_qr}
    if svg:
        return labels.qr_svg(data, **options).encode()
    return labels.qr_png(data, **options)


def _json(args: argparse.Namespace, **values: Any) -> str:
    record: dict[str, Any] = {"input": args.input, "valid": values.get("code") is None}
    for name in ("file", "symbol", "bytes", "hri", "code", "position", "message", "suggestion"):
        record[name] = values.get(name)
    return json.dumps(record)


def _report(text: str, exc: Gs1Error, err: TextIO) -> None:
    outcome = outcome_from_error(text, "label", exc)
    if exc.code == "GS1_LABEL_NOT_DIGITAL_LINK":  # about the whole input: no caret
        outcome = replace(
            outcome,
            position=None,
            message="a QR Code label holds a GS1 Digital Link URI: give the URI (see the "
            "suggestion), or use --datamatrix or --gs1-qr for an element string",
        )
    _, bad = marks(err)
    for line in table_lines(outcome, width=min(len(text), 48), invalid_mark=bad):
        write(err, line)


def label_command(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run ``tracelib gs1 label`` with parsed arguments.

    Args:
        args: The namespace built by the parser of :func:`add_parser`.
        out: Where the confirmation goes (default: standard output).
        err: Where data errors go (default: standard error).

    Returns:
        0 when the file was written, 1 for invalid data.

    Raises:
        UsageError: The file name has another suffix, cannot be written, or an extra is
            missing.

    Examples:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "l.svg")
        >>> ns = argparse.Namespace(input="https://id.gs1.org/01/08935049500568", output=path,
        ...                         text=False, ecc="M", box_size=4, datamatrix=False,
        ...                         gs1_qr=False)
        >>> label_command(ns)  # doctest: +ELLIPSIS
        wrote .../l.svg: QR Code, ecc M, ... bytes; (01)08935049500568
        0
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    path = Path(args.output).expanduser()
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise UsageError(f"-o needs a .png or .svg file name, not {args.output!r}")
    try:
        data = render(
            args.input,
            svg=suffix == ".svg",
            text=args.text,
            ecc=args.ecc,
            box_size=args.box_size,
            datamatrix=args.datamatrix,
            gs1_qr=args.gs1_qr,
        )
    except MissingDependencyError as exc:
        raise UsageError(str(exc)) from exc
    except Gs1Error as exc:
        if exc.code == "GS1_LABEL_BAD_OPTION":
            raise UsageError(exc.message) from exc
        if getattr(args, "json", False):
            outcome = outcome_from_error(args.input, "label", exc)
            write(
                out,
                _json(
                    args,
                    code=outcome.code,
                    position=outcome.position,
                    message=outcome.message,
                    suggestion=outcome.suggestion,
                ),
            )
        else:
            _report(args.input, exc, err)
        return 1
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    from ..gs1 import labels

    symbol = "GS1 DataMatrix" if args.datamatrix else "GS1 QR Code" if args.gs1_qr else "QR Code"
    level = "" if args.datamatrix else f", ecc {args.ecc}"
    hri = labels.label_text(args.input)
    if getattr(args, "json", False):
        write(out, _json(args, file=args.output, symbol=symbol, bytes=len(data), hri=hri))
    else:
        write(out, f"wrote {args.output}: {symbol}{level}, {len(data)} bytes; {hri}")
    return 0
