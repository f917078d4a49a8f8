"""What the sandbox page does to the fake: people's messages and reactions, its waiting for news, saving and loading."""

from __future__ import annotations

import base64
import time
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from .args import _ts_value
from .records import Message, SlackError, Upload, _MessageIndex
from .state import State


class PageState(State):
    def wait_for_change(self, since: int, timeout: float = 20.0) -> int:
        """Block until ``version`` moves past ``since`` (or ``timeout``); returns the version."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.version <= since:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return self.version

    def snapshot(self) -> dict:
        """The channels' messages as JSON-able data (the sandbox keeps them across restarts)."""
        with self._lock:
            return {
                "messages": [{**asdict(m), "posted_at": m.posted_at.isoformat()} for m in self.messages],
                "uploads": [
                    {**asdict(u), "data": base64.b64encode(u.data).decode() if u.data is not None else None}
                    for u in self.uploads.values()
                    if u.completed  # shared files stay downloadable after a restart
                ],
            }

    def restore(self, snapshot: dict) -> None:
        """Load a ``snapshot``; new timestamps and IDs continue after the restored ones."""
        with self._changed:
            self.messages = [
                Message(**{**m, "posted_at": datetime.fromisoformat(m["posted_at"])})
                for m in snapshot.get("messages", [])
            ]
            self._index = _MessageIndex()
            self._last_ts = max((int(_ts_value(m.ts) * 1_000_000) for m in self.messages), default=0)
            self.uploads = {
                u["id"]: Upload(**{**u, "data": base64.b64decode(u["data"]) if u.get("data") else None})
                for u in snapshot.get("uploads", [])
            }
            self._touch()

    def add_message(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        ephemeral_for: str | None = None,
        blocks: list[dict] | None = None,
        files: list[str] | None = None,
    ) -> Message:
        """A message written by a person (or Slackbot), not through the Web API; ``files``: the
        names of files shared with it."""
        with self._changed:
            message = Message(
                channel=self._channel(channel),
                ts=self._next_ts(),
                text=text,
                blocks=blocks or [],
                user=user,
                thread_ts=thread_ts,
                ephemeral_for=ephemeral_for,
                files=[self._file(user, name) for name in files or []],
            )
            self.messages.append(message)
            self._touch()
            return message

    def add_reaction(self, channel: str, ts: str, user: str, name: str) -> bool:
        """``user`` reacts with ``name`` (no colons) to a message: False if they already had (Slack
        then answers ``already_reacted`` and sends no event)."""
        with self._changed:
            message = self.message(channel, ts)
            if message is None or message.deleted or message.ephemeral_for:
                raise SlackError("message_not_found")
            reaction = next((r for r in message.reactions if r["name"] == name), None)
            if reaction is None:
                reaction = {"name": name, "users": [], "count": 0}
                message.reactions.append(reaction)
            if user in reaction["users"]:
                return False
            reaction["users"].append(user)
            reaction["count"] += 1
            self._touch()
            return True

    def delete_message(self, channel: str, ts: str) -> None:
        with self._changed:
            message = self.message(channel, ts)
            if message is not None:
                message.deleted = True
                self._touch()

    def respond(self, channel: str, user: str, body: dict, message_ts: str | None = None) -> None:
        """Show an app's answer (a command's ack body, a response_url post) as Slack does."""
        key = f"{channel}.{user}.{message_ts or ''}"
        with self._changed:
            self._apply_response_url(key, body)
            self._touch()
