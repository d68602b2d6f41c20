"""Transports of the portal client: ``emulator``, ``epcis``, ``export`` and ``nbc-v5``.

Each implements :class:`tracelib.portal.transport.Transport` (sans-I/O flows run by
:mod:`tracelib.portal.drivers`):

- :class:`EmulatorTransport`: the local portal emulator (master data through its nbc-v5
  face, events through its EPCIS capture), in-process or over HTTP;
- :class:`EpcisTransport`: any EPCIS 2.0 repository (capture jobs, capture-limit splitting,
  lookup by eventID for reconciliation);
- :class:`ExportTransport`: a validated, deterministic bundle of files (manifest, EPCIS
  JSON-LD, a sortable FSMA 204 CSV, media) for manual upload or a regulator;
- :class:`NbcV5Transport`: the national portal's observed ``nbc-v5`` surface, experimental,
  every endpoint and field name from a versioned profile file.

Examples:
    >>> from tracelib.portal import transports
    >>> transports.EpcisTransport.__name__
    'EpcisTransport'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .emulator import EmulatorTransport
    from .epcis import EpcisTransport
    from .export import ExportTransport
    from .nbc_v5 import NbcV5Transport

__all__ = ["EmulatorTransport", "EpcisTransport", "ExportTransport", "NbcV5Transport"]

_WHERE = {
    "EmulatorTransport": "emulator",
    "EpcisTransport": "epcis",
    "ExportTransport": "export",
    "NbcV5Transport": "nbc_v5",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{where}"), name)


def __dir__() -> list[str]:
    return sorted(__all__)
