"""The ``tracelib`` command line (also ``python -m tracelib``).

Sub-commands live in one module each: :mod:`tracelib.cli.gs1` (``tracelib gs1 validate``)
and :mod:`tracelib.cli.demo` (``tracelib demo``). Mistakes in how the command is called
are reported in one line on standard error with exit status 2, never with a traceback.

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

from ._inputs import UsageError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``tracelib`` command, with every sub-command.

    Returns:
        A parser whose namespaces carry the sub-command's runner as ``func``.

    Examples:
        >>> build_parser().parse_args(["demo"]).command
        'demo'
    """
    from . import chain, demo, epcis, gs1, portal

    parser = argparse.ArgumentParser(
        prog="tracelib",
        description="Product traceability standards: GS1 keys and data, EPCIS 2.0 documents "
        "(and, coming, signing and the national portal).",
        epilog="Run 'tracelib COMMAND --help' for the options of a command.",
    )
    parser.add_argument("-V", "--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    gs1.add_parser(commands)
    epcis.add_parser(commands)
    chain.add_parser(commands)
    portal.add_parser(commands)
    demo.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tracelib`` command.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 success, 1 invalid input found, 2 usage error, 130 interrupted.

    Examples:
        >>> main(["--version"])  # doctest: +ELLIPSIS
        tracelib ...
        0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    if args.version:
        from .. import __version__

        print(f"tracelib {__version__}")
        return 0
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = func(args)
    except UsageError as exc:
        name = getattr(args, "command_name", "tracelib")
        print(f"{name}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `tracelib gs1 validate --file big.txt | head`
        _silence_stdout()
        return 1
    return status


def _silence_stdout() -> None:
    """Point standard output at the null device, so that exiting after a broken pipe is quiet."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout
        pass
