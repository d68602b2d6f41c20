"""Update deadlines (SLA) for trace events, per compliance profile.

How soon an event must reach the portal depends on the profile:

* ``vn.tt02_2024`` and ``vn.nd37_2026``: no numeric deadline. Circular 02/2024/TT-BKHCN
  Art. 6 §1b asks for key data to be updated *kịp thời* (promptly) without a number, so
  :func:`deadline` is ``None`` and only the **age** of an event is reported.
* ``vn.mps_draft_2026`` (draft, not in force; Art. 24 §4 of the MPS draft decree): real
  time or within 24 hours; outside office hours, by the next working day. Read here as: an
  event inside office hours of a working day is due 24 h later; any other event is due at
  the close of office hours of the first working day that closes after it. Office hours,
  workdays, holidays and the time zone come from a :class:`WorkingCalendar`
  (08:00–17:00, Monday–Friday, +07:00 by default; holidays are the caller's: public
  holidays move each year).
* ``fsma204``: 24 hours (the sortable spreadsheet is due within 24 h of a request).
* ``epcis2``: none.

:class:`SlaTracker` records event times, lists overdue events (emitting one
:class:`SlaOverdueWarning` per event) and keeps metrics.

Examples:
    >>> from datetime import datetime, timedelta, timezone
    >>> ict = timezone(timedelta(hours=7))
    >>> friday_evening = datetime(2025, 1, 10, 18, 0, tzinfo=ict)
    >>> deadline(friday_evening, "vn.mps_draft_2026").isoformat()
    '2025-01-13T17:00:00+07:00'
    >>> deadline(friday_evening, "vn.tt02_2024") is None
    True
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, TracelibWarning

__all__ = [
    "ICT",
    "PROFILES",
    "Overdue",
    "SlaMetrics",
    "SlaOverdueWarning",
    "SlaTracker",
    "WorkingCalendar",
    "age",
    "deadline",
]

#: Indochina Time, +07:00 (Vietnam has no daylight saving time).
ICT = _dt.timezone(_dt.timedelta(hours=7), "ICT")

_DAY = _dt.timedelta(days=1)
_WINDOW = _dt.timedelta(hours=24)

#: Profile → update rule: ``None`` (age only), ``"24h"`` or ``"24h+next_working_day"``.
PROFILES: dict[str, str | None] = {
    "vn.tt02_2024": None,
    "vn.nd37_2026": None,
    "vn.mps_draft_2026": "24h+next_working_day",
    "fsma204": "24h",
    "epcis2": None,
}


class SlaOverdueWarning(TracelibWarning):
    """An event has passed its update deadline without being confirmed.

    Examples:
        >>> issubclass(SlaOverdueWarning, UserWarning)
        True
    """


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Office hours, workdays and holidays of the place an event is reported from.

    Attributes:
        office_hours: ``(open, close)`` local times; ``open < close``.
        workdays: Weekdays that are working days (0 = Monday ... 6 = Sunday).
        holidays: Dates that are not working days (public holidays, *Tết*...).
        tz: The time zone of the office hours (+07:00 by default).

    Examples:
        >>> import datetime as dt
        >>> cal = WorkingCalendar(holidays=frozenset({dt.date(2025, 4, 30)}))
        >>> cal.is_working_day(dt.date(2025, 4, 30)), cal.next_working_day(dt.date(2025, 4, 29))
        (False, datetime.date(2025, 5, 1))
    """

    office_hours: tuple[_dt.time, _dt.time] = (_dt.time(8), _dt.time(17))
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[_dt.date] = frozenset()
    tz: _dt.tzinfo = field(default=ICT)

    def __post_init__(self) -> None:
        opening, closing = self.office_hours
        if not opening < closing:
            raise InputError(
                "office_hours must open before they close", code="PORTAL_INVALID_CALENDAR"
            )
        if not self.workdays or not set(self.workdays) <= set(range(7)):
            raise InputError(
                "workdays are 0 (Monday) to 6 (Sunday), at least one",
                code="PORTAL_INVALID_CALENDAR",
            )

    def is_working_day(self, day: _dt.date) -> bool:
        """Whether ``day`` is a workday and not a holiday.

        Args:
            day: A date.

        Returns:
            ``True`` for a working day.

        Examples:
            >>> import datetime as dt
            >>> WorkingCalendar().is_working_day(dt.date(2025, 1, 11))  # a Saturday
            False
        """
        return day.weekday() in self.workdays and day not in self.holidays

    def next_working_day(self, day: _dt.date) -> _dt.date:
        """The first working day strictly after ``day``.

        Args:
            day: A date.

        Returns:
            The date.

        Examples:
            >>> import datetime as dt
            >>> WorkingCalendar().next_working_day(dt.date(2025, 1, 10))
            datetime.date(2025, 1, 13)
        """
        day += _DAY
        for _ in range(3700):  # ten years of holidays at most
            if self.is_working_day(day):
                return day
            day += _DAY
        raise InputError("no working day within ten years", code="PORTAL_INVALID_CALENDAR")

    def local(self, moment: _dt.datetime) -> _dt.datetime:
        """``moment`` in the calendar's time zone (a naive time is read in it).

        Args:
            moment: A datetime.

        Returns:
            The aware local time.

        Examples:
            >>> import datetime as dt
            >>> WorkingCalendar().local(dt.datetime(2025, 1, 10, 11, tzinfo=dt.timezone.utc)).hour
            18
        """
        if moment.tzinfo is None or moment.utcoffset() is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def in_office_hours(self, moment: _dt.datetime) -> bool:
        """Whether ``moment`` falls inside office hours of a working day.

        Args:
            moment: A datetime (naive = calendar time).

        Returns:
            ``True`` inside ``[open, close)`` of a working day.

        Examples:
            >>> import datetime as dt
            >>> WorkingCalendar().in_office_hours(dt.datetime(2025, 1, 10, 16, 59))
            True
        """
        local = self.local(moment)
        opening, closing = self.office_hours
        return self.is_working_day(local.date()) and opening <= local.time() < closing

    def close_of(self, day: _dt.date) -> _dt.datetime:
        """The end of office hours on ``day``.

        Args:
            day: A date.

        Returns:
            The aware datetime.

        Examples:
            >>> import datetime as dt
            >>> WorkingCalendar().close_of(dt.date(2025, 1, 13)).isoformat()
            '2025-01-13T17:00:00+07:00'
        """
        return _dt.datetime.combine(day, self.office_hours[1], tzinfo=self.tz)


