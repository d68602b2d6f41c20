"""GS1 check digits: the mod-10 digit of numeric keys and the GMN check-character pair.

The mod-10 check digit weights the data digits 3, 1, 3, ... from the rightmost data digit
and completes the weighted sum to a multiple of ten. The check-character pair
(``csumalpha``, used by GMN and MUDI) weights the CSET 82 values of the data by primes and
encodes the sum modulo 1021 as two CSET 32 characters.

Examples:
    >>> calc_check_digit("400638133393")
    '1'
    >>> is_valid_check_digit("4006381333931")
    True
    >>> calc_check_pair("1987654Ad4X4bL5ttr2310c")
    '2K'
"""

from __future__ import annotations

from ..errors import Gs1Error

__all__ = [
    "CSET32",
    "CSET82",
    "calc_check_digit",
    "calc_check_pair",
    "is_valid_check_digit",
    "is_valid_check_pair",
]

#: The 82 characters of GS1 character set 82, in their value order (0..81).
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
#: The 32 characters used to print the check-character pair.
CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

_CSET82_VALUE = {ch: i for i, ch in enumerate(CSET82)}


def _first_primes(count: int) -> tuple[int, ...]:
    found: list[int] = []
    n = 2
    while len(found) < count:
        if all(n % p for p in found if p * p <= n):
            found.append(n)
        n += 1
    return tuple(found)


# Weights of the check-character pair: the i-th prime for the i-th character from the
# right. The Syntax Engine's table covers 97 data characters (99 with the pair).
_PRIMES = _first_primes(97)
# Sum of ASCII "0" (48) times the weights: subtracted once instead of per digit.
_ZERO = 48


def _weighted_sum(data: bytes) -> int:
    # Weights 3,1,3,... from the rightmost data digit; digits are ASCII bytes.
    odd = data[-1::-2]
    even = data[-2::-2]
    return 3 * (sum(odd) - _ZERO * len(odd)) + sum(even) - _ZERO * len(even)


def calc_check_digit(body: str) -> str:
    """Compute the GS1 mod-10 check digit for a string of ASCII digits.

    Args:
        body: The data digits (without the check digit), at least one.

    Returns:
        The check digit as a one-character string.

    Raises:
        Gs1Error: ``GS1_LINTER_NON_DIGIT_CHARACTER`` (with the position) when ``body`` holds
            anything but ASCII digits, ``GS1_EMPTY_VALUE`` when it is empty.

    Examples:
        >>> calc_check_digit("629104150021")
        '3'
        >>> calc_check_digit("10614141234567890")  # SSCC (00)106141412345678908
        '8'
    """
    _require_digits(body)
    return str(-_weighted_sum(body.encode("ascii")) % 10)


def is_valid_check_digit(value: str) -> bool:
    """Tell whether the last digit of an ASCII digit string is its GS1 mod-10 check digit.

    Never raises: anything that is not a string of at least two ASCII digits is ``False``.

    Args:
        value: Data digits followed by a check digit.

    Returns:
        ``True`` when the check digit is right.

    Examples:
        >>> is_valid_check_digit("96385074")
        True
        >>> is_valid_check_digit("96385075")
        False
        >>> is_valid_check_digit("٩٦٣٨٥٠٧٤")  # Arabic-Indic digits are not GS1 digits
        False
    """
    if not isinstance(value, str) or len(value) < 2 or not (value.isascii() and value.isdigit()):
        return False
    data = value.encode("ascii")
    return (_weighted_sum(data[:-1]) + data[-1] - _ZERO) % 10 == 0


def calc_check_pair(body: str) -> str:
    """Compute the GS1 check-character pair (``csumalpha``) of a CSET 82 string.

    Args:
        body: The data characters (CSET 82), at most 97 of them.

    Returns:
        Two characters of CSET 32.

    Raises:
        Gs1Error: ``GS1_LINTER_INVALID_CSET82_CHARACTER`` at the first character outside
            CSET 82; ``GS1_LINTER_TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION`` past 97 characters.

    Examples:
        >>> calc_check_pair("1987654Ad4X4bL5ttr2310c")
        '2K'
    """
    if not isinstance(body, str):
        raise Gs1Error("the value is not text", code="GS1_INVALID_TYPE", position=0, length=0)
    if len(body) > len(_PRIMES):
        raise Gs1Error(
            f"a check-character pair covers at most {len(_PRIMES)} characters",
            code="GS1_LINTER_TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION",
            position=0,
            length=len(body),
        )
    total = 0
    for i, ch in enumerate(body):
        val = _CSET82_VALUE.get(ch)
        if val is None:
            raise Gs1Error(
                f"{ch!r} is not a CSET 82 character",
                code="GS1_LINTER_INVALID_CSET82_CHARACTER",
                position=i,
                length=1,
            )
        total += val * _PRIMES[len(body) - 1 - i]
    total %= 1021
    return CSET32[total >> 5] + CSET32[total & 31]


def is_valid_check_pair(value: str) -> bool:
    """Tell whether the last two characters of ``value`` are its check-character pair.

    Never raises.

    Args:
        value: CSET 82 data followed by two CSET 32 check characters.

    Returns:
        ``True`` when the pair is right.

    Examples:
        >>> is_valid_check_pair("1987654Ad4X4bL5ttr2310c2K")
        True
        >>> is_valid_check_pair("1987654Ad4X4bL5ttr2310c2L")
        False
    """
    if not isinstance(value, str) or len(value) < 2 or len(value) > len(_PRIMES) + 2:
        return False
    try:
        return calc_check_pair(value[:-2]) == value[-2:]
    except ValueError:
        return False


def _require_digits(body: object) -> None:
    if not isinstance(body, str):
        raise Gs1Error("the value is not text", code="GS1_INVALID_TYPE", position=0, length=0)
    if not body:
        raise Gs1Error("no digits given", code="GS1_EMPTY_VALUE", position=0, length=0)
    if not (body.isascii() and body.isdigit()):
        pos = next(i for i, ch in enumerate(body) if not ("0" <= ch <= "9"))
        raise Gs1Error(
            f"{body[pos]!r} is not a digit",
            code="GS1_LINTER_NON_DIGIT_CHARACTER",
            position=pos,
            length=1,
        )
