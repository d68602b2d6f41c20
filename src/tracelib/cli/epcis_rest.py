"""``tracelib epcis hash``, ``capture`` and ``query``: hash IDs and EPCIS 2.0 repositories.

``hash`` prints one CBV hash ID (or pre-hash string) per event, in document order, streaming
the file. ``capture`` sends a document to a repository's ``/capture`` (splitting it to the
repository's capture limits and waiting for the jobs); ``query`` reads ``GET /events`` with
the documented query parameters, following the pages, and prints JSON lines.

With ``--json``, ``hash`` prints one JSON object per event (JSON lines: ``file``, ``index``,
``event_id`` as declared in the document, and ``hash_id``, or ``prehash`` with
``--prehash``) and ``capture`` one object for the document (``file``, ``url``, ``captured``,
``events``, ``payloads``, ``capture_ids``, ``errors`` as RFC 7807 problem objects); errors
that stop a command are still one line on standard error.

Credentials come from ``--user``/``$TRACELIB_EPCIS_PASSWORD`` (HTTP Basic) or
``$TRACELIB_EPCIS_TOKEN`` (bearer), never from the command line alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import EpcisError, TracelibError
from ._inputs import UsageError
from ._output import write

__all__ = ["add_parsers", "capture_command", "hash_command", "query_command"]

_ALGORITHMS = ("sha-256", "sha3-256", "sha-384", "sha-512")


def add_parsers(sub: Any) -> None:
    """Register ``hash``, ``capture`` and ``query`` under ``tracelib epcis``.

    Args:
        sub: The sub-parsers object of ``tracelib epcis``.

    Examples:
        >>> import argparse
        >>> parser = argparse.ArgumentParser(prog="tracelib epcis")
        >>> add_parsers(parser.add_subparsers())
        >>> args = parser.parse_args(["hash", "events.xml", "--cbv", "2.1"])
        >>> args.file, args.cbv, args.algorithm, args.prehash, args.json
        ('events.xml', '2.1', 'sha-256', False, False)
        >>> parser.parse_args(["capture", "ev.jsonld", "--url", "http://h", "--json"]).json
        True
    """
    hasher = sub.add_parser(
        "hash",
        help="print the CBV event hash ID of every event",
        description=(
            "Print one ni:/// CBV hash ID per event, in document order (XML or JSON-LD,\n"
            "streamed). exit status: 0 hashed, 1 the input is not a valid document"
        ),
        epilog=(
            "examples:\n  tracelib epcis hash shipment.xml\n"
            "  tracelib epcis hash --prehash harvest.jsonld\n"
            "  tracelib epcis hash --json shipment.xml"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    hasher.add_argument("file", metavar="FILE", help="the document (- for standard input)")
    hasher.add_argument("--cbv", choices=("2.0", "2.1"), default="2.0", help="CBV version")
    hasher.add_argument("--algorithm", choices=_ALGORITHMS, default="sha-256", help="digest")
    hasher.add_argument(
        "--gs1-voc",
        choices=("https://gs1.org/voc/", "https://ref.gs1.org/voc/"),
        default="https://gs1.org/voc/",
        help="the stem gs1: terms expand to",
    )
    hasher.add_argument("--prehash", action="store_true", help="print the pre-hash strings")
    hasher.add_argument(
        "--json", action="store_true", help="print one JSON object per event (JSON lines)"
    )
    hasher.set_defaults(func=hash_command, command_name="tracelib epcis hash")

    capture = sub.add_parser(
        "capture",
        help="send a document to an EPCIS 2.0 repository (POST /capture)",
        description=(
            "Capture a document: split it to the repository's limits, send the parts and\n"
            "wait for the capture jobs. exit status: 0 captured, 1 refused or failed"
        ),
        epilog=(
            "examples:\n  tracelib epcis capture harvest.jsonld --url https://epcis.example.vn/epcis\n"
            "  tracelib epcis capture harvest.jsonld --url https://epcis.example.vn/epcis --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    capture.add_argument("file", metavar="FILE", help="the document to capture")
    _connection(capture)
    capture.add_argument(
        "--error-behaviour",
        choices=("rollback", "proceed"),
        default="rollback",
        help="GS1-Capture-Error-Behaviour (default rollback)",
    )
    capture.add_argument(
        "--json", action="store_true", help="print the result as one JSON object on stdout"
    )
    capture.set_defaults(func=capture_command, command_name="tracelib epcis capture")

    query = sub.add_parser(
        "query",
        help="query an EPCIS 2.0 repository (GET /events) and print the events",
        description=(
            "Query events with the documented parameters (EQ_bizStep, GE_eventTime,\n"
            "MATCH_epc, ...), following Link rel=next pages; one JSON event per line.\n"
            "exit status: 0 done, 1 the repository refused the query"
        ),
        epilog=(
            "example:\n  tracelib epcis query --url https://epcis.example.vn/epcis \\\n"
            "      -p EQ_bizStep=shipping -p GE_eventTime=2024-11-01T00:00:00Z"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _connection(query)
    query.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a query parameter (repeat; several values of one name with |)",
    )
    query.add_argument("--limit", type=int, default=None, help="stop after this many events")
    query.set_defaults(func=query_command, command_name="tracelib epcis query")


def _connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", required=True, help="the repository's EPCIS root URL")
    parser.add_argument("--user", help="HTTP Basic user (password from $TRACELIB_EPCIS_PASSWORD)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"no such file: {name}") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from exc


def _report(name: str, exc: TracelibError) -> int:
    line = getattr(exc, "line", None)
    path = getattr(exc, "path", None)
    where = f" (line {line})" if line else (f" ({path})" if path else "")
    print(f"{name}{where}: {exc.code}: {exc}", file=sys.stderr)
    return 1


def hash_command(args: argparse.Namespace) -> int:
    """Run ``tracelib epcis hash``.

    Args:
        args: The parsed arguments.

    Returns:
        0 when every event was hashed, 1 when the document is not valid.
    """
    from ..epcis import hashing
    from ..epcis.stream import iter_events

    source: Any = _read(args.file) if args.file == "-" else Path(args.file)
    if not isinstance(source, bytes) and not source.is_file():
        raise UsageError(f"no such file: {args.file}")
    options = {"cbv_version": args.cbv, "gs1_voc": args.gs1_voc}
    as_json = getattr(args, "json", False)
    try:
        with iter_events(source) as reader:
            for index, event in enumerate(reader):
                if args.prehash:
                    text = hashing.prehash(event, **options)
                else:
                    text = hashing.hash_id(event, algorithm=args.algorithm, **options)
                if as_json:
                    text = _hash_record(args, index, event, text)
                write(sys.stdout, text)
    except EpcisError as exc:
        return _report(args.file, exc)
    return 0


def _hash_record(args: argparse.Namespace, index: int, event: Any, text: str) -> str:
    declared = event.event_id
    record = {
        "file": args.file,
        "index": index,
        "event_id": None if declared is None else str(declared),
        "prehash" if args.prehash else "hash_id": text,
    }
    return json.dumps(record, ensure_ascii=False)


def _client(args: argparse.Namespace) -> Any:
    from ..epcis.client import BasicAuth, BearerAuth, EpcisClient

    auth: Any = None
    if args.user:
        password = os.environ.get("TRACELIB_EPCIS_PASSWORD")
        if password is None:
            raise UsageError("--user needs the password in $TRACELIB_EPCIS_PASSWORD")
        auth = BasicAuth(args.user, password)
    elif os.environ.get("TRACELIB_EPCIS_TOKEN"):
        auth = BearerAuth(os.environ["TRACELIB_EPCIS_TOKEN"])
    return EpcisClient(args.url, auth=auth, timeout=args.timeout)


def capture_command(args: argparse.Namespace) -> int:
    """Run ``tracelib epcis capture``.

    Args:
        args: The parsed arguments.

    Returns:
        0 when every capture job succeeded, else 1.
    """
    data = _read(args.file)
    client = _client(args)
    try:
        report = client.capture(data, error_behaviour=args.error_behaviour, raise_on_failure=False)
    except TracelibError as exc:
        return _report(args.url, exc)
    finally:
        client.close()
    if getattr(args, "json", False):
        record = {
            "file": args.file,
            "url": args.url,
            "captured": report.success,
            "events": report.event_count,
            "payloads": report.payloads,
            "capture_ids": list(report.capture_ids),
            "errors": [problem.to_json() for problem in report.errors],
        }
        write(sys.stdout, json.dumps(record, ensure_ascii=False))
        return 0 if report.success else 1
    for problem in report.errors:
        print(f"{args.file}: {problem}", file=sys.stderr)
    jobs = ", ".join(report.capture_ids) or "none"
    verdict = "captured" if report.success else "NOT captured"
    write(sys.stdout, f"{args.file}: {verdict}: {report.event_count} events, jobs {jobs}")
    return 0 if report.success else 1


def query_command(args: argparse.Namespace) -> int:
    """Run ``tracelib epcis query``.

    Args:
        args: The parsed arguments.

    Returns:
        0 when the query ran, 1 when the repository refused it.
    """
    from ..epcis.client import EventQuery

    pairs = []
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param {item!r}: expected NAME=VALUE")
        pairs.append((name, value))
    try:
        query = EventQuery.from_params(pairs)
    except (TracelibError, ValueError) as exc:
        raise UsageError(f"bad query: {exc}") from exc
    client = _client(args)
    count = 0
    try:
        for event in client.events(query):
            write(sys.stdout, json.dumps(event, ensure_ascii=False))
            count += 1
            if args.limit is not None and count >= args.limit:
                break
    except TracelibError as exc:
        return _report(args.url, exc)
    finally:
        client.close()
    return 0
