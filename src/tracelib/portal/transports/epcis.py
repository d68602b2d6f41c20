"""The ``epcis`` transport: events to any EPCIS 2.0 repository by ``POST /capture``.

Built on :class:`tracelib.epcis.client.EpcisCore` (its capture, job polling, limit discovery,
re-splitting after a 413 and queries), run as portal flows:

* :meth:`EpcisTransport.send` splices the event bodies into capture documents sized to the
  server's advertised limits (``OPTIONS /capture``, read once) and the transport's
  ``max_batch``; each 202 gives ``CREATED`` outcomes holding the capture job URL.
  ``GS1-Capture-Error-Behaviour`` is sent on every capture (``proceed`` by default, so each
  event stands on its own; ``rollback`` on request). A 413 splits the batch further.
* :meth:`EpcisTransport.confirm` polls each job until it finishes: success confirms its
  events; after a failed job each event is looked up, and found ones are confirmed.
* :meth:`EpcisTransport.lookup` finds events by ID (``EQ_eventID`` queries, falling back to
  ``GET /events/{id}``) to reconcile rows left ``SENT`` by a crash.

Only events travel this way: other entity types raise ``PORTAL_UNSUPPORTED``.

Examples:
    >>> transport = EpcisTransport("http://127.0.0.1:8080/epcis", discover_limits=False)
    >>> body = b'{"type":"ObjectEvent","eventID":"urn:uuid:1"}'
    >>> flow = transport.send("event", [Item("event", "urn:uuid:1", body)])
    >>> request = next(flow)
    >>> request.method, request.url, request.header("GS1-Capture-Error-Behaviour")
    ('POST', 'http://127.0.0.1:8080/epcis/capture', 'proceed')
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from ...epcis.client import (
    Auth,
    CaptureJob,
    CaptureLimitExceeded,
    CaptureLimits,
    EpcisClientError,
    EpcisCore,
    EpcisNotFoundError,
    EpcisNotImplementedError,
    EpcisUriTooLongError,
    EventQuery,
    PollPolicy,
    RetryPolicy,
)
from ..errors import PortalError
from ..transport import EntityType, Flow, Item, Outcome, OutcomeState
from ._epcis_doc import DocumentShell, pack_items, split_context
from ._errors import from_client_error, guard

__all__ = ["NO_RETRY", "EpcisTransport"]

NO_RETRY = RetryPolicy(max_retries=0)
"""The transports' default: a failed request raises at once and the outbox schedules the
retry (capped backoff with jitter, ``Retry-After`` honoured), so nothing retries twice."""


class EpcisTransport:
    """Send events to an EPCIS 2.0 capture interface.

    Args:
        base_url: The EPCIS root (``https://repo.example/epcis``).
        auth: An auth provider (:mod:`tracelib.portal.auth`), or ``None``.
        max_batch: Most events per capture request (the server's limit may lower it).
        error_behaviour: ``GS1-Capture-Error-Behaviour``: ``"proceed"`` (default) or
            ``"rollback"``.
        discover_limits: Read ``OPTIONS /capture`` once before the first capture.
        limits: Known limits (skips discovery).
        retry: Retries inside one flow (default :data:`NO_RETRY`: the outbox retries).
        poll: Capture job polling (waits are ``Sleep`` steps).
        lookup_chunk: Event IDs per ``EQ_eventID`` query.
        headers: Extra headers for every request.
        clock: Current time (``creationDate``, polling budget).
        name: The target name stored in outbox rows.

    Examples:
        >>> EpcisTransport("http://h/epcis").max_batch
        1000
    """

    name: str
    max_batch: int
    core: EpcisCore

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth | None = None,
        max_batch: int = 1000,
        error_behaviour: Literal["proceed", "rollback"] = "proceed",
        discover_limits: bool = True,
        limits: CaptureLimits | None = None,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        lookup_chunk: int = 40,
        headers: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        name: str = "epcis",
    ) -> None:
        if not isinstance(max_batch, int) or max_batch < 1:
            raise PortalError("max_batch must be a positive integer", code="PORTAL_BAD_OPTION")
        try:
            self.core = EpcisCore(
                base_url,
                retry=retry or NO_RETRY,
                poll=poll or PollPolicy(initial_interval=0.05, max_interval=1.0, timeout=120.0),
                auth=auth,
                capture_error_behaviour=error_behaviour,
                clock=clock,
                headers=tuple((headers or {}).items()),
            )
        except ValueError as exc:
            raise PortalError(str(exc), code="PORTAL_BAD_OPTION") from None
        self.name = name
        self.max_batch = max_batch
        self.error_behaviour = error_behaviour
        self.discover_limits = discover_limits
        self.lookup_chunk = max(1, lookup_chunk)
        self._limits = limits
        self._shell = DocumentShell(clock)
        self._contexts: dict[str, bytes | None] = {}

    def __repr__(self) -> str:
        return f"EpcisTransport({self.core.base_url!r})"

    @property
    def limits(self) -> CaptureLimits | None:
        """The capture limits in use (``None`` before discovery)."""
        return self._limits

    # ---- helpers -----------------------------------------------------------------------

    def _unsupported(self, entity_type: str) -> PortalError:
        return PortalError(
            f"the epcis transport sends events only, not {entity_type!r} records",
            code="PORTAL_UNSUPPORTED",
            target=self.name,
        )

    def _ensure_limits(self) -> Flow[CaptureLimits]:
        if self._limits is None:
            if self.discover_limits:
                found = yield from guard(self.core.capture_limits(), target=self.name)
            else:
                found = CaptureLimits()
            self._limits = found
        return self._limits

    def _capture(
        self, chunk: list[tuple[Item, bytes]], limits: CaptureLimits
    ) -> Flow[list[Outcome]]:
        """Capture one chunk; halve it after a 413 that announces no limit."""
        context = next((self._contexts[i.id] for i, _ in chunk if self._contexts.get(i.id)), None)
        document = self._shell.wrap(
            [
                piece
                if self._contexts.get(item.id) in (None, context)
                else b'{"@context":' + (self._contexts[item.id] or b'""') + b"," + piece[1:]
                for item, piece in chunk
            ],
            context,
        )
        try:
            report = yield from self.core.capture(
                document,
                error_behaviour=self.error_behaviour,
                limits=limits,
                discover_limits=False,
                wait=False,
                raise_on_failure=False,
            )
        except CaptureLimitExceeded as exc:
            if len(chunk) == 1:
                item = chunk[0][0]
                return [Outcome(item.id, "FAILED", error=f"PORTAL_TOO_LARGE: {exc.message}")]
            half = len(chunk) // 2
            announced = CaptureLimits(exc.max_events, exc.max_bytes)
            self._limits = (self._limits or CaptureLimits()).tighter(announced)
            first = yield from self._capture(chunk[:half], self._limits)
            rest = yield from self._capture(chunk[half:], self._limits)
            return first + rest
        except EpcisClientError as exc:
            raise from_client_error(exc, target=self.name) from None
        if report.limits != limits:
            self._limits = (self._limits or CaptureLimits()).tighter(report.limits)
        outcomes: list[Outcome] = []
        position = 0
        for job in report.jobs:
            count = job.event_count or 0
            for item, _ in chunk[position : position + count]:
                outcomes.append(
                    Outcome(
                        item.id,
                        "CREATED",
                        job=job.location,
                        data={"capture_id": job.capture_id},
                    )
                )
            position += count
        if position != len(chunk):  # pragma: no cover - the core sends every payload
            raise PortalError(
                f"{len(chunk) - position} events were not sent", code="PORTAL_PROTOCOL"
            )
        return outcomes

    # ---- Transport --------------------------------------------------------------------

    def send(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[list[Outcome]]:
        """Capture events: one or more ``POST /capture`` requests, ``CREATED`` outcomes.

        Args:
            entity_type: ``"event"``.
            items: Event items (body: one event's JSON-LD).

        Returns:
            One outcome per item, in order: ``CREATED`` with the capture job URL, or
            ``FAILED`` for a body that is not a JSON object or an event too large alone.

        Raises:
            PortalError: ``PORTAL_UNSUPPORTED`` for other entity types; a typed error
                (``TransientError``, ``RateLimited``, ``AuthError``...) when a request failed.

        Examples:
            >>> transport = EpcisTransport("http://h", limits=CaptureLimits())
            >>> flow = transport.send("event", [Item("event", "e1", b"not json")])
            >>> try:
            ...     next(flow)
            ... except StopIteration as done:
            ...     print(done.value[0].state, done.value[0].error)
            FAILED PORTAL_BAD_ITEM: the body is not one JSON object
        """
        if entity_type != "event":
            raise self._unsupported(entity_type)
        failed: dict[str, Outcome] = {}
        pieces: list[tuple[Item, bytes]] = []
        self._contexts = {}
        for item in items:
            split = split_context(item.body)
            if split is None:
                failed[item.id] = Outcome(
                    item.id, "FAILED", error="PORTAL_BAD_ITEM: the body is not one JSON object"
                )
            else:
                self._contexts[item.id] = split[0]
                pieces.append((item, _with_event_id(split[1], item.id)))
        sent: dict[str, Outcome] = {}
        if pieces:
            limits = yield from self._ensure_limits()
            for chunk in pack_items(pieces, limits, self.max_batch):
                for outcome in (yield from self._capture(chunk, self._limits or limits)):
                    sent[outcome.id] = outcome
        return [failed.get(item.id) or sent[item.id] for item in items]

    def _job(self, url: str) -> Flow[CaptureJob | None]:
        try:
            job = yield from self.core.wait_for_capture(url)
        except EpcisNotFoundError:
            return None
        except EpcisClientError as exc:
            raise from_client_error(exc, target=self.name) from None
        return job

    def confirm(self, entity_type: EntityType, outcomes: Sequence[Outcome]) -> Flow[list[Outcome]]:
        """Poll the capture jobs of ``CREATED`` outcomes until they finish.

        Args:
            entity_type: ``"event"``.
            outcomes: Outcomes from :meth:`send` (done ones are returned unchanged).

        Returns:
            The outcomes, in order: ``CONFIRMED`` when the job succeeded or the event is found
            after a failed (or forgotten) job; ``FAILED`` with the job's problem otherwise.

        Raises:
            PortalError: A typed error when polling failed (retry later).

        Examples:
            >>> transport = EpcisTransport("http://h")
            >>> flow = transport.confirm("event", [Outcome("e1", "CREATED", job="http://h/capture/7")])
            >>> next(flow).url
            'http://h/capture/7'
        """
        if entity_type != "event":
            raise self._unsupported(entity_type)
        jobs: dict[str, list[Outcome]] = {}
        for outcome in outcomes:
            if not outcome.done and outcome.job:
                jobs.setdefault(outcome.job, []).append(outcome)
        result: dict[str, Outcome] = {}
        for url, members in jobs.items():
            job = yield from self._job(url)
            if job is not None and job.success:
                for outcome in members:
                    result[outcome.id] = Outcome(
                        outcome.id, "CONFIRMED", remote_id=outcome.id, job=url, data=outcome.data
                    )
                continue
            found = yield from self._find([o.id for o in members])
            why = _job_error(job)
            for outcome in members:
                if outcome.id in found:
                    result[outcome.id] = Outcome(
                        outcome.id, "CONFIRMED", remote_id=outcome.id, job=url, data=outcome.data
                    )
                else:
                    result[outcome.id] = Outcome(
                        outcome.id, "FAILED", job=url, error=why, data=outcome.data
                    )
        out = []
        for outcome in outcomes:
            if outcome.id in result:
                out.append(result[outcome.id])
            elif not outcome.done:  # CREATED without a job: look it up
                found = yield from self._find([outcome.id])
                state: OutcomeState = "CONFIRMED" if outcome.id in found else "FAILED"
                out.append(
                    Outcome(
                        outcome.id,
                        state,
                        remote_id=outcome.id if state == "CONFIRMED" else None,
                        error=None if state == "CONFIRMED" else "PORTAL_NO_JOB: not found",
                    )
                )
            else:
                out.append(outcome)
        return out

    def _find(self, ids: Sequence[str]) -> Flow[set[str]]:
        found: set[str] = set()
        for start in range(0, len(ids), self.lookup_chunk):
            chunk = list(ids[start : start + self.lookup_chunk])
            try:
                events = yield from self._query_all(
                    EventQuery().event_id(*chunk).per_page(len(chunk))
                )
            except (EpcisNotImplementedError, EpcisUriTooLongError):
                for event_id in chunk:
                    try:
                        page = yield from self.core.get_event(event_id)
                    except EpcisNotFoundError:
                        continue
                    except EpcisClientError as exc:
                        raise from_client_error(exc, target=self.name) from None
                    if any(e.get("eventID") == event_id for e in page.events):
                        found.add(event_id)
                continue
            except EpcisClientError as exc:
                raise from_client_error(exc, target=self.name) from None
            wanted = set(chunk)
            found.update(
                e["eventID"]
                for e in events
                if isinstance(e.get("eventID"), str) and e["eventID"] in wanted
            )
        return found

    def _query_all(
        self, query: EventQuery | None, limit: int | None = None
    ) -> Flow[list[dict[str, Any]]]:
        events: list[dict[str, Any]] = []
        url: str | None = self.core.events_url(query)
        while url is not None:
            page = yield from self.core.page(url)
            events.extend(page.events)
            if limit is not None and len(events) >= limit:
                return events[:limit]
            url = page.next_url
        return events

    def lookup(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[dict[str, Outcome]]:
        """Which events the repository holds already (by event ID).

        Args:
            entity_type: ``"event"``.
            items: The items to check.

        Returns:
            ``{id: CONFIRMED outcome}`` for the events found; absent ids are not there.

        Raises:
            PortalError: A typed error when a query failed.

        Examples:
            >>> items = [Item("event", "urn:uuid:1", b"{}")]
            >>> next(EpcisTransport("http://h").lookup("event", items)).url
            'http://h/events?EQ_eventID=urn%3Auuid%3A1&perPage=1'
        """
        if entity_type != "event":
            raise self._unsupported(entity_type)
        found = yield from self._find([item.id for item in items])
        return {
            item.id: Outcome(item.id, "CONFIRMED", remote_id=item.id)
            for item in items
            if item.id in found
        }

    def query(
        self, query: EventQuery | None = None, *, limit: int | None = None
    ) -> Flow[list[dict[str, Any]]]:
        """Events matching a query, following ``Link: <…>; rel="next"`` pages.

        Args:
            query: The query (every event when ``None``).
            limit: Stop after this many events.

        Returns:
            The events as JSON objects.

        Raises:
            PortalError: A typed error when a page failed.

        Examples:
            >>> next(EpcisTransport("http://h").query(EventQuery().per_page(2))).url
            'http://h/events?perPage=2'
        """
        events = yield from guard(self._query_all(query, limit), target=self.name)
        return events


def _with_event_id(piece: bytes, event_id: str) -> bytes:
    """The piece with ``eventID`` set to the item id when it has none (lookups need it)."""
    if b'"eventID"' in piece:
        return piece
    member = b'"eventID":' + json.dumps(event_id).encode()
    return b"{" + member + (b"" if piece == b"{}" else b",") + piece[1:]


def _job_error(job: CaptureJob | None) -> str:
    if job is None:
        return "PORTAL_CAPTURE_JOB_GONE: the capture job is unknown and the event was not found"
    problems: Iterable[Any] = job.errors
    first = next(iter(problems), None)
    if first is None:
        where = f" (see {job.error_file})" if job.error_file else ""
        return f"PORTAL_CAPTURE_FAILED: capture job {job.capture_id} failed{where}"
    text = first.detail or first.title or first.type or "rejected"
    return f"PORTAL_CAPTURE_FAILED: {text}"
