"""Emoji to ticket, second step (bot.services.tickets.emoji): with the reacted message read from
Slack, raise its ticket and queue what that posts — the card, the author's DM, and HireDesk's
answer in the message's thread with the key — in the transaction that finishes the task."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.publishing.tickets import lane_of, queue_new_ticket
from bot.services import outbox
from bot.services.actors import load_actor
from bot.services.tickets import emoji
from bot.services.workspace_settings import workspace_config
from bot.settings import Settings
from bot.views.tickets import messages as ticket_views


def raise_emoji_ticket(session: Session, settings: Settings, team_id: str, args: dict[str, Any], found: dict) -> None:
    """``args`` as ``emoji.request_ticket`` queued them; ``found``: the message as the task read it
    (no ``author``: gone, or not a person's message — nothing to raise)."""
    if not found.get("author"):
        return
    actor = load_actor(session, team_id, args["reactor"])
    message = emoji.SourceMessage(
        channel=args["channel"],
        ts=args["ts"],
        author=found["author"],
        text=found.get("text") or "",
        permalink=found.get("permalink"),
        files=tuple((name, link) for name, link in found.get("files") or []),
    )
    change = emoji.raise_from_message(session, actor, message)
    if change is None:
        return
    ticket, config = change.ticket, workspace_config(session, team_id, settings)
    notice = ticket_views.emoji_ticket_notice(ticket, actor.user_id, config.triage_channel)
    queue_new_ticket(session, config, change, notice, notify_user=actor.user_id)
    outbox.post(
        session, team_id, f"{lane_of(ticket)}:source_reply", message.channel,
        ticket_views.emoji_ticket_reply(ticket, actor.user_id), label=f"the answer with {ticket.key} in <#{message.channel}>",
        lane=lane_of(ticket), thread_ts=found.get("thread_ts") or message.ts, notify_user=actor.user_id,
    )  # fmt: skip
