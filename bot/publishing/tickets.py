"""What a ticket's change posts, shared by the listeners and the jobs (auto-resolve): the card edited
in place, the change in its thread, the reporter's DM. Queued in the outbox inside the change's own
transaction; the delivery worker posts them in order, exactly once (bot.services.outbox)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services import outbox
from bot.services.clock import utcnow
from bot.services.tickets import lifecycle, sla
from bot.services.workspace_settings import WorkspaceConfig
from bot.views.tickets import messages as ticket_views
from db.models import Ticket


def lane_of(ticket: Ticket) -> str:
    """A ticket's messages go out one at a time, in order: card first, then edits and replies."""
    return f"{ticket.team_id}:ticket:{ticket.id}"


def card_key(ticket: Ticket) -> str:
    return f"{lane_of(ticket)}:card"


def card_of(ticket: Ticket, config: WorkspaceConfig, now: datetime) -> dict:
    """The card as it is now, with where it stands against the workspace's service levels."""
    return ticket_views.card(ticket, tz=config.tz, now=now, sla=sla.status(ticket, config.sla, now))


def queue_ticket_change(
    session: Session, config: WorkspaceConfig, change: lifecycle.TicketChange, *, notify_user: str | None
) -> None:
    """The card edited, the change in its thread, the reporter's DM (if it is news for them).
    ``notify_user`` hears of a delivery that fails."""
    ticket = change.ticket
    now, lane, card = utcnow(), lane_of(ticket), card_key(ticket)
    if ticket.card_ts or outbox.exists_key(session, card):
        outbox.edit(
            session, ticket.team_id, f"{card}:edit:{unique()}", card_of(ticket, config, now),
            label=f"the card of {ticket.key}", supersede=card, of=card, channel=ticket.card_channel,
            ts=ticket.card_ts, lane=lane, notify_user=notify_user,
        )  # fmt: skip
        outbox.post(
            session, ticket.team_id, f"{lane}:thread:{unique()}", ticket.card_channel or "",
            ticket_views.thread_update(change), label=f"the update in the thread of {ticket.key}", lane=lane,
            thread_of=card, thread_ts=ticket.card_ts, notify_user=notify_user,
        )  # fmt: skip
    session.flush()  # the events' ids: a resolution's DM rates that resolution (CSAT)
    dm = ticket_views.reporter_dm(change, config.tz)
    if dm:
        outbox.post(
            session, ticket.team_id, f"{lane}:dm:{unique()}", ticket.reporter_id, dm,
            label=f"the DM to <@{ticket.reporter_id}> about {ticket.key}", lane=lane, notify_user=notify_user,
        )  # fmt: skip


def unique() -> str:
    return secrets.token_hex(8)
