"""The one place that reads the wall clock, so freezegun can move it in tests."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
