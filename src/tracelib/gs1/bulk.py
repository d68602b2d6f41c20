"""Bulk GTIN validation for notebooks and data pipelines: lists, numpy arrays, pandas.

:func:`validate_gtins` checks many GTINs at once and returns a :class:`BulkResult` with
one entry per input: a valid flag, the error code and position the scalar
:func:`tracelib.gs1.gtin.validate` would raise (``""`` and ``-1`` when valid) and the
GTIN-14 form (``""`` when invalid). The semantics are exactly the scalar ones, item by
item: spaces and hyphens inside a value are removed and surrounding white space is
stripped before checking, positions index the value as given, and anything that is not
text (``None``, ``NaN``, ``int``, ``bytes``) is ``GS1_INVALID_TYPE``.

With numpy installed (``pip install 'tracelib[bulk]'``) the checks run vectorised and the
result columns are numpy arrays; without it the same results come as plain lists. With
pandas, ``Series.gs1`` gives ``validate()``, ``is_valid()`` and ``to_gtin14()``.

Examples:
    >>> from tracelib.gs1 import bulk
    >>> result = bulk.validate_gtins(["8935049500568", "8935049500569", "9638-5074", None])
    >>> result
    <BulkResult 4 GTINs: 2 valid, 2 invalid
    (GS1_INVALID_TYPE: 1, GS1_LINTER_INCORRECT_CHECK_DIGIT: 1)>
    >>> result.code.tolist()
    ['', 'GS1_LINTER_INCORRECT_CHECK_DIGIT', '', 'GS1_INVALID_TYPE']
    >>> result.gtin14.tolist()
    ['08935049500568', '', '00000096385074', '']
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..errors import Gs1Error
from . import _bulk_pandas
from ._bulk_dl import DigitalLinkBulkResult, validate_digital_links
from ._bulk_es import ElementStringBulkResult, validate_element_strings
from .checkdigit import is_valid_check_digit as _check_digit_ok
from .gtin import compact as _compact
from .gtin import validate as _validate

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "BulkItem",
    "BulkResult",
    "DigitalLinkBulkResult",
    "ElementStringBulkResult",
    "register_accessor",
    "to_gtin14",
    "validate_digital_links",
    "validate_element_strings",
    "validate_gtins",
]

# Items per chunk: bounds the temporaries, keeps them in cache, and paces `progress`.
_CHUNK = 16384
_LENGTHS = frozenset((8, 12, 13, 14))
# Invalid rows listed by BulkResult._repr_html_.
_HTML_ROWS = 10


@dataclass(frozen=True, slots=True)
class BulkItem:
    """The outcome for one input of :func:`validate_gtins` (what iterating a result yields).

    Args:
        input: The value as given.
        valid: Whether it is a valid GTIN.
        code: The scalar error code, ``""`` when valid.
        position: 0-based offset of the problem in the value as given, ``-1`` when valid.
        gtin14: The 14-digit form, ``""`` when invalid.

    Examples:
        >>> from tracelib.gs1 import bulk
        >>> next(iter(bulk.validate_gtins(["96385075"])))
        BulkItem(input='96385075', valid=False, code='GS1_LINTER_INCORRECT_CHECK_DIGIT',
                 position=7, gtin14='')
    """

    input: object
    valid: bool
    code: str
    position: int
    gtin14: str


@dataclass(frozen=True, slots=True, eq=False)
class BulkResult:
    """Per-item results of :func:`validate_gtins`, column by column.

    The columns are read-only numpy arrays when numpy is installed, lists otherwise; the
    values are the same either way. Results compare by identity (the columns are arrays).

    Args:
        valid: One flag per input.
        code: The scalar error code per input, ``""`` when valid.
        position: 0-based offset of the problem in each input, ``-1`` when valid.
        gtin14: The 14-digit form per input, ``""`` when invalid.
        inputs: The inputs as given.
        index: The index of a pandas Series input, reused by :meth:`to_pandas`; else ``None``.

    Examples:
        >>> from tracelib.gs1 import bulk
        >>> result = bulk.validate_gtins(["4006381333931", "40063813339"])
        >>> len(result), result.n_valid, result.n_invalid
        (2, 1, 1)
        >>> result.to_dicts()[1]["code"]
        'GS1_INVALID_LENGTH'
    """

    valid: list[bool] | npt.NDArray[np.bool_]
    code: list[str] | npt.NDArray[np.object_]
    position: list[int] | npt.NDArray[np.int64]
    gtin14: list[str] | npt.NDArray[np.str_]
    inputs: tuple[object, ...]
    index: Any = None

    def __len__(self) -> int:
        return len(self.inputs)

    def __iter__(self) -> Iterator[BulkItem]:
        columns = (self.valid, self.code, self.position, self.gtin14)
        valid, code, position, gtin14 = (_as_list(column) for column in columns)
        for i, value in enumerate(self.inputs):
            yield BulkItem(value, valid[i], code[i], position[i], gtin14[i])

    @property
    def n_valid(self) -> int:
        """How many inputs are valid GTINs."""
        if isinstance(self.valid, list):
            return sum(self.valid)
        return int(self.valid.sum())

    @property
    def n_invalid(self) -> int:
        """How many inputs are not valid GTINs."""
        return len(self) - self.n_valid

    def code_counts(self) -> dict[str, int]:
        """Count the invalid inputs per error code, most frequent first.

        Returns:
            ``{code: count}``, without the valid inputs.

        Examples:
            >>> from tracelib.gs1 import bulk
            >>> bulk.validate_gtins(["", "1", "12", "96385074"]).code_counts()
            {'GS1_VALUE_TOO_SHORT': 2, 'GS1_EMPTY_VALUE': 1}
        """
        counts = Counter(self.code[i] for i in self._invalid_rows())
        return dict(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))

    def to_dicts(self) -> list[dict[str, object]]:
        """One dictionary per input, with the keys of :meth:`to_pandas`'s columns.

        Returns:
            ``[{"input": ..., "valid": ..., "code": ..., "position": ..., "gtin14": ...}, ...]``
            holding plain Python values.

        Examples:
            >>> from tracelib.gs1 import bulk
            >>> bulk.validate_gtins([" 9638 5074 "]).to_dicts()
            [{'input': ' 9638 5074 ', 'valid': True, 'code': '', 'position': -1,
              'gtin14': '00000096385074'}]
        """
        return [
            {
                "input": item.input,
                "valid": item.valid,
                "code": item.code,
                "position": item.position,
                "gtin14": item.gtin14,
            }
            for item in self
        ]

    def to_pandas(self) -> Any:
        """A pandas DataFrame with the columns input, valid, code, position and gtin14.

        The index is the one of a Series input, else a default range index. The input
        column keeps the values as given (object dtype).

        Returns:
            A ``pandas.DataFrame``.

        Raises:
            MissingDependencyError: when pandas is not installed.

        Examples:
            >>> from tracelib.gs1 import bulk
            >>> frame = bulk.validate_gtins(["96385074", "96385075"]).to_pandas()
            >>> list(frame.columns)
            ['input', 'valid', 'code', 'position', 'gtin14']
            >>> frame["valid"].tolist(), frame["position"].tolist()
            ([True, False], [-1, 7])
        """
        return _bulk_pandas.frame(self)

    def to_frame(self) -> Any:
        """Same as :meth:`to_pandas`.

        Returns:
            A ``pandas.DataFrame``.

        Raises:
            MissingDependencyError: when pandas is not installed.

        Examples:
            >>> from tracelib.gs1 import bulk
            >>> bulk.validate_gtins(["96385074"]).to_frame().shape
            (1, 5)
        """
        return _bulk_pandas.frame(self)

    def __repr__(self) -> str:
        counts = ", ".join(f"{code}: {count}" for code, count in self.code_counts().items())
        detail = f" ({counts})" if counts else ""
        return (
            f"<BulkResult {len(self)} GTINs: {self.n_valid} valid, "
            f"{self.n_invalid} invalid{detail}>"
        )

    def _repr_html_(self) -> str:
        from html import escape as esc  # notebooks only: keep the import of this module light

        head = (
            f"<p><b>BulkResult</b>: {len(self):,} GTINs, {self.n_valid:,} valid, "
            f"{self.n_invalid:,} invalid</p>"
        )
        counts = "".join(
            f"<tr><td><code>{esc(code)}</code></td><td>{count:,}</td></tr>"
            for code, count in self.code_counts().items()
        )
        parts = [head]
        if counts:
            parts.append(f"<table><tr><th>code</th><th>count</th></tr>{counts}</table>")
            rows = []
            for i in self._invalid_rows()[:_HTML_ROWS]:
                label = i if self.index is None else self.index[i]
                rows.append(
                    f"<tr><td>{esc(str(label))}</td><td><code>{esc(repr(self.inputs[i]))}</code>"
                    f"</td><td><code>{esc(str(self.code[i]))}</code></td>"
                    f"<td>{int(self.position[i])}</td></tr>"
                )
            parts.append(
                f"<p>First {len(rows)} invalid:</p><table><tr><th></th><th>input</th>"
                f"<th>code</th><th>position</th></tr>{''.join(rows)}</table>"
            )
        return "".join(parts)

    def _invalid_rows(self) -> list[int]:
        if isinstance(self.valid, list):
            return [i for i, ok in enumerate(self.valid) if not ok]
        return (~self.valid).nonzero()[0].tolist()  # type: ignore[no-any-return]


def validate_gtins(
    values: Iterable[object], *, progress: Callable[[int], None] | None = None
) -> BulkResult:
    """Validate many GTINs at once, with exactly the results of the scalar validator.

    Each item gets what :func:`tracelib.gs1.gtin.validate` gives it: surrounding white
    space and inner spaces and hyphens are removed before checking; the code and position
    are those the scalar would raise. Never raises for bad items: ``None``, ``NaN``,
    numbers, bytes and other non-text items are ``GS1_INVALID_TYPE``. A numpy array of
    ``bytes`` (dtype ``S``) is read as text, one Latin-1 character per byte.

    Args:
        values: A list, tuple, any iterable (consumed once), a 1-D numpy array (str, bytes
            or object dtype) or a pandas Series (its index is kept).
        progress: Called after each chunk with the number of items just checked; the calls
            add up to the number of inputs (pass ``tqdm(total=n).update``, for example).

    Returns:
        The per-item results.

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``values`` itself is a single string or bytes,
            not iterable, or a numpy array that is not one-dimensional.

    Examples:
        >>> result = validate_gtins(("036000291452", "0360002914521", 36000291452))
        >>> result.valid.tolist(), result.code.tolist(), result.position.tolist()
        ([True, False, False], ['', 'GS1_LINTER_INCORRECT_CHECK_DIGIT', 'GS1_INVALID_TYPE'],
         [-1, 12, 0])
        >>> validate_gtins(code for code in ["96385074"]).gtin14.tolist()
        ['00000096385074']
    """
    items, inputs, index = _items(values)
    kernel = _numpy_kernel()
    if kernel is None:
        valid, code, position, gtin14 = _run_pure(items, progress)
        return BulkResult(valid, code, position, gtin14, inputs, index)
    valid_a, code_a, position_a, gtin14_a = kernel.run(items, _scalar_check, progress, _CHUNK)
    return BulkResult(valid_a, code_a, position_a, gtin14_a, inputs, index)


def to_gtin14(values: Iterable[object]) -> list[str] | npt.NDArray[np.str_]:
    """The 14-digit form of many GTINs, ``""`` for each invalid one.

    Args:
        values: As for :func:`validate_gtins`.

    Returns:
        The ``gtin14`` column of :func:`validate_gtins`.

    Raises:
        Gs1Error: as :func:`validate_gtins`.

    Examples:
        >>> to_gtin14(["96385074", "036000291452", "junk"]).tolist()
        ['00000096385074', '00036000291452', '']
    """
    return validate_gtins(values).gtin14


def register_accessor() -> None:
    """Register the ``gs1`` accessor on pandas Series (done for you when pandas is imported).

    Importing :mod:`tracelib.gs1.bulk` registers it at once when pandas is already
    imported, or right after pandas is first imported otherwise. Calling this again does
    nothing. The accessor offers ``s.gs1.validate()`` (a DataFrame as
    :meth:`BulkResult.to_pandas`), ``s.gs1.is_valid()`` (a bool Series) and
    ``s.gs1.to_gtin14()`` (a Series with missing values for invalid GTINs), all keeping the
    Series index.

    Raises:
        MissingDependencyError: when pandas is not installed.

    Examples:
        >>> import pandas as pd
        >>> register_accessor()
        >>> pd.Series(["96385074", "96385075"], index=["a", "b"]).gs1.is_valid().to_dict()
        {'a': True, 'b': False}
    """
    _bulk_pandas.register(_bulk_pandas.require_pandas("the pandas accessor Series.gs1"))


def _scalar_check(value: object) -> tuple[bool, str, int, str]:
    """The scalar verdict on one item: (valid, code, position, gtin14)."""
    if isinstance(value, str):
        # validate() is compact() then the checks: a compacted plain GTIN passes them.
        digits = _compact(value)
        if _plain_gtin(digits):
            return True, "", -1, digits.zfill(14)
    try:
        digits = _validate(value)  # type: ignore[arg-type]
    except Gs1Error as err:
        return False, err.code, err.position if err.position is not None else 0, ""
    return True, "", -1, digits.zfill(14)


def _run_pure(
    items: Sequence[object], progress: Callable[[int], None] | None
) -> tuple[list[bool], list[str], list[int], list[str]]:
    valid: list[bool] = []
    code: list[str] = []
    position: list[int] = []
    gtin14: list[str] = []
    for start in range(0, len(items), _CHUNK):
        part = items[start : start + _CHUNK]
        for value in part:
            if type(value) is str and _plain_gtin(value):
                ok, text, where, canonical = True, "", -1, value.zfill(14)
            else:
                ok, text, where, canonical = _scalar_check(value)
            valid.append(ok)
            code.append(text)
            position.append(where)
            gtin14.append(canonical)
        if progress is not None:
            progress(len(part))
    return valid, code, position, gtin14


def _plain_gtin(value: str) -> bool:
    """A valid GTIN with nothing to compact (plain ASCII digits): the scalar agrees."""
    return len(value) in _LENGTHS and value.isascii() and value.isdigit() and _check_digit_ok(value)


def _numpy_kernel() -> ModuleType | None:
    """The vectorised kernel, or ``None`` without numpy (tests patch this for the pure path)."""
    try:
        from . import _bulk_numpy
    except ImportError:
        return None
    return _bulk_numpy


def _items(values: object) -> tuple[Sequence[object], tuple[object, ...], Any]:
    """The items to check, the inputs to keep and the index, for any accepted container."""
    if isinstance(values, (str, bytes, bytearray)):
        raise Gs1Error(
            "expected a collection of GTINs, got a single "
            f"{type(values).__name__}: wrap it in a list",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        )
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(values, pd.Series):
        listed = values.tolist()
        return listed, tuple(listed), values.index
    np_ = sys.modules.get("numpy")
    if np_ is not None and isinstance(values, np_.ndarray):
        if values.ndim != 1:
            raise Gs1Error(
                f"expected a 1-D array of GTINs, got {values.ndim} dimensions",
                code="GS1_INVALID_TYPE",
                position=0,
                length=0,
            )
        listed = values.tolist()
        if values.dtype.kind == "S":
            return [raw.decode("latin-1") for raw in listed], tuple(listed), None
        return listed, tuple(listed), None
    if isinstance(values, (list, tuple)):
        return values, tuple(values), None
    try:
        iterator = iter(values)  # type: ignore[call-overload]
    except TypeError as exc:
        raise Gs1Error(
            f"expected a collection of GTINs, got {type(values).__name__}",
            code="GS1_INVALID_TYPE",
            position=0,
            length=0,
        ) from exc
    listed = list(iterator)
    return listed, tuple(listed), None


def _as_list(column: list[Any] | npt.NDArray[Any]) -> list[Any]:
    return column if isinstance(column, list) else list(column.tolist())


_bulk_pandas.install_hook()
