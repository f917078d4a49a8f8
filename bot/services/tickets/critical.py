"""The critical-tickets job (PRODUCT.md §5).

An unresolved CRITICAL ticket without progress is reminded in its card's
thread, mentioning its assignee (or every technician while it is
unassigned), every ``critical_reminder`` (default 30 minutes); after
``critical_escalation`` (default 2 hours) without progress it is also
escalated, once, to the managers' channel.

"Without progress" is measured from an anchor: the ticket's creation while it
is unassigned, its last update once it is assigned. Assigning or updating a
ticket therefore moves the anchor and stops the reminders; they start again
only if it goes quiet for another full interval. Resolving it stops them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.services.reminders.claims import Reminder
from bot.services.reminders.slots import periods_since, stamp
from bot.services.reminders.snapshots import TicketLine
from bot.services.workspace_settings import WorkspaceConfig
from db.models import Role, Severity, Ticket, TicketState, UserRole, ticket_is_open

JOB = "critical-tickets"
MAX_MENTIONS = 20  # beyond this, a mention list is noise


@dataclass(frozen=True)
class StaleTicket:
    ticket: TicketLine
    stale_for: timedelta
    notify: tuple[str, ...]  # the assignee, or the technicians while unassigned


def stale_critical_tickets(session: Session, config: WorkspaceConfig, now: datetime) -> list[Ticket]:
    cutoff = now - config.critical_reminder
    return list(
        session.scalars(
            select(Ticket)
            .where(
                Ticket.team_id == config.team_id,
                Ticket.severity == Severity.CRITICAL,
                ticket_is_open(),
                Ticket.state != TicketState.WAITING,  # in the reporter's hands: nothing for technicians to do
                or_(
                    and_(Ticket.assignee_id.is_(None), Ticket.created_at <= cutoff),
                    and_(Ticket.assignee_id.is_not(None), Ticket.updated_at <= cutoff),
                ),
            )
            .order_by(Ticket.created_at, Ticket.id)
        )
    )


def technicians(session: Session, team_id: str) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(UserRole.user_id)
            .where(UserRole.team_id == team_id, UserRole.role == Role.TECHNICIAN)
            .order_by(UserRole.user_id)
            .limit(MAX_MENTIONS)
        )
    )


def find_due(session: Session, config: WorkspaceConfig, now: datetime) -> list[Reminder]:
    tickets = stale_critical_tickets(session, config, now)
    if not tickets:
        return []
    techs = technicians(session, config.team_id)
    reminders = []
    for ticket in tickets:
        anchor = ticket.created_at if ticket.assignee_id is None else ticket.updated_at
        stale = StaleTicket(TicketLine.of(ticket), now - anchor, (ticket.assignee_id,) if ticket.assignee_id else techs)
        subject = f"ticket:{ticket.id}"
        # In the card's thread if there is a card; otherwise in the triage channel.
        channel = ticket.card_channel or config.triage_channel
        if channel:
            reminders.append(
                Reminder(
                    team_id=config.team_id,
                    job=JOB,
                    subject=subject,
                    kind="critical",
                    slot=f"remind:{stamp(anchor)}+{periods_since(anchor, now, config.critical_reminder)}",
                    channel=channel,
                    thread_ts=ticket.card_ts if ticket.card_channel else None,
                    item=stale,
                    timezone=config.timezone,
                )
            )
        if config.managers_channel and now - anchor >= config.critical_escalation:
            reminders.append(
                Reminder(
                    team_id=config.team_id,
                    job=JOB,
                    subject=subject,
                    kind="escalation",
                    slot=f"escalate:{stamp(anchor)}",
                    channel=config.managers_channel,
                    item=stale,
                    timezone=config.timezone,
                )
            )
    return reminders
