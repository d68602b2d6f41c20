"""Output plumbing of the ``tracelib`` command: outcomes, JSON lines, table rows, carets, progress.

Everything here writes to the text streams it is given and survives streams that cannot
encode every character (a Windows console, ``LANG=C``): such characters are written as
backslash escapes rather than raising ``UnicodeEncodeError``.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from ..errors import Gs1Error, TracelibError

__all__ = [
    "CARET_LIMIT",
    "Outcome",
    "Progress",
    "caret",
    "error_text",
    "hint",
    "json_line",
    "marks",
    "outcome_from_error",
    "printable",
    "summary",
    "table_lines",
    "write",
]

#: Inputs up to this many characters get a caret line under the offending character.
CARET_LIMIT = 48

# Errors about the input as a whole: a caret would only underline all of it.
_NO_CARET = frozenset({"GS1_UNRECOGNISED", "GS1_EMPTY_VALUE", "GS1_INVALID_TYPE"})

# Letters people type (or OCR reads) in place of a digit.
_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "Z": "2"}
_LOOKALIKES.update({"S": "5", "B": "8"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict on one input, in the shape of a ``--json`` line.

    Attributes:
        input: The input as read.
        valid: Whether it is a valid key.
        kind: The key kind, or for an invalid input the kind whose error is reported.
        code: The error code, or ``None``.
        position: 0-based position of the error in ``input``, or ``None``.
        canonical: The canonical form of a valid key, or ``None``.
        message: The error message, or ``None``.
        suggestion: A correction to consider, or ``None``.
        length: How many characters the error concerns (not part of the JSON line).

    Examples:
        >>> o = Outcome("8935049500568", True, "gtin", None, None, "8935049500568")
        >>> o.valid, o.kind
        (True, 'gtin')
    """

    input: str
    valid: bool
    kind: str | None
    code: str | None
    position: int | None
    canonical: str | None
    message: str | None = None
    suggestion: str | None = None
    length: int | None = None


def outcome_from_error(text: str, kind: str | None, err: Gs1Error) -> Outcome:
    """Build the :class:`Outcome` of an input that failed with ``err``.

    Args:
        text: The input.
        kind: The format whose error this is (``None`` when no format fits).
        err: The error.

    Returns:
        An invalid outcome with the error's code, position, message and a suggestion.

    Examples:
        >>> from tracelib.errors import Gs1Error
        >>> err = Gs1Error("'O' is not a digit", code="GS1_LINTER_NON_DIGIT_CHARACTER",
        ...                position=3, length=1)
        >>> outcome_from_error("893O", "gtin", err).suggestion
        '0'
    """
    return Outcome(
        input=text,
        valid=False,
        kind=kind,
        code=err.code,
        position=err.position,
        canonical=None,
        message=err.message,
        suggestion=hint(text, err),
        length=err.length,
    )


def hint(text: str, err: Gs1Error) -> str | None:
    """A correction to consider for ``err`` in ``text``; never applied automatically.

    The library's own suggestion (the right check digit) comes first. For a character that
    is not a digit: a letter that looks like a digit gives that digit, and digits of another
    script (Arabic-Indic, full-width, ...) give the whole input in ASCII digits.

    Args:
        text: The input.
        err: Its error.

    Returns:
        The suggestion, or ``None``.

    Examples:
        >>> from tracelib.errors import Gs1Error
        >>> err = Gs1Error("not a digit", code="GS1_LINTER_NON_DIGIT_CHARACTER", position=0)
        >>> hint("٨٩٣", err)
        '893'
    """
    if err.suggestion is not None:
        return err.suggestion
    if err.code != "GS1_LINTER_NON_DIGIT_CHARACTER" or err.position is None:
        return None
    if not 0 <= err.position < len(text):
        return None
    ch = text[err.position]
    if ch.isdecimal():
        converted = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
        return converted.strip()
    return _LOOKALIKES.get(ch)


