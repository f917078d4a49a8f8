"""Instants shown as the workspace's wall-clock time, and typed times read in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local(moment: datetime, tz: ZoneInfo) -> str:
    """``Tue 24 Nov 2026, 10:00 GMT`` in the workspace's time zone."""
    shown = moment.astimezone(tz)
    return shown.strftime("%a %-d %b %Y, %H:%M ") + (shown.tzname() or "")


def local_short(moment: datetime, tz: ZoneInfo) -> str:
    """``Tue 24 Nov 10:00``: for lists and inline errors, where space is short."""
    return moment.astimezone(tz).strftime("%a %-d %b %H:%M")


def at_local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in ``tz`` (the earlier one when clocks go back)."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def local_day_bounds(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end (UTC, half-open) of the local day containing ``now``; 23 or 25 hours on DST days."""
    today = now.astimezone(tz).date()
    return at_local(today, time(0), tz), at_local(today + timedelta(days=1), time(0), tz)


def duration(span: timedelta) -> str:
    """2 days 3 h · 1 h 30 min · 45 min"""
    minutes = max(0, int(span.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    return f"{minutes} min"
