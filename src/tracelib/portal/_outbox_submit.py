"""The submitter: drives outbox rows through a transport (sans-I/O, one flow).

:meth:`Submitter.drain_flow` is a flow like a transport's: it yields the transport's
requests and its own backoff :class:`~tracelib.portal.transport.Sleep` steps, so the same
drain runs under the sync driver, the async driver and the in-process emulator channel.
The outbox writes happen inside the flow, each committed before the next request goes out.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, TracelibError
from ._outbox_rows import Row, State
from ._outbox_store import Outbox
from .errors import AuthError, ConflictError, OrganizationNotActivated, RateLimited
from .transport import EntityType, Flow, Outcome, Sleep, Transport

__all__ = ["Backoff", "DrainReport", "Runner", "Submitter"]

Runner = Callable[[Flow[Any]], Any]
"""Runs a flow to its end and returns its value: ``lambda flow: run_sync(flow, channel)``."""

_STOP = (OrganizationNotActivated, AuthError)


def _check(name: str, value: object, *, minimum: float = 0.0, integer: bool = False) -> None:
    number = isinstance(value, int if integer else (int, float)) and not isinstance(value, bool)
    if not number or not value >= minimum:  # type: ignore[operator]
        raise InputError(
            f"{name} must be a number >= {minimum}, not {value!r}",
            code="PORTAL_OUTBOX_BAD_OPTION",
            position=0,
        )


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential backoff with full jitter, honouring ``Retry-After``.

    The wait before attempt ``n + 1`` is ``rand * min(cap, initial * 2**n)`` ("full
    jitter"); a server's ``Retry-After`` (:attr:`RateLimited.retry_after
    <tracelib.portal.errors.RateLimited>`) replaces it, up to ``max_retry_after``. A row
    failing ``max_attempts`` times becomes ``FAILED``.

    Attributes:
        initial: The first delay bound, seconds.
        cap: The largest delay bound, seconds.
        max_attempts: Attempts before a row is given up (``FAILED``).
        max_retry_after: The longest ``Retry-After`` honoured as given, seconds.
        poll: The wait between confirmations of ``CREATED`` rows, seconds.

    Examples:
        >>> policy = Backoff(initial=0.5, cap=4.0)
        >>> [policy.delay(n, rand=0.999) for n in range(5)]
        [0.4995, 0.999, 1.998, 3.996, 3.996]
        >>> policy.delay(0, rand=0.5, retry_after=7.0)
        7.0
    """

    initial: float = 0.2
    cap: float = 30.0
    max_attempts: int = 12
    max_retry_after: float = 600.0
    poll: float = 0.2

    def __post_init__(self) -> None:
        _check("initial", self.initial)
        _check("cap", self.cap)
        _check("max_attempts", self.max_attempts, minimum=1, integer=True)
        _check("max_retry_after", self.max_retry_after)
        _check("poll", self.poll)

    def delay(self, attempt: int, *, rand: float, retry_after: float | None = None) -> float:
        """Seconds to wait before the next attempt.

        Args:
            attempt: Failed attempts so far minus one (0 for the first retry).
            rand: A random number in ``[0, 1)``.
            retry_after: The server's ``Retry-After`` in seconds, if it sent one.

        Returns:
            The delay.

        Examples:
            >>> Backoff(initial=1.0, cap=8.0).delay(10, rand=0.5)
            4.0
        """
        if retry_after is not None and retry_after >= 0:
            return float(min(retry_after, self.max_retry_after))
        bound = min(self.cap, self.initial * (2.0 ** min(max(attempt, 0), 62)))
        return rand * bound


