"""What the fake Slack keeps and records: calls, messages, uploads, faults to come."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.services.clock import utcnow

if TYPE_CHECKING:
    pass


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.time)
    dropped: bool = False  # performed, but its answer never reached the caller (accept_then_drop)


@dataclass
class Failure:
    error: str | None = None  # a Slack error code answered with ok: false
    status: int = 200
    retry_after: int | None = None
    times: int = 1


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict]
    user: str
    thread_ts: str | None = None
    ephemeral_for: str | None = None
    metadata: dict | None = None  # Slack message metadata: {"event_type": ..., "event_payload": {...}}
    deleted: bool = False
    reply_broadcast: bool = False  # a thread reply also sent to the channel (it shows in its history)
    posted_at: datetime = field(default_factory=utcnow)  # on the (sandbox) clock, for the page
    files: list[dict] = field(default_factory=list)  # files shared with it (files.completeUploadExternal)
    reactions: list[dict] = field(default_factory=list)  # [{"name", "users", "count"}], as Slack lists them


@dataclass
class Upload:
    """A file of files.getUploadURLExternal: its bytes arrive at its upload URL, then
    files.completeUploadExternal shares it (once)."""

    id: str
    filename: str
    length: int
    data: bytes | None = None  # None until the bytes were POSTed
    title: str = ""
    channel: str | None = None  # where it was shared
    completed: bool = False


@dataclass
class Stall:
    """A call held unanswered (see ``FakeSlack.stall``)."""

    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


@dataclass
class LostAnswer:
    """Calls Slack performs whose answer never arrives (see ``FakeSlack.accept_then_drop``)."""

    mode: str  # "reset": the connection closes at once; "hang": it stays silent for ``seconds`` first
    seconds: float
    times: int


@dataclass
class SlowAnswer:
    """Calls answered ``seconds`` after they were performed (see ``FakeSlack.slow``)."""

    seconds: float
    times: int | None  # None: every call until reset()


# What views.update keeps of a view: who it is, not what it shows.
VIEW_IDENTITY = ("id", "team_id", "root_view_id", "previous_view_id", "app_id", "bot_id", "state", "external_id")


class SlackError(Exception):
    def __init__(self, error: str, status: int = 200, headers: dict | None = None) -> None:
        super().__init__(error)
        self.error, self.status, self.headers = error, status, headers or {}


class _MessageIndex:
    """``FakeSlack.messages`` by channel and ts, and by thread, kept up lazily: messages are only ever
    appended to the list (``reset`` and ``restore`` start a new index), and a message's channel, ts
    and thread never change. ``of(messages)`` indexes what was appended since the last look."""

    def __init__(self) -> None:
        self._seen = 0
        self.by_ts: dict[tuple[str, str], Message] = {}
        self.threads: dict[tuple[str, str], list[Message]] = {}
        self.channels: set[str] = set()

    def of(self, messages: list[Message]) -> _MessageIndex:
        for message in messages[self._seen :]:
            self.by_ts.setdefault((message.channel, message.ts), message)
            self.channels.add(message.channel)
            if message.thread_ts:
                self.threads.setdefault((message.channel, message.thread_ts), []).append(message)
        self._seen = len(messages)
        return self