def _profile_name(profile: Any) -> str:
    name = profile if isinstance(profile, str) else getattr(profile, "name", None)
    if not isinstance(name, str) or name not in PROFILES:
        raise InputError(
            f"no SLA rule for profile {name or profile!r}; one of {sorted(PROFILES)}",
            code="PORTAL_UNKNOWN_PROFILE",
        )
    return name


def deadline(
    event_time: _dt.datetime, profile: Any, *, calendar: WorkingCalendar | None = None
) -> _dt.datetime | None:
    """When an event must have reached the portal under ``profile``.

    Args:
        event_time: When the event happened (naive = the calendar's time zone).
        profile: A profile name (or an object with a ``name``), see :data:`PROFILES`.
        calendar: The working calendar (default :class:`WorkingCalendar`).

    Returns:
        The deadline in the calendar's time zone, or ``None`` when the profile sets none
        (report the age instead, :func:`age`).

    Raises:
        InputError: ``PORTAL_UNKNOWN_PROFILE``; ``PORTAL_INVALID_VALUE`` for a non-datetime.

    Examples:
        >>> import datetime as dt
        >>> cal = WorkingCalendar()
        >>> deadline(dt.datetime(2025, 1, 9, 10, 0), "vn.mps_draft_2026").isoformat()
        '2025-01-10T10:00:00+07:00'
        >>> deadline(dt.datetime(2025, 1, 13, 6, 30), "vn.mps_draft_2026").isoformat()
        '2025-01-13T17:00:00+07:00'
        >>> deadline(dt.datetime(2025, 1, 10, 18, 0), "fsma204").isoformat()
        '2025-01-11T18:00:00+07:00'
    """
    rule = PROFILES[_profile_name(profile)]
    if not isinstance(event_time, _dt.datetime):
        raise InputError(
            f"event_time is a datetime, not {type(event_time).__name__}",
            code="PORTAL_INVALID_VALUE",
        )
    if rule is None:
        return None
    cal = calendar if calendar is not None else WorkingCalendar()
    local = cal.local(event_time)
    if rule == "24h":
        return local + _WINDOW
    if cal.in_office_hours(local):
        return local + _WINDOW
    day = local.date()
    if cal.is_working_day(day) and local.time() < cal.office_hours[0]:
        return cal.close_of(day)
    return cal.close_of(cal.next_working_day(day))