@dataclass(frozen=True, slots=True)
class DrainReport:
    """What one :meth:`Submitter.drain` did, and what is left.

    Attributes:
        target: The target name.
        confirmed: Rows confirmed during this drain.
        failed: Rows that became ``FAILED`` during this drain.
        retried: Attempts that failed transiently and were scheduled again.
        reconciled: Rows found at the target by a lookup (never sent twice).
        duplicates: Rows the target said it held already.
        batches: Requests of :meth:`Transport.send` made.
        held: Rows still waiting for a dependency or an earlier row of their lane.
        stats: Rows per state at the end.

    Examples:
        >>> report = DrainReport("emulator", stats={"CONFIRMED": 3, "PENDING": 0})
        >>> report.complete
        True
    """

    target: str
    confirmed: int = 0
    failed: int = 0
    retried: int = 0
    reconciled: int = 0
    duplicates: int = 0
    batches: int = 0
    held: int = 0
    stats: dict[State, int] | dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every row of the target is ``CONFIRMED``."""
        return all(count == 0 for state, count in self.stats.items() if state != "CONFIRMED")


@dataclass
class _Counters:
    confirmed: int = 0
    failed: int = 0
    retried: int = 0
    reconciled: int = 0
    duplicates: int = 0
    batches: int = 0


def _error_text(exc: BaseException) -> str:
    code = getattr(exc, "code", type(exc).__name__)
    message = exc.message if isinstance(exc, TracelibError) else str(exc)
    return f"{code}: {message}"


class Submitter:
    """Sends an outbox's rows for one transport, in order, with retries.

    * On start, rows left ``SENT`` by a crash are looked up (``transport.lookup``) and
      resent only when the target does not hold them: a create is never blind-retried.
      Rows that failed with an uncertain outcome (timeouts, dropped connections, 5xx) are
      looked up the same way before their next attempt.
    * Batches hold rows of one entity type, in dependency order, at most
      ``transport.max_batch``; per lane the rows go in enqueue order (see
      :meth:`Outbox.claim`).
    * Transient failures back off (:class:`Backoff`); ``Retry-After`` is honoured.
    * :class:`~tracelib.portal.errors.OrganizationNotActivated` and
      :class:`~tracelib.portal.errors.AuthError` stop the drain: the rows go back to
      ``PENDING`` and the error is raised; no further request is made.

    Args:
        outbox: The outbox.
        transport: The target.
        runner: Runs a flow (for :meth:`drain`); not needed with :meth:`drain_flow`.
        backoff: The retry policy.
        batch_size: At most this many rows per request (default ``transport.max_batch``).
        rand: Random numbers in ``[0, 1)`` for the jitter.
        on_confirmed: Called with each row once it is ``CONFIRMED`` (SLA tracking).

    Raises:
        InputError: ``PORTAL_OUTBOX_BAD_OPTION`` for a batch size below 1.

    Examples:
        >>> from tracelib.portal.transport import Item
        >>> class Echo:
        ...     name, max_batch = "echo", 100
        ...     def send(self, entity_type, items):
        ...         return [Outcome(i.id, "CONFIRMED") for i in items]
        ...         yield
        ...     def confirm(self, entity_type, outcomes):
        ...         return list(outcomes)
        ...         yield
        ...     def lookup(self, entity_type, items):
        ...         return {}
        ...         yield
        >>> def run(flow):
        ...     try:
        ...         while True:
        ...             next(flow)
        ...     except StopIteration as done:
        ...         return done.value
        >>> with Outbox(":memory:") as box:
        ...     _ = box.enqueue([Item("event", f"e{i}", b"{}", lane="lot-1") for i in range(3)],
        ...                     "echo")
        ...     report = Submitter(box, Echo(), run).drain()
        >>> report.confirmed, report.batches, report.complete
        (3, 1, True)
    """

    def __init__(
        self,
        outbox: Outbox,
        transport: Transport,
        runner: Runner | None = None,
        *,
        backoff: Backoff | None = None,
        batch_size: int | None = None,
        rand: Callable[[], float] = random.random,
        on_confirmed: Callable[[Row], None] | None = None,
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.runner = runner
        self.backoff = backoff or Backoff()
        size = batch_size if batch_size is not None else int(getattr(transport, "max_batch", 100))
        _check("batch_size", size, minimum=1, integer=True)
        self.batch_size = size
        self._rand = rand
        self._on_confirmed = on_confirmed

    @property
    def target(self) -> str:
        """The target name (``transport.name``)."""
        return str(self.transport.name)

    def drain(self) -> DrainReport:
        """Send everything that can be sent now; wait out backoffs; return when done.

        Returns:
            The report (``complete`` when every row is ``CONFIRMED``).

        Raises:
            InputError: ``PORTAL_OUTBOX_NO_RUNNER`` without a runner.
            OrganizationNotActivated: The target refused the organisation (drain stopped).
            AuthError: Credentials refused after the one refresh (drain stopped).

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     Submitter(box, type("T", (), {"name": "t", "max_batch": 1})()).drain()
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: drain() needs a runner; or run drain_flow() yourself
        """
        if self.runner is None:
            raise InputError(
                "drain() needs a runner; or run drain_flow() yourself",
                code="PORTAL_OUTBOX_NO_RUNNER",
                position=0,
            )
        report: DrainReport = self.runner(self.drain_flow())
        return report

    def drain_flow(self) -> Flow[DrainReport]:
        """The drain as a flow (see :meth:`drain`).

        Returns:
            The report, as the flow's value.

        Raises:
            OrganizationNotActivated: The drain stopped.
            AuthError: The drain stopped.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     flow = Submitter(box, type("T", (), {"name": "t", "max_batch": 5})()
            ...                      ).drain_flow()
            ...     try:
            ...         next(flow)
            ...     except StopIteration as done:
            ...         print(done.value.complete)
            True
        """
        counters = _Counters()
        box, target = self.outbox, self.target
        yield from self._reconcile(counters)
        held = 0
        while True:
            now = box.clock()
            created = box.due_created(target, limit=self.batch_size, now=now)
            if created:
                yield from self._confirm(created[0].entity_type, created, counters)
                continue
            claim = box.claim(target, limit=self.batch_size, now=now)
            held = claim.held
            if claim.rows and claim.entity_type is not None:
                yield from self._process(claim.entity_type, claim.rows, counters)
                continue
            wake = claim.wake_at
            poll = box.next_poll(target)
            if poll is not None:
                wake = poll if wake is None else min(wake, poll)
            if wake is None:
                break
            yield Sleep(max(0.0, wake - box.clock()))
        return DrainReport(
            target,
            confirmed=counters.confirmed,
            failed=counters.failed,
            retried=counters.retried,
            reconciled=counters.reconciled,
            duplicates=counters.duplicates,
            batches=counters.batches,
            held=held,
            stats=box.stats(target),
        )

    # ---- steps ----------------------------------------------------------------------------------

    def _reconcile(self, counters: _Counters) -> Flow[None]:
        """Rows left ``SENT`` (a crash between request and record): look them up first."""
        box = self.outbox
        while True:
            sent = box.rows("SENT", target=self.target, limit=self.batch_size)
            if not sent:
                return
            by_type: dict[EntityType, list[Row]] = {}
            for row in sent:
                by_type.setdefault(row.entity_type, []).append(row)
            for entity_type, rows in by_type.items():
                absent = yield from self._lookup(entity_type, rows, counters)
                if absent:
                    box.release(absent)

    def _lookup(
        self, entity_type: EntityType, rows: Sequence[Row], counters: _Counters
    ) -> Flow[list[Row]]:
        """Look rows up; record those found; return those absent (still ``SENT``).

        A failed lookup schedules the rows again, uncertain (looked up next time)."""
        try:
            found = yield from self.transport.lookup(entity_type, [r.item() for r in rows])
        except _STOP as exc:
            self.outbox.retry(
                rows, next_at=self.outbox.clock(), error=_error_text(exc), uncertain=True
            )
            raise
        except TracelibError as exc:
            self._schedule(rows, exc, counters, uncertain=True)
            return []
        present = [(row, found[row.id]) for row in rows if row.id in found]
        absent = [row for row in rows if row.id not in found]
        if present:
            counters.reconciled += len(present)
            self._record([r for r, _ in present], [o for _, o in present], counters)
        return absent

    def _process(
        self, entity_type: EntityType, rows: Sequence[Row], counters: _Counters
    ) -> Flow[None]:
        uncertain = [r for r in rows if r.uncertain]
        to_send = [r for r in rows if not r.uncertain]
        if uncertain:
            absent = yield from self._lookup(entity_type, uncertain, counters)
            if absent:
                to_send = sorted([*to_send, *absent], key=lambda r: r.seq)
        if not to_send:
            return
        counters.batches += 1
        try:
            outcomes = yield from self.transport.send(entity_type, [r.item() for r in to_send])
        except _STOP:
            self.outbox.release(to_send)
            raise
        except TracelibError as exc:
            self._schedule(to_send, exc, counters, uncertain=True)
            return
        outcomes = list(outcomes)
        created = {o.id for o in outcomes if o.state == "CREATED"}
        confirmed: list[Outcome] | None = None
        if created:
            # Confirm at once and record once (SENT -> CONFIRMED in one transaction): a crash
            # in between leaves the rows SENT, and SENT rows are looked up, never resent.
            try:
                confirmed = yield from self.transport.confirm(
                    entity_type, [o for o in outcomes if o.id in created]
                )
            except _STOP:
                self._record(to_send, outcomes, counters)
                raise
            except TracelibError as exc:
                recorded = self._record(to_send, outcomes, counters)
                self._no_outcome(to_send, recorded, counters)
                self._schedule(
                    [r for r in recorded if r.state == "CREATED"], exc, counters, uncertain=True
                )
                return
        if confirmed is None:
            recorded = self._record(to_send, outcomes, counters)
        else:
            final = {o.id: o for o in confirmed if o.id in created}
            merged = [final.get(o.id, o) for o in outcomes]
            poll_at = self.outbox.clock() + self.backoff.poll
            recorded = self._record(to_send, merged, counters, next_at=poll_at)
        self._no_outcome(to_send, recorded, counters)

    def _no_outcome(
        self, sent: Sequence[Row], recorded: Sequence[Row], counters: _Counters
    ) -> None:
        """Rows the transport gave no outcome for: find out before sending them again."""
        answered = {r.id for r in recorded}
        missing = [r for r in sent if r.id not in answered]
        if missing:
            self.outbox.retry(
                missing,
                next_at=self.outbox.clock(),
                error="PORTAL_OUTBOX_NO_OUTCOME: no outcome returned",
                uncertain=True,
            )
            counters.retried += len(missing)

    def _confirm(
        self, entity_type: EntityType, rows: Sequence[Row], counters: _Counters
    ) -> Flow[None]:
        try:
            outcomes = yield from self.transport.confirm(entity_type, [r.outcome() for r in rows])
        except _STOP:
            raise
        except TracelibError as exc:
            # The job is unknown or unreachable: look the rows up before anything else.
            self._schedule(rows, exc, counters, uncertain=True)
            return
        poll_at = self.outbox.clock() + self.backoff.poll
        self._record(rows, outcomes, counters, next_at=poll_at)

    def _record(
        self,
        rows: Sequence[Row],
        outcomes: Sequence[Outcome],
        counters: _Counters,
        *,
        next_at: float | None = None,
    ) -> list[Row]:
        recorded = self.outbox.record(rows, outcomes, next_at=next_at)
        before = {r.seq: r.state for r in rows}
        for row in recorded:
            if row.state == "CONFIRMED" and before.get(row.seq) != "CONFIRMED":
                counters.confirmed += 1
                if row.duplicate:
                    counters.duplicates += 1
                if self._on_confirmed is not None:
                    self._on_confirmed(row)
            elif row.state == "FAILED":
                counters.failed += 1
        return recorded

    def _schedule(
        self, rows: Sequence[Row], exc: TracelibError, counters: _Counters, *, uncertain: bool
    ) -> None:
        """A whole request failed: retry later (transient) or give up (permanent)."""
        box = self.outbox
        error = _error_text(exc)
        retryable = bool(getattr(exc, "retryable", False))
        if isinstance(exc, ConflictError):
            # A duplicate: reconcile by lookup (counts as an attempt, so it cannot loop).
            retryable, uncertain = True, True
        if not retryable:
            box.fail(rows, error)
            counters.failed += len(rows)
            return
        retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
        if isinstance(exc, RateLimited):
            uncertain = any(r.uncertain for r in rows)  # a 429 was not processed
        attempt = max(r.attempts for r in rows)
        wait = self.backoff.delay(attempt, rand=self._rand(), retry_after=retry_after)
        after = box.retry(
            rows,
            next_at=box.clock() + wait,
            error=error,
            uncertain=uncertain,
            max_attempts=self.backoff.max_attempts,
        )
        counters.retried += len(rows)
        counters.failed += sum(1 for r in after if r.state == "FAILED")
