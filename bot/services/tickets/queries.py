"""Reading tickets: one with its history, mine, the queue, search — each a page at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument, Select, func, or_, select
from sqlalchemy.orm import Session

from bot.errors import DomainError
from bot.services.actors import Actor
from bot.services.paging import clamp_offset
from bot.services.tickets.access import Action, allowed, check_view, load, load_by_number
from bot.services.tickets.forms import parse_key
from db.models import Role, Severity, Ticket, TicketEvent, TicketState, queue_order, severity_rank, ticket_is_open

LIST_LIMIT = 20  # tickets on one page of a list
HISTORY_PAGE = 30  # history events on one page of /ticket T-n
SEARCH_MIN_CHARS = 2
SEARCH_MAX_WORDS = 8
SEARCH_MAX_CHARS = 200  # the query rides in the paging buttons' values (2000 characters)
MENTION = re.compile(r"^<@([UW][A-Z0-9]{1,20})(?:\|[^>]*)?>$")
SEVERITY_RANK = severity_rank()


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    history: list[TicketEvent]  # internal notes only for those who may read them
    actions: set[Action]  # what the viewer may do now
    history_offset: int = 0  # how many of the newest events the shown page skips

    @property
    def history_page(self) -> list[TicketEvent]:
        """The page of history shown: HISTORY_PAGE events, oldest first, ``history_offset`` back from the newest."""
        end = max(len(self.history) - self.history_offset, 0)
        return self.history[max(end - HISTORY_PAGE, 0) : end]


@dataclass(frozen=True)
class TicketList:
    tickets: list[Ticket]
    total: int  # how many matched; ``tickets`` holds at most LIST_LIMIT of them
    offset: int = 0  # how many matches come before this page

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.tickets) < self.total


def get(session: Session, actor: Actor, number: int) -> TicketDetail:
    ticket = load_by_number(session, actor, number)
    check_view(actor, ticket)
    return detail_of(actor, ticket)


def get_by_id(session: Session, actor: Actor, ticket_id: int, *, history_offset: int = 0) -> TicketDetail:
    """One ticket (by its id, from a button) with the page of history ``history_offset`` back."""
    ticket = load(session, actor, ticket_id)
    check_view(actor, ticket)
    return detail_of(actor, ticket, history_offset=history_offset)


def detail_of(actor: Actor, ticket: Ticket, *, history_offset: int = 0) -> TicketDetail:
    sees_internal = actor.has(Role.TECHNICIAN, Role.MANAGER)
    history = [event for event in ticket.events if sees_internal or not event.internal]
    offset = clamp_offset(history_offset, len(history), HISTORY_PAGE)
    return TicketDetail(ticket=ticket, history=history, actions=allowed(actor, ticket), history_offset=offset)


def mine(session: Session, actor: Actor, offset: int = 0) -> TicketList:
    """The actor's own tickets: unresolved first, then the most recently changed."""
    query = _live(actor).where(Ticket.reporter_id == actor.user_id)
    return _page(session, query, (Ticket.state == TicketState.RESOLVED), Ticket.updated_at.desc(), offset=offset)


def queue(session: Session, actor: Actor, offset: int = 0) -> TicketList:
    """Unresolved tickets: unassigned first, then by severity, then oldest first."""
    actor.require(Role.TECHNICIAN, Role.MANAGER, to="see the ticket queue")
    return _page(session, _unresolved(actor), *queue_order(), offset=offset)


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


def search_terms(words: str) -> str:
    """The query as searched (at most SEARCH_MAX_WORDS words), or DomainError if it can't be."""
    terms = words.split()[:SEARCH_MAX_WORDS]
    if len("".join(terms)) < SEARCH_MIN_CHARS:
        raise DomainError(f"Search for at least {SEARCH_MIN_CHARS} characters, like `/ticket search printer`.")
    query = " ".join(terms)
    if len(query) > SEARCH_MAX_CHARS:
        raise DomainError(f"Search for at most {SEARCH_MAX_CHARS} characters.")
    return query


def search(session: Session, actor: Actor, words: str, offset: int = 0) -> TicketList:
    """Tickets matching every word: in the title or description, or the ticket's key (``T-42``),
    or its reporter or assignee (``@maria``). Employees search their own."""
    query = _live(actor)
    if not actor.has(Role.TECHNICIAN, Role.MANAGER):
        query = query.where(Ticket.reporter_id == actor.user_id)
    for term in search_terms(words).split():
        query = query.where(_matches(term))
    return _page(session, query, Ticket.updated_at.desc(), offset=offset)


def _matches(term: str) -> ColumnElement[bool]:
    pattern = "%" + term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    alternatives: list[ColumnElement[bool]] = [
        func.lower(Ticket.title).like(pattern, escape="\\"),
        func.lower(Ticket.description).like(pattern, escape="\\"),
    ]
    number = parse_key(term)
    if number is not None:
        alternatives.append(Ticket.number == number)
    mention = MENTION.match(term)
    user_id = mention.group(1) if mention else term.upper()
    alternatives += [Ticket.reporter_id == user_id, Ticket.assignee_id == user_id]
    return or_(*alternatives)


def _live(actor: Actor) -> Select[tuple[Ticket]]:
    return select(Ticket).where(Ticket.team_id == actor.team_id, Ticket.deleted_at.is_(None))


def _unresolved(actor: Actor) -> Select[tuple[Ticket]]:
    return select(Ticket).where(*open_ticket_conditions(actor.team_id))


def _page(
    session: Session, query: Select[tuple[Ticket]], *order: ColumnExpressionArgument[Any], offset: int = 0
) -> TicketList:
    total = session.scalars(select(func.count()).select_from(query.subquery())).one()
    offset = clamp_offset(offset, total, LIST_LIMIT)
    tickets = list(session.scalars(query.order_by(*order, Ticket.id).offset(offset).limit(LIST_LIMIT)))
    return TicketList(tickets=tickets, total=total, offset=offset)


def open_ticket_conditions(team_id: str) -> tuple[ColumnElement[bool], ...]:
    """A workspace's open tickets: exactly the partial index ``ix_tickets_open_queue``'s predicate."""
    return (Ticket.team_id == team_id, ticket_is_open())


def open_by_severity(session: Session, team_id: str) -> dict[Severity, int]:
    """How many open tickets of each severity (the digest, the managers' App Home)."""
    counts = dict(
        session.execute(
            select(Ticket.severity, func.count()).where(*open_ticket_conditions(team_id)).group_by(Ticket.severity)
        )
        .tuples()
        .all()
    )
    return {severity: counts.get(severity, 0) for severity in Severity}


def oldest_open(session: Session, team_id: str, limit: int) -> list[Ticket]:
    """The ``limit`` oldest open tickets: the oldest of each severity (an index range each), merged.

    One ORDER BY created_at over all open tickets would walk the workspace's
    whole ticket history, mostly resolved, to find them."""
    candidates = [
        ticket
        for severity in Severity
        for ticket in session.scalars(
            select(Ticket)
            .where(*open_ticket_conditions(team_id), Ticket.severity == severity)
            .order_by(Ticket.created_at, Ticket.id)
            .limit(limit)
        )
    ]
    candidates.sort(key=lambda t: (t.created_at, t.id))
    return candidates[:limit]
