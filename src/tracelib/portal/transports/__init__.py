"""Transports of the portal client: ``emulator``, ``epcis``, ``export`` and ``nbc-v5``."""

from __future__ import annotations

__all__: list[str] = []
