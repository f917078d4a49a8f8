"""The one place that reads the wall clock, so freezegun can move it in tests.

The local sandbox (``python app.py`` without Slack credentials) can move the
clock forward to show reminders and digests arriving: it calls ``advance``,
which adds to an offset that is zero everywhere else and is never set in
production or in tests.
"""

from datetime import UTC, datetime, timedelta

_sandbox_offset = timedelta(0)


def utcnow() -> datetime:
    return datetime.now(UTC) + _sandbox_offset


def advance(delta: timedelta) -> datetime:
    """Sandbox only: move this process's clock forward by ``delta``; returns the new now."""
    global _sandbox_offset
    if delta < timedelta(0):
        raise ValueError("the sandbox clock only moves forward")
    _sandbox_offset += delta
    return utcnow()


def offset() -> timedelta:
    """How far the sandbox moved the clock (zero outside the sandbox)."""
    return _sandbox_offset
