"""``tracelib portal``: the national-portal client on the command line.

Sub-commands:

- ``emulator``: serve the local portal emulator (EPCIS 2.0 under ``/epcis``, the observed
  nbc-v5 surface, SQLite storage, fault injection) until interrupted;
- ``submit``: send every event of an EPCIS file through the durable outbox to a target
  (``epcis``, ``emulator``, ``nbc-v5`` or ``export``); run it again after a crash and it
  resumes, sending nothing twice;
- ``check``: check a file (an EPCIS document or a portal dataset, English or Vietnamese
  keys) against a compliance profile, with the findings in Vietnamese and English;
- ``report``: the coverage report of every file in a directory, for provincial reviewers;
- ``status``: the rows of an outbox by state.

Every sub-command that reports something takes ``--json`` (one JSON object on standard
output); errors are one line on standard error.

Exit status: 0 success (every row confirmed; no compliance error), 1 compliance errors,
rows not confirmed, or an input file that is not a valid document or dataset, 2 usage error
(bad option, unknown profile, unreadable file or outbox, a record whose kind needs
``--kind``), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError, TracelibError
from ._inputs import UsageError, is_tty
from ._output import Progress, error_text

__all__ = ["add_parser"]

_TRANSPORTS = ("epcis", "emulator", "nbc-v5", "export")
_ENQUEUE_CHUNK = 2000
_EPCIS_SUFFIXES = (".xml", ".jsonld")
#: Errors of ``check`` and ``report`` that are fixed on the command line (exit status 2).
_USAGE_CODES = frozenset({"PORTAL_UNKNOWN_PROFILE", "PORTAL_UNKNOWN_PAYLOAD"})


class _InvalidInputError(Exception):
    """An input file that was read but is not a valid document or dataset: exit status 1."""


def _guarded(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except _InvalidInputError as exc:
            print(f"{args.command_name}: error: {exc}", file=sys.stderr)
            return 1

    return run


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not in 0-65535")
    return port


def add_parser(commands: Any) -> None:
    """Register ``portal`` and its sub-commands.

    Args:
        commands: The object returned by ``ArgumentParser.add_subparsers()``.

    Examples:
        >>> parser = argparse.ArgumentParser(prog="tracelib")
        >>> add_parser(parser.add_subparsers())
        >>> args = parser.parse_args(["portal", "submit", "ev.jsonld", "--url", "http://h/epcis",
        ...                           "--outbox", "o.sqlite"])
        >>> args.transport, args.profile
        ('epcis', None)
    """
    portal = commands.add_parser(
        "portal",
        help="national traceability portal: emulator, submit, check, report, status",
        description=(
            "A client for Vietnam's national traceability portal: compliance checks before\n"
            "upload, a durable outbox, transports, and a local emulator.\n\n"
            "exit status: 0 success, 1 compliance errors or rows not confirmed,\n"
            "2 usage error, 130 interrupted"
        ),
        epilog=(
            "examples:\n"
            "  tracelib portal emulator --port 8080 --db emulator.sqlite\n"
            "  tracelib portal submit harvest.jsonld --url http://127.0.0.1:8080/epcis "
            "--outbox outbox.sqlite\n"
            "  tracelib portal check product.json --profile vn.tt02_2024\n"
            "  tracelib portal status --outbox outbox.sqlite --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    portal.set_defaults(func=lambda _args: _help(portal), command_name="tracelib portal")
    sub = portal.add_subparsers(dest="portal_command", metavar="COMMAND")
    _add_emulator(sub)
    _add_submit(sub)
    _add_check(sub)
    _add_report(sub)
    _add_status(sub)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _add_emulator(sub: Any) -> None:
    p = sub.add_parser(
        "emulator",
        help="serve the local portal emulator (loopback HTTP, SQLite)",
        description=(
            "Serve the portal emulator: EPCIS 2.0 capture/query under /epcis (capture jobs,\n"
            "GET /epcis/events with Link rel=next paging), the observed nbc-v5 surface, and\n"
            "admin endpoints under /_admin/. Stops on Ctrl-C.\n\n"
            "exit status: 0 stopped, 2 usage error (bad option, port in use), 130 interrupted"
        ),
        epilog=(
            "examples:\n"
            "  tracelib portal emulator --port 8080 --db emulator.sqlite\n"
            "  tracelib portal emulator --port 0 --fail-rate 0.1 --latency-ms 20 --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8080, help="port (0 picks a free one)")
    p.add_argument("--db", default=":memory:", metavar="FILE", help="SQLite file (default: none)")
    p.add_argument("--fail-rate", type=float, default=0.0, metavar="F", help="random faults, 0-1")
    p.add_argument("--latency-ms", type=float, default=0.0, metavar="L", help="added latency")
    p.add_argument("--seed", type=int, default=0, help="seed of the random faults")
    p.add_argument("--profile", metavar="FILE", help="an nbc-v5 profile file (TOML)")
    p.add_argument(
        "--json", action="store_true", help="print the address as one JSON line when ready"
    )
    p.set_defaults(func=_emulator, command_name="tracelib portal emulator")


def _emulator(args: argparse.Namespace) -> int:
    from ..portal.emulator import serve_forever

    if not 0.0 <= args.fail_rate <= 1.0:
        raise UsageError("--fail-rate must be between 0 and 1")

    def ready(server: Any) -> None:
        if getattr(args, "json", False):
            record = {"url": server.url, "epcis_url": f"{server.url}/epcis"}
            print(json.dumps(record, sort_keys=True), flush=True)
            return
        print(f"portal emulator on {server.url} (EPCIS: {server.url}/epcis)", flush=True)

    try:
        serve_forever(
            args.host,
            args.port,
            args.db,
            fail_rate=args.fail_rate,
            latency_ms=args.latency_ms,
            seed=args.seed,
            profile=args.profile,
            ready=ready,
        )
    except TracelibError as exc:
        raise UsageError(f"{exc.code}: {exc.message}") from exc
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror}") from exc
    return 0


def _add_submit(sub: Any) -> None:
    p = sub.add_parser(
        "submit",
        help="send every event of an EPCIS file through the durable outbox",
        description=(
            "Record every event of FILE (EPCIS 2.0 XML or JSON-LD, streamed) in the outbox,\n"
            "then send them to the target; rows are committed before each request, so a\n"
            "crash loses nothing and running the same command again resumes without sending\n"
            "anything twice (rows left in flight are looked up first).\n\n"
            "exit status: 0 every row confirmed, 1 rows failed or still pending,\n"
            "compliance errors (nothing is recorded then) or FILE is not a valid EPCIS\n"
            "document, 2 usage error"
        ),
        epilog=(
            "examples:\n"
            "  tracelib portal submit harvest.jsonld --url http://127.0.0.1:8080/epcis "
            "--outbox outbox.sqlite\n"
            "  tracelib portal submit harvest.jsonld --transport export -o out/ "
            "--outbox outbox.sqlite --json\n"
            "  tracelib portal submit harvest.xml --url https://epcis.example.vn/epcis "
            "--outbox outbox.sqlite --profile vn.tt02_2024 --no-progress"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="an EPCIS 2.0 document")
    p.add_argument("--transport", choices=_TRANSPORTS, default="epcis", help="the target kind")
    p.add_argument("--url", help="target URL (EPCIS root, emulator root or nbc-v5 gateway)")
    p.add_argument("-o", "--out", metavar="DIR", help="output directory of the export transport")
    p.add_argument("--outbox", required=True, metavar="FILE", help="the outbox SQLite file")
    p.add_argument("--profile", metavar="P", help="check events against a compliance profile")
    p.add_argument("--nbc-profile", metavar="FILE", help="nbc-v5 profile file (TOML)")
    p.add_argument("--batch", type=int, default=500, metavar="N", help="events per request")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress bars on stderr (default: on a terminal)",
    )
    p.set_defaults(func=_guarded(_submit), command_name="tracelib portal submit")


def _transport(args: argparse.Namespace) -> Any:
    kind = args.transport
    if kind == "export":
        if not args.out:
            raise UsageError("--transport export needs --out DIR")
        from ..portal.transports.export import ExportTransport

        return ExportTransport(Path(args.out))
    if not args.url:
        raise UsageError(f"--transport {kind} needs --url URL")
    if kind == "epcis":
        from ..portal.transports.epcis import EpcisTransport

        return EpcisTransport(args.url, max_batch=args.batch)
    if kind == "emulator":
        from ..portal.transports.emulator import EmulatorTransport

        return EmulatorTransport(args.url, max_batch=args.batch)
    from ..portal.transports.nbc_v5 import NbcV5Transport

    print(
        "WARNING: nbc-v5 is EXPERIMENTAL: an observed, unofficial interface of the national "
        "portal; every path and field name comes from the profile file",
        file=sys.stderr,
    )
    return NbcV5Transport(args.nbc_profile, experimental=True, base_url=args.url, warn=False)


def _events(path: Path) -> Iterator[Any]:
    from ..epcis.stream import iter_events

    with iter_events(path) as reader:
        yield from reader


def _count(path: Path) -> int:
    return sum(1 for _ in _events(path))


def _precheck(path: Path, profile: str) -> Any:
    """Check every event before anything is recorded; the report with errors, or None."""
    from ..portal.compliance import check

    report = check(path.read_bytes(), profile)
    return report if report.errors else None


def _submit(args: argparse.Namespace) -> int:
    import warnings

    from ..errors import TracelibWarning

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file}")
    if args.batch < 1:
        raise UsageError("--batch must be at least 1")
    try:
        if args.profile:
            refused = _precheck(path, args.profile)
            if refused is not None:
                _print_report(refused, as_json=args.json)
                print(
                    f"{len(refused.errors)} compliance errors under {args.profile}: "
                    "nothing was recorded",
                    file=sys.stderr,
                )
                return 1
        total = _count(path)
        transport = _transport(args)
        show = is_tty(sys.stderr) if args.progress is None else args.progress
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TracelibWarning)  # e.g. the nbc-v5 warning
            return _run_submit(args, path, total, transport, show)
    except InputError as exc:
        if exc.code in _USAGE_CODES or exc.code.startswith("PORTAL_OUTBOX_"):
            raise UsageError(error_text(exc)) from exc
        raise _InvalidInputError(error_text(exc, args.file)) from exc
    except TracelibError as exc:
        raise UsageError(error_text(exc)) from exc


def _run_submit(
    args: argparse.Namespace, path: Path, total: int, transport: Any, show: bool
) -> int:
    from ..portal.client import PortalClient

    reading = Progress(total, stream=sys.stderr, enabled=show, label="recording")
    sending = Progress(total, stream=sys.stderr, enabled=show, label="sending  ")
    confirmed = [0]

    def on_confirmed(_row: Any) -> None:
        confirmed[0] += 1
        sending.update(confirmed[0])

    with PortalClient(
        transport,
        outbox=args.outbox,
        profile=None,
        auto_sync=False,
        on_confirmed=on_confirmed,
    ) as client:
        added = 0
        chunk: list[Any] = []
        done = 0
        for event in _events(path):
            chunk.append(event)
            if len(chunk) >= _ENQUEUE_CHUNK:
                added += client.submit_events(chunk).added
                done += len(chunk)
                reading.update(done)
                chunk = []
        if chunk:
            added += client.submit_events(chunk).added
        reading.close()
        before = client.outbox.stats(transport.name)["CONFIRMED"]
        confirmed[0] = before
        report = client.sync()
        sending.close()
        stats = client.outbox.stats(transport.name)
    result = {
        "file": str(path),
        "target": transport.name,
        "events": total,
        "recorded": added,
        "already_recorded": total - added,
        "confirmed_now": report.confirmed,
        "reconciled": report.reconciled,
        "duplicates": report.duplicates,
        "retried": report.retried,
        "failed": report.failed,
        "states": dict(stats),
        "complete": report.complete,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, sort_keys=True))
    else:
        states = ", ".join(f"{k} {v}" for k, v in stats.items() if v)
        print(
            f"{path.name} → {transport.name}: {total} events, {added} newly recorded; "
            f"{report.confirmed} confirmed now ({report.reconciled} found already there, "
            f"{report.retried} retried); outbox: {states}"
        )
    return 0 if report.complete else 1


def _add_check(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="check a file against a compliance profile (vi/en report)",
        description=(
            "Check FILE (an EPCIS document, or a portal dataset/record in JSON with English or\n"
            "Vietnamese keys) against a compliance profile: vn.tt02_2024, vn.nd37_2026,\n"
            "vn.mps_draft_2026, fsma204, epcis2, nbc-v5. Nothing is sent.\n\n"
            "exit status: 0 no errors, 1 errors found (or FILE is not JSON, XML or a\n"
            "valid record), 2 usage error (unknown profile; --kind needed)"
        ),
        epilog=(
            "examples:\n"
            "  tracelib portal check product.json --profile vn.tt02_2024\n"
            "  tracelib portal check harvest.jsonld --profile vn.nd37_2026 --lang en\n"
            "  tracelib portal check record.json --profile vn.tt02_2024 --kind lot --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--profile", required=True, metavar="P", help="the compliance profile")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--lang", choices=("vi", "en", "both"), default="both")
    p.add_argument(
        "--kind",
        choices=("organization", "location", "product", "lot", "event", "certificate", "media"),
        help="what a single record is, when its keys do not tell",
    )
    p.set_defaults(func=_guarded(_check), command_name="tracelib portal check")


def _read(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"no such file: {name}") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from exc


def _one_line(text: str) -> str:
    """A JSON document on one line (shell-friendly: one report, one line)."""
    return json.dumps(json.loads(text), ensure_ascii=False)


def _print_report(report: Any, *, as_json: bool, lang: str = "both") -> None:
    if as_json:
        print(_one_line(report.to_json()))
        return
    if lang in ("vi", "both"):
        print(report.to_text("vi"))
    if lang == "both":
        print()
    if lang in ("en", "both"):
        print(report.to_text("en"))


def _check(args: argparse.Namespace) -> int:
    from ..portal.compliance import check

    data = _read(args.file)
    try:
        report = check(data, args.profile, kind=args.kind)
    except InputError as exc:
        message = error_text(exc, args.file)
        if exc.code == "PORTAL_UNKNOWN_PAYLOAD" and args.kind is None:
            message += "; say what it is with --kind"
        if exc.code in _USAGE_CODES:
            raise UsageError(message) from exc
        raise _InvalidInputError(message) from exc
    _print_report(report, as_json=args.json, lang=args.lang)
    return 0 if report.ok else 1


def _add_report(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="coverage report of a directory of datasets, for provincial reviewers",
        description=(
            "Read every .json, .jsonld and .xml file of DIR (portal datasets or EPCIS\n"
            "documents), and report the share of products and lots meeting the profile's\n"
            "minimum data, by category, OCOP and geographical indication, with the failing\n"
            "items.\n\n"
            "exit status: 0 everything meets the minimum, 1 some items fail (or a file\n"
            "is not a valid dataset or document), 2 usage error"
        ),
        epilog=(
            "examples:\n"
            "  tracelib portal report reviews/ --profile vn.nd37_2026\n"
            "  tracelib portal report reviews/ --profile vn.tt02_2024 --json\n"
            "  tracelib portal report reviews/ --profile vn.tt02_2024 --csv items > items.csv"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("directory", metavar="DIR")
    p.add_argument("--profile", required=True, metavar="P")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="the report as JSON")
    out.add_argument("--csv", choices=("groups", "items"), help="one CSV table")
    p.set_defaults(func=_guarded(_report), command_name="tracelib portal report")


def _dataset_of(path: Path) -> Any:
    from ..epcis import parse
    from ..epcis.models import EPCISDocument
    from ..portal.models import Dataset

    data = path.read_bytes()
    looks_epcis = path.suffix in _EPCIS_SUFFIXES or data.lstrip()[:1] == b"<"
    if not looks_epcis:
        text = json.loads(data)
        looks_epcis = isinstance(text, dict) and ("epcisBody" in text or "@context" in text)
    if not looks_epcis:
        return Dataset.parse(data)
    doc = parse(data)
    if not isinstance(doc, EPCISDocument):
        raise InputError(
            f"{type(doc).__name__} is not an EPCISDocument", code="PORTAL_NOT_A_DATASET", path="$"
        )
    return Dataset.from_epcis(doc)


def _datasets(files: list[Path]) -> list[Any]:
    import warnings

    from ..errors import TracelibWarning

    datasets = []
    path = files[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TracelibWarning)
            for path in files:
                datasets.append(_dataset_of(path))
    except InputError as exc:
        raise _InvalidInputError(error_text(exc, str(path))) from exc
    except ValueError as exc:  # json.loads of a file that is not JSON
        text = str(exc).replace("\n", " ")
        raise _InvalidInputError(f"{path}: PORTAL_BAD_FILE: {text}") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return datasets


def _merge(datasets: list[Any]) -> Any:
    from ..portal.models import Dataset

    fields = Dataset.model_fields
    merged = {name: tuple(x for d in datasets for x in getattr(d, name)) for name in fields}
    return Dataset(**merged)


def _report(args: argparse.Namespace) -> int:
    from ..portal.coverage import coverage

    root = Path(args.directory)
    if not root.is_dir():
        raise UsageError(f"not a directory: {args.directory}")
    files = sorted(p for p in root.iterdir() if p.suffix in (".json", *_EPCIS_SUFFIXES))
    if not files:
        raise UsageError(f"{args.directory}: no .json, .jsonld or .xml files")
    datasets = _datasets(files)
    try:
        report = coverage(_merge(datasets), args.profile)
    except InputError as exc:
        if exc.code in _USAGE_CODES:
            raise UsageError(error_text(exc)) from exc
        raise _InvalidInputError(error_text(exc, args.directory)) from exc
    if args.json:
        print(_one_line(report.to_json()))
    elif args.csv:
        sys.stdout.write(report.to_csv(args.csv))
    else:
        print(f"{len(files)} files, profile {args.profile}")
        print(
            f"products meeting the minimum: {report.products_ok}/{report.products_total}; "
            f"lots: {report.lots_ok}/{report.lots_total}"
        )
        for item in report.failing:
            print(f"  ✗ {_describe(item)}")
    return 0 if not report.failing else 1


def _describe(item: Any) -> str:
    data = item.to_dict() if hasattr(item, "to_dict") else {}
    kind = data.get("kind", "")
    key = data.get("key") or data.get("id") or ""
    rules = ", ".join(str(r) for r in data.get("rules", ())) or str(data.get("failing", ""))
    return f"{kind} {key}: {rules}".strip()


def _add_status(sub: Any) -> None:
    p = sub.add_parser(
        "status",
        help="the rows of an outbox by state",
        description="Count the rows of an outbox file by target and state.\n\n"
        "exit status: 0 counted, 2 usage error (no such outbox, not an outbox)",
        epilog=(
            "examples:\n"
            "  tracelib portal status --outbox outbox.sqlite\n"
            "  tracelib portal status --outbox outbox.sqlite --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--outbox", required=True, metavar="FILE", help="the outbox SQLite file")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=_status, command_name="tracelib portal status")


def _status(args: argparse.Namespace) -> int:
    from ..portal.outbox import Outbox

    if not Path(args.outbox).is_file():
        raise UsageError(f"no such outbox: {args.outbox}")
    try:
        with Outbox(args.outbox) as box:
            stats = box.stats()
    except TracelibError as exc:
        raise UsageError(error_text(exc, args.outbox)) from exc
    if args.json:
        print(json.dumps(dict(stats), sort_keys=True))
    else:
        print(", ".join(f"{state} {count}" for state, count in stats.items()))
    return 0
