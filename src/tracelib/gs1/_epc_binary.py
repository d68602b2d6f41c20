"""EPC binary encodings: bit packing to and from hexadecimal (TDS 1.x schemes).

Private plumbing of :mod:`tracelib.gs1.epc`. A binary EPC is header (8 bits), filter (0, 3,
4 or 6 bits) and the scheme's segments; hex output is padded with zero bits to 16-bit words
(as tag memory holds it); input may also be padded only to whole hex digits, as the TDS
examples print it. Encoding errors carry ``component`` (1-based) and no
position; the public layer turns the component into a position in the caller's URI.
"""

from __future__ import annotations

import re

from ._epc_schemes import (
    GCP_BITS,
    HEADERS,
    PARTITIONS,
    SCHEMES,
    UNSUPPORTED_HEADERS,
    Encoding,
    _fail,
)
from .checkdigit import CSET82

__all__: list[str] = []

_CSET82_SET = frozenset(CSET82)
_SIX_BIT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/# ")
_HEX = frozenset("0123456789abcdefABCDEF")
_HEX_TEXT = re.compile("[0-9A-Fa-f]*").fullmatch
_MAX_HEX = 128  # the longest TDS 1.x EPC (ADI-var) has 434 bits
#: Segment kinds whose decoded values are always valid components (digits in range).
_SAFE = frozenset(("int", "fix", "num1", "zero"))


def trusted(enc: Encoding) -> bool:
    """True when every value this encoding decodes to is a valid component already."""
    return enc.name != "cpi-var" and all(  # a 40-bit CPI serial may exceed 12 digits
        seg.kind in _SAFE or (seg.kind == "part" and seg.how in ("ref", "int"))
        for seg in enc.layout
    )


def _not_encodable(enc: Encoding, message: str, index: int) -> None:
    _fail("GS1_EPC_NOT_ENCODABLE", f"{enc.name}: {message}", None, None, component=index + 1)


def _integer(enc: Encoding, value: str, bits: int, index: int, what: str) -> int:
    if not (value.isascii() and value.isdigit()):
        _not_encodable(enc, f"the {what} must be numeric", index)
    if len(value) > 1 and value[0] == "0":
        _not_encodable(enc, f"the {what} must not have leading zeros", index)
    number = int(value)
    if number >> bits:
        _not_encodable(enc, f"the {what} is at most {(1 << bits) - 1}", index)
    return number


def _seven(enc: Encoding, value: str, bits: int, index: int, what: str, limit: int) -> int:
    if len(value) > limit:
        _not_encodable(enc, f"the {what} has at most {limit} characters", index)
    number = 0
    for ch in value:
        number = (number << 7) | ord(ch)
    return number << (bits - 7 * len(value))


def _six(enc: Encoding, value: str, index: int, what: str) -> tuple[int, int]:
    number = 0
    for ch in value:
        if ch not in _SIX_BIT:
            _not_encodable(enc, f"{ch!r} in the {what} has no 6-bit code", index)
        number = (number << 6) | (ord(ch) & 0x3F)
    return number << 6, 6 * len(value) + 6


