"""Local times and durations as people read them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def local_time(instant: datetime, tz: str) -> str:
    """16:00"""
    return instant.astimezone(ZoneInfo(tz)).strftime("%H:%M")


def local_day_time(instant: datetime, tz: str) -> str:
    """Mon 23 Nov, 16:00"""
    return instant.astimezone(ZoneInfo(tz)).strftime("%a %-d %b, %H:%M")


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


def reader_time(instant: datetime, fallback: str) -> str:
    """``instant`` as Slack shows it in each reader's own time zone; ``fallback`` (the workspace's
    local time) where Slack can't render the token."""
    return f"<!date^{int(instant.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"
