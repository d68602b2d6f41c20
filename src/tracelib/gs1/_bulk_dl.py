"""Bulk validation of GS1 Digital Link URIs (re-exported by :mod:`tracelib.gs1.bulk`).

:func:`validate_digital_links` runs :func:`~tracelib.gs1.digital_link.parse_digital_link`
over many values and returns parallel columns: a valid flag, the error code and position
(``""`` and ``-1`` when valid), the canonical URI and the element-string HRI of valid
values (``""`` otherwise). Anything that is not text (``None``, ``NaN``, numbers, bytes) is
``GS1_INVALID_TYPE``. With numpy installed the columns are numpy arrays, else lists; the
values are the same.

Examples:
    >>> result = validate_digital_links([
    ...     "https://example.com/01/09520123456788/10/ABC1?17=261231",
    ...     "https://example.com/01/09520123456789",
    ...     None,
    ... ])
    >>> result
    <DigitalLinkBulkResult 3 Digital Link URIs: 1 valid, 2 invalid>
    >>> list(result.code)
    ['', 'GS1_LINTER_INCORRECT_CHECK_DIGIT', 'GS1_INVALID_TYPE']
    >>> [int(p) for p in result.position]
    [-1, 36, 0]
    >>> result.canonical[0]
    'https://id.gs1.org/01/09520123456788/10/ABC1?17=261231'
    >>> result.hri[0]
    '(01)09520123456788(10)ABC1(17)261231'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ._bulk_es import columns, count_valid, frame, read_inputs
from .digital_link import parse_digital_link
from .options import Gs1Options, Profile, resolve_options

__all__ = ["DigitalLinkBulkResult", "validate_digital_links"]


@dataclass(frozen=True, slots=True, eq=False)
class DigitalLinkBulkResult:
    """Per-item results of :func:`validate_digital_links`, column by column.

    Attributes:
        valid: One flag per input.
        code: The error code per input, ``""`` when valid.
        position: 0-based offset of the problem in each input, ``-1`` when valid.
        canonical: The canonical URI (:meth:`DigitalLink.as_canonical
            <tracelib.gs1.digital_link.DigitalLink.as_canonical>`) of each valid input,
            ``""`` when invalid.
        hri: The bracketed element string of each valid input's AIs, ``""`` when invalid.
        inputs: The inputs as given.
        index: The index of a pandas Series input, reused by :meth:`to_pandas`.

    Examples:
        >>> r = validate_digital_links(["https://id.gs1.org/00/106141412345678908", "x"])
        >>> len(r), r.n_valid, list(r.hri)
        (2, 1, ['(00)106141412345678908', ''])
    """

    valid: Any
    code: Any
    position: Any
    canonical: Any
    hri: Any
    inputs: tuple[object, ...]
    index: Any = None

    def __len__(self) -> int:
        return len(self.inputs)

    @property
    def n_valid(self) -> int:
        """How many inputs are valid Digital Link URIs."""
        return count_valid(self.valid)

    def to_pandas(self) -> Any:
        """A pandas DataFrame with the columns input, valid, code, position, canonical, hri.

        Returns:
            A ``pandas.DataFrame`` (indexed like a Series input).

        Raises:
            MissingDependencyError: when pandas is not installed.

        Examples:
            >>> frame = validate_digital_links(["https://id.gs1.org/414/9520123456788"]).to_pandas()
            >>> list(frame.columns)
            ['input', 'valid', 'code', 'position', 'canonical', 'hri']
        """
        return frame(self, {"canonical": self.canonical, "hri": self.hri})

    def __repr__(self) -> str:
        return (
            f"<DigitalLinkBulkResult {len(self)} Digital Link URIs: {self.n_valid} valid, "
            f"{len(self) - self.n_valid} invalid>"
        )


def validate_digital_links(
    values: Iterable[object], *, profile: Profile | Gs1Options = "strict"
) -> DigitalLinkBulkResult:
    """Validate many Digital Link URIs, with the scalar parser's results.

    Args:
        values: A list, tuple, numpy array or pandas Series of URIs.
        profile: A profile name or :class:`~tracelib.gs1.options.Gs1Options`, as for
            :func:`~tracelib.gs1.digital_link.parse_digital_link`.

    Returns:
        A :class:`DigitalLinkBulkResult`; never raises for bad items.

    Raises:
        Gs1Error: ``GS1_UNKNOWN_PROFILE`` for a bad profile name, ``GS1_INVALID_TYPE``
            when ``values`` is not iterable (or is a single string).

    Examples:
        >>> uri = "https://example.com/01/9520123456788"
        >>> validate_digital_links([uri]).n_valid
        0
        >>> list(validate_digital_links([uri], profile="scanner-lenient").canonical)
        ['https://id.gs1.org/01/09520123456788']
    """
    opts = resolve_options(profile)
    inputs, index = read_inputs(values, "Digital Link URIs")
    parse = parse_digital_link

    def texts_of(value: str) -> tuple[str, str]:
        dl = parse(value, profile=opts)
        return dl.as_canonical(), dl.as_element_string().as_hri()

    valid, code, position, (canonical, hri) = columns(inputs, texts_of, 2)
    return DigitalLinkBulkResult(valid, code, position, canonical, hri, inputs, index)
