"""The one place that reads the wall clock, so freezegun can move it in tests.

The local sandbox (``python app.py`` without Slack credentials) can move the
clock forward to show reminders and digests arriving: it calls ``advance``,
which adds to an offset that is zero everywhere else and is never set in
production or in tests. Its demo data is written by the desks' own services,
each step at the moment it would have happened (``as_of``, in that thread only).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_sandbox_offset = timedelta(0)
_stopped = threading.local()


def utcnow() -> datetime:
    moment: datetime | None = getattr(_stopped, "at", None)
    if moment is not None:
        return moment
    return datetime.now(UTC) + _sandbox_offset


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Sandbox demo data only: in this thread, the clock reads ``moment`` until the block ends
    (other threads, e.g. a serving sandbox's, keep the real clock)."""
    if moment.tzinfo is None:
        raise ValueError("as_of needs an aware datetime")
    previous = getattr(_stopped, "at", None)
    _stopped.at = moment.astimezone(UTC)
    try:
        yield
    finally:
        _stopped.at = previous


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
