"""The fake Slack's state: what one fake workspace (or several, over OAuth) holds, thread-safe."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer

from bot.services.clock import utcnow

if TYPE_CHECKING:
    from .socket_mode import FakeSocketMode

from .args import _ts_value
from .records import Call, Failure, LostAnswer, Message, SlackError, SlowAnswer, Stall, Upload, _MessageIndex


class State:
    """The fake workspace's state, its lock and the helpers every family of methods shares."""

    BOT_USER = "UHIREDESKBOT"
    BOT_ID = "BHIREDESK"
    APP_TOKEN = "xapp-1-test-app-token"  # the app-level token Socket Mode connects with

    app: Flask
    handlers: dict[str, Callable[[dict], dict]]

    def __init__(self, team_id: str = "T0001", token: str = "xoxb-test-token") -> None:
        self.team_id = team_id
        self.tokens = {token}
        self.socket_mode: FakeSocketMode | None = None  # started by the first apps.connections.open
        # Distributed over OAuth: each workspace's bot token, and codes "Allow" handed out.
        self._first_token = token
        self.token_teams: dict[str, str] = {token: team_id}
        self.install_codes: dict[str, dict[str, str]] = {}
        self.response_keys: dict[str, str] = {}  # a response_url's random token → "channel.user.ts"
        self._caller: str | None = None  # the token of the call being answered (hold the lock)
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self._index = _MessageIndex()  # look-ups by channel and ts (a run posts tens of thousands)
        self.views: dict[str, dict] = {}
        self.view_stacks: dict[str, list[str]] = {}  # root view id -> stack of view ids
        self.home_tabs: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.channels: dict[str, str] = {}
        self.uploads: dict[str, Upload] = {}  # file id -> the file (files.getUploadURLExternal)
        self.triggers: dict[str, float] = {}  # trigger_id -> issued at (monotonic)
        self.trigger_users: dict[str, str] = {}  # trigger_id -> the user whose click issued it
        self.view_owners: dict[str, str] = {}  # root view id -> the user the modal is open for
        self.version = 0  # bumped on every change, so the sandbox page can wait for news
        self.failures: dict[str, list[Failure]] = {}
        self.stalls: dict[str, Stall] = {}
        self.lost_answers: dict[str, list[LostAnswer]] = {}
        self.slow_answers: dict[str, SlowAnswer] = {}  # method (or "*": every method) -> delay
        self._holds_released = threading.Event()  # set to cut short every held answer (reset, stop)
        self._last_ts = 0  # the newest message ts handed out, in microseconds
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._touch()

    def _touch(self) -> None:
        """Something changed: wake ``wait_for`` and ``wait_for_change`` (hold the lock)."""
        self.version += 1
        self._changed.notify_all()

    def changed(self) -> None:
        """Something the page shows changed outside the Web API (the sandbox clock moved)."""
        with self._changed:
            self._touch()

    # ---- methods ---------------------------------------------------------
    def _next_ts(self) -> str:
        """A new message's ts, as Slack makes them: the (fake's clock) time it was stored, unique,
        and after the moment the call came in (hold the lock)."""
        now = int(utcnow().timestamp() * 1_000_000) + 1
        self._last_ts = max(now, self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    def _channel(self, channel: str | None) -> str:
        if not channel:
            raise SlackError("channel_not_found")
        if channel.startswith(("U", "W")):  # posting to a user ID posts to the DM with them
            return self.dm_channel(channel)
        return channel

    def _conversation(self, channel: str | None) -> str:
        """A conversation ID the methods that read or edit a conversation accept: a user ID is
        not one (Slack: "ensure that this value is a DM ID (starts with D)")."""
        if not channel or channel.startswith(("U", "W")):
            raise SlackError("channel_not_found")
        known = channel in self.channels or channel.startswith("D") or channel in self._index.of(self.messages).channels
        if not known:
            raise SlackError("channel_not_found")
        return channel

    def _shown(self, channel: str) -> list[Message]:
        """What everyone sees in ``channel`` (threads included), oldest first."""
        return sorted(
            (m for m in self.messages if m.channel == channel and not m.deleted and not m.ephemeral_for),
            key=lambda m: _ts_value(m.ts),
        )

    def _replies(self, channel: str) -> dict[str, list[Message]]:
        """Each thread's replies in ``channel``, oldest first, by the parent's ts."""
        threads: dict[str, list[Message]] = {}
        for reply in self._shown(channel):
            if reply.thread_ts:
                threads.setdefault(reply.thread_ts, []).append(reply)
        return threads

    def _thread_replies(self, parent: Message) -> list[Message]:
        """The replies in ``parent``'s thread that everyone sees, oldest first (``_replies`` for one thread)."""
        thread = self._index.of(self.messages).threads.get((parent.channel, parent.ts), [])
        return sorted((m for m in thread if not m.deleted and not m.ephemeral_for), key=lambda m: _ts_value(m.ts))

    def _messages_json(self, channel: str, messages: list[Message], with_metadata: bool) -> list[dict]:
        threads = self._replies(channel)
        return [self._message_json(m, with_metadata, threads) for m in messages]

    def _message_json(
        self, message: Message, with_metadata: bool = True, threads: dict[str, list[Message]] | None = None
    ) -> dict:
        body: dict[str, Any] = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "blocks": message.blocks,
            "ts": message.ts,
            "team": self.team_id,
        }
        if message.user == self.BOT_USER:
            body.update(bot_id=self.BOT_ID, app_id="AHIREDESK")
        if message.thread_ts:
            body["thread_ts"] = message.thread_ts
            parent = self.message(message.channel, message.thread_ts)
            if parent is not None:
                body["parent_user_id"] = parent.user
            if message.reply_broadcast:
                body["subtype"] = "thread_broadcast"
        else:
            replies = threads.get(message.ts) if threads is not None else self._thread_replies(message)
            if replies:  # a thread's parent
                users = sorted({m.user for m in replies})
                body.update(
                    thread_ts=message.ts,
                    reply_count=len(replies),
                    reply_users=users,
                    reply_users_count=len(users),
                    latest_reply=replies[-1].ts,
                )
        if message.files:
            body.update(files=message.files, upload=True, display_as_bot=False)
        if message.reactions:
            body["reactions"] = message.reactions
        if with_metadata and message.metadata:
            body["metadata"] = message.metadata
        return body

    def dm_channel(self, user_id: str) -> str:
        return f"D{user_id}"

    def message(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            return self._index.of(self.messages).by_ts.get((channel, ts))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _file(self, user: str, name: str) -> dict:
        """A shared file as Slack describes it in a message (the fields HireDesk reads, and a few more)."""
        file_id = f"F{next(self._ids):08d}"
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "user": user,
            "mimetype": "application/octet-stream",
            "url_private": f"https://files.fake.slack.test/files-pri/{self.team_id}-{file_id}/{name}",
            "permalink": f"https://fake.slack.test/files/{user}/{file_id}/{name}",
        }

    # response_url posts act on the message the action came from, as Slack does
    def _apply_response_url(self, key: str, args: dict) -> None:
        channel, user, message_ts = [*key.split(".", 2), "", ""][:3]
        with self._lock:
            if args.get("delete_original"):
                original = self.message(channel, message_ts)
                if original:
                    original.deleted = True
                return
            if args.get("replace_original") and message_ts:
                original = self.message(channel, message_ts)
                if original:
                    original.text = args.get("text", original.text)
                    original.blocks = args.get("blocks", original.blocks)
                    return
            in_channel = args.get("response_type") == "in_channel"
            self.messages.append(
                Message(
                    channel=channel,
                    ts=self._next_ts(),
                    text=args.get("text", ""),
                    blocks=args.get("blocks") or [],
                    user=self.BOT_USER,
                    thread_ts=args.get("thread_ts"),
                    ephemeral_for=None if in_channel else user,
                )
            )
