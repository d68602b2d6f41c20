"""``tracelib epcis validate`` and ``tracelib epcis convert``: EPCIS 2.0 documents from files.

``validate`` checks each file against the official schemas (when they are supplied with
``--schemas`` or ``$TRACELIB_EPCIS_SCHEMAS``) and tracelib's lint rules, and prints every
finding with its code and where it is (XML line or JSON path). ``convert`` rewrites a
document in the other syntax; big files are streamed event by event, with a progress bar.

Exit status: 0 all valid (warnings allowed), 1 an error finding or a conversion failure,
2 a usage error (missing file, bad option).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import EpcisError
from ._inputs import UsageError, is_tty
from ._output import Progress, error_text, marks, printable, write

__all__ = ["STREAM_THRESHOLD", "add_parser", "convert_command", "validate_command"]

#: Files larger than this many bytes are converted event by event (``--stream`` forces it).
STREAM_THRESHOLD = 32 * 1024 * 1024

_SUFFIXES = {".xml": "xml", ".json": "jsonld", ".jsonld": "jsonld"}


def add_parser(commands: Any) -> None:
    """Register ``epcis`` and its sub-commands.

    Args:
        commands: The object returned by ``ArgumentParser.add_subparsers()``.

    Examples:
        >>> import argparse
        >>> parser = argparse.ArgumentParser(prog="tracelib")
        >>> add_parser(parser.add_subparsers())
        >>> args = parser.parse_args(["epcis", "convert", "in.xml", "out.jsonld"])
        >>> args.source, args.target, args.to
        ('in.xml', 'out.jsonld', None)
    """
    epcis = commands.add_parser(
        "epcis",
        help="EPCIS 2.0 documents: validate, convert, hash, capture, query",
        description="EPCIS 2.0 / CBV 2.0 event documents in XML and JSON-LD.",
        epilog=(
            "examples:\n"
            "  tracelib epcis validate --no-schema harvest.jsonld\n"
            "  tracelib epcis convert harvest.xml -o harvest.jsonld\n"
            "  tracelib epcis hash harvest.xml\n\n"
            "exit status: 0 success, 1 invalid input found (or refused), 2 usage error"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    epcis.set_defaults(func=lambda _args: _missing_command(epcis), command_name="tracelib epcis")
    sub = epcis.add_subparsers(dest="epcis_command", metavar="COMMAND")
    validate = sub.add_parser(
        "validate",
        help="check EPCIS documents against the schemas and lint rules",
        description=(
            "Check EPCIS 2.0 documents (XML or JSON-LD, detected from the content).\n"
            "Schema checks need the official GS1 schemas: --schemas DIR or\n"
            "$TRACELIB_EPCIS_SCHEMAS (a gs1/EPCIS checkout with XSD/ and\n"
            "EPCIS-JSON-Schema.json). Lint rules always run.\n\n"
            "exit status: 0 no errors, 1 errors found, 2 usage error"
        ),
        epilog=(
            "examples:\n"
            "  tracelib epcis validate shipment.xml harvest.jsonld\n"
            "  tracelib epcis validate --schemas ~/src/EPCIS events.xml --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="documents to check")
    validate.add_argument("--schemas", metavar="DIR", help="directory of the GS1 schemas")
    validate.add_argument("--no-schema", action="store_true", help="skip the schema checks")
    validate.add_argument("--no-lint", action="store_true", help="skip the lint rules")
    validate.add_argument(
        "--json", action="store_true", help="print one JSON object per file (JSON lines)"
    )
    validate.set_defaults(func=validate_command, command_name="tracelib epcis validate")

    convert = sub.add_parser(
        "convert",
        help="convert an EPCIS document between XML and JSON-LD",
        description=(
            "Convert an EPCIS 2.0 (or 1.2 XML) document to XML or JSON-LD. The target\n"
            "syntax comes from --to, else from OUT's suffix (.xml, .json, .jsonld), else\n"
            f"is the other syntax. Files over {STREAM_THRESHOLD >> 20} MiB are streamed event by\n"
            "event (the document header is then not carried over).\n\n"
            "exit status: 0 converted, 1 the input is not a valid document, 2 usage error"
        ),
        epilog=(
            "examples:\n"
            "  tracelib epcis convert harvest.xml harvest.jsonld\n"
            "  tracelib epcis convert harvest.xml -o harvest.jsonld --json\n"
            "  tracelib epcis convert --to xml big.jsonld -o - | gzip > big.xml.gz"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    convert.add_argument("source", metavar="IN", help="the document to read")
    convert.add_argument(
        "target", metavar="OUT", nargs="?", help="the file to write (- for stdout); or -o OUT"
    )
    convert.add_argument(
        "-o", "--out", dest="out", metavar="OUT", help="the file to write (- for stdout)"
    )
    convert.add_argument("--to", choices=("xml", "jsonld"), help="the syntax to write")
    convert.add_argument(
        "--stream",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"convert event by event (default: for files over {STREAM_THRESHOLD >> 20} MiB)",
    )
    convert.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when streaming to a terminal)",
    )
    convert.add_argument(
        "--json",
        action="store_true",
        help="print the result as one JSON object on stdout (not with OUT -)",
    )
    convert.set_defaults(func=convert_command, command_name="tracelib epcis convert")
    from . import epcis_rest

    epcis_rest.add_parsers(sub)


def _missing_command(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _read(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"no such file: {name}") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from exc


def _where(finding: Any) -> str:
    if finding.line is not None:
        return f"line {finding.line}"
    if finding.path is not None:
        return str(finding.path)
    return "document"


def validate_command(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Run ``tracelib epcis validate``.

    Args:
        args: The parsed arguments.
        out: Where to print (default: standard output).

    Returns:
        0 when no file has an error finding, else 1.
    """
    from ..epcis import validate

    stream = sys.stdout if out is None else out
    ok_mark, bad_mark = marks(stream)
    schemas = args.schemas
    if schemas is not None and not os.path.isdir(schemas):
        raise UsageError(f"--schemas {schemas}: not a directory")
    status = 0
    for name in args.files:
        findings = validate(
            _read(name), schema=not args.no_schema, lint=not args.no_lint, schemas=schemas
        )
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            status = 1
        if args.json:
            record = {
                "file": name,
                "valid": not errors,
                "findings": [f.to_dict() for f in findings],
            }
            write(stream, json.dumps(record, ensure_ascii=False))
            continue
        warnings = len(findings) - len(errors)
        verdict = "valid" if not errors else f"{len(errors)} error{'s' * (len(errors) != 1)}"
        if warnings:
            verdict += f", {warnings} warning{'s' * (warnings != 1)}"
        write(stream, f"{bad_mark if errors else ok_mark} {printable(name)}  {verdict}")
        for finding in findings:
            write(
                stream,
                f"    {finding.severity:<7} {_where(finding)}: {finding.code}: "
                f"{printable(finding.message)}",
            )
    return status


