"""Reading tickets: one with its history, mine, the queue, search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnExpressionArgument, Select, case, func, or_, select
from sqlalchemy.orm import Session

from bot.errors import DomainError
from bot.services.actors import Actor
from bot.services.tickets.access import Action, allowed, check_view, load_by_number
from db.models import Role, Severity, Ticket, TicketEvent, TicketState

LIST_LIMIT = 20
SEARCH_MIN_CHARS = 2
SEARCH_MAX_WORDS = 8
SEVERITY_RANK = case((Ticket.severity == Severity.CRITICAL, 0), (Ticket.severity == Severity.MAJOR, 1), else_=2)


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    history: list[TicketEvent]  # internal notes only for those who may read them
    actions: set[Action]  # what the viewer may do now


@dataclass(frozen=True)
class TicketList:
    tickets: list[Ticket]
    total: int  # how many matched; ``tickets`` holds at most LIST_LIMIT of them


def get(session: Session, actor: Actor, number: int) -> TicketDetail:
    ticket = load_by_number(session, actor, number)
    check_view(actor, ticket)
    return detail_of(actor, ticket)


def detail_of(actor: Actor, ticket: Ticket) -> TicketDetail:
    sees_internal = actor.has(Role.TECHNICIAN, Role.MANAGER)
    history = [event for event in ticket.events if sees_internal or not event.internal]
    return TicketDetail(ticket=ticket, history=history, actions=allowed(actor, ticket))


def mine(session: Session, actor: Actor) -> TicketList:
    """The actor's own tickets: unresolved first, then the most recently changed."""
    query = _live(actor).where(Ticket.reporter_id == actor.user_id)
    return _page(session, query, (Ticket.state == TicketState.RESOLVED), Ticket.updated_at.desc())


def queue(session: Session, actor: Actor) -> TicketList:
    """Unresolved tickets: unassigned first, then by severity, then oldest first."""
    actor.require(Role.TECHNICIAN, Role.MANAGER, to="see the ticket queue")
    return _page(session, _unresolved(actor), Ticket.assignee_id.is_not(None), SEVERITY_RANK, Ticket.created_at)


def assigned_to_me(session: Session, actor: Actor) -> TicketList:
    actor.require(Role.TECHNICIAN, to="have tickets assigned")
    query = _unresolved(actor).where(Ticket.assignee_id == actor.user_id)
    return _page(session, query, SEVERITY_RANK, Ticket.created_at)


def unassigned(session: Session, actor: Actor) -> TicketList:
    actor.require(Role.TECHNICIAN, Role.MANAGER, to="see the ticket queue")
    return _page(session, _unresolved(actor).where(Ticket.assignee_id.is_(None)), SEVERITY_RANK, Ticket.created_at)


def my_open(session: Session, actor: Actor) -> TicketList:
    query = _unresolved(actor).where(Ticket.reporter_id == actor.user_id)
    return _page(session, query, Ticket.created_at.desc())


def search(session: Session, actor: Actor, words: str) -> TicketList:
    """Tickets whose title or description holds every word. Employees search their own."""
    terms = words.split()[:SEARCH_MAX_WORDS]
    if len("".join(terms)) < SEARCH_MIN_CHARS:
        raise DomainError(f"Search for at least {SEARCH_MIN_CHARS} characters, like `/ticket search printer`.")
    query = _live(actor)
    if not actor.has(Role.TECHNICIAN, Role.MANAGER):
        query = query.where(Ticket.reporter_id == actor.user_id)
    for term in terms:
        pattern = "%" + term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(Ticket.title).like(pattern, escape="\\"),
                func.lower(Ticket.description).like(pattern, escape="\\"),
            )
        )
    return _page(session, query, Ticket.updated_at.desc())


def _live(actor: Actor) -> Select[tuple[Ticket]]:
    return select(Ticket).where(Ticket.team_id == actor.team_id, Ticket.deleted_at.is_(None))


def _unresolved(actor: Actor) -> Select[tuple[Ticket]]:
    return _live(actor).where(Ticket.state != TicketState.RESOLVED)


def _page(session: Session, query: Select[tuple[Ticket]], *order: ColumnExpressionArgument[Any]) -> TicketList:
    total = session.scalars(select(func.count()).select_from(query.subquery())).one()
    tickets = list(session.scalars(query.order_by(*order, Ticket.id).limit(LIST_LIMIT)))
    return TicketList(tickets=tickets, total=total)