def error_text(exc: TracelibError, source: str | None = None) -> str:
    """One line telling what is wrong and where: ``SOURCE: CODE at WHERE: message``.

    Args:
        exc: The error; its ``location`` (position, JSON path or XML line) is shown when set.
        source: The file (or URL) the error is about, or ``None``.

    Returns:
        The text on a single line (control characters, newlines too, are escaped).

    Examples:
        >>> from tracelib.errors import EpcisError
        >>> err = EpcisError("bad action", code="EPCIS_INVALID_VALUE", path="$.action")
        >>> error_text(err, "harvest.jsonld")
        'harvest.jsonld: EPCIS_INVALID_VALUE at $.action: bad action'
    """
    where = getattr(exc, "location", "")
    where = f" at {where}" if isinstance(where, str) and where else ""
    lead = "" if source is None else f"{source}: "
    return printable(f"{lead}{exc.code}{where}: {exc.message}")


def _width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def printable(text: str) -> str:
    """``text`` with control and other invisible characters written as escapes.

    Args:
        text: Any text.

    Returns:
        Text safe to show on one terminal line.

    Examples:
        >>> printable("0101\\x1d10AB")
        '0101\\\\x1d10AB'
    """
    if text.isprintable():
        return text
    return "".join(_printable_char(ch) for ch in text)


def _printable_char(ch: str) -> str:
    if ch.isprintable() or ch == " ":
        return ch
    return ch.encode("unicode_escape").decode("ascii")


def caret(text: str, position: int, length: int | None = 1) -> str:
    """A line with ``^`` under the characters ``position`` .. ``position + length`` of ``text``.

    Columns follow :func:`printable` and wide characters, so the caret lands under the
    character when the line is printed below ``printable(text)``.

    Args:
        text: The input as given.
        position: 0-based position of the first offending character.
        length: How many characters are concerned (at least one caret is drawn).

    Returns:
        Spaces followed by carets (no trailing newline).

    Examples:
        >>> caret("8935049500569", 12)
        '            ^'
    """
    position = max(0, min(position, len(text)))
    column = sum(_cell(ch) for ch in text[:position])
    span = text[position : position + max(1, length or 1)]
    marks = max(1, sum(_cell(ch) for ch in span))
    return " " * column + "^" * marks


def _cell(ch: str) -> int:
    shown = _printable_char(ch)
    return len(shown) if shown != ch else _width(ch)


def marks(stream: TextIO) -> tuple[str, str]:
    """The valid/invalid marks that ``stream`` can print: ``✓``/``✗`` or ``ok``/``XX``.

    Args:
        stream: The output stream.

    Returns:
        ``(valid_mark, invalid_mark)``.

    Examples:
        >>> import io
        >>> marks(io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
        ('ok', 'XX')
    """
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        "✓✗".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ("ok", "XX")
    return ("✓", "✗")


def write(stream: TextIO, line: str) -> None:
    """Write ``line`` and a newline, escaping what the stream's encoding cannot hold.

    Args:
        stream: A text stream.
        line: The text, without newline.

    Examples:
        >>> import io, sys
        >>> write(sys.stdout, "Nông nghiệp")
        Nông nghiệp
    """
    try:
        stream.write(line + "\n")
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        safe = line.encode(encoding, "backslashreplace").decode(encoding)
        stream.write(safe + "\n")


def json_line(outcome: Outcome) -> str:
    """The ``--json`` line of an outcome: exactly its public fields, ASCII-only JSON.

    Args:
        outcome: A verdict.

    Returns:
        One line of JSON with ``input, valid, kind, code, position, canonical, message,
        suggestion``.

    Examples:
        >>> print(json_line(Outcome("96385074", True, "gtin", None, None, "96385074")))
        {"input": "96385074", "valid": true, "kind": "gtin", "code": null, "position": null, "canonical": "96385074", "message": null, "suggestion": null}
    """  # noqa: E501 - one JSON line
    return json.dumps(
        {
            "input": outcome.input,
            "valid": outcome.valid,
            "kind": outcome.kind,
            "code": outcome.code,
            "position": outcome.position,
            "canonical": outcome.canonical,
            "message": outcome.message,
            "suggestion": outcome.suggestion,
        }
    )


