"""Capture flows of the sans-I/O core: ``POST /capture`` (splitting, polling), ``POST /events``."""

from __future__ import annotations

from typing import Any

from ..errors import EpcisError
from ._client_capture import (
    CaptureJob,
    CaptureLimits,
    CapturePayload,
    CaptureReport,
    body_of,
    split_capture,
)
from ._client_core_base import CoreBase, ErrorBehaviour
from ._client_errors import (
    CaptureFailedError,
    CaptureLimitExceeded,
    CaptureTimeoutError,
    EpcisProtocolError,
)
from ._client_http import Flow, Sleep, parse_retry_after

__all__ = ["CaptureFlows"]


class CaptureFlows(CoreBase):
    """Capture operations (mixed into :class:`~tracelib.epcis.client.EpcisCore`)."""

    __slots__ = ()

    def capture(
        self,
        document: Any,
        *,
        error_behaviour: ErrorBehaviour | None = None,
        limits: CaptureLimits | None = None,
        discover_limits: bool = True,
        wait: bool = True,
        raise_on_failure: bool = True,
    ) -> Flow[CaptureReport]:
        """Capture a document: split it to the limits, ``POST /capture`` each part, poll each job.

        Args:
            document: A document model, JSON-LD/XML ``bytes``/``str``, or a JSON ``dict``.
            error_behaviour: ``GS1-Capture-Error-Behaviour`` (the client default otherwise).
            limits: Limits to split to; read from ``OPTIONS /capture`` when ``None``.
            discover_limits: Ask the server for limits when ``limits`` is ``None``.
            wait: Poll each job until it finishes (otherwise return after the 202s).
            raise_on_failure: Raise :class:`CaptureFailedError` when a job fails.

        Returns:
            The report (one job per payload). Under ``rollback`` the parts after a failed one
            are not sent; parts captured before stay captured.

        Raises:
            CaptureFailedError: A job finished with ``success: false``.
            CaptureTimeoutError: A job still ran when the poll budget ran out.
            CaptureLimitExceeded: A single event exceeds the size limit, or the server
                refused a part that cannot be split further.
            EpcisStatusError: Any other error status.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> flow = EpcisCore("http://h").capture(b'{"type": "EPCISDocument", "epcisBody": '
            ...                                      b'{"eventList": []}}', discover_limits=False)
            >>> req = next(flow)
            >>> req.method, req.url, req.header("GS1-Capture-Error-Behaviour")
            ('POST', 'http://h/capture', 'rollback')
        """
        behaviour = error_behaviour or self.capture_error_behaviour
        if behaviour not in ("rollback", "proceed"):
            raise EpcisError(
                "error_behaviour is 'rollback' or 'proceed'", code="EPCIS_CLIENT_BAD_OPTION"
            )
        content, syntax = body_of(document)
        if limits is None:
            limits = (yield from self.capture_limits()) if discover_limits else CaptureLimits()
        queue = split_capture(content, syntax, limits)
        jobs: list[CaptureJob] = []
        total = len(queue)
        while queue:
            payload = queue.pop(0)
            try:
                job = yield from self._capture_one(payload, behaviour, wait=wait)
            except CaptureLimitExceeded as exc:
                smaller = self._resplit(payload, limits, exc)
                if smaller is None:
                    raise
                limits = limits.tighter(CaptureLimits(exc.max_events, exc.max_bytes))
                queue[:0] = smaller
                total += len(smaller) - 1
                continue
            jobs.append(job)
            if wait and not job.success and behaviour == "rollback":
                break
        report = CaptureReport(tuple(jobs), payloads=total, limits=limits)
        if raise_on_failure and wait and not report.success:
            failed = next((j for j in jobs if not j.success), jobs[-1])
            first = failed.errors[0] if failed.errors else None
            why = f": {first.title or first.type}" if first else ""
            where = f" (see {failed.error_file})" if failed.error_file else ""
            raise CaptureFailedError(
                f"capture job {failed.capture_id} failed{why}{where}", report=report
            )
        return report

    @staticmethod
    def _resplit(
        payload: CapturePayload, limits: CaptureLimits, exc: CaptureLimitExceeded
    ) -> list[CapturePayload] | None:
        announced = CaptureLimits(exc.max_events, exc.max_bytes)
        if announced == CaptureLimits():
            return None
        tighter = limits.tighter(announced)
        try:
            parts = split_capture(payload.content, payload.syntax, tighter)
        except CaptureLimitExceeded:  # one event alone is too big: the server's 413 stands
            return None
        if len(parts) <= 1:
            return None
        return [
            CapturePayload(p.content, p.syntax, p.event_count, payload.first_event + p.first_event)
            for p in parts
        ]

    def _capture_one(
        self, payload: CapturePayload, behaviour: ErrorBehaviour, *, wait: bool
    ) -> Flow[CaptureJob]:
        request = self.request(
            "POST",
            self.url("capture"),
            kind="write",
            content=payload.content,
            content_type=payload.content_type,
            headers=[("GS1-Capture-Error-Behaviour", behaviour)],
        )
        response = yield from self.send(request, ok=(202,), capture=True)
        location = response.location
        if not location:
            raise EpcisProtocolError(
                "the 202 capture response has no Location header",
                code="EPCIS_NO_LOCATION",
                request=request,
            )
        if not wait:
            return CaptureJob(
                location,
                location.rstrip("/").rsplit("/", 1)[-1],
                running=True,
                success=True,
                capture_error_behaviour=behaviour,
                event_count=payload.event_count,
            )
        job = yield from self.wait_for_capture(location, event_count=payload.event_count)
        return job

    def capture_job(self, capture: str, *, event_count: int | None = None) -> Flow[CaptureJob]:
        """``GET /capture/{captureID}`` once.

        Args:
            capture: The capture ID or the job URL.
            event_count: Events sent (kept on the result).

        Returns:
            The job state.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> next(EpcisCore("http://h").capture_job("id7")).url
            'http://h/capture/id7'
        """
        url = (
            capture if capture.startswith(("http://", "https://")) else self.url("capture", capture)
        )
        response = yield from self.send(self.request("GET", url))
        return CaptureJob.from_json(response.json(), location=url, event_count=event_count)

    def wait_for_capture(self, capture: str, *, event_count: int | None = None) -> Flow[CaptureJob]:
        """Poll a capture job until ``running`` is false.

        Waits grow from ``poll.initial_interval`` by ``poll.factor`` up to
        ``poll.max_interval``; a ``Retry-After`` on the job response replaces the wait.

        Args:
            capture: The capture ID or job URL.
            event_count: Events sent.

        Returns:
            The finished job.

        Raises:
            CaptureTimeoutError: Still running after ``poll.timeout`` seconds.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, Response
            >>> flow = EpcisCore("http://h").wait_for_capture("http://h/capture/1")
            >>> next(flow).url
            'http://h/capture/1'
            >>> flow.send(Response(200, content=b'{"running": true, "success": true}'))
            Sleep(seconds=0.25)
        """
        start = self.clock()
        polls = 0
        url = (
            capture if capture.startswith(("http://", "https://")) else self.url("capture", capture)
        )
        while True:
            response = yield from self.send(self.request("GET", url))
            job = CaptureJob.from_json(response.json(), location=url, event_count=event_count)
            if not job.running:
                return job
            elapsed = self.clock() - start
            if elapsed >= self.poll.timeout:
                raise CaptureTimeoutError(
                    f"capture job {job.capture_id} still running after {elapsed:.1f} s", job=job
                )
            asked = parse_retry_after(response.header("Retry-After"), now=self.clock())
            wait = self.poll.interval(polls) if asked is None else asked
            wait = min(wait, max(0.0, self.poll.timeout - elapsed))
            yield Sleep(wait)
            polls += 1

    def capture_jobs(self) -> Flow[tuple[CaptureJob, ...]]:
        """``GET /capture``: the server's capture jobs (first page).

        Returns:
            The jobs.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> next(EpcisCore("http://h").capture_jobs()).url
            'http://h/capture'
        """
        url = self.url("capture")
        response = yield from self.send(self.request("GET", url))
        body = response.json()
        items = (
            body
            if isinstance(body, list)
            else body.get("captureJobs", [])
            if isinstance(body, dict)
            else []
        )
        jobs = []
        for item in items:
            if isinstance(item, dict):
                job_url = self.url("capture", str(item.get("captureID", "")))
                jobs.append(CaptureJob.from_json(item, location=job_url))
        return tuple(jobs)

    def post_event(self, event: Any) -> Flow[str]:
        """``POST /events``: capture one event synchronously.

        Args:
            event: An event model, JSON-LD ``bytes``/``str`` or a JSON ``dict``.

        Returns:
            The new event's URL (``Location``).

        Raises:
            EpcisConflictError: 409, the event exists already.
            EpcisBadRequestError: 400, the event is invalid.

        Examples:

            >>> from tracelib.epcis.client import EpcisCore, EventQuery
            >>> req = next(EpcisCore("http://h").post_event({"type": "ObjectEvent"}))
            >>> req.url, req.content
            ('http://h/events', b'{"type":"ObjectEvent"}')
        """
        content, syntax = body_of(event)
        request = self.request(
            "POST",
            self.url("events"),
            kind="write",
            content=content,
            content_type="application/xml" if syntax == "xml" else "application/json",
        )
        response = yield from self.send(request, ok=(201,))
        location = response.location
        if not location:
            raise EpcisProtocolError(
                "the 201 response has no Location header", code="EPCIS_NO_LOCATION", request=request
            )
        return location
