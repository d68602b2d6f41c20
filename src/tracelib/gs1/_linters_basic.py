"""GS1 Syntax Dictionary linters: character sets, check digits, flags and code lists.

Every linter takes the component text and returns ``None`` when it is clean, otherwise a
``(code, position, length)`` triple with the same span as the reference C linter
(``gs1/gs1-syntax-dictionary`` ``src/lint_*.c``). Nothing here raises: ``tracelib.gs1.ai``
turns a triple into a :class:`~tracelib.errors.LinterError`.
"""

from __future__ import annotations

from ._data import codelists as _codes
from .charsets import CSET39, CSET64, CSET82, DIGITS, first_invalid, is_in
from .checkdigit import calc_check_pair, is_valid_check_digit
from .codes import Gs1Code

Fail = tuple[Gs1Code, int, int]

_C = Gs1Code
_CSET64 = frozenset(CSET64)
_HEX = frozenset("0123456789ABCDEFabcdef")
_IBAN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_IBAN_VALUE = {ch: str(i) for i, ch in enumerate(_IBAN_CHARS)}
_MAX_CHECK_PAIR_DATA = 97


def digits_fail(s: str) -> Fail | None:
    """``NON_DIGIT_CHARACTER`` at the first character that is not an ASCII digit."""
    if s.isascii() and s.isdigit():
        return None
    pos = first_invalid(s, DIGITS)
    if pos < 0:  # only "" gets here
        return None
    return (_C.GS1_LINTER_NON_DIGIT_CHARACTER, pos, 1)


# --- character sets -------------------------------------------------------------------


def csetnumeric(s: str) -> Fail | None:
    if s.isascii() and s.isdigit():
        return None
    return digits_fail(s)


def cset82(s: str) -> Fail | None:
    if is_in(s, CSET82):
        return None
    return (_C.GS1_LINTER_INVALID_CSET82_CHARACTER, first_invalid(s, CSET82), 1)


def cset39(s: str) -> Fail | None:
    if is_in(s, CSET39):
        return None
    return (_C.GS1_LINTER_INVALID_CSET39_CHARACTER, first_invalid(s, CSET39), 1)


def cset64(s: str) -> Fail | None:
    # Base64url data, optionally followed by "=" padding that completes a multiple of
    # three characters (at most two "=").
    data = s.rstrip("=")
    if not is_in(data, CSET64):
        return (_C.GS1_LINTER_INVALID_CSET64_CHARACTER, first_invalid(data, CSET64), 1)
    pads = len(s) - len(data)
    if pads and (pads > 2 or len(s) % 3):
        return (_C.GS1_LINTER_INVALID_CSET64_PADDING, len(data), pads)
    return None


# --- check digits ---------------------------------------------------------------------


def csum(s: str) -> Fail | None:
    if is_valid_check_digit(s):
        return None
    if not s:
        return (_C.GS1_LINTER_TOO_SHORT_FOR_CHECK_DIGIT, 0, 0)
    bad = digits_fail(s)
    if bad is not None:
        return bad
    if s == "0":  # a lone check digit over no data
        return None
    return (_C.GS1_LINTER_INCORRECT_CHECK_DIGIT, len(s) - 1, 1)


def csumalpha(s: str) -> Fail | None:
    n = len(s)
    data = s[:-2]
    if n < 2 or n > _MAX_CHECK_PAIR_DATA + 2:
        if not is_in(data, CSET82):
            return (_C.GS1_LINTER_INVALID_CSET82_CHARACTER, first_invalid(data, CSET82), 1)
        if n < 2:
            return (_C.GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR, 0, n)
        return (_C.GS1_LINTER_TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION, 0, n)
    if not is_in(data, CSET82):
        return (_C.GS1_LINTER_INVALID_CSET82_CHARACTER, first_invalid(data, CSET82), 1)
    if calc_check_pair(data) != s[-2:]:
        return (_C.GS1_LINTER_INCORRECT_CHECK_PAIR, n - 2, 2)
    return None


# --- single characters and flags --------------------------------------------------------


def zero(s: str) -> Fail | None:
    if s and not s.strip("0"):
        return None
    return (_C.GS1_LINTER_NOT_ZERO, 0, len(s))


def nonzero(s: str) -> Fail | None:
    bad = digits_fail(s)
    if bad is not None:
        return bad
    if not s.strip("0"):
        return (_C.GS1_LINTER_ILLEGAL_ZERO_VALUE, 0, len(s))
    return None


def nozeroprefix(s: str) -> Fail | None:
    bad = digits_fail(s)
    if bad is not None:
        return bad
    if s[:1] == "0":
        return (_C.GS1_LINTER_ILLEGAL_ZERO_PREFIX, 0, 1)
    return None


def hasnondigit(s: str) -> Fail | None:
    if not s or (s.isascii() and s.isdigit()):
        return (_C.GS1_LINTER_REQUIRES_NON_DIGIT_CHARACTER, 0, len(s))
    return None


def hyphen(s: str) -> Fail | None:
    if s and not s.strip("-"):
        return None
    return (_C.GS1_LINTER_NOT_HYPHEN, 0, len(s))


def yesno(s: str) -> Fail | None:
    if s == "0" or s == "1":
        return None
    return (_C.GS1_LINTER_NOT_ZERO_OR_ONE, 0, len(s))


_WINDING = frozenset(("0", "1", "9"))
_ISO5218 = frozenset(("0", "1", "2", "9"))


def winding(s: str) -> Fail | None:
    if s in _WINDING:
        return None
    return (_C.GS1_LINTER_INVALID_WINDING_DIRECTION, 0, len(s))


