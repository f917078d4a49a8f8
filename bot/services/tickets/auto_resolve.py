"""The ``auto-resolve`` job (PRODUCT.md §3): a ticket WAITING on its reporter longer than the
workspace's setting (default 3 days) is resolved with a note; the reporter's DM keeps **Reopen**.

Each wait is a claim (subject ``ticket:<id>``, slot ``waiting:<since>``), so however many processes
run the job a wait is resolved once; the job's ``act`` re-reads the locked row and leaves a ticket
alone that was answered meanwhile.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.reminders.claims import Reminder
from bot.services.reminders.slots import stamp
from bot.services.tickets import lifecycle
from bot.services.workspace_settings import WorkspaceConfig
from db.models import Ticket, TicketState

JOB = "auto-resolve"


def find_due(session: Session, config: WorkspaceConfig, now: datetime) -> list[Reminder]:
    waiting = session.execute(
        select(Ticket.id, Ticket.waiting_since).where(
            Ticket.team_id == config.team_id,
            Ticket.state == TicketState.WAITING,
            Ticket.deleted_at.is_(None),
            Ticket.waiting_since <= now - config.auto_resolve,
        )
    ).all()
    return [
        Reminder(
            team_id=config.team_id,
            job=JOB,
            subject=f"ticket:{ticket_id}",
            slot=f"waiting:{stamp(since)}",
            kind=JOB,
            channel="",  # nothing to list: the change itself posts (card, thread, the reporter's DM)
            item=(ticket_id, since),
            timezone=config.timezone,
        )
        for ticket_id, since in waiting
    ]


def act(session: Session, reminders: list[Reminder]) -> list[lifecycle.TicketChange]:
    """Resolve the tickets of the claims this run won that still wait as they did (locked, in id order)."""
    changes = []
    for reminder in sorted(reminders, key=lambda r: r.item[0]):
        ticket_id, since = reminder.item
        change = lifecycle.auto_resolve(session, reminder.team_id, ticket_id, since)
        if change is not None:
            changes.append(change)
    return changes
