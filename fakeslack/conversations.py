"""users.info, users.list and conversations.*: DMs with D… ids, history and replies with their cursors."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from .args import _flag, _page, _time_range
from .records import SlackError
from .state import State


class ConversationMethods(State):
    def _users_info(self, args: dict) -> dict:
        user = self.users.get(args.get("user", ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    def _users_list(self, args: dict) -> dict:
        return {"members": list(self.users.values()), "response_metadata": {"next_cursor": ""}}

    def _conversations_open(self, args: dict) -> dict:
        users = args.get("users", "")
        if not users:
            raise SlackError("users_list_not_supplied")
        return {"channel": {"id": self.dm_channel(users.split(",")[0])}}

    def _conversations_info(self, args: dict) -> dict:
        channel = args.get("channel", "")
        if channel not in self.channels and not channel.startswith("D"):
            raise SlackError("channel_not_found")
        return {"channel": {"id": channel, "name": self.channels.get(channel, channel), "is_member": True}}

    def _conversations_list(self, args: dict) -> dict:
        return {
            "channels": [
                {"id": cid, "name": name, "is_channel": True, "is_member": True} for cid, name in self.channels.items()
            ],
            "response_metadata": {"next_cursor": ""},
        }

    def _conversations_history(self, args: dict) -> dict:
        """A channel's messages, newest first; thread replies only if also sent to the channel."""
        channel = self._conversation(args.get("channel"))
        within = _time_range(args)
        timeline = [
            m for m in reversed(self._shown(channel)) if (m.thread_ts is None or m.reply_broadcast) and within(m.ts)
        ]
        page, next_cursor = _page(timeline, args, default_limit=100, max_limit=999, newest_first=True)
        messages = self._messages_json(channel, page, with_metadata=_flag(args.get("include_all_metadata")))
        return {
            "messages": messages,
            "has_more": bool(next_cursor),
            "pin_count": 0,
            **({"response_metadata": {"next_cursor": next_cursor}} if next_cursor else {}),
        }

    def _conversations_replies(self, args: dict) -> dict:
        """A thread, oldest first: its parent, then the replies. ``ts`` may name any message of it.
        As Slack does, the first page starts with the thread's parent whatever ``oldest``/``latest``
        say (the window limits the replies only); later pages (``cursor``) don't repeat it."""
        channel = self._conversation(args.get("channel"))
        if not args.get("ts"):
            raise SlackError("invalid_arguments")
        named = self.message(channel, args["ts"])
        if named is None or named.deleted or named.ephemeral_for:
            raise SlackError("thread_not_found")
        parent_ts = named.thread_ts or named.ts
        within = _time_range(args)
        shown = self._shown(channel)
        parent = [m for m in shown if m.ts == parent_ts]
        replies = [m for m in shown if m.thread_ts == parent_ts and m.ts != parent_ts and within(m.ts)]
        if args.get("cursor"):
            page, next_cursor = _page(replies, args, default_limit=1000, max_limit=1000, newest_first=False)
        else:
            page, next_cursor = _page(parent + replies, args, default_limit=1000, max_limit=1000, newest_first=False)
        messages = self._messages_json(channel, page, with_metadata=_flag(args.get("include_all_metadata")))
        return {
            "messages": messages,
            "has_more": bool(next_cursor),
            **({"response_metadata": {"next_cursor": next_cursor}} if next_cursor else {}),
        }
