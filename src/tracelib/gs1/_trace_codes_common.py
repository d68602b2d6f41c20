"""Shared plumbing of :mod:`tracelib.gs1.trace_codes`: reading GS1 text and locating its AIs.

:func:`read` parses bracketed HRI, raw data, GS1 scan data or a Digital Link URI (compressed
too) and tells where each AI is written in the text, so that the trace-code rules can
report positions in the text given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Gs1Error
from .options import Gs1Options, Profile

if TYPE_CHECKING:
    from .element_strings import ElementString

__all__ = ["Read", "fail", "read", "text_value", "unexpected", "validated"]

_DL_SCHEMES = ("http://", "https://", "HTTP://", "HTTPS://")


def fail(message: str, code: str, position: int | None, **extra: object) -> Gs1Error:
    """A :class:`Gs1Error` (``extra``: ``length``, ``ai``...)."""
    return Gs1Error(message, code=code, position=position, **extra)  # type: ignore[arg-type]


def validated(
    pairs: Sequence[tuple[str, str]], profile: Profile | Gs1Options, argument_spans: bool
) -> ElementString:
    """Validate pairs; ``argument_spans`` puts positions inside each value."""
    from .element_strings import from_ais

    spans = [(0, len(value)) for _, value in pairs] if argument_spans else None
    return from_ais(pairs, profile=profile, spans=spans)


def text_value(value: object, name: str, ai: str) -> str | None:
    """``value`` when it is text or ``None``, else ``GS1_INVALID_TYPE``."""
    if value is None or isinstance(value, str):
        return value
    raise fail(f"{name} is text, not {type(value).__name__}", "GS1_INVALID_TYPE", 0, ai=ai)


@dataclass(frozen=True, slots=True)
class Read:
    """GS1 data read from text, with where each AI starts in the text."""

    ais: tuple[tuple[str, str], ...]
    starts: tuple[int | None, ...]  # where each AI is written in the text
    stem: str | None
    end: int


def _raw_starts(ais: Sequence[tuple[str, str]], begin: int, text: str) -> tuple[int, ...]:
    starts: list[int] = []
    pos = begin
    for ai, value in ais:
        starts.append(pos)
        pos += len(ai) + len(value)
        if pos < len(text) and not text[pos].isdigit():
            pos += 1  # the FNC1 separator after a variable-length value
    return tuple(starts)


def _hri_starts(ais: Sequence[tuple[str, str]], text: str) -> tuple[int | None, ...]:
    starts: list[int | None] = []
    pos = 0
    for ai, _ in ais:
        at = text.find(f"({ai})", pos)
        starts.append(at + 1 if at >= 0 else None)
        pos = max(pos, at + 1)
    return tuple(starts)


def _dl_starts(ais: Sequence[tuple[str, str]], text: str) -> tuple[int | None, ...]:
    starts: list[int | None] = []
    for ai, _ in ais:
        m = re.search(rf"/{ai}/", text) or re.search(rf"[?&]{ai}=", text)
        starts.append(m.start() + 1 if m else None)
    return tuple(starts)


def read(text: object, profile: Profile | Gs1Options) -> Read:
    """Parse any text form of GS1 data and find where each AI is written."""
    if not isinstance(text, str):
        raise fail(f"expected text, not {type(text).__name__}", "GS1_INVALID_TYPE", 0, length=0)
    if text.startswith(_DL_SCHEMES):
        from .digital_link import parse_digital_link
        from .dl_compression import decompress, is_compressed

        if is_compressed(text, profile=profile):
            dl = parse_digital_link(decompress(text, profile=profile), profile=profile)
            segment = text.split("?", 1)[0].rfind("/") + 1
            starts: tuple[int | None, ...] = (segment,) * len(dl.ais)
        else:
            dl = parse_digital_link(text, profile=profile)
            starts = _dl_starts(dl.ais, text)
        return Read(dl.ais, starts, dl.stem, len(text))
    if text.startswith("]"):
        from .scan_data import parse_scan_data

        scan = parse_scan_data(text, profile=profile)
        es = scan.element_string
        if es is None:
            raise fail(
                f"the scan data {text[:3]!r} holds no GS1 element string",
                "GS1_NOT_CONVERTIBLE",
                0,
                length=3,
            )
        return Read(es.ais, _raw_starts(es.ais, 3, text), None, len(text))
    from .element_strings import parse_element_string

    es = parse_element_string(text, profile=profile)
    if text.startswith("("):
        return Read(es.ais, _hri_starts(es.ais, text), None, len(text))
    return Read(es.ais, _raw_starts(es.ais, 1, text), None, len(text))


def unexpected(ai: str, at: int | None, what: str) -> Gs1Error:
    """``GS1_TRACE_CODE_UNEXPECTED_AI`` at the AI."""
    return fail(
        f"AI ({ai}) is not part of a {what}",
        "GS1_TRACE_CODE_UNEXPECTED_AI",
        at,
        length=len(ai),
        ai=ai,
    )
