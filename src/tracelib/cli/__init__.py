"""The ``tracelib`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tracelib`` command.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The process exit status.

    Examples:
        >>> main(["--version"])  # doctest: +ELLIPSIS
        tracelib ...
        0
    """
    from .. import __version__

    parser = argparse.ArgumentParser(prog="tracelib", description=__doc__)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", help="run the end-to-end demo")
    args = parser.parse_args(argv)
    if args.version:
        print(f"tracelib {__version__}")
        return 0
    if args.command == "demo":
        print("tracelib demo")
        return 0
    parser.print_help(sys.stderr)
    return 2
