"""``tracelib.parse``: detect what a piece of text is and parse it without raising."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Gs1Error
from .gs1 import gtin

__all__ = ["ParseResult", "parse"]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What :func:`parse` found: the kind and canonical value, or the error per format tried.

    Attributes:
        text: The input.
        kind: The detected format (``"gtin"``), or ``None`` when nothing matched.
        value: The canonical form of the value, or ``None``.
        errors: For each format tried that failed, its error.
    """

    text: object
    kind: str | None
    value: str | None
    errors: dict[str, Gs1Error]

    @property
    def ok(self) -> bool:
        """``True`` when some format matched."""
        return self.kind is not None


def parse(text: object) -> ParseResult:
    """Detect which GS1 format ``text`` is and parse it; never raises.

    Args:
        text: Anything; usually a scanned or typed code.

    Returns:
        A :class:`ParseResult` holding the value or, per format tried, the error.

    Examples:
        >>> parse("8935049500568").kind
        'gtin'
        >>> r = parse("8935049500569")
        >>> r.ok, r.errors["gtin"].code
        (False, 'GS1_LINTER_INCORRECT_CHECK_DIGIT')
    """
    try:
        return ParseResult(text, "gtin", gtin.validate(text), {})  # type: ignore[arg-type]
    except Gs1Error as err:
        return ParseResult(text, None, None, {"gtin": err})