def age(event_time: _dt.datetime, now: _dt.datetime) -> _dt.timedelta:
    """How long ago an event happened (what TT 02 reports instead of a deadline).

    Args:
        event_time: When the event happened (aware).
        now: The current time (aware).

    Returns:
        ``now - event_time``.

    Raises:
        InputError: ``PORTAL_INVALID_VALUE`` for naive datetimes.

    Examples:
        >>> import datetime as dt
        >>> age(dt.datetime(2025, 1, 10, 18, tzinfo=ICT), dt.datetime(2025, 1, 11, 20, tzinfo=ICT))
        datetime.timedelta(days=1, seconds=7200)
    """
    for value in (event_time, now):
        if not isinstance(value, _dt.datetime) or value.utcoffset() is None:
            raise InputError("age needs aware datetimes", code="PORTAL_INVALID_VALUE")
    return now - event_time


@dataclass(frozen=True, slots=True)
class Overdue:
    """One event past its deadline.

    Attributes:
        key: The event's key (its internal id).
        event_time: When it happened.
        deadline: When it was due.
        overdue_by: How late it is at the time asked.

    Examples:
        >>> import datetime as dt
        >>> t = dt.datetime(2025, 1, 10, 18, tzinfo=ICT)
        >>> Overdue("e1", t, t, dt.timedelta(hours=1)).overdue_by.seconds
        3600
    """

    key: str
    event_time: _dt.datetime
    deadline: _dt.datetime
    overdue_by: _dt.timedelta


