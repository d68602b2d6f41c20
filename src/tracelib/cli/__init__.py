"""The ``tracelib`` command line (also ``python -m tracelib``).

Sub-commands live in one module each: :mod:`tracelib.cli.gs1` (``tracelib gs1 validate``,
``convert``, ``label``), :mod:`tracelib.cli.epcis` (``tracelib epcis ...``),
:mod:`tracelib.cli.chain` (``tracelib chain ...``), :mod:`tracelib.cli.portal`
(``tracelib portal ...``) and :mod:`tracelib.cli.demo` (``tracelib demo``).

One exit-status scheme holds for every command: 0 success, 1 the input was read and is not
(all) valid or the work was refused or not completed, 2 usage error, 130 interrupted. Every
error is one line on standard error, ``tracelib COMMAND: error: ...``, never a traceback.

Examples:
    >>> main(["gs1", "validate", "96385074"])
    ✓ gtin  96385074  96385074
    0
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from ..errors import MissingDependencyError, TracelibError
from ._inputs import UsageError
from ._output import error_text, printable

__all__ = ["EXIT_INTERRUPTED", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

#: Success: every input valid, converted, written, confirmed; a ``VALID`` verdict.
EXIT_OK = 0
#: The input was read and is not (all) valid, or the work was refused or not completed.
EXIT_INVALID = 1
#: A usage error: options, arguments, files that cannot be read or written, missing extras.
EXIT_USAGE = 2
#: Interrupted (Ctrl-C).
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, with status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


_EXAMPLES = (
    "examples:\n"
    "  tracelib gs1 validate 8935049500568 '(01)08935049500568(10)L1'\n"
    "  tracelib epcis validate --json harvest.jsonld\n"
    "  tracelib chain verify lot.json --trust trust.json\n"
    "  tracelib portal check product.json --profile vn.tt02_2024\n"
    "  tracelib demo\n\n"
    "exit status: 0 success, 1 invalid input found (or refused, or not all confirmed),\n"
    "2 usage error, 130 interrupted.\n"
    "Run 'tracelib COMMAND --help' for the options and examples of a command."
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``tracelib`` command, with every sub-command.

    Returns:
        A parser whose namespaces carry the sub-command's runner as ``func``.

    Examples:
        >>> build_parser().parse_args(["demo"]).command
        'demo'
    """
    from . import chain, demo, epcis, gs1, portal

    parser = _Parser(
        prog="tracelib",
        description="Product traceability standards: GS1 keys and data, EPCIS 2.0 documents, "
        "signed trace-record chains and Vietnam's national traceability portal.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    gs1.add_parser(commands)
    epcis.add_parser(commands)
    chain.add_parser(commands)
    portal.add_parser(commands)
    demo.add_parser(commands)
    demo_parser = commands.choices["demo"]
    if not demo_parser.epilog:  # the demo's own module may give one
        demo_parser.epilog = "examples: 'tracelib demo', 'tracelib demo --out /tmp/demo-output'"
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tracelib`` command.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 success, 1 invalid input found (or refused, or not all
        confirmed), 2 usage error, 130 interrupted.

    Examples:
        >>> main(["--version"])  # doctest: +ELLIPSIS
        tracelib ...
        0
    """
    parser = build_parser()
    try:
        args, extras = parser.parse_known_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    name = getattr(args, "command_name", "tracelib")
    if extras:  # reported by the sub-command they were given to, not by `tracelib`
        words = printable(" ".join(extras))
        _error(name, f"unrecognized arguments: {words} (see '{name} --help')")
        return EXIT_USAGE
    if args.version:
        from .. import __version__

        print(f"tracelib {__version__}")
        return EXIT_OK
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        status: int = func(args)
    except UsageError as exc:
        _error(name, str(exc))
        return EXIT_USAGE
    except MissingDependencyError as exc:
        _error(name, str(exc))
        return EXIT_USAGE
    except TracelibError as exc:  # a command that did not say which file: still one line
        _error(name, error_text(exc))
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `tracelib gs1 validate --file big.txt | head`
        _silence_stdout()
        return EXIT_INVALID
    except OSError as exc:  # a path the command could not read, write or create
        where = f"{exc.filename}: " if exc.filename else ""
        _error(name, f"{where}{exc.strerror or exc}")
        return EXIT_USAGE
    return status


def _error(name: str, message: str) -> None:
    """Print ``NAME: error: MESSAGE`` as one line on standard error."""
    print(printable(f"{name}: error: {message}"), file=sys.stderr)


def _silence_stdout() -> None:
    """Point standard output at the null device, so that exiting after a broken pipe is quiet."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout
        pass
