"""A repeated identical failure is logged once per window, then with a count of what was held back."""

from __future__ import annotations

import logging

from freezegun import freeze_time

from bot.log_limits import RepeatLimit


def record() -> logging.LogRecord:
    return logging.LogRecord("hiredesk", logging.WARNING, __file__, 1, "database unavailable: %s", ("x",), None)


def test_repeats_are_held_back_and_counted():
    limit = RepeatLimit(window=10)
    with freeze_time("2026-01-01 00:00:00") as clock:
        assert limit.filter(record())
        assert not any(limit.filter(record()) for _ in range(233))
        clock.tick(11)
        shown = record()
        assert limit.filter(shown)
        assert shown.getMessage() == "database unavailable: x (233 more like this in the last 10 s)"
        assert limit.filter(logging.LogRecord("hiredesk", logging.WARNING, __file__, 1, "other", None, None))
