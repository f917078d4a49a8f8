"""What a ticket's change posts, queued in the outbox inside the change's own transaction.

The card in the triage channel is posted once and then edited in place (only
the newest render of it is sent); each change is logged in the card's thread;
the reporter gets a DM for news that concerns them; a click in "/ticket T-n"
or a DM refreshes that message. All of it goes out through the delivery
worker after the answer to Slack, in order, exactly once (bot.services.outbox).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.publishing.tickets import card_key, card_of, lane_of, queue_ticket_change, unique
from bot.publishing.tickets import queue_new_ticket as queue_new_ticket_messages
from bot.services import outbox
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.tickets import lifecycle, queries
from bot.services.workspace_settings import workspace_config
from bot.views.tickets import messages as ticket_views
from bot.views.tickets.parts import headline
from db.models import Ticket

from ..home import queue_home

__all__ = ["card_key", "card_of", "lane_of", "queue_change", "queue_new_ticket"]


def queue_new_ticket(ctx: AppContext, session: Session, actor: Actor, change: lifecycle.TicketChange) -> None:
    """The new ticket's card in the triage channel (its place recorded once posted), and the notice."""
    config = workspace_config(session, actor.team_id, ctx.settings)
    notice = ticket_views.created_notice(headline(change.ticket), config.triage_channel)
    queue_new_ticket_messages(session, config, change, notice, notify_user=actor.user_id)


def queue_change(
    ctx: AppContext,
    session: Session,
    actor: Actor,
    change: lifecycle.TicketChange,
    *,
    body: dict | None = None,
    from_home: bool = False,
) -> None:
    """The card edited, the change in its thread, the reporter's DM, the clicked message refreshed."""
    ticket = change.ticket
    config = workspace_config(session, actor.team_id, ctx.settings)
    queue_ticket_change(session, config, change, notify_user=actor.user_id)
    now, lane = utcnow(), lane_of(ticket)
    if body is not None and body.get("response_url") and _clicked_elsewhere(body, ticket):
        # A click in "/ticket T-n" or a DM: show that message the ticket as it is now.
        detail = ticket_views.detail(queries.detail_of(actor, ticket), tz=config.tz, now=now)
        outbox.respond(
            session, ticket.team_id, body["response_url"], {"replace_original": True, **detail},
            key=f"{lane}:respond:{unique()}",
        )  # fmt: skip
    if from_home:
        queue_home(ctx, session, actor)


def _clicked_elsewhere(body: dict, ticket: Ticket) -> bool:
    container = body.get("container") or {}
    if container.get("type") != "message":
        return False
    return (container.get("channel_id"), container.get("message_ts")) != (ticket.card_channel, ticket.card_ts)
