"""Every change to a ticket. Each appends events to its history (never
rewritten) and returns a TicketChange saying what to tell whom."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.errors import DomainError
from bot.services.actors import Actor, load_actor
from bot.services.clock import utcnow
from bot.services.tickets import sla
from bot.services.tickets.access import Action, check, is_reporter, load
from bot.services.tickets.forms import TicketForm, parse_permalink
from bot.services.workspaces import next_number
from db.models import Role, Severity, Ticket, TicketEvent, TicketState

SCHEDULER = "scheduler"  # the actor of the jobs' changes (auto-resolve)

# Changes the reporter hears about by DM (PRODUCT.md §3), unless they made them.
REPORTER_NEWS = {"assigned", "state", "reply"}


@dataclass
class TicketChange:
    ticket: Ticket
    actor_id: str
    events: list[TicketEvent] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {event.kind for event in self.events}

    @property
    def notify_reporter(self) -> bool:
        """One DM per change, and none about what the reporter did themselves."""
        return self.actor_id != self.ticket.reporter_id and bool(self.kinds & REPORTER_NEWS)

    def record(
        self,
        kind: str,
        old: str | None = None,
        new: str | None = None,
        body: str | None = None,
        internal: bool = False,
        old_body: str | None = None,
    ) -> None:
        """Append an event: short values as ``old`` → ``new``, long text as ``old_body`` → ``body``."""
        now = utcnow()
        event = TicketEvent(
            team_id=self.ticket.team_id,
            actor_id=self.actor_id,
            at=now,
            kind=kind,
            old_value=old,
            new_value=new,
            body=body,
            old_body=old_body,
            internal=internal,
        )
        # Added beside the history, not appended to it: appending would read the whole history first
        # (a ticket's history, loaded later, includes it; one already loaded gets it at once).
        session = object_session(self.ticket)
        if session is None:  # not in a session (no caller does this): as before, loudly if it is detached
            self.ticket.events.append(event)
        else:
            event.ticket = self.ticket
            session.add(event)
        self.ticket.updated_at = now
        self.events.append(event)


def prepare(session: Session, actor: Actor, ticket_id: int, action: Action) -> Ticket:
    """Check ``action`` is allowed before opening its modal (resolve, note, edit)."""
    ticket = load(session, actor, ticket_id)
    check(actor, ticket, action)
    return ticket


def create(
    session: Session,
    actor: Actor,
    form: TicketForm,
    source_permalink: str | None = None,
    *,
    reporter_id: str | None = None,
    source_message: tuple[str, str] | None = None,
) -> TicketChange:
    """A new ticket, reported by ``actor`` (or by ``reporter_id``, raised for them by ``actor``:
    emoji to ticket, whose ``source_message`` (channel, ts) can have only one ticket)."""
    now = utcnow()
    ticket = Ticket(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, "ticket"),
        title=form.title,
        description=form.description,
        category=form.category,
        severity=form.severity,
        state=TicketState.OPEN,
        reporter_id=reporter_id or actor.user_id,
        created_at=now,
        updated_at=now,
        source_permalink=parse_permalink(source_permalink),
        source_channel=source_message[0] if source_message else None,
        source_ts=source_message[1] if source_message else None,
    )
    session.add(ticket)
    change = TicketChange(ticket, actor.user_id)
    change.record("created", new=ticket.key)
    session.flush()
    return change


def edit(session: Session, actor: Actor, ticket_id: int, form: TicketForm) -> TicketChange:
    change = _begin(session, actor, ticket_id, Action.EDIT)
    ticket = change.ticket
    if form.title != ticket.title:
        change.record("title", old=ticket.title, new=form.title)
        ticket.title = form.title
    if form.description != ticket.description:
        change.record("description", old_body=ticket.description, body=form.description)
        ticket.description = form.description
    if form.category is not ticket.category:
        change.record("category", old=ticket.category.value, new=form.category.value)
        ticket.category = form.category
    if not change.events:
        raise DomainError(f"Nothing changed on {ticket.key}.")
    return change


def assign_to_me(session: Session, actor: Actor, ticket_id: int) -> TicketChange:
    """Claim a ticket. The row is locked, so of two technicians claiming at once
    one wins and the other is told who has it."""
    change = _begin(session, actor, ticket_id, Action.ASSIGN_ME)
    _set_assignee(change, actor.user_id)
    return change


def assign(
    session: Session, actor: Actor, ticket_id: int, assignee_id: str, config_admins: Iterable[str] = ()
) -> TicketChange:
    change = _begin(session, actor, ticket_id, Action.ASSIGN)
    ticket = change.ticket
    if not assignee_id:
        raise DomainError("Pick the technician to assign it to.")
    assignee = load_actor(session, actor.team_id, assignee_id, config_admins)
    if Role.TECHNICIAN not in assignee.roles:
        raise DomainError(f"<@{assignee_id}> is not a technician: tickets can only be assigned to technicians.")
    if ticket.assignee_id == assignee_id:
        raise DomainError(f"{ticket.key} is already assigned to <@{assignee_id}>.")
    _set_assignee(change, assignee_id)
    return change


def set_severity(session: Session, actor: Actor, ticket_id: int, severity: Severity) -> TicketChange:
    change = _begin(session, actor, ticket_id, Action.SEVERITY)
    ticket = change.ticket
    if ticket.severity is severity:
        raise DomainError(f"{ticket.key} is already {severity.value}.")
    change.record("severity", old=ticket.severity.value, new=severity.value)
    ticket.severity = severity
    return change


def start(session: Session, actor: Actor, ticket_id: int) -> TicketChange:
    """OPEN → IN_PROGRESS. Whoever starts an unassigned ticket takes it."""
    change = _begin(session, actor, ticket_id, Action.START)
    if change.ticket.assignee_id is None:
        _set_assignee(change, actor.user_id)
    _set_state(change, TicketState.IN_PROGRESS)
    return change


def resolve(session: Session, actor: Actor, ticket_id: int, note: str) -> TicketChange:
    change = _begin(session, actor, ticket_id, Action.RESOLVE)
    ticket = change.ticket
    _set_state(change, TicketState.RESOLVED, body=note)
    ticket.resolution_note = note
    ticket.resolved_at = ticket.updated_at
    sla.record_first_response(ticket, ticket.updated_at)  # a resolution answers the reporter too
    return change


def reopen(session: Session, actor: Actor, ticket_id: int) -> TicketChange:
    change = _begin(session, actor, ticket_id, Action.REOPEN)
    ticket = change.ticket
    _set_state(change, TicketState.OPEN)
    # The resolution stays in the history; the ticket itself is open again.
    ticket.resolution_note = None
    ticket.resolved_at = None
    return change


def wait_on_reporter(session: Session, actor: Actor, ticket_id: int, question: str) -> TicketChange:
    """→ WAITING: the reporter is asked ``question`` (by DM) and the SLA clock stops until they answer.
    Asking is a response; whoever asks an unassigned ticket takes it."""
    change = _begin(session, actor, ticket_id, Action.WAIT)
    if change.ticket.assignee_id is None:
        _set_assignee(change, actor.user_id)
    _set_state(change, TicketState.WAITING, body=question)
    sla.record_first_response(change.ticket, change.ticket.updated_at)
    return change


AUTO_RESOLVED_NOTE = "No answer from the reporter: resolved automatically. Reopen it if you still need help."


def auto_resolve(session: Session, team_id: str, ticket_id: int, waiting_since: datetime) -> TicketChange | None:
    """The ``auto-resolve`` job: resolve a ticket still WAITING since ``waiting_since`` (the row locked;
    someone may have answered meanwhile, then it is left alone)."""
    ticket = session.scalars(
        select(Ticket)
        .where(Ticket.team_id == team_id, Ticket.id == ticket_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if ticket is None or ticket.state is not TicketState.WAITING or ticket.waiting_since != waiting_since:
        return None
    change = TicketChange(ticket, SCHEDULER)
    _set_state(change, TicketState.RESOLVED, body=AUTO_RESOLVED_NOTE)
    ticket.resolution_note = AUTO_RESOLVED_NOTE
    ticket.resolved_at = ticket.updated_at
    return change


def add_note(session: Session, actor: Actor, ticket_id: int, text: str) -> TicketChange:
    """An internal note: for technicians, never shown to the reporter."""
    change = _begin(session, actor, ticket_id, Action.NOTE)
    change.record("note", body=text, internal=True)
    return change


def reply_kind(actor: Actor) -> str:
    """Technicians reply to the reporter (by DM); the reporter comments for the technicians."""
    return "reply" if actor.has(Role.TECHNICIAN) else "comment"


def reply(session: Session, actor: Actor, ticket_id: int, text: str) -> TicketChange:
    """A technician's reply (DM'd to the reporter) or the reporter's own comment."""
    change = _begin(session, actor, ticket_id, Action.REPLY)
    if reply_kind(actor) == "reply":
        change.record("reply", body=text)
        sla.record_first_response(change.ticket, change.ticket.updated_at)
    else:
        _comment(change, actor, text)
    return change


