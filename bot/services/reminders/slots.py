"""Time arithmetic of the scheduler: local days, local times of day, repeating slots.

Instants are UTC; "today" and "08:30" mean the workspace's local calendar,
which is where daylight-saving changes live (zoneinfo handles them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of the local wall-clock time ``at`` on ``day``."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_day(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day in UTC (23 or 25 hours long on DST changes)."""
    return local_instant(day, time(0), tz), local_instant(day + timedelta(days=1), time(0), tz)


def stamp(instant: datetime) -> str:
    """A compact, stable UTC label for slots: 2026-11-23T16:00Z."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def periods_since(anchor: datetime, now: datetime, every: timedelta) -> int:
    """How many whole ``every`` periods have passed from ``anchor`` to ``now``."""
    return int((now - anchor) // every)