@dataclass(frozen=True, slots=True)
class SlaMetrics:
    """Counts and ages of the tracked events.

    Attributes:
        profile: The profile.
        pending: Events recorded and not yet confirmed.
        overdue: Pending events past their deadline.
        confirmed: Events confirmed.
        confirmed_late: Events confirmed after their deadline.
        oldest_age: Age of the oldest pending event (``None`` when none).

    Examples:
        >>> SlaMetrics("vn.tt02_2024", 0, 0, 0, 0, None).as_dict()["pending"]
        0
    """

    profile: str
    pending: int
    overdue: int
    confirmed: int
    confirmed_late: int
    oldest_age: _dt.timedelta | None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (ages in seconds).

        Returns:
            The metrics.

        Examples:
            >>> SlaMetrics("fsma204", 1, 0, 2, 1, None).as_dict()["confirmed_late"]
            1
        """
        return {
            "profile": self.profile,
            "pending": self.pending,
            "overdue": self.overdue,
            "confirmed": self.confirmed,
            "confirmed_late": self.confirmed_late,
            "oldest_age_seconds": None
            if self.oldest_age is None
            else self.oldest_age.total_seconds(),
        }


class SlaTracker:
    """Tracks events between capture and confirmation against the profile's deadline.

    Args:
        profile: The profile name (see :data:`PROFILES`).
        calendar: The working calendar for ``vn.mps_draft_2026``.

    Examples:
        >>> import datetime as dt, warnings
        >>> sla = SlaTracker("vn.mps_draft_2026")
        >>> sla.record("e1", dt.datetime(2025, 1, 10, 18, tzinfo=ICT)).isoformat()
        '2025-01-13T17:00:00+07:00'
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     late = sla.overdue(dt.datetime(2025, 1, 13, 18, tzinfo=ICT))
        >>> [o.key for o in late], caught[0].category.__name__
        (['e1'], 'SlaOverdueWarning')
        >>> sla.confirm("e1", dt.datetime(2025, 1, 13, 19, tzinfo=ICT))
        >>> sla.metrics().confirmed_late
        1
    """

    def __init__(
        self, profile: Any = "vn.tt02_2024", *, calendar: WorkingCalendar | None = None
    ) -> None:
        self.profile = _profile_name(profile)
        self.calendar = calendar if calendar is not None else WorkingCalendar()
        self._pending: dict[str, tuple[_dt.datetime, _dt.datetime | None]] = {}
        self._warned: set[str] = set()
        self._confirmed = 0
        self._confirmed_late = 0

    def __repr__(self) -> str:
        return f"SlaTracker({self.profile!r}, pending={len(self._pending)})"

    def record(self, key: str, event_time: _dt.datetime) -> _dt.datetime | None:
        """Start tracking an event (recording it again keeps the first time).

        Args:
            key: The event's key (internal id).
            event_time: When it happened.

        Returns:
            Its deadline, or ``None`` under a profile without one.

        Raises:
            InputError: For a non-datetime ``event_time``.

        Examples:
            >>> import datetime as dt
            >>> SlaTracker("vn.tt02_2024").record("e", dt.datetime(2025, 1, 1, tzinfo=ICT)) is None
            True
        """
        if key in self._pending:
            return self._pending[key][1]
        due = deadline(event_time, self.profile, calendar=self.calendar)
        self._pending[key] = (self.calendar.local(event_time), due)
        return due

    def record_many(self, items: Iterable[tuple[str, _dt.datetime]]) -> None:
        """Record ``(key, event_time)`` pairs.

        Args:
            items: The pairs.

        Examples:
            >>> import datetime as dt
            >>> sla = SlaTracker("fsma204")
            >>> sla.record_many([("a", dt.datetime(2025, 1, 1, tzinfo=ICT))])
            >>> sla.metrics().pending
            1
        """
        for key, when in items:
            self.record(key, when)

    def confirm(self, key: str, now: _dt.datetime) -> None:
        """Stop tracking an event: it reached the portal at ``now``.

        Args:
            key: The event's key (unknown keys are ignored).
            now: When it was confirmed (aware).

        Examples:
            >>> import datetime as dt
            >>> sla = SlaTracker("fsma204")
            >>> sla.confirm("never-recorded", dt.datetime(2025, 1, 1, tzinfo=ICT))
            >>> sla.metrics().confirmed
            0
        """
        entry = self._pending.pop(key, None)
        self._warned.discard(key)
        if entry is None:
            return
        self._confirmed += 1
        due = entry[1]
        if due is not None and self.calendar.local(now) > due:
            self._confirmed_late += 1

    def overdue(self, now: _dt.datetime) -> list[Overdue]:
        """The pending events past their deadline at ``now``, oldest deadline first.

        Emits one :class:`SlaOverdueWarning` per event the first time it is found overdue.
        Under a profile without a deadline the list is always empty (see :meth:`ages`).

        Args:
            now: The current time (aware).

        Returns:
            The overdue events.

        Examples:
            >>> import datetime as dt
            >>> SlaTracker("vn.tt02_2024").overdue(dt.datetime(2030, 1, 1, tzinfo=ICT))
            []
        """
        local = self.calendar.local(now)
        late = [
            Overdue(key, when, due, local - due)
            for key, (when, due) in self._pending.items()
            if due is not None and local > due
        ]
        late.sort(key=lambda o: (o.deadline, o.key))
        fresh = [o for o in late if o.key not in self._warned]
        if fresh:
            self._warned.update(o.key for o in fresh)
            first = fresh[0]
            more = f" and {len(fresh) - 1} more" if len(fresh) > 1 else ""
            warnings.warn(
                f"{self.profile}: event {first.key} was due {first.deadline.isoformat()} "
                f"({first.overdue_by} late){more}",
                SlaOverdueWarning,
                stacklevel=2,
            )
        return late

    def ages(self, now: _dt.datetime) -> dict[str, _dt.timedelta]:
        """The age of every pending event (what TT 02 reports).

        Args:
            now: The current time (aware).

        Returns:
            ``{key: age}``.

        Examples:
            >>> import datetime as dt
            >>> sla = SlaTracker()
            >>> _ = sla.record("e", dt.datetime(2025, 1, 10, 18, tzinfo=ICT))
            >>> sla.ages(dt.datetime(2025, 1, 10, 20, tzinfo=ICT))["e"].seconds
            7200
        """
        local = self.calendar.local(now)
        return {key: local - when for key, (when, _due) in self._pending.items()}

    def metrics(self, now: _dt.datetime | None = None) -> SlaMetrics:
        """Counts, and (with ``now``) overdue events and the oldest pending age.

        Args:
            now: The current time; without it ``overdue`` counts only events already
                reported by :meth:`overdue` and ``oldest_age`` is ``None``.

        Returns:
            The metrics.

        Examples:
            >>> SlaTracker("fsma204").metrics().as_dict()["overdue"]
            0
        """
        if now is None:
            overdue, oldest = len(self._warned), None
        else:
            local = self.calendar.local(now)
            overdue = sum(
                1 for _w, due in self._pending.values() if due is not None and local > due
            )
            ages = [local - when for when, _due in self._pending.values()]
            oldest = max(ages) if ages else None
        return SlaMetrics(
            self.profile,
            len(self._pending),
            overdue,
            self._confirmed,
            self._confirmed_late,
            oldest,
        )