def comment(session: Session, actor: Actor, ticket_id: int, text: str) -> TicketChange:
    """A comment for the technicians, whatever the actor's roles (the reporter's answer in the
    thread of a DM about their ticket: a technician reporting a ticket of their own comments too)."""
    change = _begin(session, actor, ticket_id, Action.REPLY)
    _comment(change, actor, text)
    return change


def _comment(change: TicketChange, actor: Actor, text: str) -> None:
    change.record("comment", body=text)
    if change.ticket.state is TicketState.WAITING and is_reporter(actor, change.ticket):
        _set_state(change, TicketState.IN_PROGRESS)  # the reporter's answer: back to work, the clock runs again


def delete(session: Session, actor: Actor, ticket_id: int) -> TicketChange:
    """Soft delete: the row and its history stay for audit; the card says deleted."""
    change = _begin(session, actor, ticket_id, Action.DELETE)
    ticket = change.ticket
    change.record("deleted", old=ticket.state.value)
    ticket.deleted_at = ticket.updated_at
    ticket.deleted_by = actor.user_id
    return change


def attach_card(session: Session, team_id: str, ticket_id: int, channel: str, ts: str) -> None:
    """Remember where the ticket's card was posted (the app itself does this, after posting)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.team_id != team_id:
        raise DomainError("The ticket of this card is gone.")
    ticket.card_channel, ticket.card_ts = channel, ts


def _begin(session: Session, actor: Actor, ticket_id: int, action: Action) -> TicketChange:
    ticket = load(session, actor, ticket_id, lock=True)
    check(actor, ticket, action)
    return TicketChange(ticket, actor.user_id)


def _set_assignee(change: TicketChange, assignee_id: str) -> None:
    change.record("assigned", old=change.ticket.assignee_id, new=assignee_id)
    change.ticket.assignee_id = assignee_id
    sla.record_first_response(change.ticket, change.ticket.updated_at)


def _set_state(change: TicketChange, state: TicketState, body: str | None = None) -> None:
    ticket = change.ticket
    change.record("state", old=ticket.state.value, new=state.value, body=body)
    if ticket.state is TicketState.WAITING:
        sla.resume(ticket, ticket.updated_at)
    if state is TicketState.WAITING:
        sla.pause(ticket, ticket.updated_at)
    ticket.state = state
