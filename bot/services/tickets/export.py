"""``/ticket export`` (PRODUCT.md §3): the tickets of a date range (by creation), as CSV rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import export
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.tickets import csat
from bot.services.tickets.sla import Targets, status
from db.models import Role, Severity, Ticket

HEADER = (
    "key",
    "title",
    "category",
    "severity",
    "state",
    "reporter",
    "assignee",
    "created",
    "first response",
    "resolved",
    "SLA response met",
    "SLA resolution met",
    "CSAT",
)


def csat_scores(session: Session, team_id: str, ticket_ids: Sequence[int]) -> dict[int, str]:
    """The satisfaction rating of each of these tickets that has one (the CSAT column):
    that of its most recent rated resolution."""
    return {tid: str(rating) for tid, rating in csat.current_ratings(session, team_id, ticket_ids).items()}


def rows(session: Session, query: export.Query) -> Iterator[list[str]]:
    """One row per ticket of the workspace raised in the range (deleted ones left out), oldest first."""
    targets = {
        Severity(name): Targets(response=timedelta(minutes=minutes[0]), resolution=timedelta(minutes=minutes[1]))
        for name, minutes in query.options["sla"].items()
    }
    statement = select(Ticket.id, Ticket).where(Ticket.team_id == query.team_id, Ticket.deleted_at.is_(None))
    now = utcnow()
    for page in export.pages(session, query.within(statement, Ticket.created_at), Ticket.id):
        yield from _rows_of(session, query.team_id, [row[1] for row in page], targets, query.tz, now)


def _rows_of(
    session: Session,
    team_id: str,
    tickets: list[Ticket],
    targets: dict[Severity, Targets],
    tz: ZoneInfo,
    now: datetime,
) -> Iterator[list[str]]:
    scores = csat_scores(session, team_id, [t.id for t in tickets])
    for ticket in tickets:
        sla = status(ticket, targets, now)
        yield [
            ticket.key,
            ticket.title,
            ticket.category.value,
            ticket.severity.value,
            ticket.state.value,
            ticket.reporter_id,
            ticket.assignee_id or "",
            export.local_iso(ticket.created_at, tz),
            export.local_iso(ticket.first_response_at, tz),
            export.local_iso(sla.resolved_at, tz),
            _met(sla.response_open, sla.response_breached),
            _met(sla.resolution_open, sla.resolution_breached),
            scores.get(ticket.id, ""),
        ]


def _met(still_running: bool, breached: bool) -> str:
    """yes / no; empty while the target still runs and is not missed yet."""
    return export.yes_no(None if still_running and not breached else not breached)


DESK = export.Desk("tickets", (Role.TECHNICIAN, Role.MANAGER), "Tickets", HEADER, rows)


def request(
    session: Session, actor: Actor, text: str, *, tz: ZoneInfo, sla: dict[Severity, Targets], today: date
) -> export.Queued:
    """``/ticket export [from [to]]``: technicians, managers and admins get the CSV by DM."""
    options = {
        "sla": {
            severity.value: [target.response // timedelta(minutes=1), target.resolution // timedelta(minutes=1)]
            for severity, target in sla.items()
        }
    }
    return export.queue(session, actor, DESK, text, tz=tz, today=today, options=options)
