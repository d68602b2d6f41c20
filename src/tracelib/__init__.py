"""tracelib: product traceability standards for Python.

GS1 keys and syntax (``tracelib.gs1``), and later EPCIS 2.0 events, signed trace chains
and Vietnam's national traceability portal.

Examples:
    >>> import tracelib
    >>> tracelib.gs1.gtin.is_valid("8935049500568")
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors, gs1
from ._parse import ParseResult, parse
from .errors import (
    EpcisError,
    GcpLengthUnknown,
    Gs1Error,
    InputError,
    LinterError,
    MissingDependencyError,
    TracelibError,
)


def __getattr__(name: str) -> Any:
    # Subpackages beyond gs1 load on first use; the version is read lazily too
    # (importlib.metadata alone costs ~60 ms of import time).
    if name in _LAZY_SUBPACKAGES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("tracelib")
        except metadata.PackageNotFoundError:  # pragma: no cover - source tree, not installed
            from ._version import __version__

            return __version__
    raise AttributeError(f"module 'tracelib' has no attribute {name!r}")


if TYPE_CHECKING:
    from . import epcis, signing

_LAZY_SUBPACKAGES = frozenset({"epcis", "signing"})

__all__ = [
    "EpcisError",
    "GcpLengthUnknown",
    "Gs1Error",
    "InputError",
    "LinterError",
    "MissingDependencyError",
    "ParseResult",
    "TracelibError",
    "__version__",
    "epcis",
    "errors",
    "gs1",
    "parse",
    "signing",
]
