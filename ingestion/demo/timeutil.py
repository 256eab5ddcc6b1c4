"""Time helpers for the demo world: weekday arithmetic, working hours, ISO formats.

The simulation runs in each team's *local* wall-clock time (naive datetimes) and
converts to UTC (GitHub, PagerDuty, Copilot) or to an offset string (Jira) on output.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

# A Monday far before any history: weekday-time is measured from here.
_EPOCH = datetime(2000, 1, 3)
WORK_START_HOUR = 9
WORK_END_HOUR = 18


def to_weekday_days(moment: datetime) -> float:
    """Weekday-days elapsed since the epoch; weekend time does not count."""
    days = (moment - _EPOCH).total_seconds() / 86400.0
    weeks, rest = divmod(days, 7.0)
    return weeks * 5.0 + min(rest, 5.0)


def from_weekday_days(value: float) -> datetime:
    weeks, rest = divmod(value, 5.0)
    return _EPOCH + timedelta(days=weeks * 7.0 + rest)


def add_weekday_days(moment: datetime, days: float) -> datetime:
    """Add `days` of weekday time (weekends skipped), rounded to the second."""
    return round_second(from_weekday_days(to_weekday_days(moment) + days))


def round_second(moment: datetime) -> datetime:
    if moment.microsecond >= 500_000:
        moment += timedelta(seconds=1)
    return moment.replace(microsecond=0)


def is_working_time(moment: datetime) -> bool:
    return moment.weekday() < 5 and WORK_START_HOUR <= moment.hour < WORK_END_HOUR


def next_working_time(moment: datetime, rng: random.Random, jitter_minutes: int = 45) -> datetime:
    """`moment` if it is in working hours, else the next working-day start plus jitter."""
    if is_working_time(moment):
        return moment
    day = moment.date()
    if moment.weekday() < 5 and moment.hour < WORK_START_HOUR:
        target = day
    else:
        target = day + timedelta(days=1)
    while target.weekday() >= 5:
        target += timedelta(days=1)
    start = datetime(target.year, target.month, target.day, WORK_START_HOUR)
    return start + timedelta(minutes=rng.randint(0, jitter_minutes), seconds=rng.randint(0, 59))


def add_working_hours(moment: datetime, hours: float, rng: random.Random) -> datetime:
    """Advance through working hours (09:00-18:00 weekdays) by `hours`."""
    current = next_working_time(moment, rng, 0)
    remaining = hours
    while True:
        end_of_day = current.replace(hour=WORK_END_HOUR, minute=0, second=0, microsecond=0)
        available = (end_of_day - current).total_seconds() / 3600.0
        if remaining <= available:
            return round_second(current + timedelta(hours=remaining))
        remaining -= available
        current = next_working_time(end_of_day, rng, 0)


def working_moment_on(
    day: date, rng: random.Random, start_hour: float = 9.0, end_hour: float = 17.5
) -> datetime:
    """A random local time on `day` between start_hour and end_hour."""
    seconds = rng.randint(int(start_hour * 3600), int(end_hour * 3600))
    return datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)


def iso_utc(moment: datetime) -> str:
    """Naive UTC datetime -> `2026-03-02T13:05:00Z`."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def offset_string(offset_minutes: int) -> str:
    sign = "+" if offset_minutes >= 0 else "-"
    value = abs(offset_minutes)
    return f"{sign}{value // 60:02d}{value % 60:02d}"


def iso_jira(local: datetime, offset_minutes: int) -> str:
    """Naive local datetime -> Jira's `2026-03-02T14:05:00.000+0100`."""
    return local.replace(microsecond=0).isoformat() + ".000" + offset_string(offset_minutes)


def month_starts(first: date, last: date) -> list[date]:
    """First-of-month dates from first's month to last's month inclusive."""
    months = []
    current = date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def daterange(first: date, last: date) -> Iterator[date]:
    current = first
    while current <= last:
        yield current
        current += timedelta(days=1)
