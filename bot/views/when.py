"""Local times and durations as people read them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.local_time import duration

__all__ = ["duration", "local_day_time", "local_time", "reader_time"]


def local_time(instant: datetime, tz: str) -> str:
    """16:00"""
    return instant.astimezone(ZoneInfo(tz)).strftime("%H:%M")


def local_day_time(instant: datetime, tz: str) -> str:
    """Mon 23 Nov, 16:00"""
    return instant.astimezone(ZoneInfo(tz)).strftime("%a %-d %b, %H:%M")


def reader_time(instant: datetime, fallback: str) -> str:
    """``instant`` as Slack shows it in each reader's own time zone; ``fallback`` (the workspace's
    local time) where Slack can't render the token."""
    return f"<!date^{int(instant.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"
