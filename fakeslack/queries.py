"""What tests ask of the fake: the calls made, the messages as Slack shows them, the files shared."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from .records import Call, Message, Upload
from .state import State


class Queries(State):
    # ---- queries for tests -----------------------------------------------
    def forget_calls(self) -> None:
        """Start the call log afresh (the calls of a test's set-up are not the test's)."""
        with self._changed:
            self.calls.clear()

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, method: str, predicate: Callable[[Call], bool] | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` (matching ``predicate``) were made.

        The app answers Slack first and calls the Web API after ``ack()``, so tests
        wait for those calls instead of sleeping."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method and (predicate is None or predicate(c))]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}; calls: {seen}")
                self._changed.wait(remaining)

    def channel_messages(self, channel: str, thread_ts: str | None = None) -> list[Message]:
        with self._lock:
            return [
                m
                for m in self.messages
                if m.channel == channel and m.thread_ts == thread_ts and not m.deleted and not m.ephemeral_for
            ]

    def messages_with_metadata(self, event_type: str, **payload: Any) -> list[Message]:
        """Messages in the channels (not deleted, not ephemeral) whose metadata has ``event_type``
        and whose ``event_payload`` holds every item of ``payload``, oldest first:
        ``fake.messages_with_metadata("hiredesk_delivery", key=k)`` counts the posts of one delivery."""
        with self._lock:
            return [
                m
                for m in self.messages
                if not m.deleted
                and not m.ephemeral_for
                and m.metadata
                and m.metadata.get("event_type") == event_type
                and all(m.metadata.get("event_payload", {}).get(k) == v for k, v in payload.items())
            ]

    def uploaded(self, file_id: str) -> bytes:
        """The bytes POSTed to a file's upload URL."""
        with self._lock:
            data = self.uploads[file_id].data
        if data is None:
            raise KeyError(f"nothing was uploaded for {file_id}")
        return data

    def shared_files(self, channel: str | None = None) -> list[Upload]:
        """Files shared by files.completeUploadExternal (in ``channel``), oldest first."""
        with self._lock:
            return [u for u in self.uploads.values() if u.completed and channel in (None, u.channel)]

    def visible_messages(self, channel: str, user: str, thread_ts: str | None = None) -> list[Message]:
        """What ``user`` sees in ``channel`` (or in one thread): their ephemerals included."""
        with self._lock:
            return [
                m
                for m in self.messages
                if m.channel == channel
                and not m.deleted
                and m.ephemeral_for in (None, user)
                and (m.thread_ts == thread_ts or (thread_ts and m.ts == thread_ts))
            ]

    def reply_count(self, channel: str, ts: str) -> int:
        with self._lock:
            return sum(
                1
                for m in self.messages
                if m.channel == channel and m.thread_ts == ts and m.ts != ts and not m.deleted and not m.ephemeral_for
            )
