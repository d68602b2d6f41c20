"""tracelib: product traceability standards for Python.

GS1 keys and syntax (``tracelib.gs1``), and later EPCIS 2.0 events, signed trace chains
and Vietnam's national traceability portal.

Examples:
    >>> import tracelib
    >>> tracelib.gs1.gtin.is_valid("8935049500568")
    True
"""

from __future__ import annotations

from importlib import metadata as _metadata

from . import errors, gs1
from ._parse import ParseResult, parse
from .errors import (
    GcpLengthUnknown,
    Gs1Error,
    InputError,
    LinterError,
    MissingDependencyError,
    TracelibError,
)

try:
    __version__ = _metadata.version("tracelib")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    from ._version import __version__

__all__ = [
    "GcpLengthUnknown",
    "Gs1Error",
    "InputError",
    "LinterError",
    "MissingDependencyError",
    "ParseResult",
    "TracelibError",
    "__version__",
    "errors",
    "gs1",
    "parse",
]
