"""A logging filter that keeps a repeated failure from flooding the log.

An outage makes every request fail the same way; one line per distinct message per
``window`` seconds is enough, and the next line that gets through says how many were held back.
"""

from __future__ import annotations

import logging
import threading
import time

WINDOW_SECONDS = 10.0


class RepeatLimit(logging.Filter):
    def __init__(self, window: float = WINDOW_SECONDS) -> None:
        super().__init__()
        self.window = window
        self._last: dict[tuple[str, int, str], tuple[float, int]] = {}  # key → (last shown, held back since)
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, record.getMessage())
        now = time.monotonic()
        with self._lock:
            shown, held = self._last.get(key, (None, 0))
            if shown is not None and now - shown < self.window:
                self._last[key] = (shown, held + 1)
                return False
            self._last[key] = (now, 0)
            if len(self._last) > 1000:  # distinct messages are few; forget the oldest if not
                self._last.pop(next(iter(self._last)))
        if held:
            record.msg = f"{record.getMessage()} ({held} more like this in the last {self.window:.0f} s)"
            record.args = None
        return True


def limit_repeats(logger: logging.Logger | None = None) -> None:
    """Put a ``RepeatLimit`` on every handler of ``logger`` (the root logger by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RepeatLimit) for f in handler.filters):
            handler.addFilter(RepeatLimit())
