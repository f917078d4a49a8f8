"""Faults injected per method: an error, a 429, a stalled call, a lost answer, a slow answer."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from .records import Failure, LostAnswer, SlackError, SlowAnswer, Stall
from .state import State


class Faults(State):
    def fail(self, method: str, error: str = "internal_error", times: int = 1, status: int = 200) -> None:
        """The next ``times`` calls of ``method`` answer ``{"ok": false, "error": error}`` with HTTP
        ``status`` and are not performed. ``status=500`` or ``503`` is a server error that
        slack_sdk's ``ServerErrorRetryHandler`` retries."""
        with self._lock:
            self.failures.setdefault(method, []).append(Failure(error=error, status=status, times=times))

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer HTTP 429 with Retry-After."""
        with self._lock:
            self.failures.setdefault(method, []).append(
                Failure(error="ratelimited", status=429, retry_after=retry_after, times=times)
            )

    def stall(self, method: str) -> Stall:
        """The next call of ``method`` hangs unanswered until ``release()`` and is then
        dropped, never processed: a request lost because its caller died mid-call.
        ``stall.arrived`` is set once the call is hanging."""
        with self._lock:
            self.stalls[method] = Stall()
            return self.stalls[method]

    def accept_then_drop(self, method: str, times: int = 1, mode: str = "reset", seconds: float = 30.0) -> None:
        """The next ``times`` successful calls of ``method`` are performed (a post is stored and
        shows in the channel's history) but their answer is lost on the way back.

        ``mode="reset"``: the connection closes without an HTTP response; urllib (and so
        slack_sdk's WebClient) raises ``http.client.RemoteDisconnected``, a ``ConnectionResetError``.
        ``mode="hang"``: nothing comes back for ``seconds``, then the connection closes; a
        client with a shorter timeout raises ``TimeoutError``. Either way the caller cannot tell
        whether Slack did it. The recorded call has ``dropped=True``."""
        if mode not in {"reset", "hang"}:
            raise ValueError(f"mode must be 'reset' or 'hang', not {mode!r}")
        with self._lock:
            self.lost_answers.setdefault(method, []).append(
                LostAnswer(mode=mode, seconds=seconds if mode == "hang" else 0.0, times=times)
            )

    def slow(self, method: str, seconds: float, times: int | None = None) -> None:
        """Calls of ``method`` (``"*"``: of every method) are performed at once and answered
        ``seconds`` later: Slack being slow. ``times=None``: every call until ``reset()``.
        Each call waits on its own server thread, so other calls are not held up."""
        with self._lock:
            self.slow_answers[method] = SlowAnswer(seconds=seconds, times=times)

    def _maybe_stall(self, method: str) -> None:
        with self._lock:
            stall = self.stalls.pop(method, None)
        if stall is not None:
            stall.arrived.set()
            stall.released.wait(timeout=60)
            raise SlackError("request_dropped", status=503)

    def _maybe_fail(self, method: str) -> None:
        with self._lock:
            queue = self.failures.get(method)
            if not queue:
                return
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
        raise SlackError(failure.error or "internal_error", failure.status, headers)

    def _answer_faults(self, method: str, accepted: bool) -> tuple[float, LostAnswer | None]:
        """How long to hold this call's answer, and whether to lose it (consumes one use of each)."""
        with self._lock:
            delay = 0.0
            key = method if method in self.slow_answers else "*"
            slow = self.slow_answers.get(key)
            if slow is not None:
                delay = slow.seconds
                if slow.times is not None:
                    slow.times -= 1
                    if slow.times <= 0:
                        del self.slow_answers[key]
            lost = None
            queue = self.lost_answers.get(method)
            if accepted and queue:
                lost = queue[0]
                lost.times -= 1
                if lost.times <= 0:
                    queue.pop(0)
            return delay, lost

    def _release_holds(self) -> None:
        """Answer (or drop) at once every call still held by ``slow`` or ``accept_then_drop``."""
        with self._lock:
            released, self._holds_released = self._holds_released, threading.Event()
        released.set()
