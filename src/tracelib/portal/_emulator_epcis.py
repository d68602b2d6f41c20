"""The emulator's EPCIS 2.0 face: ``tracelib.epcis.testing``'s app mounted under ``/epcis``.

One change of behaviour, made by composition (a subclass; the EPCIS test server is not
edited): a captured event whose ``eventID`` is already stored (or repeats within the same
capture) is **not an error** here. It is not stored again, and the capture job counts it
in ``duplicates`` (the portal-style semantics of design §9: resending a batch after a lost
response must be harmless). ``POST /events`` keeps answering 409 for an existing event.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..epcis._testing_base import context_prefixes
from ..epcis._testing_capture import check_event
from ..epcis.testing import EpcisApp

__all__ = ["EmulatorEpcisApp"]


class EmulatorEpcisApp(EpcisApp):
    """:class:`~tracelib.epcis.testing.EpcisApp` counting duplicate event IDs instead of
    refusing them.

    Attributes:
        duplicates_total: Duplicates seen over every capture and ``POST /events``.
    """

    duplicates_total: int

    def _finish(self, job: dict[str, Any]) -> None:
        events: list[Any] = job.pop("_events")
        prefixes: dict[str, str] = job.pop("_prefixes")
        errors: list[dict[str, Any]] = []
        accepted: list[tuple[dict[str, Any], dict[str, str]]] = []
        seen: set[str] = set()
        duplicates = 0
        if self.capture_error_mode != "none":
            errors.append(
                {
                    "type": "epcisException:ValidationException",
                    "title": "Rejected by the emulator",
                    "status": 400,
                    "detail": f"capture_error_mode={self.capture_error_mode}",
                }
            )
        else:
            for index, raw in enumerate(events):
                reason = check_event(raw)
                if reason is not None:
                    errors.append(
                        {
                            "type": "epcisException:ValidationException",
                            "title": "Invalid EPCIS event",
                            "status": 400,
                            "detail": f"event {index}: {reason}",
                        }
                    )
                    continue
                event = dict(raw)
                event.setdefault("eventID", f"urn:uuid:{uuid.uuid4()}")
                event_id = event["eventID"]
                if event_id in seen or self.store.has_event(event_id):
                    duplicates += 1
                    continue
                seen.add(event_id)
                own = context_prefixes(event.pop("@context", None))
                accepted.append((event, {**prefixes, **own}) if own else (event, prefixes))
        stored = accepted if not errors or job["captureErrorBehaviour"] == "proceed" else []
        if stored:
            self._store(stored)
        self.duplicates_total = getattr(self, "duplicates_total", 0) + duplicates
        job["running"] = False
        job["success"] = not errors
        job["finishedAt"] = self.now_iso()
        job["accepted"] = len(stored)
        job["duplicates"] = duplicates
        job["rejected"] = len(errors) if stored else len(events) - duplicates
        if errors and self.capture_error_mode == "error_file":
            job["errorFile"] = f"{self.base_path}/capture/{job['captureID']}/errors"
            job["_errors"] = errors
        else:
            job["errors"] = errors

    def count_conflict(self) -> None:
        """Count a ``POST /events`` answered 409 as a duplicate."""
        with self._lock:
            self.duplicates_total = getattr(self, "duplicates_total", 0) + 1

    def forget_requests(self) -> None:
        """Drop the app's own request log (the emulator keeps a bounded one)."""
        with self._lock:
            self._requests.clear()
