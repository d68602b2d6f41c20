"""The binary core of GS1 Digital Link compression (DL standard 1.1/1.2 algorithm).

The segment is a bit string of entries, each starting with two 4-bit nibbles: two decimal
digits start an AI (its digits, then its value part by part, see :func:`formats`); ``0A``
to ``CD`` start an optimised AI sequence (:data:`OPTIMISATIONS`, then each value); ``F``
starts a non-GS1 ``key=value`` parameter. Numeric parts are integers
(``ceil(n·log2 10 + 0.01)`` bits for ``n`` digits); alphanumeric parts carry a 3-bit
encoding indicator (0 digits, 1/2 lower/upper hexadecimal, 3 base64url, 4 7-bit ASCII);
variable parts carry their length first. The bits are zero-padded to a multiple of 6 and
written in base64url. The algorithm is described in ``docs/gs1/compression.md``.

Formats come from the AI table: adjacent fixed-length parts of the same kind merge (AI
8003 ``N1 N13 [X..16]`` is ``N14`` + ``X..16``), and so do optional or variable ones (AI 423
``N3 [N3]...`` is ``N3`` + ``N..12``). That is the prototype's table for every AI it lists,
except AI 8007 (5 length bits, the prototype's ``X..24``) and AIs 7230-7239 (one ``X..30``
part), which :data:`_OVERRIDES` keeps as the prototype has them.

Private: :mod:`tracelib.gs1.dl_compression` is the public interface.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, NoReturn

from ..errors import Gs1Error
from . import ai as _ai

__all__: list[str] = []

#: The URI-safe base64 alphabet of the algorithm (RFC 4648 section 5 order).
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64_INDEX = {c: i for i, c in enumerate(B64)}
_HEX_UPPER = "0123456789ABCDEF"
_HEX_LOWER = "0123456789abcdef"

#: Encoding indicators of alphanumeric parts.
ENC_DIGITS, ENC_HEX_LOWER, ENC_HEX_UPPER, ENC_BASE64, ENC_ASCII = 0, 1, 2, 3, 4

_ALL_DIGITS = re.compile(r"[0-9]+\Z")
_HEX_LOWER_RE = re.compile(r"[0-9a-f]+\Z")
_HEX_UPPER_RE = re.compile(r"[0-9A-F]+\Z")
_BASE64_RE = re.compile(r"[A-Za-z0-9_-]+\Z")
_BASE64_SEGMENT = re.compile(r"[A-Za-z0-9_-]*\Z")

#: The optimisation codes and their AI sequences, in the prototype's table order. Each
#: sequence is in the order the prototype writes it (its table ends up sorted, so ``1A`` is
#: 01, 10, 17, 21 and ``9D`` is 254, 414).
OPTIMISATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("0A", ("01", "22")),
    ("0B", ("01", "10")),
    ("0C", ("01", "21")),
    ("0D", ("01", "17")),
    ("0E", ("01", "7003")),
    ("0F", ("01", "30")),
    ("1A", ("01", "10", "17", "21")),
    ("1B", ("01", "15")),
    ("1C", ("01", "11")),
    ("1D", ("01", "16")),
    ("1E", ("01", "91")),
    ("1F", ("01", "10", "15")),
    *((f"2{h}", ("01", f"310{d}")) for d, h in enumerate("ABCDEF")),
    *((f"3{h}", ("01", f"320{d}")) for d, h in enumerate("ABCDEF")),
    ("9A", ("8010", "8011")),
    ("9B", ("8017", "8019")),
    ("9C", ("8018", "8019")),
    ("9D", ("254", "414")),
    *((f"A{d}", ("01", f"392{d}")) for d in range(10)),
    *((f"C{d}", ("255", f"390{d}")) for d in range(10)),
    *((f"C{h}", ("255", f"394{d}")) for d, h in enumerate("ABCD")),
)
_OPT_BY_CODE = dict(OPTIMISATIONS)

#: The most characters a non-GS1 key or value can have (7 length bits).
MAX_OTHER_LENGTH = 127


def _value_bits(digits: int) -> int:
    # The prototype's formula, floating point included: 59 digits take 197 bits, not 196.
    return math.ceil(digits * math.log(10) / math.log(2) + 0.01)


_VALUE_BITS = tuple(_value_bits(n) for n in range(MAX_OTHER_LENGTH + 1))


class Part(NamedTuple):
    """One part of an AI value as the compression encodes it."""

    numeric: bool
    fixed: bool
    size: int  # the length of a fixed part, the most characters of a variable one
    length_bits: int  # bits of the length indicator (0 for a fixed part)


# Prototype table entries that the dictionary-derived rule would encode differently.
_OVERRIDES: dict[str, tuple[Part, ...]] = {
    "8007": (Part(False, False, 31, 5),),
    **{f"723{d}": (Part(False, False, 30, 5),) for d in range(10)},
}
_FORMATS: dict[str, tuple[Part, ...]] = {}


def fail(
    message: str,
    code: str,
    position: int | None = None,
    length: int | None = None,
    *,
    ai: str | None = None,
    component: int | None = None,
) -> NoReturn:
    """Raise a :class:`~tracelib.errors.Gs1Error` (shared by the public module)."""
    raise Gs1Error(message, code=code, position=position, length=length, ai=ai, component=component)


def formats(ai: str) -> tuple[Part, ...]:
    """The parts an AI's value is compressed as (cached).

    Raises:
        Gs1Error: ``GS1_DL_COMPRESSION_UNKNOWN_AI`` for an AI the dictionary does not define.
    """
    found = _FORMATS.get(ai)
    if found is not None:
        return found
    if not _ai.is_known(ai):
        fail(
            f"AI ({ai}) is not in the GS1 Syntax Dictionary {_ai.DICTIONARY_RELEASE}, "
            "so its compressed format is not known",
            "GS1_DL_COMPRESSION_UNKNOWN_AI",
            0,
            len(ai) if isinstance(ai, str) else 0,
            ai=ai if isinstance(ai, str) else None,
        )
    parts = _OVERRIDES.get(ai) or _derive(_ai.lookup(ai))
    _FORMATS[ai] = parts
    return parts


def _derive(entry: _ai.AiEntry) -> tuple[Part, ...]:
    merged: list[tuple[bool, bool, int]] = []
    for comp in entry.components:
        numeric = comp.type == "N"
        fixed = comp.fixed_length and not comp.optional
        if merged and merged[-1][:2] == (numeric, fixed):
            merged[-1] = (numeric, fixed, merged[-1][2] + comp.max_length)
        else:
            merged.append((numeric, fixed, comp.max_length))
    return tuple(Part(n, f, s, 0 if f else s.bit_length()) for n, f, s in merged)


def choose_encoding(text: str) -> int:
    """The encoding indicator the prototype picks for alphanumeric text.

    Digits win over upper-case hexadecimal, which wins over lower-case hexadecimal, then
    base64url; anything else (and the empty string) is 7-bit ASCII.
    """
    if _ALL_DIGITS.match(text):
        return ENC_DIGITS
    if _HEX_UPPER_RE.match(text):
        return ENC_HEX_UPPER
    if _HEX_LOWER_RE.match(text):
        return ENC_HEX_LOWER
    if _BASE64_RE.match(text):
        return ENC_BASE64
    return ENC_ASCII


def _text_bits(text: str, enc: int) -> str:
    if enc == ENC_DIGITS:
        return format(int(text), f"0{_VALUE_BITS[len(text)]}b")
    if enc in (ENC_HEX_LOWER, ENC_HEX_UPPER):
        return "".join(format(int(c, 16), "04b") for c in text)
    if enc == ENC_BASE64:
        return "".join(format(_B64_INDEX[c], "06b") for c in text)
    return "".join(format(ord(c), "07b") for c in text)


def _encode_value(ai: str, value: str, out: list[str]) -> None:
    if not isinstance(value, str):
        fail(f"the value of AI ({ai}) is not text", "GS1_INVALID_TYPE", 0, 0, ai=ai)
    if not value:
        fail(f"AI ({ai}) has an empty value", "GS1_EMPTY_VALUE", 0, 0, ai=ai)
    parts = formats(ai)
    cursor = 0
    for index, part in enumerate(parts, 1):
        if part.fixed:
            chunk = value[cursor : cursor + part.size]
            if len(chunk) < part.size:
                fail(
                    f"AI ({ai}) needs {part.size} characters in part {index}, found {len(chunk)}",
                    "GS1_VALUE_TOO_SHORT",
                    cursor,
                    len(chunk),
                    ai=ai,
                    component=index,
                )
        else:
            chunk = value[cursor:]
            if len(chunk) > part.size:
                # AI 8007 keeps the prototype's 5 length bits: 32-34 characters do not fit.
                legal = ai in _OVERRIDES and len(value) <= _ai.lookup(ai).max_length
                fail(
                    f"AI ({ai}) allows at most {part.size} characters in part {index} "
                    f"{'in compressed form ' if legal else ''}(found {len(chunk)})",
                    "GS1_DL_COMPRESSION_NOT_ENCODABLE" if legal else "GS1_VALUE_TOO_LONG",
                    cursor + part.size,
                    len(chunk) - part.size,
                    ai=ai,
                    component=index,
                )
        if part.numeric:
            if chunk and not _ALL_DIGITS.match(chunk):
                bad = next(i for i, c in enumerate(chunk) if c not in "0123456789")
                fail(
                    f"AI ({ai}) part {index} is numeric: {chunk[bad]!r} is not a digit",
                    "GS1_DL_COMPRESSION_NOT_ENCODABLE",
                    cursor + bad,
                    1,
                    ai=ai,
                    component=index,
                )
            if not part.fixed:
                out.append(format(len(chunk), f"0{part.length_bits}b"))
            out.append(format(int(chunk or "0"), f"0{_VALUE_BITS[len(chunk)]}b"))
        else:
            _check_ascii(ai, chunk, cursor, index)
            enc = choose_encoding(chunk)
            out.append(format(enc, "03b"))
            if not part.fixed:
                out.append(format(len(chunk), f"0{part.length_bits}b"))
            out.append(_text_bits(chunk, enc))
        cursor += len(chunk)
    if cursor < len(value):
        fail(
            f"AI ({ai}) takes {cursor} characters; {len(value) - cursor} more were given",
            "GS1_VALUE_TOO_LONG",
            cursor,
            len(value) - cursor,
            ai=ai,
        )


def _check_ascii(ai: str | None, text: str, offset: int, component: int | None) -> None:
    for i, c in enumerate(text):
        if ord(c) > 127:
            what = f"AI ({ai})" if ai else "a non-GS1 parameter value"
            fail(
                f"{what} holds {c!r}, which 7-bit compression cannot carry",
                "GS1_DL_COMPRESSION_NOT_ENCODABLE",
                offset + i,
                1,
                ai=ai,
                component=component,
            )


_OPT_SETS = tuple((code, frozenset(seq), sum(map(len, seq))) for code, seq in OPTIMISATIONS)


def _optimise(ais: list[str]) -> list[str]:
    """Pick optimisation codes as the prototype does: greedily, most AI digits saved first."""
    chosen: list[str] = []
    remaining = set(ais)
    while True:
        best, best_score = "", 0
        for code, members, score in _OPT_SETS:
            if score > best_score and members <= remaining:
                best, best_score = code, score
        if not best:
            return chosen
        chosen.append(best)
        remaining.difference_update(_OPT_BY_CODE[best])


def encode(
    pairs: object,
    other_params: object = (),
    *,
    optimise: bool = False,
) -> str:
    """The compressed path segment of AI pairs and non-GS1 parameters (see module docs)."""
    values: dict[str, str] = {}
    for item in _as_pairs(pairs, "pairs"):
        ai, value = item
        if ai in values:
            fail(
                f"AI ({ai}) appears more than once; a compressed Digital Link holds each AI once",
                "GS1_DL_COMPRESSION_DUPLICATE_AI",
                0,
                len(ai),
                ai=ai,
            )
        formats(ai)
        values[ai] = value
    order = sorted(values)
    out: list[str] = []
    if optimise:
        for code in _optimise(order):
            out.append(_nibbles(code))
            for ai in _OPT_BY_CODE[code]:
                _encode_value(ai, values[ai], out)
                order.remove(ai)
    for ai in order:
        out.append(_nibbles(ai))
        _encode_value(ai, values[ai], out)
    for key, value in _as_pairs(other_params, "other_params"):
        _encode_other(key, value, out)
    return to_base64("".join(out))


def _as_pairs(items: object, what: str) -> list[tuple[str, str]]:
    if isinstance(items, Mapping):
        items = list(items.items())
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        fail(f"{what} must be (key, value) pairs of text", "GS1_INVALID_TYPE", 0, 0)
    result: list[tuple[str, str]] = []
    for item in items:
        if (
            not isinstance(item, (tuple, list))
            or len(item) != 2
            or not isinstance(item[0], str)
            or not isinstance(item[1], str)
        ):
            fail(f"{what} must be (key, value) pairs of text, not {item!r}", "GS1_INVALID_TYPE")
        result.append((item[0], item[1]))
    return result


def _nibbles(code: str) -> str:
    return "".join(format(int(c, 16), "04b") for c in code)


def other_param_problem(key: str, value: str) -> str | None:
    """Why a non-GS1 ``key=value`` cannot be compressed, or ``None`` when it can."""
    if not key or len(key) > MAX_OTHER_LENGTH or not _BASE64_RE.match(key):
        return f"the key {key!r} is not 1 to {MAX_OTHER_LENGTH} base64url characters"
    if _ALL_DIGITS.match(key):
        return f"the key {key!r} is all digits, which would read as a GS1 AI"
    if len(value) > MAX_OTHER_LENGTH:
        return f"the value of {key!r} is longer than {MAX_OTHER_LENGTH} characters"
    if any(ord(c) > 127 for c in value):
        return f"the value of {key!r} is not 7-bit ASCII"
    return None


def _encode_other(key: str, value: str, out: list[str]) -> None:
    problem = other_param_problem(key, value)
    if problem is not None:
        fail(f"cannot compress a non-GS1 parameter: {problem}", "GS1_DL_COMPRESSION_NOT_ENCODABLE")
    enc = choose_encoding(value)
    out.append("1111")
    out.append(format(len(key), "07b"))
    out.append(_text_bits(key, ENC_BASE64))
    out.append(format(enc, "03b"))
    out.append(format(len(value), "07b"))
    out.append(_text_bits(value, enc))


def to_base64(bits: str) -> str:
    """Bits (a ``0``/``1`` string) as base64url, zero-padded to a multiple of 6."""
    if len(bits) % 6:
        bits += "0" * (6 - len(bits) % 6)
    return "".join(B64[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


def bad_base64_at(segment: str) -> int:
    """Offset of the first character outside base64url, ``-1`` when there is none."""
    if _BASE64_SEGMENT.match(segment):
        return -1
    return next(i for i, c in enumerate(segment) if c not in _B64_INDEX)


class _Reader:
    __slots__ = ("bits", "pos", "total")

    def __init__(self, bits: str) -> None:
        self.bits = bits
        self.pos = 0
        self.total = len(bits)

    def span(self, start: int, end: int | None = None) -> tuple[int, int]:
        stop = min(self.total, self.pos if end is None else end)
        first = start // 6
        return first, max(1, (max(stop, start + 1) - 1) // 6 - first + 1)

    def error(self, message: str, code: str, start: int, ai: str | None = None) -> NoReturn:
        position, length = self.span(start)
        fail(message, code, position, length, ai=ai)

    def take(self, count: int, what: str, ai: str | None = None) -> str:
        end = self.pos + count
        if end > self.total:
            position, length = self.span(self.pos, self.total)
            fail(
                f"the compressed data ends inside {what}",
                "GS1_DL_COMPRESSION_TRUNCATED",
                position,
                length,
                ai=ai,
            )
        chunk = self.bits[self.pos : end]
        self.pos = end
        return chunk

    def number(self, count: int, what: str, ai: str | None = None) -> int:
        return int(self.take(count, what, ai), 2) if count else 0


def decode(
    segment: str, spans: list[tuple[int, int]] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """AI pairs and non-GS1 parameters from a compressed path segment, in encoded order.

    With ``spans``, the ``(start, end)`` characters of each pair's entry in the segment
    are appended to it (for error positions of later validation).
    """
    if not isinstance(segment, str):
        fail(f"expected text, got {type(segment).__name__}", "GS1_INVALID_TYPE", 0, 0)
    bad = bad_base64_at(segment)
    if bad >= 0 or not segment:
        fail(
            "the compressed segment is empty"
            if not segment
            else f"{segment[bad]!r} is not a base64url character",
            "GS1_DL_COMPRESSION_BAD_BASE64",
            max(bad, 0),
            1 if segment else 0,
        )
    number = 0
    for c in segment:
        number = (number << 6) | _B64_INDEX[c]
    reader = _Reader(format(number, f"0{6 * len(segment)}b"))
    pairs: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    seen: set[str] = set()
    while reader.total - reader.pos > 8:
        start = reader.pos
        h1, h2 = reader.number(4, "a code"), reader.number(4, "a code")
        if h1 <= 9 and h2 <= 9:
            ai = _read_ai(reader, start, f"{h1}{h2}")
            _add(reader, pairs, seen, ai, _decode_value(reader, ai), start, spans)
        elif h1 == 15:
            reader.pos = start + 4
            others.append(_decode_other(reader, start))
        else:
            code = f"{_HEX_UPPER[h1]}{_HEX_UPPER[h2]}"
            seq = _OPT_BY_CODE.get(code)
            if seq is None:
                reader.error(
                    f"{code} is neither an AI nor a defined optimisation code",
                    "GS1_DL_COMPRESSION_BAD_ENCODING",
                    start,
                )
            for ai in seq:
                value_start = reader.pos
                value = _decode_value(reader, ai)
                _add(reader, pairs, seen, ai, value, value_start, spans)
    rest = reader.bits[reader.pos :]
    if "1" in rest:
        position, length = reader.span(reader.pos, reader.total)
        fail(
            f"the compressed data ends inside an entry ({len(rest)} bits are left over)",
            "GS1_DL_COMPRESSION_TRUNCATED",
            position,
            length,
        )
    if len(rest) >= 6:
        fail(
            "the compressed data ends with a padding character too many",
            "GS1_DL_COMPRESSION_BAD_ENCODING",
            len(segment) - 1,
            1,
        )
    return pairs, others


def _add(
    reader: _Reader,
    pairs: list[tuple[str, str]],
    seen: set[str],
    ai: str,
    value: str,
    start: int,
    spans: list[tuple[int, int]] | None,
) -> None:
    if ai in seen:
        reader.error(f"AI ({ai}) is encoded twice", "GS1_DL_COMPRESSION_DUPLICATE_AI", start, ai)
    seen.add(ai)
    pairs.append((ai, value))
    if spans is not None:
        first, length = reader.span(start)
        spans.append((first, first + length))


def _read_ai(reader: _Reader, start: int, first: str) -> str:
    size = _ai.ai_length(first)
    if size is None:
        reader.error(
            f"no GS1 AI starts with {first}", "GS1_DL_COMPRESSION_UNKNOWN_AI", start, first
        )
    ai = first
    for _ in range(size - 2):
        digit = reader.number(4, "an AI")
        if digit > 9:
            reader.error(
                f"AI ({ai}...) continues with the non-digit nibble {digit:X}",
                "GS1_DL_COMPRESSION_BAD_ENCODING",
                start,
            )
        ai += str(digit)
    if not _ai.is_known(ai):
        reader.error(
            f"AI ({ai}) is not in the GS1 Syntax Dictionary {_ai.DICTIONARY_RELEASE}",
            "GS1_DL_COMPRESSION_UNKNOWN_AI",
            start,
            ai,
        )
    return ai


def _decode_value(reader: _Reader, ai: str) -> str:
    chunks: list[str] = []
    for part in formats(ai):
        start = reader.pos
        enc = ENC_DIGITS if part.numeric else reader.number(3, f"the encoding of AI ({ai})", ai)
        count = part.size
        if not part.fixed:
            count = reader.number(part.length_bits, f"the length of AI ({ai})", ai)
            if count > part.size:
                reader.error(
                    f"AI ({ai}) has a length of {count}, more than its {part.size}",
                    "GS1_DL_COMPRESSION_BAD_ENCODING",
                    start,
                    ai,
                )
        chunks.append(_read_text(reader, enc, count, start, ai))
    value = "".join(chunks)
    if not value:
        reader.error(f"AI ({ai}) has an empty value", "GS1_DL_COMPRESSION_BAD_ENCODING", start, ai)
    return value


def _read_digits(reader: _Reader, count: int, ai: str | None, start: int) -> str:
    number = reader.number(_VALUE_BITS[count], "a numeric value", ai)
    if count == 0:
        return ""
    text = str(number)
    if len(text) > count:
        reader.error(
            f"the number {number} does not fit in {count} digits",
            "GS1_DL_COMPRESSION_BAD_ENCODING",
            start,
            ai,
        )
    return text.zfill(count)


def _read_text(reader: _Reader, enc: int, count: int, start: int, ai: str | None) -> str:
    if enc == ENC_DIGITS:
        return _read_digits(reader, count, ai, start)
    if enc in (ENC_HEX_LOWER, ENC_HEX_UPPER):
        alphabet = _HEX_LOWER if enc == ENC_HEX_LOWER else _HEX_UPPER
        bits = reader.take(4 * count, "a hexadecimal value", ai)
        return "".join(alphabet[int(bits[i : i + 4], 2)] for i in range(0, len(bits), 4))
    if enc == ENC_BASE64:
        bits = reader.take(6 * count, "a base64url value", ai)
        return "".join(B64[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))
    if enc == ENC_ASCII:
        bits = reader.take(7 * count, "a 7-bit ASCII value", ai)
        return "".join(chr(int(bits[i : i + 7], 2)) for i in range(0, len(bits), 7))
    reader.error(
        f"encoding indicator {enc} is not defined (0 to 4 are)",
        "GS1_DL_COMPRESSION_BAD_ENCODING",
        start,
        ai,
    )


def _decode_other(reader: _Reader, start: int) -> tuple[str, str]:
    size = reader.number(7, "the key length of a non-GS1 parameter")
    if size == 0:
        reader.error(
            "a non-GS1 parameter has an empty key", "GS1_DL_COMPRESSION_BAD_ENCODING", start
        )
    key = _read_text(reader, ENC_BASE64, size, start, None)
    value_start = reader.pos
    enc = reader.number(3, f"the encoding of parameter {key!r}")
    count = reader.number(7, f"the length of parameter {key!r}")
    return key, _read_text(reader, enc, count, value_start, None)


def check_pairs(pairs: Sequence[tuple[str, str]]) -> None:
    """Check that every pair is a known AI whose value fits its compressed format."""
    sink: list[str] = []
    for ai, value in pairs:
        formats(ai)
        _encode_value(ai, value, sink)


def compress_digital_link(uri_or_dl: object, **options: object) -> str:
    """Alias of :func:`tracelib.gs1.dl_compression.compress_digital_link`."""
    from .dl_compression import compress_digital_link as public

    return public(uri_or_dl, **options)  # type: ignore[arg-type]