def encode(
    enc: Encoding, fields: tuple[str, ...], filt: int, names: tuple[str, ...]
) -> tuple[str, int]:
    """Pack an EPC (checked values) into upper-case hex padded to 16-bit words, and its bits."""
    value = enc.header
    nbits = 8
    if enc.filter_bits:
        value = (value << enc.filter_bits) | filt
        nbits += enc.filter_bits
    for seg in enc.layout:
        kind = seg.kind
        i = seg.index
        field = fields[i]
        what = names[i].replace("_", " ")
        if kind == "part":
            gcp = fields[0]
            part = 12 - len(gcp)
            bits = PARTITIONS[seg.table][part]
            value = (((value << 3) | part) << GCP_BITS[part]) | int(gcp)
            nbits += 3 + GCP_BITS[part]
            how = seg.how
            if how == "ref":
                value = (value << bits) | (int(field) if field else 0)
            elif how == "int":
                limit = 30 - len(gcp) if enc.scheme == "giai" else 15 - len(gcp)
                if len(field) > limit:
                    _not_encodable(enc, f"the {what} has at most {limit} digits", i)
                value = (value << bits) | _integer(enc, field, bits, i, what)
            elif how == "str7":
                limit = 30 - len(gcp)
                value = (value << bits) | _seven(enc, field, bits, i, what, limit)
            else:  # str6 (CPI-var)
                packed, bits = _six(enc, field, i, what)
                value = (value << bits) | packed
            nbits += bits
        elif kind == "int":
            value = (value << seg.bits) | _integer(enc, field, seg.bits, i, what)
            nbits += seg.bits
        elif kind == "str7":
            value = (value << seg.bits) | _seven(enc, field, seg.bits, i, what, seg.bits // 7)
            nbits += seg.bits
        elif kind == "num1":
            number = int("1" + field)
            if number >> seg.bits:
                _not_encodable(enc, f"the {what} is too long", i)
            value = (value << seg.bits) | number
            nbits += seg.bits
        elif kind == "fix":
            value = (value << seg.bits) | int(field)
            nbits += seg.bits
        elif kind == "str6":
            packed, bits = _six(enc, field, i, what)
            value = (value << bits) | packed
            nbits += bits
        elif kind == "str8":
            for ch in field.rjust(6):
                value = (value << 8) | ord(ch)
            nbits += 48
        elif kind == "cage6":
            for ch in field.rjust(6):
                value = (value << 6) | (ord(ch) & 0x3F)
            nbits += 36
        else:  # zero
            value <<= seg.bits
            nbits += seg.bits
    total = -(-nbits // 16) * 16
    return f"{value << (total - nbits):0{total // 4}X}", nbits


def hex_lengths(nbits: int) -> tuple[int, int]:
    """Hex digits of ``nbits`` padded to whole nibbles (TDS examples) or 16-bit words (tags)."""
    return -(-nbits // 4), -(-nbits // 16) * 4


class _Reader:
    __slots__ = ("nbits", "off", "value")

    def __init__(self, value: int, nbits: int) -> None:
        self.value = value
        self.nbits = nbits
        self.off = 0

    def read(self, n: int) -> int:
        end = self.off + n
        if end > self.nbits:
            _fail(
                "GS1_EPC_BAD_HEX",
                f"the binary EPC ends before its last field ({self.nbits} bits)",
                self.nbits // 4,
                0,
            )
        self.off = end
        return (self.value >> (self.nbits - end)) & ((1 << n) - 1)

    @property
    def pos(self) -> int:
        return self.off // 4


def _decode_seven(reader: _Reader, bits: int, limit: int) -> str:
    start = reader.pos
    chars: list[str] = []
    used = 0
    while used + 7 <= bits and len(chars) < limit:
        code = reader.read(7)
        used += 7
        if code == 0:
            break
        ch = chr(code)
        if ch not in _CSET82_SET:
            _fail("GS1_EPC_BAD_HEX", f"7-bit code {code} is not a CSET 82 character", start, 0)
        chars.append(ch)
    if reader.read(bits - used):
        _fail("GS1_EPC_BAD_HEX", "a 7-bit string is followed by non-zero bits", start, 0)
    return "".join(chars)


def _decode_six(reader: _Reader) -> str:
    chars: list[str] = []
    while True:
        code = reader.read(6)
        if code == 0:
            return "".join(chars)
        chars.append(chr(code + 64) if code < 32 else chr(code))


def _zero_padded(digits: int, value: int, start: int, what: str) -> str:
    if value >= 10**digits:
        _fail(
            "GS1_EPC_FIELD_TOO_LONG",
            f"the {what} ({value}) has more than {digits} digits",
            start,
            0,
        )
    return str(value).zfill(digits) if digits else ""


def decode(
    text: object,
) -> tuple[Encoding, int | None, tuple[str, ...], tuple[int, ...], int]:
    """Unpack hex into (encoding, filter, component values, their hex offsets, EPC bits)."""
    if not isinstance(text, str):
        _fail("GS1_INVALID_TYPE", f"expected hexadecimal text, got {type(text).__name__}", 0, 0)
    if not _HEX_TEXT(text):
        for i, ch in enumerate(text):
            if ch not in _HEX:
                _fail("GS1_EPC_BAD_HEX", f"{ch!r} is not a hexadecimal digit", i)
    if len(text) < 2:
        _fail("GS1_EPC_BAD_HEX", "a binary EPC has at least a one-byte header", 0, len(text))
    if len(text) > _MAX_HEX:
        _fail("GS1_EPC_BAD_HEX", f"no EPC has more than {_MAX_HEX} hex digits", _MAX_HEX, 0)
    header = int(text[:2], 16)
    enc = HEADERS.get(header)
    if enc is None:
        reason = UNSUPPORTED_HEADERS.get(header, f"no TDS 1.x EPC scheme has header 0x{header:02X}")
        _fail("GS1_EPC_UNKNOWN_SCHEME", reason, 0, 2)
    if enc.bits is not None and len(text) not in hex_lengths(enc.bits):
        _bad_length(enc, enc.bits, text)
    nbits = 4 * len(text)
    reader = _Reader(int(text, 16), nbits)
    reader.read(8)
    filt: int | None = None
    if enc.filter_bits:
        filt = reader.read(enc.filter_bits)
    fields: list[str] = []
    starts: list[int] = []
    for seg in enc.layout:
        kind = seg.kind
        start = reader.pos
        starts.append(start)
        if kind == "part":
            part = reader.read(3)
            if part > 6:
                _fail("GS1_EPC_BAD_PARTITION", f"partition value {part} is not 0 to 6", start, 1)
            length = 12 - part
            start = starts[-1] = reader.pos
            gcp = reader.read(GCP_BITS[part])
            fields.append(_zero_padded(length, gcp, start, "company prefix"))
            start = reader.pos
            starts.append(start)
            bits = PARTITIONS[seg.table][part]
            if seg.how == "ref":
                digits = SCHEMES[enc.scheme].comps[1].size - length
                fields.append(_zero_padded(digits, reader.read(bits), start, "reference"))
            elif seg.how == "int":
                limit = 30 - length if enc.scheme == "giai" else 15 - length
                fields.append(str(reader.read(bits)))
                if len(fields[-1]) > limit:
                    _fail(
                        "GS1_EPC_FIELD_TOO_LONG",
                        f"the reference has at most {limit} digits here",
                        start,
                        0,
                    )
            elif seg.how == "str7":
                fields.append(_decode_seven(reader, bits, 30 - length))
            else:
                fields.append(_decode_six(reader))
        elif kind == "int":
            fields.append(str(reader.read(seg.bits)))
        elif kind == "str7":
            fields.append(_decode_seven(reader, seg.bits, seg.bits // 7))
        elif kind == "num1":
            text_value = str(reader.read(seg.bits))
            if len(text_value) < 2 or text_value[0] != "1":
                _fail("GS1_EPC_BAD_HEX", "an SGCN serial is coded as '1' + its digits", start, 0)
            fields.append(text_value[1:])
        elif kind == "fix":
            fields.append(_zero_padded(2, reader.read(seg.bits), start, "piece/total"))
        elif kind == "str6":
            fields.append(_decode_six(reader))
        elif kind == "str8":
            chars = "".join(chr(reader.read(8)) for _ in range(6))
            fields.append(chars[1:] if chars.startswith(" ") else chars)
        elif kind == "cage6":
            codes = [reader.read(6) for _ in range(6)]
            chars = "".join(chr(c + 64) if c < 32 else chr(c) for c in codes)
            fields.append(chars[1:] if chars.startswith(" ") else chars)
        else:
            starts.pop()
            if reader.read(seg.bits):
                _fail("GS1_EPC_BAD_HEX", "reserved bits must be zero", start, 0)
    used = reader.off
    if enc.bits is None and len(text) not in hex_lengths(used):
        _bad_length(enc, used, text)
    if reader.read(nbits - used):
        _fail("GS1_EPC_BAD_HEX", "the padding after the EPC must be zero bits", used // 4, 0)
    return enc, filt, tuple(fields), tuple(starts), used


def _bad_length(enc: Encoding, bits: int, text: str) -> None:
    nibbles, words = hex_lengths(bits)
    _fail(
        "GS1_EPC_BAD_HEX",
        f"this {enc.name} EPC ({bits} bits) has {nibbles} or {words} hex digits "
        f"(padded to 4 or 16 bits), found {len(text)}",
        min(len(text), words),
        0,
    )