def _target_format(args: argparse.Namespace, source_format: str) -> str:
    if args.to is not None:
        return str(args.to)
    suffix = Path(args.target).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    return "jsonld" if source_format == "xml" else "xml"


def convert_command(args: argparse.Namespace) -> int:
    """Run ``tracelib epcis convert``.

    Args:
        args: The parsed arguments.

    Returns:
        0 when the document was converted, 1 when it is not a valid document.
    """
    from ..epcis._codec import sniff_format

    _resolve_target(args)
    source = Path(args.source)
    try:
        size = source.stat().st_size
    except FileNotFoundError as exc:
        raise UsageError(f"no such file: {args.source}") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {args.source}: {exc.strerror or exc}") from exc
    stream_it = size > STREAM_THRESHOLD if args.stream is None else args.stream
    try:
        with source.open("rb") as handle:
            source_format = sniff_format(handle.read(4096))
            handle.seek(0)
            target_format = _target_format(args, source_format)
            if stream_it:
                count = _convert_streaming(handle, size, target_format, args)
            else:
                count = _convert_whole(handle.read(), target_format, args.target)
    except EpcisError as exc:
        name = getattr(args, "command_name", "tracelib epcis convert")
        print(f"{name}: error: {error_text(exc, args.source)}", file=sys.stderr)
        return 1
    except OSError as exc:
        raise UsageError(f"cannot write {args.target}: {exc.strerror or exc}") from exc
    if getattr(args, "json", False):
        record = {
            "source": args.source,
            "target": args.target,
            "format": target_format,
            "events": count,
            "streamed": bool(stream_it),
        }
        write(sys.stdout, json.dumps(record, ensure_ascii=False))
    else:
        print(f"{args.source} → {args.target}: {count} events as {target_format}", file=sys.stderr)
    return 0


def _resolve_target(args: argparse.Namespace) -> None:
    """Take OUT from the positional argument or ``-o``; exactly one of them."""
    out = getattr(args, "out", None)
    if out is not None and args.target is not None:
        raise UsageError(f"give OUT once: {args.target!r} or -o {out!r}, not both")
    if out is not None:
        args.target = out
    if args.target is None:
        raise UsageError("give the file to write: OUT or -o OUT (- for standard output)")
    if args.target == "-" and getattr(args, "json", False):
        raise UsageError("--json and OUT - both use standard output: write OUT to a file")


def _open_target(name: str) -> Any:
    if name == "-":
        return open(sys.stdout.fileno(), "wb", closefd=False)
    return open(name, "wb")


def _convert_whole(data: bytes, target_format: str, target: str) -> int:
    from ..epcis import parse

    doc: Any = parse(data)
    body = doc.to_xml() if target_format == "xml" else doc.to_jsonld().encode()
    with _open_target(target) as out:
        out.write(body)
    events = getattr(doc, "events", None)
    return 1 if events is None else len(events)


def _convert_streaming(handle: Any, size: int, target_format: str, args: argparse.Namespace) -> int:
    from ..epcis.stream import EventWriter, iter_events

    show = is_tty(sys.stderr) if args.progress is None else args.progress
    bar = Progress(size, stream=sys.stderr, enabled=show, label="converting")
    with _open_target(args.target) as out, iter_events(handle) as reader:
        first = next(reader, None)
        writer = EventWriter(
            out,
            format="xml" if target_format == "xml" else "jsonld",
            creation_date=reader.creation_date,
        )
        with writer:
            if first is not None:
                writer.write(first)
            for event in reader:
                writer.write(event)
                if writer.count % 1000 == 0:
                    bar.update(handle.tell())
    bar.close()
    if reader.has_header:
        print(
            f"{args.source}: note: the document header (SBDH, master data) is not carried over "
            "when streaming; convert with --no-stream to keep it",
            file=sys.stderr,
        )
    return writer.count