def iso5218(s: str) -> Fail | None:
    if s in _ISO5218:
        return None
    return (_C.GS1_LINTER_INVALID_BIOLOGICAL_SEX_CODE, 0, len(s))


def importeridx(s: str) -> Fail | None:
    if len(s) != 1:
        return (_C.GS1_LINTER_IMPORTER_IDX_MUST_BE_ONE_CHARACTER, 0, len(s))
    if s not in _CSET64:
        return (_C.GS1_LINTER_INVALID_IMPORT_IDX_CHARACTER, 0, 1)
    return None


# --- code lists -----------------------------------------------------------------------


def iso3166(s: str) -> Fail | None:
    if s in _codes.ISO3166_NUMERIC:
        return None
    return (_C.GS1_LINTER_NOT_ISO3166, 0, len(s))


def iso3166999(s: str) -> Fail | None:
    if s == "999" or s in _codes.ISO3166_NUMERIC:
        return None
    return (_C.GS1_LINTER_NOT_ISO3166_OR_999, 0, len(s))


def iso3166alpha2(s: str) -> Fail | None:
    if s in _codes.ISO3166_ALPHA2:
        return None
    return (_C.GS1_LINTER_NOT_ISO3166_ALPHA2, 0, len(s))


def iso4217(s: str) -> Fail | None:
    if s in _codes.ISO4217_NUMERIC:
        return None
    return (_C.GS1_LINTER_NOT_ISO4217, 0, len(s))


def packagetype(s: str) -> Fail | None:
    if s in _codes.PACKAGE_TYPES:
        return None
    return (_C.GS1_LINTER_INVALID_PACKAGE_TYPE, 0, len(s))


def mediatype(s: str) -> Fail | None:
    if s in _codes.MEDIA_TYPES:
        return None
    return (_C.GS1_LINTER_INVALID_MEDIA_TYPE, 0, len(s))


# --- structured values ----------------------------------------------------------------


def pcenc(s: str) -> Fail | None:
    i = s.find("%")
    while i >= 0:
        seq = s[i + 1 : i + 3]
        if len(seq) < 2 or seq[0] not in _HEX or seq[1] not in _HEX:
            return (_C.GS1_LINTER_INVALID_PERCENT_SEQUENCE, i, min(3, len(s) - i))
        i = s.find("%", i + 3)
    return None


def iban(s: str) -> Fail | None:
    if not is_in(s, _IBAN_CHARS):
        return (_C.GS1_LINTER_INVALID_IBAN_CHARACTER, first_invalid(s, _IBAN_CHARS), 1)
    n = len(s)
    if n < 5:
        return (_C.GS1_LINTER_IBAN_TOO_SHORT, 0, n)
    if n > 34:
        return (_C.GS1_LINTER_IBAN_TOO_LONG, 0, n)
    if s[:2] not in _codes.ISO3166_ALPHA2:
        return (_C.GS1_LINTER_ILLEGAL_IBAN_COUNTRY_CODE, 0, 2)
    rearranged = "".join(_IBAN_VALUE[ch] for ch in s[4:] + s[:4])
    if int(rearranged) % 97 != 1:
        return (_C.GS1_LINTER_INCORRECT_IBAN_CHECKSUM, 2, 2)
    return None


def _coordinate(s: str, limit: int, length_code: Gs1Code, range_code: Gs1Code) -> Fail | None:
    if len(s) != 10:
        return (length_code, 0, len(s))
    bad = digits_fail(s)
    if bad is not None:
        return bad
    if int(s) > limit:
        return (range_code, 0, 10)
    return None


def latitude(s: str) -> Fail | None:
    # Ten digits: degrees north of the South Pole times 10**7, at most 180 degrees.
    return _coordinate(
        s, 1_800_000_000, _C.GS1_LINTER_LATITUDE_INVALID_LENGTH, _C.GS1_LINTER_INVALID_LATITUDE
    )


def longitude(s: str) -> Fail | None:
    # Ten digits: degrees east of the antimeridian times 10**7, at most 360 degrees.
    return _coordinate(
        s, 3_600_000_000, _C.GS1_LINTER_LONGITUDE_INVALID_LENGTH, _C.GS1_LINTER_INVALID_LONGITUDE
    )


def pieceoftotal(s: str) -> Fail | None:
    n = len(s)
    if not n or n % 2:
        return (_C.GS1_LINTER_INVALID_LENGTH_FOR_PIECE_OF_TOTAL, 0, n)
    bad = digits_fail(s)
    if bad is not None:
        return bad
    half = n // 2
    piece, total = s[:half], s[half:]
    if not piece.strip("0"):
        return (_C.GS1_LINTER_ZERO_PIECE_NUMBER, 0, half)
    if not total.strip("0"):
        return (_C.GS1_LINTER_ZERO_TOTAL_PIECES, half, half)
    if piece > total:  # same length: text order is numeric order
        return (_C.GS1_LINTER_PIECE_NUMBER_EXCEEDS_TOTAL, 0, n)
    return None


def posinseqslash(s: str) -> Fail | None:
    pos, slash, end = s.partition("/")
    if not slash or not (pos.isascii() and pos.isdigit()) or not (end.isascii() and end.isdigit()):
        return (_C.GS1_LINTER_POSITION_IN_SEQUENCE_MALFORMED, 0, len(s))
    if pos[0] == "0":
        return (_C.GS1_LINTER_ILLEGAL_ZERO_PREFIX, 0, len(pos))
    if end[0] == "0":
        return (_C.GS1_LINTER_ILLEGAL_ZERO_PREFIX, len(pos) + 1, len(end))
    if int(pos) > int(end):
        return (_C.GS1_LINTER_POSITION_EXCEEDS_END, 0, len(s))
    return None
