"""The vectorised kernel of :mod:`tracelib.gs1.bulk` (needs numpy).

Each chunk of values becomes a ``(k, 14)`` matrix of ASCII bytes holding the values
right-aligned and left-padded with ``"0"``: the GTIN-14 form when the value is valid.
Checks run on whole columns; the rows numpy cannot judge exactly (anything but plain ASCII
digits of at most 14 characters: separators, other characters, non-text) go one by one
through the scalar validator, so every row gets exactly the scalar result.

Building the matrix without touching each value from Python: when every value of a chunk
has the length ``L`` of the first one, ``pad.join(chunk)`` with a pad of ``14 - L`` NUL
characters (one NUL when ``L`` is 14) lays the values out as fixed-width rows. The layout
is proven, not assumed: the joined text must have the expected length, every pad column
must be NUL and no other byte may be (checked only when a row holds a non-digit, since a
NUL is one); then the NULs are exactly the pads and every value has length ``L``.
Otherwise the chunk is joined with single NUL separators and each row is read from the
14 bytes before its separator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

#: Width of the GTIN-14 form.
WIDTH = 14

_ZERO = np.uint8(48)
_CHECK = "GS1_LINTER_INCORRECT_CHECK_DIGIT"
# The code of an all-digit value by length class; _LENGTH_CLASS[n] for n = 0..14 digits.
_LENGTH_CODES = ("", "GS1_EMPTY_VALUE", "GS1_VALUE_TOO_SHORT", "GS1_INVALID_LENGTH")
_LENGTH_CLASS = np.array([1, 2, 2, 2, 2, 2, 2, 2, 0, 3, 3, 3, 0, 0, 0], dtype=np.int8)
# _KEEP[n]: 0xFF in the last n of 14 columns (a value of n characters), 0 elsewhere.
_KEEP = np.array([[0] * (WIDTH - n) + [0xFF] * n for n in range(WIDTH + 1)], dtype=np.uint8)
_PAD = ~_KEEP & _ZERO
# Viewed as little-endian uint16, a row of 14 digit values is 7 lanes whose low bytes are
# the even columns (weight 3) and high bytes the odd ones (weight 1, the check digit is
# column 13). The lane sum keeps both byte sums apart (at most 7 * 9 = 63 each), so
# _CHECKSUM_OK[lane sum] tells whether 3 * low + high is a multiple of 10.
_LANE_SUMS = np.arange(1 << 16)
_CHECKSUM_OK = (3 * (_LANE_SUMS & 0xFF) + (_LANE_SUMS >> 8)) % 10 == 0

Scalar = Callable[[object], tuple[bool, str, int, str]]
Arrays = tuple[
    npt.NDArray[np.bool_],
    npt.NDArray[np.object_],
    npt.NDArray[np.int64],
    npt.NDArray[np.str_],
]


def run(
    items: Sequence[object],
    scalar: Scalar,
    progress: Callable[[int], None] | None,
    chunk: int,
) -> Arrays:
    """Validate ``items`` chunk by chunk; return read-only valid, code, position, gtin14."""
    n = len(items)
    valid = np.zeros(n, dtype=np.bool_)
    code = np.broadcast_to(np.array([""], dtype=object), (n,)).copy()
    position = np.full(n, -1, dtype=np.int64)
    # UCS-4 code points of the GTIN-14 column; all-NUL rows read as "".
    points = np.zeros((n, WIDTH), dtype=np.uint32)
    out = _Out(valid, code, position, points, scalar)
    for start in range(0, n, chunk):
        part = items[start : start + chunk]
        layout = _uniform(part)
        if layout is not None:
            out.judge(part, start, layout[0], layout[1], None, [])
        else:
            out.judge(part, start, *_gathered(part))
        if progress is not None:
            progress(len(part))
    gtin14 = points.view("<U14").reshape(n)
    for index, text in out.late:
        gtin14[index] = text
    for array in (valid, code, position, gtin14):
        array.flags.writeable = False
    return valid, code, position, gtin14


class _Out:
    """The output columns, filled chunk by chunk."""

    def __init__(
        self,
        valid: npt.NDArray[np.bool_],
        code: npt.NDArray[np.object_],
        position: npt.NDArray[np.int64],
        points: npt.NDArray[np.uint32],
        scalar: Scalar,
    ) -> None:
        self.valid = valid
        self.code = code
        self.position = position
        self.points = points
        self.scalar = scalar
        # (index, GTIN-14) of the rows the scalar found valid, written at the end.
        self.late: list[tuple[int, str]] = []

    def judge(
        self,
        part: Sequence[object],
        first: int,
        matrix: npt.NDArray[np.uint8],
        length: int,
        lengths: npt.NDArray[np.intp] | None,
        others: list[int],
    ) -> None:
        """Fill rows ``first`` onwards from the layout of the chunk ``part``.

        ``lengths`` is ``None`` when every row has ``length`` characters; ``others`` are
        rows (indexes in ``part``) that only the scalar can judge.
        """
        k = len(matrix)
        stop = first + k
        digits = matrix - _ZERO
        nondigit = None
        if digits.max() > 9:
            if lengths is None and not matrix.all():
                # A NUL inside a value: the fixed-width layout is not proven.
                self.judge(part, first, *_gathered(part))
                return
            nondigit = (digits > 9).any(axis=1)
        lanes = digits.view("<u2")
        total = lanes[:, 0] + lanes[:, 1]
        for column in range(2, WIDTH // 2):
            total += lanes[:, column]
        good = _CHECKSUM_OK[total]
        codes = self.code[first:stop]
        places = self.position[first:stop]
        known = np.ones(k, dtype=np.bool_) if nondigit is None else ~nondigit
        if others:
            known[others] = False
        if lengths is None:
            kind = int(_LENGTH_CLASS[length])
            if kind:  # no row has a GTIN length
                good[:] = False
                np.putmask(codes, known, _LENGTH_CODES[kind])
                np.putmask(places, known, 0)
            else:
                bad = known & ~good
                np.putmask(codes, bad, _CHECK)
                np.putmask(places, bad, length - 1)
        else:
            kinds = _LENGTH_CLASS[np.minimum(lengths, WIDTH)]
            length_ok = kinds == 0
            bad = known & length_ok & ~good
            np.putmask(codes, bad, _CHECK)
            np.putmask(places, bad, lengths - 1)
            for kind in np.unique(kinds[known]).tolist():
                if kind:
                    rows = known & (kinds == kind)
                    np.putmask(codes, rows, _LENGTH_CODES[kind])
                    np.putmask(places, rows, 0)
            good &= length_ok
        good &= known
        if nondigit is not None:
            others = sorted({*others, *np.flatnonzero(nondigit).tolist()})
        self.valid[first:stop] = good
        if good.all():
            self.points[first:stop] = matrix
        else:  # invalid rows stay all NUL, which reads as ""
            flat = self.points[first:stop].reshape(-1)
            np.multiply(matrix.reshape(-1), np.repeat(good, WIDTH), out=flat)
        if others:
            rows = np.array(others, dtype=np.intp)
            verdicts = [self.scalar(part[i]) for i in others]
            oks, texts, wheres, _ = zip(*verdicts, strict=True)
            codes[rows] = texts
            places[rows] = wheres
            self.valid[first + rows[np.array(oks, dtype=np.bool_)]] = True
            self.late.extend(
                (first + i, text)
                for i, (ok, _, _, text) in zip(others, verdicts, strict=True)
                if ok
            )


def _uniform(part: Sequence[object]) -> tuple[npt.NDArray[np.uint8], int] | None:
    """The fixed-width layout of a chunk whose values are all ASCII text of one length."""
    first = part[0]
    if not isinstance(first, str) or len(first) > WIDTH:
        return None
    length = len(first)
    row = max(WIDTH, length + 1)
    pad = "\x00" * (row - length)
    try:
        joined = pad + pad.join(part)  # type: ignore[arg-type]
    except TypeError:  # an item is not text
        return None
    k = len(part)
    if len(joined) != row * k or not joined.isascii():
        return None
    rows = np.frombuffer(bytearray(joined, "ascii"), dtype=np.uint8).reshape(k, row)
    # NULs in every pad column and (checked by the caller, see _Out.judge) nowhere else:
    # then every value has `length` characters.
    if rows[:, : len(pad)].any():
        return None
    if row == WIDTH:
        rows[:, : len(pad)] = _ZERO
        return rows, length
    return np.ascontiguousarray(rows[:, row - WIDTH :]), length


def _gathered(
    part: Sequence[object],
) -> tuple[npt.NDArray[np.uint8], int, npt.NDArray[np.intp], list[int]]:
    """The right-aligned layout of a mixed chunk; rows past 14 characters or not plain
    ASCII text are listed for the scalar."""
    k = len(part)
    ends = None
    others: list[int] = []
    try:
        joined = "\x00".join(part) + "\x00"  # type: ignore[arg-type]
    except TypeError:  # an item is not text
        pass
    else:
        if joined.isascii():
            buffer = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
            ends = np.flatnonzero(buffer == 0)
    if ends is None or len(ends) != k:  # not all text, not ASCII, or holding NULs
        texts: list[str] = []
        for i, item in enumerate(part):
            if type(item) is str and item.isascii() and "\x00" not in item:
                texts.append(item)
            else:
                texts.append("")
                others.append(i)
        buffer = np.frombuffer(("\x00".join(texts) + "\x00").encode("ascii"), dtype=np.uint8)
        ends = np.flatnonzero(buffer == 0)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    if lengths.max() > WIDTH:
        others = sorted({*others, *np.flatnonzero(lengths > WIDTH).tolist()})
    # The 14 bytes before each separator, with "0" where they precede the value.
    padded = np.concatenate([np.zeros(WIDTH, dtype=np.uint8), buffer])
    matrix = sliding_window_view(padded, WIDTH)[ends]
    keep = _KEEP[np.minimum(lengths, WIDTH)]
    matrix &= keep
    matrix |= _PAD[np.minimum(lengths, WIDTH)]
    return matrix, -1, lengths, others