def table_lines(
    outcome: Outcome, *, width: int, valid_mark: str = "✓", invalid_mark: str = "✗"
) -> list[str]:
    """The human-readable lines of one outcome: a table row, then a caret line for errors.

    Args:
        outcome: A verdict.
        width: Width of the input column.
        valid_mark: Mark of a valid input.
        invalid_mark: Mark of an invalid input.

    Returns:
        One line for a valid input; for an invalid one, a second line with a caret under the
        offending character (short inputs only) and the suggestion, when there is either.

    Examples:
        >>> from tracelib.errors import Gs1Error
        >>> err = Gs1Error("check digit 9 is wrong, expected 8",
        ...                code="GS1_LINTER_INCORRECT_CHECK_DIGIT", position=12, suggestion="8")
        >>> for line in table_lines(outcome_from_error("8935049500569", "gtin", err), width=13):
        ...     print(line)
        ✗ gtin  8935049500569  GS1_LINTER_INCORRECT_CHECK_DIGIT at 12: check digit 9 is wrong, expected 8
                            ^  suggestion: check digit 8
    """  # noqa: E501 - the example shows one wide table row
    shown = printable(outcome.input)
    pad = " " * max(0, width - sum(_width(ch) for ch in shown))
    kind = (outcome.kind or "?").ljust(5)
    if outcome.valid:
        return [f"{valid_mark} {kind} {shown}{pad}  {outcome.canonical}"]
    where = "" if outcome.position is None else f" at {outcome.position}"
    row = f"{invalid_mark} {kind} {shown}{pad}  {outcome.code}{where}: {outcome.message}"
    lead = " " * (len(invalid_mark) + 1 + len(kind) + 1)
    under = ""
    if (
        outcome.position is not None
        and outcome.input
        and len(outcome.input) <= CARET_LIMIT
        and outcome.code not in _NO_CARET
    ):
        under = caret(outcome.input, outcome.position, outcome.length)
    note = _suggestion_text(outcome)
    if not under and not note:
        return [row]
    if not note:
        return [row, (lead + under).rstrip()]
    under_pad = " " * max(0, width - len(under))
    return [row, f"{lead}{under}{under_pad}  {note}"]


def _suggestion_text(outcome: Outcome) -> str:
    if outcome.suggestion is None:
        return ""
    if outcome.code == "GS1_LINTER_INCORRECT_CHECK_DIGIT":
        return f"suggestion: check digit {outcome.suggestion}"
    return f"suggestion: {printable(outcome.suggestion)}"


def summary(outcomes: Sequence[Outcome]) -> str:
    """One line counting valid and invalid outcomes.

    Args:
        outcomes: The verdicts.

    Returns:
        For example ``"3 codes: 2 valid, 1 invalid"``.

    Examples:
        >>> summary([Outcome("96385074", True, "gtin", None, None, "96385074")])
        '1 code: 1 valid, 0 invalid'
    """
    bad = sum(1 for o in outcomes if not o.valid)
    n = len(outcomes)
    return f"{n} code{'' if n == 1 else 's'}: {n - bad} valid, {bad} invalid"


class Progress:
    """A progress bar on a text stream (normally stderr), redrawn at each whole percent.

    Args:
        total: The number of items.
        stream: Where to draw.
        enabled: When ``False`` nothing is written.
        label: Text before the bar.

    Examples:
        >>> import io
        >>> buf = io.StringIO()
        >>> bar = Progress(4, stream=buf, enabled=True, label="validating")
        >>> bar.update(2); bar.close()
        >>> buf.getvalue().splitlines()[-1].endswith("100% 4/4")
        True
    """

    __slots__ = ("_drawn", "_label", "_stream", "enabled", "total")

    def __init__(self, total: int, *, stream: TextIO, enabled: bool, label: str) -> None:
        self.total = max(0, total)
        self.enabled = enabled and total > 0
        self._stream = stream
        self._label = label
        self._drawn = -1

    def update(self, done: int) -> None:
        """Show that ``done`` items are finished (redraws only when the percentage moves).

        Args:
            done: Items finished so far.
        """
        if not self.enabled:
            return
        done = max(0, min(done, self.total))
        percent = done * 100 // self.total
        if percent == self._drawn:
            return
        self._drawn = percent
        filled = percent * 30 // 100
        bar = "#" * filled + "." * (30 - filled)
        self._stream.write(f"\r{self._label} [{bar}] {percent:3d}% {done}/{self.total}")
        self._stream.flush()

    def close(self) -> None:
        """Draw the bar at 100% and end its line."""
        if not self.enabled:
            return
        self.update(self.total)
        self._stream.write("\n")
        self._stream.flush()
        self.enabled = False
