"""The ``sla`` job (PRODUCT.md §3): one warning per missed service-level target.

When a ticket's first-response or resolution deadline passes without the
response (or the resolution), a warning is posted in the card's thread (the
triage channel if it has no card), mentioning the assignee, or every
technician while it is unassigned. Each (ticket, target) is a claim
(subject ``ticket:<id>``, slot ``response`` | ``resolution``), so it is warned
once however many processes run the job.

A deadline missed more than ``LOOKBACK`` ago is not warned any more (the app
was down that long; the card shows the breach), so a breach is never warned
again once its claim is pruned (``CLAIM_RETENTION`` is far longer). The scan
reads unresolved tickets only (the partial index ``ix_tickets_open_queue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.reminders.claims import Reminder
from bot.services.reminders.snapshots import TicketLine
from bot.services.tickets import sla
from bot.services.tickets.critical import technicians
from bot.services.workspace_settings import WorkspaceConfig
from db.models import Severity, Ticket, ticket_is_open

JOB = "sla"
LOOKBACK = timedelta(days=7)
RESPONSE, RESOLUTION = "response", "resolution"


@dataclass(frozen=True)
class Breach:
    ticket: TicketLine
    target: str  # RESPONSE | RESOLUTION
    deadline: datetime
    allowed: timedelta  # the target itself, e.g. 15 minutes
    notify: tuple[str, ...]  # the assignee, or the technicians while unassigned


def find_due(session: Session, config: WorkspaceConfig, now: datetime) -> list[Reminder]:
    breaches = missed_targets(session, config, now)
    if not breaches:
        return []
    techs = technicians(session, config.team_id)
    reminders = []
    for ticket, target, deadline in breaches:
        channel = ticket.card_channel or config.triage_channel
        if not channel:
            continue
        targets = config.sla[ticket.severity]
        allowed = targets.response if target == RESPONSE else targets.resolution
        notify = (ticket.assignee_id,) if ticket.assignee_id else techs
        reminders.append(
            Reminder(
                team_id=config.team_id,
                job=JOB,
                subject=f"ticket:{ticket.id}",
                slot=target,
                kind="sla",
                channel=channel,
                thread_ts=ticket.card_ts if ticket.card_channel else None,
                item=Breach(TicketLine.of(ticket), target, deadline, allowed, notify),
                timezone=config.timezone,
            )
        )
    return reminders


def missed_targets(
    session: Session, config: WorkspaceConfig, now: datetime, lookback: timedelta | None = LOOKBACK
) -> list[tuple[Ticket, str, datetime]]:
    """(ticket, target, deadline) for each target missed in the last ``lookback`` (None: ever), oldest
    ticket first. Open tickets only (the partial index ``ix_tickets_open_queue``)."""
    found: list[tuple[Ticket, str, datetime]] = []
    for severity in Severity:
        targets = config.sla[severity]
        shortest = min(targets.response, targets.resolution)
        # Paused time only moves deadlines later, so "created before now - target" finds every candidate;
        # the exact deadline (with the pauses) is checked below.
        candidates = session.scalars(
            select(Ticket)
            .where(
                Ticket.team_id == config.team_id,
                Ticket.severity == severity,
                ticket_is_open(),
                Ticket.created_at <= now - shortest,
            )
            .order_by(Ticket.created_at, Ticket.id)
        )
        for ticket in candidates:
            status = sla.status(ticket, config.sla, now)
            if status.response_open and status.response_breached and _recent(status.respond_by, now, lookback):
                found.append((ticket, RESPONSE, status.respond_by))
            if status.resolution_open and status.resolution_breached and _recent(status.resolve_by, now, lookback):
                found.append((ticket, RESOLUTION, status.resolve_by))
    return found


def _recent(deadline: datetime, now: datetime, lookback: timedelta | None) -> bool:
    return lookback is None or now - deadline <= lookback
