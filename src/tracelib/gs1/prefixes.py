"""GS1 Prefixes and GS1 Company Prefix (GCP) lengths, offline, with an explicit "unknown".

Every GS1 key starts with a GS1 Company Prefix (GCP) of 4 to 12 digits whose length is
not written in the key: it is looked up in GS1's GCP length list. This module ships a
snapshot of that list (:data:`DATA_DATE`) and of the GS1 Prefix list, compressed, loaded
on first use (importing the module reads nothing).

Lookups take a value in the 13-digit lookup space, built from the key as follows:

* GTIN-13, GLN (and GDTI, GCN, GSRN, GINC, GIAI, CPID...): the key as it is;
* GTIN-12 (U.P.C.): ``"0"`` + the 12 digits;
* GTIN-14 (and ITIP): the 14 digits without the indicator digit (the first one);
* SSCC: the 18 digits without the extension digit (the first one);
* GTIN-8: ``"00000"`` + the 8 digits (the same normalisation as GS1's ``gcppos`` linters).

Only the leading digits that the decision needs are read (at most 13), so longer values
(SSCC, GSRN) and alphanumeric tails (GIAI, GINC, CPID, the GDTI serial) are fine; a value
that ends, or reaches a non-digit, before the table can decide raises a :class:`Gs1Error`.

Outcomes of :func:`gcp_length`: a length of 4 to 12; ``0`` for a prefix that is known to
carry no GCP (restricted circulation numbers, coupons, ISSN/ISBN/ISMN, refund receipts...);
or :class:`~tracelib.errors.GcpLengthUnknown` when the list has no entry. The list is
incomplete (GS1 Vietnam, 893, has only 16 entries): a length is never guessed. Callers
that know better pass ``gcp_length=`` to the conversion they call, or register a lookup
hook with :func:`register_lookup` / :func:`override_lookup`.

Examples:
    >>> from tracelib.gs1 import prefixes
    >>> prefixes.gcp_length("8935049500568"), prefixes.gcp("8935049500568")
    (8, '89350495')
    >>> prefixes.gs1_prefix("8935049500568")
    Gs1Prefix(prefix='893', usage='GS1 Vietnam', kind='member_organisation')
    >>> prefixes.gcp_length("8930000000001")
    Traceback (most recent call last):
    ...
    tracelib.errors.GcpLengthUnknown: no GS1 Company Prefix length is known for 8930000000001 ...
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final, Generic, Literal, TypeVar, cast, get_args

from ..errors import GcpLengthUnknown, Gs1Error

__all__ = [
    "DATA_DATE",
    "Gs1Prefix",
    "Gs1PrefixKind",
    "LookupHook",
    "gcp",
    "gcp_length",
    "gs1_prefix",
    "override_lookup",
    "register_lookup",
]

DATA_DATE: Final[str] = "2025-10-11"
"""Date of the bundled GCP length list (rewritten by ``scripts/gen_prefixes.py``)."""

Gs1PrefixKind = Literal[
    "coupon",
    "demo",
    "future_member_organisation",
    "general_manager_number",
    "global_office",
    "gtin8_allocation",
    "gtin8_rcn",
    "isbn",
    "ismn",
    "issn",
    "member_organisation",
    "rcn_company",
    "rcn_regional",
    "refund_receipt",
    "reserved",
    "unused",
]
"""What a GS1 Prefix is used for (a stable classification of GS1's usage text).

| kind | GS1 Prefixes (13-digit space) | GCP |
|---|---|---|
| ``member_organisation`` | allocated by the MO in ``usage`` (893: ``"GS1 Vietnam"``) | yes |
| ``global_office`` | 950, GS1 Global Office | yes |
| ``future_member_organisation`` | 610, 614, 623, 758, 894: kept by GS1 for a future MO | - |
| ``reserved`` | 050-059, GS1 US reserved for future use | 0 |
| ``rcn_regional`` | 020-029, 200-299: restricted circulation, rules set by the MO | 0 |
| ``rcn_company`` | 040-049: restricted circulation within a company | 0 |
| ``gtin8_rcn`` | 0000000: padded GTIN-8s starting ``00``, RCN within a company | listed |
| ``unused`` | 0000001-0000099: kept free of GTIN-12/13, where padded GTIN-8s fall | listed |
| ``gtin8_allocation`` | 960-969: GTIN-8 allocation (GS1 UK, Poland, Global Office) | 0 |
| ``general_manager_number`` | 951: EPC General Manager Numbers | 0 |
| ``demo`` | 952: demonstrations and examples | yes |
| ``issn`` / ``isbn`` / ``ismn`` | 977 / 978, 9791-9799 / 9790 | 0 |
| ``refund_receipt`` | 980 | 0 |
| ``coupon`` | 981-984, 990-999 | 0 |
"""

LookupHook = Callable[[str], int | None]
"""A GCP length lookup hook: gets the value as given, returns a length or ``None`` to defer."""

_KINDS: Final = frozenset(get_args(Gs1PrefixKind))
_GCP_FILE: Final = "gcp_length.txt.xz"
_PREFIX_FILE: Final = "gs1_prefixes.txt.xz"
_SPACE: Final = 13  # digits of the lookup space; no key or GCP is longer than 12
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Gs1Prefix:
    """The GS1 Prefix a key starts with, and what it is used for.

    Args:
        prefix: The GS1 Prefix digits (2 to 7 digits, e.g. ``"893"``, ``"99"``, ``"0000000"``).
        usage: GS1's description: the Member Organisation's name or the special use.
        kind: A stable classification of ``usage`` (see :data:`Gs1PrefixKind`).

    Examples:
        >>> info = gs1_prefix("9790260000438")
        >>> info.prefix, info.kind
        ('979', 'ismn')
        >>> info.usage
        'International Standard Music Number (ISMN, 979-0)'
    """

    prefix: str
    usage: str
    kind: Gs1PrefixKind


_Bucket = tuple[tuple[int, ...], dict[str, _T]]  # key lengths to try, key -> entry


@dataclass(slots=True)
class _Table(Generic[_T]):
    """A prefix table, indexed by the first ``width`` digits of its keys.

    No key is a prefix of another, so at most one key matches a value. A bucket is kept
    as its data line until a value first needs it (``parse`` turns it into a bucket).
    """

    width: int
    buckets: dict[str, _Bucket[_T] | str]
    parse: Callable[[str], _Bucket[_T]]

    def bucket(self, digits: str) -> _Bucket[_T] | None:
        """The parsed bucket of ``digits`` (``width`` digits), or ``None``."""
        found = self.buckets.get(digits)
        if isinstance(found, str):
            found = self.buckets[digits] = self.parse(found)  # idempotent: no lock needed
        return found


_lock = threading.Lock()
_gcp_table: _Table[int] | None = None
_prefix_table: _Table[Gs1Prefix] | None = None
_hooks: tuple[tuple[object, LookupHook], ...] = ()


# --------------------------------------------------------------------------------------
# Loading (lazy, thread-safe)
# --------------------------------------------------------------------------------------


def _read_data(name: str) -> str:
    import lzma  # deferred: importing the module must stay cheap
    from importlib import resources

    raw = (resources.files(__package__) / "_data" / name).read_bytes()
    return lzma.decompress(raw).decode("utf-8")


def _data_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _parse_gcp_bucket(line: str) -> _Bucket[int]:
    """``<3 digits>`` then TAB-separated ``<key length>:<GCP length>:<keys concatenated>``."""
    entries: dict[str, int] = {}
    counts: dict[int, int] = {}
    for part in line.split("\t")[1:]:
        size, length, keys = part.split(":")
        n = int(size)
        group = [keys[i : i + n] for i in range(0, len(keys), n)]
        entries.update(dict.fromkeys(group, int(length)))
        counts[n] = counts.get(n, 0) + len(group)
    # Try the key lengths with the most keys first: any order gives the same answer.
    return tuple(sorted(counts, key=lambda n: -counts[n])), entries


def _parse_gcp(text: str) -> _Table[int]:
    """Index the GCP data text by bucket; buckets are parsed on first use."""
    lines = _data_lines(text)
    width = len(lines[0].split("\t", 1)[0]) if lines else 3
    buckets: dict[str, _Bucket[int] | str] = {line[:width]: line for line in lines}
    return _Table(width, buckets, _parse_gcp_bucket)


def _parse_prefixes(text: str) -> _Table[Gs1Prefix]:
    """Parse the GS1 Prefix data text: ``key, prefix_length, kind, usage`` tab-separated."""
    entries: dict[str, Gs1Prefix] = {}
    for line in _data_lines(text):
        key, length, kind, usage = line.split("\t")
        if kind not in _KINDS:
            raise RuntimeError(f"bad kind {kind!r} in {_PREFIX_FILE}")  # a packaging error
        entries[key] = Gs1Prefix(key[: int(length)], usage, cast("Gs1PrefixKind", kind))
    width = min(map(len, entries))
    grouped: dict[str, dict[str, Gs1Prefix]] = {}
    for key, entry in entries.items():
        grouped.setdefault(key[:width], {})[key] = entry
    buckets: dict[str, _Bucket[Gs1Prefix] | str] = {
        digits: (tuple(sorted({len(k) for k in group})), group) for digits, group in grouped.items()
    }
    return _Table(width, buckets, _no_parse)


def _no_parse(line: str) -> _Bucket[Gs1Prefix]:  # pragma: no cover - buckets are eager
    raise RuntimeError("the GS1 Prefix table is parsed eagerly")


def _gcp() -> _Table[int]:
    global _gcp_table
    with _lock:
        if _gcp_table is None:
            _gcp_table = _parse_gcp(_read_data(_GCP_FILE))
        return _gcp_table


def _prefixes() -> _Table[Gs1Prefix]:
    global _prefix_table
    with _lock:
        if _prefix_table is None:
            _prefix_table = _parse_prefixes(_read_data(_PREFIX_FILE))
        return _prefix_table


# --------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------


def _show(value: str) -> str:
    return value if len(value) <= 20 else value[:17] + "..."


def _check_text(value: object) -> str:
    if not isinstance(value, str):
        raise Gs1Error(
            f"expected text, got {type(value).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    if not value:
        raise Gs1Error("the value is empty", code="GS1_EMPTY_VALUE", position=0, length=0)
    return value


def _digit_run(value: str, limit: int) -> int:
    """Number of leading ASCII digits of ``value``, counting at most ``limit``."""
    head = value[:limit]
    if head.isdigit() and head.isascii():
        return len(head)
    for i, ch in enumerate(head):
        if not ("0" <= ch <= "9"):
            return i
    return len(head)


def _cut_short(value: str, run: int) -> Gs1Error:
    """The error for a value whose digits end at ``run`` before a decision is possible."""
    if run < len(value):
        return Gs1Error(
            f"{value[run]!r} is not a digit",
            code="GS1_LINTER_NON_DIGIT_CHARACTER",
            position=run,
            length=1,
        )
    return Gs1Error(
        f"{_show(value)} ends before its GS1 prefix and GCP are complete;"
        " give the key in the 13-digit lookup space",
        code="GS1_VALUE_TOO_SHORT",
        position=0,
        length=len(value),
    )


def _match(table: _Table[_T], value: str) -> tuple[str, _T] | None:
    """The table key that prefixes ``value`` and its entry, or ``None`` if no key can match.

    Raises:
        Gs1Error: when ``value`` ends or reaches a non-digit before the table can decide.
    """
    head = value[:_SPACE]
    if len(head) == _SPACE and head.isdigit() and head.isascii():
        run, digits = _SPACE, head
    else:
        run = _digit_run(value, _SPACE)
        digits = value[:run]
        if run < table.width:
            if any(b.startswith(digits) for b in table.buckets):
                raise _cut_short(value, run)
            return None
    bucket = table.bucket(digits[: table.width])
    if bucket is None:
        return None
    lengths, entries = bucket
    for n in lengths:
        if n <= run:
            entry = entries.get(digits[:n])
            if entry is not None:
                return digits[:n], entry
    if run < _SPACE and any(k.startswith(digits) for k in entries):
        raise _cut_short(value, run)
    return None


def _require_digits(value: str, length: int) -> None:
    """Raise unless ``value`` starts with ``length`` ASCII digits (the whole GCP)."""
    run = _digit_run(value, length)
    if run < length:
        raise _cut_short(value, run)


def _unknown(value: str) -> GcpLengthUnknown:
    return GcpLengthUnknown(
        f"no GS1 Company Prefix length is known for {_show(value)} (GS1 list of {DATA_DATE});"
        " pass gcp_length= or register a lookup with tracelib.gs1.prefixes.register_lookup()",
        code="GS1_GCP_LENGTH_UNKNOWN",
        position=0,
        length=len(value),
    )


def _checked_length(length: object, origin: str) -> int:
    if type(length) is not int or not (length == 0 or 4 <= length <= 12):
        raise Gs1Error(
            f"{origin} gave GCP length {length!r}; expected 0 or 4 to 12",
            code="GS1_INVALID_GCP_LENGTH",
            position=0,
            length=0,
        )
    return length


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def gcp_length(digits13: str) -> int:
    """Length of the GS1 Company Prefix that a key starts with.

    Registered hooks are asked first (newest first), then the bundled GCP length list.

    Args:
        digits13: The key in the 13-digit lookup space (see the module docs): GTIN-13/GLN
            digits, ``"0"`` + GTIN-12, GTIN-14 or SSCC without its first digit,
            ``"00000"`` + GTIN-8. Longer values and non-digits after the prefix are fine.

    Returns:
        The GCP length (4 to 12), or ``0`` when the prefix is known to carry no GCP
        (restricted circulation numbers, coupons, ISSN, ISBN, ISMN, refund receipts...).

    Raises:
        GcpLengthUnknown: ``GS1_GCP_LENGTH_UNKNOWN`` (position 0) when neither a hook nor
            the list knows the prefix.
        Gs1Error: ``GS1_INVALID_TYPE`` (not a string), ``GS1_EMPTY_VALUE``,
            ``GS1_LINTER_NON_DIGIT_CHARACTER`` (at its position) or ``GS1_VALUE_TOO_SHORT``
            when the value stops before the prefix and its GCP are complete;
            ``GS1_INVALID_GCP_LENGTH`` when a hook answers something else than 0 or 4-12.

    Examples:
        >>> gcp_length("8935049500568")
        8
        >>> gcp_length("0" + "036000291452")  # a GTIN-12 (U.P.C.)
        7
        >>> gcp_length("2001234567893")  # restricted circulation number: no GCP
        0
        >>> gcp_length("89350")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: 89350 ends before its GS1 prefix and GCP are complete; ...
    """
    value = _check_text(digits13)
    hooks = _hooks
    if hooks:
        if _digit_run(value, 1) == 0:
            raise _cut_short(value, 0)
        for _, hook in hooks:
            answer = hook(value)
            if answer is not None:
                length = _checked_length(answer, f"lookup hook {hook!r}")
                _require_digits(value, length)
                return length
    table = _gcp_table or _gcp()
    head = value[:_SPACE]
    if len(head) == _SPACE and head.isdigit() and head.isascii():  # the fast path
        bucket = table.bucket(head[: table.width])
        if bucket is not None:
            lengths, entries = bucket
            for n in lengths:
                found_length = entries.get(head[:n])
                if found_length is not None:
                    return found_length
        raise _unknown(value)
    found = _match(table, value)
    if found is None:
        raise _unknown(value)
    key, length = found
    if length > len(key):
        _require_digits(value, length)
    return length


def gcp(digits13: str) -> str:
    """The GS1 Company Prefix that a key starts with.

    Args:
        digits13: The key in the 13-digit lookup space, as for :func:`gcp_length`.

    Returns:
        The GCP digits.

    Raises:
        GcpLengthUnknown: as :func:`gcp_length`.
        Gs1Error: as :func:`gcp_length`, and ``GS1_NOT_CONVERTIBLE`` (position 0) when the
            prefix carries no GCP (length 0).

    Examples:
        >>> gcp("0614141000418")
        '0614141'
        >>> gcp("9781234567897")
        Traceback (most recent call last):
        ...
        tracelib.errors.Gs1Error: 9781234567897 has no GS1 Company Prefix: its prefix 978 is ...
    """
    length = gcp_length(digits13)
    if length == 0:
        try:
            info = gs1_prefix(digits13)
        except Gs1Error:  # a hook answered for a value too short to name its GS1 Prefix
            info = None
        what = f": its prefix {info.prefix} is {info.usage}" if info else ""
        raise Gs1Error(
            f"{_show(digits13)} has no GS1 Company Prefix{what}",
            code="GS1_NOT_CONVERTIBLE",
            position=0,
            length=len(digits13),
        )
    return digits13[:length]


def gs1_prefix(digits13: str) -> Gs1Prefix | None:
    """The GS1 Prefix a key starts with: who allocated it, or what it is reserved for.

    The GS1 Prefix tells which GS1 Member Organisation issued the GCP, not where the
    product comes from. For GTIN-8s padded to ``"00000"`` + 8 digits the answer is the
    13-digit table's (``gtin8_rcn`` for GTIN-8s starting ``00``, ``unused`` for the
    others): the GS1-8 Prefix list, which says who issued a GTIN-8, is not bundled.

    Args:
        digits13: The key in the 13-digit lookup space, as for :func:`gcp_length`.

    Returns:
        The GS1 Prefix, or ``None`` for a prefix that the list does not assign
        (e.g. 140-199, 970-976, 985-989).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE``, ``GS1_EMPTY_VALUE``, ``GS1_LINTER_NON_DIGIT_CHARACTER``
            or ``GS1_VALUE_TOO_SHORT`` (the value stops before its prefix is complete).

    Examples:
        >>> gs1_prefix("4006381333931").usage
        'GS1 Germany'
        >>> gs1_prefix("0212345678900").kind
        'rcn_regional'
        >>> gs1_prefix("1400000000000") is None
        True
    """
    value = _check_text(digits13)
    found = _match(_prefix_table or _prefixes(), value)
    return None if found is None else found[1]


def register_lookup(hook: LookupHook) -> Callable[[], None]:
    """Add a GCP length lookup that is asked before the bundled list (newest first).

    Use it to plug in your own GCP data, e.g. your company's prefixes or a fresher GS1
    list. A hook gets the value passed to :func:`gcp_length` (a string that starts with a
    digit) and returns its GCP length (0 or 4 to 12), or ``None`` to let the next hook or
    the bundled list answer. Exceptions raised by a hook propagate unchanged.

    Args:
        hook: A callable ``(value: str) -> int | None``.

    Returns:
        A function that removes the hook again (calling it twice is harmless).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``hook`` is not callable.

    Examples:
        >>> remove = register_lookup(lambda v: 9 if v.startswith("8930") else None)
        >>> gcp_length("8930123456786")
        9
        >>> remove()
        >>> gcp_length("8930123456786")
        Traceback (most recent call last):
        ...
        tracelib.errors.GcpLengthUnknown: no GS1 Company Prefix length is known for ...
    """
    global _hooks  # a copy-on-write tuple: lookups read it without the lock
    if not callable(hook):
        raise Gs1Error(
            f"a lookup hook must be callable, not {type(hook).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    token = object()
    with _lock:
        _hooks = ((token, hook), *_hooks)

    def unregister() -> None:
        global _hooks
        with _lock:
            _hooks = tuple(item for item in _hooks if item[0] is not token)

    return unregister


@contextmanager
def override_lookup(mapping: Mapping[str, int]) -> Iterator[None]:
    """Within a ``with`` block, answer GCP lengths from ``mapping`` first.

    Handy in tests and notebooks. Keys are digit prefixes; the longest key that starts a
    value gives its length; values no key matches go on to the other hooks and the
    bundled list.

    Args:
        mapping: ``{digit prefix: GCP length}``, lengths 0 or 4 to 12.

    Yields:
        Nothing; the override is removed when the block ends.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` or ``GS1_LINTER_NON_DIGIT_CHARACTER`` for a key that is
            not a digit string, ``GS1_INVALID_GCP_LENGTH`` for a bad length.

    Examples:
        >>> with override_lookup({"8930": 9, "89301": 10}):
        ...     gcp_length("8930123456786"), gcp_length("8930223456785")
        (10, 9)
    """
    table = dict(_checked_override(mapping))
    sizes = sorted({len(k) for k in table}, reverse=True)

    def hook(value: str) -> int | None:
        for n in sizes:
            length = table.get(value[:n])
            if length is not None:
                return length
        return None

    unregister = register_lookup(hook)
    try:
        yield
    finally:
        unregister()


def _checked_override(mapping: Mapping[str, int]) -> Iterator[tuple[str, int]]:
    if not isinstance(mapping, Mapping):
        raise Gs1Error(
            f"expected a mapping, got {type(mapping).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    for key, length in mapping.items():
        prefix = _check_text(key)
        _require_digits(prefix, len(prefix))
        yield prefix, _checked_length(length, f"override for {prefix}")
