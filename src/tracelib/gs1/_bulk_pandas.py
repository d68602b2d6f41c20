"""pandas plumbing of :mod:`tracelib.gs1.bulk`: DataFrame output and the ``Series.gs1`` accessor.

pandas is imported only when needed. Importing :mod:`tracelib.gs1.bulk` registers the
accessor at once if pandas is already imported; otherwise a one-shot import hook registers
it right after pandas is first imported, so ``import tracelib.gs1.bulk`` stays cheap and
``s.gs1`` works whichever module is imported first.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

    from .bulk import BulkResult

#: Name of the Series accessor.
NAME = "gs1"


def require_pandas(feature: str) -> ModuleType:
    """pandas, or :class:`MissingDependencyError` naming ``feature``."""
    try:
        import pandas
    except ImportError as exc:
        raise MissingDependencyError(feature=feature, extra="bulk", package="pandas") from exc
    module: ModuleType = pandas
    return module


def frame(result: BulkResult) -> Any:
    """The DataFrame of a bulk result (see ``BulkResult.to_pandas``)."""
    pd = require_pandas("BulkResult.to_pandas()")
    return pd.DataFrame(
        {
            "input": pd.Series(list(result.inputs), dtype=object, index=result.index),
            "valid": pd.Series(result.valid, dtype=bool, index=result.index),
            "code": pd.Series(result.code, index=result.index),
            "position": pd.Series(result.position, dtype="int64", index=result.index),
            "gtin14": pd.Series(result.gtin14, index=result.index),
        },
        index=result.index,
    )


class Gs1SeriesAccessor:
    """GTIN checks on a Series of codes: ``s.gs1.validate()``, ``is_valid()``, ``to_gtin14()``.

    Args:
        series: The Series (pandas passes it).

    Examples:
        >>> import pandas as pd
        >>> import tracelib.gs1.bulk
        >>> s = pd.Series(["96385074", "9638-5074", "96385075", None], index=list("abcd"))
        >>> s.gs1.validate()[["valid", "code", "position"]]
           valid                              code  position
        a   True                                          -1
        b   True                                          -1
        c  False  GS1_LINTER_INCORRECT_CHECK_DIGIT         7
        d  False                  GS1_INVALID_TYPE         0
        >>> s.gs1.is_valid().tolist()
        [True, True, False, False]
        >>> s.gs1.to_gtin14().isna().tolist()
        [False, False, True, True]
    """

    def __init__(self, series: Any) -> None:
        self._series = series

    def validate(self, *, progress: Callable[[int], None] | None = None) -> Any:
        """Validate every value: a DataFrame with input, valid, code, position, gtin14.

        Args:
            progress: As for :func:`tracelib.gs1.bulk.validate_gtins`.

        Returns:
            A DataFrame with the Series index.

        Examples:
            >>> import pandas as pd
            >>> import tracelib.gs1.bulk
            >>> pd.Series(["96385074"]).gs1.validate().loc[0, "gtin14"]
            '00000096385074'
        """
        from .bulk import validate_gtins

        return validate_gtins(self._series, progress=progress).to_pandas()

    def is_valid(self) -> Any:
        """A bool Series telling which values are valid GTINs.

        Returns:
            A Series with the same index and name.

        Examples:
            >>> import pandas as pd
            >>> import tracelib.gs1.bulk
            >>> pd.Series(["96385074", 96385074]).gs1.is_valid().tolist()
            [True, False]
        """
        from .bulk import validate_gtins

        pd = require_pandas("Series.gs1.is_valid()")
        result = validate_gtins(self._series)
        return pd.Series(result.valid, index=self._series.index, name=self._series.name)

    def to_gtin14(self) -> Any:
        """The 14-digit form of each value, missing (``None``/``NaN``) where it is invalid.

        Returns:
            A Series of text with the same index and name.

        Examples:
            >>> import pandas as pd
            >>> import tracelib.gs1.bulk
            >>> pd.Series(["036000291452"]).gs1.to_gtin14().tolist()
            ['00036000291452']
        """
        from .bulk import validate_gtins

        pd = require_pandas("Series.gs1.to_gtin14()")
        result = validate_gtins(self._series)
        values: Sequence[object] = [
            text if ok else None
            for ok, text in zip(_listed(result.valid), _listed(result.gtin14), strict=True)
        ]
        return pd.Series(values, index=self._series.index, name=self._series.name)


def register(pd: ModuleType) -> None:
    """Register :class:`Gs1SeriesAccessor` on ``pd.Series`` unless it already is."""
    if getattr(pd.Series, NAME, None) is Gs1SeriesAccessor:
        return
    pd.api.extensions.register_series_accessor(NAME)(Gs1SeriesAccessor)


def install_hook() -> None:
    """Register the accessor now if pandas is imported, else right after pandas is imported."""
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        if hasattr(pandas, "api"):  # not a half-initialised module
            register(pandas)
        return
    if not any(isinstance(finder, _PandasHook) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PandasHook())


class _PandasHook:
    """Finds nothing itself; wraps the loader of pandas to call :func:`register` after it.

    The hook stays in place until pandas has been executed, so a mere probe such as
    ``importlib.util.find_spec("pandas")`` does not use it up.
    """

    def __init__(self) -> None:
        self._busy = False

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname != "pandas" or self._busy:
            return None
        self._busy = True  # the search below asks the finders again, this one included
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._busy = False
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            # The loader may be shared: restore it and act only on pandas itself.
            vars(loader).pop("exec_module", None)
            original(module)
            if module.__name__ == "pandas":
                _remove_hooks()
                try:
                    register(module)
                except Exception as exc:  # never break the import of pandas
                    warnings.warn(
                        f"tracelib could not register the Series.gs1 accessor: {exc!r}",
                        RuntimeWarning,
                        stacklevel=2,
                    )

        # A slotted loader refuses the attribute: then call register_accessor() by hand.
        with contextlib.suppress(AttributeError):
            loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _remove_hooks() -> None:
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, _PandasHook)]


def _listed(column: Any) -> list[Any]:
    return column if isinstance(column, list) else list(column.tolist())
