"""Outbox tasks (``bot.services.outbox.TASK``): work that needs Slack's answers before it can change
anything, run by the delivery worker after the answer to Slack, never by a listener.

A task has two halves: ``fetch`` asks Slack (outside any transaction; its errors are retried or
fail like a post's), then ``apply`` makes the change with what Slack said, in the transaction that
marks the task done (only while the worker still holds its claim, so it is applied once).

``emoji_ticket`` (bot.services.tickets.emoji): read the reacted message — ``conversations.history``
with ``latest`` = ``oldest`` = its ts, inclusive, limit 1; a thread reply is not in the channel's
history, so then ``conversations.replies`` the same way — and its ``chat.getPermalink``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.publishing.emoji_tickets import raise_emoji_ticket
from bot.services.tickets import emoji
from bot.settings import Settings

GONE = {"message_not_found", "thread_not_found"}
# Message subtypes that are a person's own words (anything else — a join, a bot's post — is not)
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


@dataclass(frozen=True)
class Task:
    fetch: Callable[[WebClient, dict[str, Any]], dict[str, Any]]
    apply: Callable[[Session, Settings, str, dict[str, Any], dict[str, Any]], None]


def fetch_reacted_message(client: WebClient, args: dict[str, Any]) -> dict[str, Any]:
    """The reacted message: its author (None if gone or not a person's), text, files, permalink."""
    channel, ts = args["channel"], args["ts"]
    window = {"channel": channel, "latest": ts, "oldest": ts, "inclusive": True, "limit": 1}
    try:
        message = _with_ts(client.conversations_history(**window), ts)
        if message is None:  # a thread reply (not sent to the channel): only its thread has it
            # (Slack may put the thread's parent first whatever the window: room for both)
            message = _with_ts(client.conversations_replies(ts=ts, **{**window, "limit": 2}), ts)
    except SlackApiError as error:
        if error.response.get("error") in GONE:
            return {"author": None}
        raise
    if message is None or message.get("bot_id") or message.get("subtype") not in PERSON_SUBTYPES:
        return {"author": None}
    permalink = client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    files = [
        [str(f.get("name") or f.get("title") or "file"), str(f.get("permalink") or f.get("url_private") or "")]
        for f in message.get("files") or []
        if f.get("permalink") or f.get("url_private")
    ]
    thread_ts = message.get("thread_ts")
    return {
        "author": message.get("user"),
        "text": message.get("text") or "",
        "files": files,
        "permalink": permalink,
        "thread_ts": thread_ts if thread_ts and thread_ts != ts else None,
    }


def _with_ts(page: Any, ts: str) -> dict[str, Any] | None:
    return next((m for m in page.get("messages") or [] if m.get("ts") == ts), None)


TASKS: dict[str, Task] = {emoji.TASK: Task(fetch_reacted_message, raise_emoji_ticket)}
