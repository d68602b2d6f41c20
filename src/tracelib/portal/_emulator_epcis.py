"""The emulator's EPCIS 2.0 face: ``tracelib.epcis.testing``'s app mounted under ``/epcis``.

Changes of behaviour, made by composition (subclasses; the EPCIS test server is not edited):

* a captured event whose ``eventID`` is already stored (or repeats within the same capture)
  is **not an error** here. It is not stored again, and the capture job counts it in
  ``duplicates`` (the portal-style semantics of design §9: resending a batch after a lost
  response must be harmless). ``POST /events`` keeps answering 409 for an existing event.
* captures take a faster path made for the outbox's big batches: event IDs are checked
  against the store in one query per 500, each event is serialised once with a reused
  encoder, and the ``@context`` prefixes are serialised once per capture
  (:class:`EmulatorEventStore`);
* a query by event IDs alone (``GET /epcis/events?EQ_eventID=a|b&perPage=n``, how a client
  reconciles after a crash) is answered from the event ID index instead of a scan, in
  capture order, exactly as the general path would answer it;
* the store's cache of decoded events is bounded, so the emulator's memory stays flat over
  long runs.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from ..epcis._client_grammar import parse_time
from ..epcis._testing_base import AppResponse, context_prefixes, json_response
from ..epcis._testing_capture import EVENT_TYPES, check_event
from ..epcis._testing_query import _query_document
from ..epcis._testing_store import EventStore, StoredEvent
from ..epcis.client import EventQuery
from ..epcis.testing import EpcisApp
from ..errors import EpcisError

__all__ = ["EmulatorEpcisApp", "EmulatorEventStore", "event_problem"]

_NEEDS_ACTION = EVENT_TYPES - {"TransformationEvent"}
_ACTIONS = frozenset({"ADD", "OBSERVE", "DELETE"})
_OFFSET = re.compile(r"[+-]\d{2}:\d{2}")
_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))"
)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
_CHUNK = 500
_ID_QUERY_KEYS = frozenset({"EQ_eventID", "perPage"})


def _time_ok(text: str) -> bool:
    """Whether ``text`` is an RFC 3339 date-time (what ``parse_time`` accepts), quickly."""
    match = _TIME.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second, off_h, off_m = match.groups()
    plain = (
        year != "0000"
        and "01" <= month <= "12"
        and "01" <= day <= "28"
        and hour <= "23"
        and minute <= "59"
        and second <= "60"
        and (off_h is None or (off_h <= "23" and off_m <= "59"))
    )
    return plain or parse_time(text) is not None


def event_problem(event: Any) -> str | None:
    """Why an event object is not capturable, or ``None`` (the EPCIS test server's check).

    The same answers as :func:`tracelib.epcis._testing_capture.check_event`, with a fast path
    for the common case (one regular expression for the date-time).

    Args:
        event: The event object.

    Returns:
        The reason, or ``None`` when it is acceptable.

    Examples:
        >>> event_problem({"type": "ObjectEvent", "eventTime": "2025-03-01T08:00:00+07:00",
        ...                "eventTimeZoneOffset": "+07:00", "action": "OBSERVE"}) is None
        True
        >>> event_problem({"type": "ObjectEvent", "eventTime": "2025-02-30T08:00:00Z",
        ...                "eventTimeZoneOffset": "+00:00", "action": "OBSERVE"})
        'eventTime is missing or not an RFC 3339 date-time'
    """
    if not isinstance(event, dict):
        return check_event(event)
    kind = event.get("type")
    when = event.get("eventTime")
    offset = event.get("eventTimeZoneOffset")
    event_id = event.get("eventID", "x")
    fast = (
        kind in EVENT_TYPES
        and isinstance(when, str)
        and _time_ok(when)
        and isinstance(offset, str)
        and _OFFSET.fullmatch(offset) is not None
        and (kind not in _NEEDS_ACTION or event.get("action") in _ACTIONS)
        and isinstance(event_id, str)
        and bool(event_id)
    )
    return None if fast else check_event(event)


class EmulatorEventStore(EventStore):
    """:class:`~tracelib.epcis.testing.EventStore` with the emulator's fast paths.

    Args:
        path: The database file (created if missing).
        durable: ``synchronous=NORMAL`` instead of ``OFF``.
        cache_size: Decoded events kept in memory (least recently used ones are dropped).

    Examples:
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     store = EmulatorEventStore(pathlib.Path(tmp) / "e.sqlite", cache_size=1)
        ...     store.add([({"eventID": "urn:uuid:1", "type": "ObjectEvent"}, {}),
        ...                ({"eventID": "urn:uuid:2", "type": "ObjectEvent"}, {})],
        ...               record_time="2025-03-01T00:00:00.000Z")
        ...     sorted(store.known(["urn:uuid:2", "urn:uuid:3"]))
        ...     [e["eventID"] for _, e, _ in store.by_ids(["urn:uuid:2", "urn:uuid:1"])]
        ...     store.close()
        2
        ['urn:uuid:2']
        ['urn:uuid:1', 'urn:uuid:2']
    """

    def __init__(self, path: Any, *, durable: bool = False, cache_size: int = 20000) -> None:
        super().__init__(path, durable=durable)
        self._lru: OrderedDict[int, StoredEvent] = OrderedDict()
        self._cache_size = max(1, cache_size)

    def _decode(self, seq: int, context: str, body: str) -> StoredEvent:
        cached = self._lru.get(seq)
        if cached is None:
            cached = (seq, json.loads(body), json.loads(context))
            self._lru[seq] = cached
            if len(self._lru) > self._cache_size:
                self._lru.popitem(last=False)
        else:
            self._lru.move_to_end(seq)
        return cached

    def add(
        self, events: Iterable[tuple[dict[str, Any], dict[str, str]]], *, record_time: str
    ) -> int:
        """Insert events (all or none); each needs an ``eventID``.

        Args:
            events: ``(event object, context prefixes)`` pairs; ``recordTime`` is set on each.
            record_time: The record time to store.

        Returns:
            How many were inserted.

        Raises:
            sqlite3.IntegrityError: A duplicate ``eventID`` (nothing is inserted then).
        """
        contexts: dict[int, str] = {}
        encode = _ENCODER.encode
        rows = []
        for event, prefixes in events:
            event["recordTime"] = record_time
            context = contexts.get(id(prefixes))
            if context is None:
                context = contexts[id(prefixes)] = encode(prefixes)
            rows.append(
                (
                    str(event["eventID"]),
                    str(event.get("type", "")),
                    record_time,
                    context,
                    encode(event),
                )
            )
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT INTO events (event_id, type, record_time, context, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return len(rows)

    def known(self, event_ids: Sequence[str]) -> set[str]:
        """Which of these event IDs are stored (one query per 500).

        Args:
            event_ids: The IDs.

        Returns:
            The stored ones.
        """
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(event_ids), _CHUNK):
                chunk = list(event_ids[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                found.update(
                    row[0]
                    for row in self._db.execute(
                        f"SELECT event_id FROM events WHERE event_id IN ({marks})",  # noqa: S608
                        chunk,
                    )
                )
        return found

    def by_ids(self, event_ids: Sequence[str]) -> list[StoredEvent]:
        """The stored events with these IDs, in capture order.

        Args:
            event_ids: The IDs.

        Returns:
            The events (absent IDs skipped).
        """
        rows: list[tuple[int, str, str]] = []
        with self._lock:
            for start in range(0, len(event_ids), _CHUNK):
                chunk = list(event_ids[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                rows.extend(
                    self._db.execute(
                        f"SELECT seq, context, body FROM events WHERE event_id IN ({marks})",  # noqa: S608
                        chunk,
                    )
                )
            rows.sort()
            return [self._decode(seq, ctx, body) for seq, ctx, body in rows]


class EmulatorEpcisApp(EpcisApp):
    """:class:`~tracelib.epcis.testing.EpcisApp` counting duplicate event IDs instead of
    refusing them (and answering the outbox's batches quickly).

    Attributes:
        duplicates_total: Duplicates seen over every capture and ``POST /events``.
    """

    duplicates_total: int

    def _finish(self, job: dict[str, Any]) -> None:
        events: list[Any] = job.pop("_events")
        prefixes: dict[str, str] = job.pop("_prefixes")
        errors: list[dict[str, Any]] = []
        valid: list[dict[str, Any]] = []
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
                reason = event_problem(raw)
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
                if "eventID" not in raw:
                    raw["eventID"] = f"urn:uuid:{uuid.uuid4()}"
                valid.append(raw)
        stored_ids = self._known([e["eventID"] for e in valid])
        accepted: list[tuple[dict[str, Any], dict[str, str]]] = []
        seen: set[str] = set()
        duplicates = 0
        for event in valid:
            event_id = event["eventID"]
            if event_id in seen or event_id in stored_ids:
                duplicates += 1
                continue
            seen.add(event_id)
            if "@context" in event:
                own = context_prefixes(event.pop("@context"))
                accepted.append((event, {**prefixes, **own}) if own else (event, prefixes))
            else:
                accepted.append((event, prefixes))
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

    def _known(self, event_ids: list[str]) -> set[str]:
        store = self.store
        if isinstance(store, EmulatorEventStore):
            return store.known(event_ids)
        return {e for e in event_ids if store.has_event(e)}

    def _events_response(
        self,
        raw_path: str,
        query: str,
        headers: Mapping[str, str],
        *,
        origin: str,
        implicit: Any = (),
        query_name: str = "SimpleEventQuery",
        stored_query: Any = None,
    ) -> AppResponse:
        fast = None
        if not implicit and stored_query is None and query_name == "SimpleEventQuery":
            fast = self._by_ids(query, headers)
        if fast is not None:
            return fast
        return super()._events_response(
            raw_path,
            query,
            headers,
            origin=origin,
            implicit=implicit,
            query_name=query_name,
            stored_query=stored_query,
        )

    def _by_ids(self, query: str, headers: Mapping[str, str]) -> AppResponse | None:
        """``EQ_eventID`` (and ``perPage``) alone, fitting one page: from the index."""
        store = self.store
        if not isinstance(store, EmulatorEventStore) or headers.get("gs1-extensions"):
            return None
        pairs = parse_qsl(query, keep_blank_values=True)
        names = [n for n, _ in pairs]
        if len(set(names)) != len(names) or set(names) != _ID_QUERY_KEYS:
            return None
        values = dict(pairs)
        try:
            EventQuery.from_params([("EQ_eventID", values["EQ_eventID"])])
            per_page = min(int(values["perPage"]), self.max_per_page)
        except (EpcisError, ValueError):
            return None  # the general path answers the 400
        ids = values["EQ_eventID"].split("|")
        if per_page < 1 or len(set(ids)) > per_page:
            return None  # more than one page: the general path pages them
        doc = _query_document(
            store.by_ids(sorted(set(ids))),
            query_name="SimpleEventQuery",
            created=self.now_iso(),
            epc_format=headers.get("gs1-epc-format"),
        )
        return json_response(200, doc)

    def count_conflict(self) -> None:
        """Count a ``POST /events`` answered 409 as a duplicate."""
        with self._lock:
            self.duplicates_total = getattr(self, "duplicates_total", 0) + 1

    def forget_requests(self) -> None:
        """Drop the app's own request log (the emulator keeps a bounded one)."""
        with self._lock:
            self._requests.clear()
