"""SLA tracking inside the client: each event's update deadline, from submit to confirmation.

:class:`ClientSla` wraps a :class:`~tracelib.portal.sla.SlaTracker` for the client's
profile: events are recorded when they are enqueued (deadline = ``eventTime`` + the
profile's update window; ``None`` under TT 02, which reports ages only), confirmed when the
outbox confirms them (rows confirmed after a restart are recorded from their body then), and
after each drain one :class:`~tracelib.portal.sla.SlaOverdueWarning` reports the events
confirmed late and the pending ones past their deadline.
"""

from __future__ import annotations

import datetime as _dt
import json
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from ..epcis._client_grammar import parse_time
from ._outbox_rows import Row
from .sla import ICT, PROFILES, SlaMetrics, SlaOverdueWarning, SlaTracker, WorkingCalendar
from .transport import Item

__all__ = ["ClientSla", "event_time_of"]


def _now() -> _dt.datetime:
    return _dt.datetime.now(ICT)


def event_time_of(body: bytes) -> _dt.datetime | None:
    """The ``eventTime`` of an event item's JSON-LD body, or ``None``.

    Args:
        body: The body (one EPCIS event as JSON).

    Returns:
        The aware datetime, or ``None`` when the body has no readable ``eventTime``.

    Examples:
        >>> event_time_of(b'{"eventTime": "2025-01-10T18:00:00+07:00"}').isoformat()
        '2025-01-10T18:00:00+07:00'
        >>> event_time_of(b"not json") is None
        True
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    when = data.get("eventTime") if isinstance(data, dict) else None
    return parse_time(when) if isinstance(when, str) else None


class ClientSla:
    """The client's SLA tracker and its warnings.

    Args:
        profile: A profile of :data:`tracelib.portal.sla.PROFILES`.
        calendar: The working calendar (``vn.mps_draft_2026``'s next-working-day rule).
        clock: The current time as an aware datetime (inject one in tests).

    Examples:
        >>> import warnings
        >>> from tracelib.portal.transport import Item
        >>> now = [_dt.datetime(2025, 1, 14, 9, tzinfo=ICT)]
        >>> sla = ClientSla("vn.mps_draft_2026", clock=lambda: now[0])
        >>> body = b'{"eventID": "e1", "eventTime": "2025-01-10T18:00:00+07:00"}'
        >>> sla.track([Item("event", "e1", body)])
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     sla.report()
        >>> caught[0].category.__name__, sla.metrics().overdue
        ('SlaOverdueWarning', 1)
    """

    def __init__(
        self,
        profile: str,
        *,
        calendar: WorkingCalendar | None = None,
        clock: Callable[[], _dt.datetime] | None = None,
    ) -> None:
        self.tracker = SlaTracker(profile, calendar=calendar)
        self.clock = clock or _now
        self._late: list[tuple[str, _dt.datetime, _dt.datetime]] = []

    @staticmethod
    def for_profile(
        profile: str | None,
        *,
        calendar: WorkingCalendar | None = None,
        clock: Callable[[], _dt.datetime] | None = None,
    ) -> ClientSla | None:
        """A tracker for ``profile``, or ``None`` when the profile has no SLA rule.

        Args:
            profile: The client's compliance profile (``None``: no tracking).
            calendar: The working calendar.
            clock: The current time.

        Returns:
            The tracker or ``None``.

        Examples:
            >>> ClientSla.for_profile(None) is None, ClientSla.for_profile("nbc-v5") is None
            (True, True)
            >>> ClientSla.for_profile("vn.tt02_2024").tracker.profile
            'vn.tt02_2024'
        """
        if profile is None or profile not in PROFILES:
            return None
        return ClientSla(profile, calendar=calendar, clock=clock)

    def __repr__(self) -> str:
        return f"ClientSla({self.tracker.profile!r}, pending={self.tracker.metrics().pending})"

    def track(self, items: Iterable[Item]) -> None:
        """Start the clock of events just enqueued (their deadline comes from ``eventTime``).

        Args:
            items: Event items (other entity types and bodies without a time are skipped).
        """
        for item in items:
            if item.entity_type != "event":
                continue
            when = event_time_of(item.body)
            if when is not None:
                self.tracker.record(item.id, when)

    def confirmed(self, row: Row) -> None:
        """The outbox confirmed a row: stop its clock (and note it when it was late).

        Args:
            row: The confirmed row.
        """
        if row.entity_type != "event":
            return
        tracker = self.tracker
        due = tracker.record(row.id, _time_or_now(row.body, self.clock))
        now = self.clock()
        tracker.confirm(row.id, now)
        if due is not None and tracker.calendar.local(now) > due:
            self._late.append((row.id, due, now))

    def report(self) -> None:
        """Warn about late confirmations since the last report and overdue pending events.

        Emits at most one :class:`~tracelib.portal.sla.SlaOverdueWarning` for the late
        confirmations and one for the pending events newly found past their deadline.
        """
        late, self._late = self._late, []
        if late:
            key, due, at = late[0]
            more = f" ({len(late) - 1} more)" if len(late) > 1 else ""
            warnings.warn(
                f"{self.tracker.profile}: {len(late)} event(s) confirmed after their deadline: "
                f"{key} was due {due.isoformat()}, confirmed {at.isoformat()}{more}",
                SlaOverdueWarning,
                stacklevel=3,
            )
        self.tracker.overdue(self.clock())

    def metrics(self) -> SlaMetrics:
        """The tracker's metrics now (pending, overdue, confirmed, confirmed late, oldest age).

        Returns:
            The metrics.
        """
        return self.tracker.metrics(self.clock())

    def as_dict(self) -> dict[str, Any]:
        """The metrics as a JSON-ready dict (for ``status()``).

        Returns:
            The metrics.
        """
        return self.metrics().as_dict()


def _time_or_now(body: bytes, clock: Callable[[], _dt.datetime]) -> _dt.datetime:
    when = event_time_of(body)
    return when if when is not None else clock()
