"""Bulk validation of GS1 element strings (re-exported by :mod:`tracelib.gs1.bulk`).

:func:`validate_element_strings` runs :func:`~tracelib.gs1.element_strings.parse_element_string`
over many values and returns parallel columns: a valid flag, the error code and position
(``""`` and ``-1`` when valid) and the bracketed HRI of valid values (``""`` otherwise).
Anything that is not text (``None``, ``NaN``, numbers, bytes) is ``GS1_INVALID_TYPE``.
With numpy installed the columns are numpy arrays, else lists; the values are the same.

Examples:
    >>> result = validate_element_strings(
    ...     ["(01)09521234543213(10)ABC", "^0109521234543214", None]
    ... )
    >>> result
    <ElementStringBulkResult 3 element strings: 1 valid, 2 invalid>
    >>> list(result.code)
    ['', 'GS1_LINTER_INCORRECT_CHECK_DIGIT', 'GS1_INVALID_TYPE']
    >>> [int(p) for p in result.position]
    [-1, 16, 0]
    >>> list(result.hri)[0]
    '(01)09521234543213(10)ABC'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Gs1Error, MissingDependencyError
from .element_strings import _separators, parse_element_string
from .options import Gs1Options, Profile, resolve_options

__all__ = ["ElementStringBulkResult", "validate_element_strings"]


@dataclass(frozen=True, slots=True, eq=False)
class ElementStringBulkResult:
    """Per-item results of :func:`validate_element_strings`, column by column.

    Attributes:
        valid: One flag per input.
        code: The error code per input, ``""`` when valid.
        position: 0-based offset of the problem in each input, ``-1`` when valid.
        hri: The bracketed HRI of each valid input, ``""`` when invalid.
        inputs: The inputs as given.
        index: The index of a pandas Series input, reused by :meth:`to_pandas`.

    Examples:
        >>> r = validate_element_strings(["(00)106141412345678908", "(00)1"])
        >>> len(r), r.n_valid
        (2, 1)
    """

    valid: Any
    code: Any
    position: Any
    hri: Any
    inputs: tuple[object, ...]
    index: Any = None

    def __len__(self) -> int:
        return len(self.inputs)

    @property
    def n_valid(self) -> int:
        """How many inputs are valid element strings."""
        return count_valid(self.valid)

    def to_pandas(self) -> Any:
        """A pandas DataFrame with the columns input, valid, code, position and hri.

        Returns:
            A ``pandas.DataFrame`` (indexed like a Series input).

        Raises:
            MissingDependencyError: when pandas is not installed.

        Examples:
            >>> frame = validate_element_strings(["(00)106141412345678908"]).to_pandas()
            >>> list(frame.columns)
            ['input', 'valid', 'code', 'position', 'hri']
        """
        return frame(self, {"hri": self.hri})

    def __repr__(self) -> str:
        return (
            f"<ElementStringBulkResult {len(self)} element strings: {self.n_valid} valid, "
            f"{len(self) - self.n_valid} invalid>"
        )


def validate_element_strings(
    values: Iterable[object],
    *,
    profile: Profile | Gs1Options = "strict",
    separators: Sequence[str] | None = None,
) -> ElementStringBulkResult:
    """Validate many element strings (bracketed or raw), with the scalar parser's results.

    Args:
        values: A list, tuple, numpy array or pandas Series of element strings.
        profile: A profile name or :class:`~tracelib.gs1.options.Gs1Options`.
        separators: FNC1 separator characters of raw data (default: the profile's).

    Returns:
        An :class:`ElementStringBulkResult`; never raises for bad items.

    Raises:
        Gs1Error: ``GS1_UNKNOWN_PROFILE`` for a bad profile name, ``GS1_INVALID_TYPE``
            when ``values`` is not iterable or a separator is invalid.

    Examples:
        >>> validate_element_strings(["(21)X"], profile="scanner-lenient").n_valid
        1
    """
    opts = resolve_options(profile)
    inputs, index = read_inputs(values, "element strings")
    if separators is not None:
        separators = _separators(separators, opts)
    parse = parse_element_string

    def hri_of(value: str) -> tuple[str]:
        es = parse(value, profile=opts, separators=separators)
        # Bracketed input without escapes is its own HRI (the parse is exact).
        return (value if value[:1] == "(" and "\\" not in value else es.as_hri(),)

    valid, code, position, (hri,) = columns(inputs, hri_of, 1)
    return ElementStringBulkResult(valid, code, position, hri, inputs, index)


# --- shared by the bulk validators of element strings and Digital Link URIs ----------------


def read_inputs(values: Iterable[object], what: str) -> tuple[tuple[object, ...], Any]:
    """The inputs as a tuple, and the index of a pandas Series (else ``None``).

    Raises:
        Gs1Error: ``GS1_INVALID_TYPE`` when ``values`` is a string or not iterable.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise Gs1Error(
            f"expected an iterable of {what}, not {type(values).__name__}",
            code="GS1_INVALID_TYPE",
        )
    index = getattr(values, "index", None) if hasattr(values, "iloc") else None
    return tuple(values), index


def columns(
    inputs: tuple[object, ...], parse_one: Callable[[str], tuple[str, ...]], width: int
) -> tuple[Any, Any, Any, list[Any]]:
    """Run a scalar parser over the inputs and build the result columns.

    ``parse_one`` returns the ``width`` text columns of a valid value or raises
    :class:`~tracelib.errors.Gs1Error`; anything that is not text is ``GS1_INVALID_TYPE``
    at position 0. Invalid items get ``""`` in every text column.

    Returns:
        ``(valid, code, position, texts)``: numpy arrays (``bool``, ``object``, ``int64``,
        ``object``) when numpy is installed, else lists.
    """
    valid: list[bool] = []
    code: list[str] = []
    position: list[int] = []
    rows: list[tuple[str, ...]] = []
    blank = ("",) * width
    for value in inputs:
        if not isinstance(value, str):
            valid.append(False)
            code.append("GS1_INVALID_TYPE")
            position.append(0)
            rows.append(blank)
            continue
        try:
            row = parse_one(value)
        except Gs1Error as err:
            valid.append(False)
            code.append(str(err.code))
            position.append(err.position if err.position is not None else 0)
            rows.append(blank)
            continue
        valid.append(True)
        code.append("")
        position.append(-1)
        rows.append(row)
    texts: list[Any] = [list(column) for column in zip(*rows, strict=True)] if rows else []
    if not texts:
        texts = [[] for _ in range(width)]
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is in the bulk extra
        return valid, code, position, texts
    return (
        np.array(valid, dtype=bool),
        np.array(code, dtype=object),
        np.array(position, dtype=np.int64),
        [np.array(column, dtype=object) for column in texts],
    )


def count_valid(valid: Any) -> int:
    """How many flags of a ``valid`` column are set."""
    return int(sum(bool(v) for v in valid))


def frame(result: Any, texts: dict[str, Any]) -> Any:
    """A bulk result as a pandas DataFrame: input, valid, code, position, then ``texts``.

    Raises:
        MissingDependencyError: when pandas is not installed.
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is in the bulk extra
        raise MissingDependencyError(
            feature="pandas output", extra="bulk", package="pandas"
        ) from exc
    data = {
        "input": list(result.inputs),
        "valid": list(result.valid),
        "code": list(result.code),
        "position": list(result.position),
    }
    data.update((name, list(column)) for name, column in texts.items())
    return pd.DataFrame(data, index=result.index)
