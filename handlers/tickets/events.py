"""Events of the help desk: the reporter's answer in a DM thread (``message.im``) and emoji to
ticket (``reaction_added``). Each event is handled once (request_scope keys it by event_id, so
Slack's retries change nothing more); whatever it causes is queued in the outbox."""

from __future__ import annotations

from slack_bolt import App

from bot.services.tickets import conversation, emoji
from bot.services.workspace_settings import workspace_config

from ..support import guarded, request_scope
from .publish import queue_change

# A person's own message: no subtype, or one of these (edits, deletions, bots' posts… are not).
PEOPLES_MESSAGES = {None, "file_share", "thread_broadcast"}


def register(app: App) -> None:
    app.event("message")(direct_message)
    app.event("reaction_added")(reaction_added)


@guarded
def direct_message(body, event, context, ctx):
    """A message in a DM with HireDesk. Only a person's new message in a thread is a possible
    comment (with the files they shared): edits, deletions and bots' posts (a ``subtype`` other than
    a file share or a broadcast reply, a ``bot_id``), HireDesk's own
    messages and top-level messages are ignored (the service then checks the thread is a
    HireDesk DM about a ticket of theirs)."""
    thread_ts, user = event.get("thread_ts"), event.get("user")
    if (
        event.get("channel_type") != "im"
        or event.get("subtype") not in PEOPLES_MESSAGES
        or event.get("bot_id")
        or not user
        or user == context.get("bot_user_id")
        or not thread_ts
        or thread_ts == event.get("ts")
    ):
        return
    text = str(event.get("text") or "")  # in Slack's markup: the service reads it (user_text.plain_text)
    files = [
        (str(f.get("name") or "file"), str(f["permalink"])) for f in event.get("files") or [] if f.get("permalink")
    ]
    with request_scope(ctx, body) as (session, actor):
        change = conversation.comment_from_dm(session, actor, event.get("channel") or "", thread_ts, text, files)
        if change is not None:
            queue_change(ctx, session, actor, change)


@guarded
def reaction_added(body, event, context, ctx):
    """A reaction to a message in a channel: the ticket emoji raises a ticket for its author
    (read from Slack by the delivery worker, after this answer). Reactions by HireDesk, to
    HireDesk's messages, to files, or in DMs are ignored."""
    item, bot = event.get("item") or {}, context.get("bot_user_id")
    channel, ts, user = item.get("channel") or "", item.get("ts") or "", event.get("user")
    if (
        item.get("type") != "message"
        or not channel.startswith(("C", "G"))
        or not ts
        or not user
        or user == bot
        or event.get("item_user") == bot
    ):
        return
    with request_scope(ctx, body) as (session, actor):
        configured = workspace_config(session, actor.team_id, ctx.settings).ticket_emoji
        emoji.request_ticket(session, actor, configured, channel, ts, event.get("reaction") or "")
