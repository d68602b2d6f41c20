"""Capture side of the loopback EPCIS server: ``POST /capture`` jobs and ``POST /events``."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from ..errors import TracelibError
from ._client_grammar import parse_time
from ._testing_base import (
    AppResponse,
    AppState,
    context_prefixes,
    json_response,
    problem_response,
)

__all__ = ["CaptureMixin", "check_event"]

EVENT_TYPES = frozenset(
    {
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    }
)
_NEEDS_ACTION = EVENT_TYPES - {"TransformationEvent"}
_OFFSET = re.compile(r"[+-]\d{2}:\d{2}")
_BEHAVIOURS = {"rollback": "rollback", "proceed": "proceed", "all": "rollback"}


def check_event(event: Any) -> str | None:
    """Why an event object is not capturable, or ``None`` (a light structural check).

    Args:
        event: The event object.

    Returns:
        The reason, or ``None`` when it is acceptable.

    Examples:
        >>> check_event({"type": "ObjectEvent", "eventTime": "2024-07-15T06:30:00+07:00",
        ...              "eventTimeZoneOffset": "+07:00", "action": "ADD"}) is None
        True
        >>> check_event({"type": "ObjectEvent"})
        'eventTime is missing or not an RFC 3339 date-time'
    """
    if not isinstance(event, dict):
        return "an event is a JSON object"
    kind = event.get("type")
    if not isinstance(kind, str) or (kind not in EVENT_TYPES and ":" not in kind):
        return f"type {kind!r} is not an EPCIS event type"
    if not isinstance(event.get("eventTime"), str) or parse_time(event["eventTime"]) is None:
        return "eventTime is missing or not an RFC 3339 date-time"
    offset = event.get("eventTimeZoneOffset")
    if not isinstance(offset, str) or not _OFFSET.fullmatch(offset):
        return "eventTimeZoneOffset is missing or not ±hh:mm"
    if kind in _NEEDS_ACTION and event.get("action") not in ("ADD", "OBSERVE", "DELETE"):
        return "action must be ADD, OBSERVE or DELETE"
    event_id = event.get("eventID")
    if event_id is not None and (not isinstance(event_id, str) or not event_id):
        return "eventID must be a non-empty string"
    return None


def _events_of(doc: Any) -> list[Any] | None:
    if not isinstance(doc, dict) or doc.get("type") not in ("EPCISDocument", "EPCISQueryDocument"):
        return None
    body = doc.get("epcisBody")
    if not isinstance(body, dict):
        return None
    if doc["type"] == "EPCISDocument":
        events = body.get("eventList")
    else:
        results = body.get("queryResults")
        inner = results.get("resultsBody") if isinstance(results, dict) else None
        events = inner.get("eventList") if isinstance(inner, dict) else None
    return events if isinstance(events, list) else None


def _xml_to_json(body: bytes) -> Any:
    """An XML capture body as a JSON object, through the codecs when they are installed."""
    from ._codec import parse

    doc = parse(body, format="xml")
    return json.loads(doc.to_jsonld())


class CaptureMixin(AppState):
    """``POST /capture``, ``GET /capture[/{id}]``, ``POST /events`` and direct loading."""

    __slots__ = ()

    def _content_json(self, headers: Mapping[str, str], body: bytes) -> Any:
        kind = (headers.get("content-type") or "application/json").split(";")[0].strip().lower()
        if kind in ("application/json", "application/ld+json"):
            return json.loads(body)
        if kind in ("application/xml", "text/xml"):
            try:
                return _xml_to_json(body)
            except ModuleNotFoundError as exc:
                raise _UnsupportedError("XML capture needs the EPCIS codecs") from exc
        raise _UnsupportedError(f"{kind} is not accepted; send application/json")

    def _capture(self, headers: Mapping[str, str], body: bytes) -> AppResponse:
        if self.file_size_limit is not None and len(body) > self.file_size_limit:
            return self._too_large(f"{len(body)} bytes > {self.file_size_limit}")
        behaviour = _BEHAVIOURS.get(
            (headers.get("gs1-capture-error-behaviour") or "rollback").strip()
        )
        if behaviour is None:
            return problem_response(
                400, "ValidationException", "GS1-Capture-Error-Behaviour is rollback or proceed"
            )
        try:
            doc = self._content_json(headers, body)
        except _UnsupportedError as exc:
            return problem_response(415, "UnsupportedMediaTypeException", str(exc))
        except (ValueError, UnicodeDecodeError, TracelibError) as exc:
            return problem_response(
                400, "ValidationException", "Invalid capture document", str(exc)
            )
        events = _events_of(doc)
        if events is None:
            return problem_response(
                400,
                "ValidationException",
                "Invalid capture document",
                "an EPCISDocument or EPCISQueryDocument with an event list is expected",
            )
        if self.capture_limit is not None and len(events) > self.capture_limit:
            return self._too_large(f"{len(events)} events > {self.capture_limit}")
        capture_id = uuid.uuid4().hex
        prefixes = context_prefixes(doc.get("@context"))
        job: dict[str, Any] = {
            "captureID": capture_id,
            "createdAt": self.now_iso(),
            "running": True,
            "success": True,
            "captureErrorBehaviour": behaviour,
            "_events": events,
            "_prefixes": prefixes,
            "_due": self.clock() + self.processing_delay,
        }
        self._jobs[capture_id] = job
        if self.processing_delay <= 0:
            self._finish(job)
        location = f"{self.base_path}/capture/{capture_id}"
        return AppResponse(202, (("Location", location), ("Content-Type", "application/json")), b"")

    def _too_large(self, detail: str) -> AppResponse:
        headers: list[tuple[str, str]] = []
        if self.capture_limit is not None:
            headers.append(("GS1-EPCIS-Capture-Limit", str(self.capture_limit)))
        if self.file_size_limit is not None:
            headers.append(("GS1-EPCIS-Capture-File-Size-Limit", str(self.file_size_limit)))
        return problem_response(
            413,
            "CaptureLimitExceededException",
            "Capture payload too large",
            detail,
            headers=tuple(headers),
        )

    def _advance(self) -> None:
        now = self.clock()
        for job in self._jobs.values():
            if job["running"] and now >= job["_due"]:
                self._finish(job)

    def _finish(self, job: dict[str, Any]) -> None:
        events: list[Any] = job.pop("_events")
        prefixes: dict[str, str] = job.pop("_prefixes")
        errors: list[dict[str, Any]] = []
        accepted: list[tuple[dict[str, Any], dict[str, str]]] = []
        seen: set[str] = set()
        if self.capture_error_mode != "none":
            errors.append(
                {
                    "type": "epcisException:ValidationException",
                    "title": "Rejected by the test server",
                    "status": 400,
                    "detail": f"capture_error_mode={self.capture_error_mode}",
                }
            )
        else:
            for index, raw in enumerate(events):
                reason = check_event(raw)
                event = dict(raw) if isinstance(raw, dict) else {}
                if reason is None:
                    event.setdefault("eventID", f"urn:uuid:{uuid.uuid4()}")
                    if event["eventID"] in seen or self.store.has_event(event["eventID"]):
                        reason = f"eventID {event['eventID']} exists already"
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
                seen.add(event["eventID"])
                own = context_prefixes(event.pop("@context", None))
                accepted.append((event, {**prefixes, **own}))
        stored = accepted if not errors or job["captureErrorBehaviour"] == "proceed" else []
        if stored:
            self._store(stored)
        job["running"] = False
        job["success"] = not errors
        job["finishedAt"] = self.now_iso()
        if errors and self.capture_error_mode == "error_file":
            job["errorFile"] = f"{self.base_path}/capture/{job['captureID']}/errors"
            job["_errors"] = errors
        elif errors:
            job["errors"] = errors
        else:
            job["errors"] = []

    def _store(self, events: list[tuple[dict[str, Any], dict[str, str]]]) -> None:
        record_time = self.now_iso()
        self.store.add(events, record_time=record_time)
        self._on_captured(events)

    def _job_view(self, job: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in job.items() if not k.startswith("_")}

    def _get_job(self, capture_id: str) -> AppResponse:
        self._advance()
        job = self._jobs.get(capture_id)
        if job is None:
            return problem_response(
                404, "NoSuchResourceException", "No such capture job", capture_id
            )
        return json_response(200, self._job_view(job))

    def _get_job_errors(self, capture_id: str) -> AppResponse:
        self._advance()
        job = self._jobs.get(capture_id)
        if job is None or "_errors" not in job:
            return problem_response(404, "NoSuchResourceException", "No error file", capture_id)
        return json_response(200, job["_errors"])

    def _list_jobs(self) -> AppResponse:
        self._advance()
        return json_response(200, [self._job_view(job) for job in self._jobs.values()])

    def _post_event(self, headers: Mapping[str, str], body: bytes) -> AppResponse:
        try:
            event = self._content_json(headers, body)
        except _UnsupportedError as exc:
            return problem_response(415, "UnsupportedMediaTypeException", str(exc))
        except (ValueError, UnicodeDecodeError, TracelibError) as exc:
            return problem_response(400, "ValidationException", "Invalid EPCIS event", str(exc))
        reason = check_event(event)
        if reason is not None:
            return problem_response(400, "ValidationException", "Invalid EPCIS event", reason)
        event = dict(event)
        event.setdefault("eventID", f"urn:uuid:{uuid.uuid4()}")
        if self.store.has_event(event["eventID"]):
            return problem_response(
                409, "ResourceAlreadyExistsException", "The event exists already", event["eventID"]
            )
        prefixes = context_prefixes(event.pop("@context", None))
        try:
            self._store([(event, prefixes)])
        except sqlite3.IntegrityError:
            return problem_response(
                409, "ResourceAlreadyExistsException", "The event exists already", event["eventID"]
            )
        location = f"{self.base_path}/events/{quote(event['eventID'], safe='')}"
        return json_response(201, event, headers=(("Location", location),))

    def add_events(
        self,
        events: Iterable[dict[str, Any]],
        *,
        prefixes: Mapping[str, str] | None = None,
    ) -> list[str]:
        """Store events directly (no capture job, no validation beyond the structural check).

        Args:
            events: Event objects (JSON-LD members); missing ``eventID`` values are assigned.
            prefixes: The ``@context`` prefixes their extension members use.

        Returns:
            The event IDs, in order.

        Raises:
            TracelibError: ``EPCIS_TESTING_BAD_EVENT`` for an event the check refuses or a
                duplicate ID (nothing is stored then).
        """
        batch: list[tuple[dict[str, Any], dict[str, str]]] = []
        if isinstance(events, (str, bytes, dict)) or not isinstance(events, Iterable):
            raise TracelibError("events is a list of event objects", code="EPCIS_TESTING_BAD_EVENT")
        for index, raw in enumerate(events):
            reason = check_event(raw)
            if reason is not None:
                raise TracelibError(f"event {index}: {reason}", code="EPCIS_TESTING_BAD_EVENT")
            event = dict(raw)
            event.setdefault("eventID", f"urn:uuid:{uuid.uuid4()}")
            own = context_prefixes(event.pop("@context", None))
            batch.append((event, {**(prefixes or {}), **own}))
        with self._lock:
            try:
                self._store(batch)
            except sqlite3.IntegrityError as exc:
                raise TracelibError(
                    f"duplicate eventID: {exc}", code="EPCIS_TESTING_BAD_EVENT"
                ) from exc
        return [event["eventID"] for event, _ in batch]


class _UnsupportedError(Exception):
    """An unsupported content type."""
