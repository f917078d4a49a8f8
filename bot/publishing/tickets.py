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
    session: Session,
    config: WorkspaceConfig,
    change: lifecycle.TicketChange,
    *,
    notify_user: str | None,
    edit_card: bool = True,
) -> None:
    """The card edited, the change in its thread, the reporter's DM (if it is news for them).
    ``notify_user`` hears of a delivery that fails. ``edit_card=False``: the change doesn't show on
    the card (a CSAT rating), so only its thread hears of it."""
    ticket = change.ticket
    now, lane, card = utcnow(), lane_of(ticket), card_key(ticket)
    if ticket.card_ts or outbox.exists_key(session, card):
        if edit_card:
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
        queue_reporter_dm(session, ticket, dm, key=f"{lane}:dm:{unique()}", notify_user=notify_user)
    if "comment" in change.kinds and ticket.assignee_id and ticket.assignee_id != change.actor_id:
        # The reporter's comment (Reply, or their answer in a DM's thread): the assignee is told.
        outbox.post(
            session, ticket.team_id, f"{lane}:assignee:{unique()}", ticket.assignee_id,
            ticket_views.assignee_comment_dm(change), label=f"the DM to <@{ticket.assignee_id}> about {ticket.key}",
            lane=lane, notify_user=notify_user,
        )  # fmt: skip


def queue_new_ticket(
    session: Session, config: WorkspaceConfig, change: lifecycle.TicketChange, notice: dict, *, notify_user: str
) -> None:
    """The new ticket's card in the triage channel (its place recorded once posted), and ``notice``
    to the reporter by DM."""
    ticket = change.ticket
    if config.triage_channel:
        outbox.post(
            session, ticket.team_id, card_key(ticket), config.triage_channel,
            card_of(ticket, config, utcnow()), label=f"the card of {ticket.key}",
            lane=lane_of(ticket), purpose="ticket_card", subject_id=ticket.id, notify_user=notify_user,
        )  # fmt: skip
    queue_reporter_dm(
        session, ticket, notice, key=f"{lane_of(ticket)}:created", notify_user=notify_user,
        label=f"the notice that {ticket.key} is raised",
    )  # fmt: skip


def queue_reporter_dm(
    session: Session, ticket: Ticket, message: dict, *, key: str, notify_user: str | None, label: str | None = None
) -> None:
    """A DM to the reporter about ``ticket``: once posted, an answer in its thread is a comment
    on the ticket (bot.services.tickets.conversation)."""
    outbox.post(
        session, ticket.team_id, key, ticket.reporter_id, message,
        label=label or f"the DM to <@{ticket.reporter_id}> about {ticket.key}", lane=lane_of(ticket),
        notify_user=notify_user, purpose="ticket_dm", subject_id=ticket.id,
    )  # fmt: skip


def unique() -> str:
    return secrets.token_hex(8)
