"""tracelib.portal: a client for Vietnam's national traceability portal (work in progress).

Compliance checks before upload, a durable SQLite outbox, four transports and a local portal
emulator. See ``docs/portal/``.
"""

from __future__ import annotations

__all__: list[str] = []
