"""Reading the codes to validate: a text file (one code per line) or one column of a CSV/TSV.

This is the only place where tracelib opens a user's path. Files are decoded as UTF-8 (a
byte-order mark is dropped), CRLF and LF line ends are both accepted, and the CSV delimiter
is detected with :class:`csv.Sniffer` on a sample. Problems raise :class:`UsageError`, which
the command reports in one line with exit status 2.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

__all__ = ["UsageError", "is_tty", "read_codes", "split_table", "split_text"]

_SAMPLE = 64 * 1024
_DELIMITERS = ",;\t|"


class UsageError(Exception):
    """A mistake in how the command was called: reported without a traceback, exit status 2.

    Examples:
        >>> str(UsageError("no such file: x.csv"))
        'no such file: x.csv'
    """


def read_codes(
    name: str,
    *,
    column: str | None = None,
    header: bool | None = None,
    stdin: BinaryIO | None = None,
) -> list[str]:
    """Read the codes of ``name`` (``-`` is standard input).

    The file is a table when ``column`` is given or its name ends in ``.csv`` or ``.tsv``;
    otherwise it holds one code per line (blank lines are skipped).

    Args:
        name: A path, or ``-`` for standard input.
        column: The column to read: a header name, or a 1-based index.
        header: Whether the first row is a header (``None``: yes when ``column`` is a name;
            for an index, when that cell of the first row is mostly letters).
        stdin: The binary stream read for ``-`` (default: ``sys.stdin.buffer``).

    Returns:
        The codes, in file order.

    Raises:
        UsageError: the file cannot be read or decoded, or the column does not exist.

    Examples:
        >>> import io
        >>> read_codes("-", column="gtin", stdin=io.BytesIO(b"\\xef\\xbb\\xbfgtin,name\\r\\n96385074,X\\r\\n"))
        ['96385074']
    """  # noqa: E501 - doctest input on one line
    data = _read_bytes(name, stdin)
    label = "standard input" if name == "-" else name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{label} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry"
        ) from exc
    tabular = column is not None or name.lower().endswith((".csv", ".tsv"))
    if not tabular:
        return split_text(text)
    return split_table(text, column=column, header=header, label=label)


def _read_bytes(name: str, stdin: BinaryIO | None) -> bytes:
    if name == "-":
        stream = stdin if stdin is not None else _stdin_bytes()
        return stream.read()
    path = Path(name).expanduser()
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"no such file: {name}") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{name} is a directory, not a file") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from exc


def _stdin_bytes() -> BinaryIO:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer  # type: ignore[no-any-return]
    text = sys.stdin.read() if sys.stdin is not None else ""
    return io.BytesIO(text.encode("utf-8"))


def split_text(text: str) -> list[str]:
    """The non-blank lines of ``text`` (LF or CRLF ends; other control characters are data).

    Args:
        text: The decoded file.

    Returns:
        One code per non-blank line, without its line end.

    Examples:
        >>> split_text("96385074\\r\\n\\r\\n 8935049500568\\n")
        ['96385074', ' 8935049500568']
    """
    # str.splitlines() would also split at the GS separator (\\x1d) of raw element strings.
    lines = (line[:-1] if line.endswith("\r") else line for line in text.split("\n"))
    return [line for line in lines if line.strip()]


def _dialect(text: str, label: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        first = sample.split("\n", 1)[0]
        if "\t" in first or label.lower().endswith(".tsv"):
            return csv.excel_tab
        return csv.excel


def _looks_like_header(cell: str) -> bool:
    letters = sum(1 for ch in cell if ch.isalpha())
    digits = sum(1 for ch in cell if ch.isdigit())
    return letters > 0 and digits * 2 < len(cell.strip())


def split_table(
    text: str, *, column: str | None, header: bool | None = None, label: str = "the file"
) -> list[str]:
    """The cells of one column of a CSV/TSV text.

    Args:
        text: The decoded file.
        column: A header name (matched exactly, then ignoring case and surrounding spaces)
            or a 1-based index; ``None`` is allowed only for a one-column table.
        header: Whether the first row is a header (see :func:`read_codes`).
        label: The file name used in error messages.

    Returns:
        The cells, one per non-blank row; a short row gives an empty cell.

    Raises:
        UsageError: the column does not exist or is not given for a table of several columns.

    Examples:
        >>> split_table("sku;gtin\\nA1;96385074\\n", column="gtin")
        ['96385074']
        >>> split_table("96385074\\t1\\n8935049500568\\t2\\n", column="1")
        ['96385074', '8935049500568']
    """
    rows = list(csv.reader(io.StringIO(text, newline=""), _dialect(text, label)))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return []
    first = rows[0]
    index = _column_index(first, column, label)
    if column is not None and not column.strip().isdigit():
        has_header = True if header is None else header
    elif header is None:
        has_header = index < len(first) and _looks_like_header(first[index])
    else:
        has_header = header
    body = rows[1:] if has_header else rows
    return [row[index] if index < len(row) else "" for row in body]


def _column_index(first: Sequence[str], column: str | None, label: str) -> int:
    names = ", ".join(repr(c) for c in first) or "(none)"
    if column is None:
        if len(first) == 1:
            return 0
        raise UsageError(
            f"{label} has {len(first)} columns ({names}); choose one with --column NAME or N"
        )
    wanted = column.strip()
    if wanted.isdigit():
        n = int(wanted)
        if not 1 <= n <= len(first):
            raise UsageError(
                f"column {n} is out of range: {label} has {len(first)} column"
                f"{'' if len(first) == 1 else 's'} ({names})"
            )
        return n - 1
    if column in first:
        return list(first).index(column)
    folded = [c.strip().casefold() for c in first]
    if wanted.casefold() in folded:
        return folded.index(wanted.casefold())
    raise UsageError(f"column {column!r} not found in {label}; its columns are {names}")


def is_tty(stream: object) -> bool:
    """Whether ``stream`` is an interactive terminal (``False`` for anything odd).

    Args:
        stream: A stream.

    Returns:
        ``True`` only for a terminal.

    Examples:
        >>> import io
        >>> is_tty(io.StringIO())
        False
    """
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False
