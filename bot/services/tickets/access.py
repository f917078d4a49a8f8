"""Loading tickets within the actor's workspace, and who may do what to them.

A ticket id from a button is user input: it is only ever looked up together
with the actor's ``team_id``, so another workspace's id is simply NotFound.
Role checks come first (a refusal names the role needed), then the ticket's
state.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import ParamSpec

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import DomainError, NotFound, PermissionDenied
from bot.services.actors import Actor
from db.models import Role, Ticket, TicketState


class Action(str, enum.Enum):
    ASSIGN_ME = "take tickets"
    ASSIGN = "assign tickets"
    SEVERITY = "change a ticket's severity"
    START = "start work on tickets"
    RESOLVE = "resolve tickets"
    REOPEN = "reopen it"
    NOTE = "add internal notes"
    REPLY = "comment on it"
    EDIT = "edit it"
    DELETE = "delete tickets"
    WAIT = "ask the reporter for information"


TECHNICIAN_ACTIONS = {
    Action.ASSIGN_ME, Action.ASSIGN, Action.SEVERITY, Action.START, Action.RESOLVE, Action.NOTE, Action.WAIT,
}  # fmt: skip
REPORTER_ACTIONS = {Action.REOPEN, Action.REPLY, Action.EDIT}  # the reporter or a technician
ONLY_BEFORE_RESOLUTION = {
    Action.ASSIGN_ME, Action.ASSIGN, Action.SEVERITY, Action.START, Action.RESOLVE, Action.EDIT, Action.WAIT,
}  # fmt: skip


def load(session: Session, actor: Actor, ticket_id: int, *, lock: bool = False) -> Ticket:
    """The ticket ``ticket_id`` of the actor's workspace; ``lock`` holds its row until commit
    (PostgreSQL row lock; SQLite write transactions are serialized already)."""
    query = select(Ticket).where(Ticket.team_id == actor.team_id, Ticket.id == ticket_id)
    if lock:
        query = query.with_for_update()
    ticket = session.scalars(query).one_or_none()
    if ticket is None:
        raise NotFound("That ticket doesn't exist in this workspace.")
    return ticket


def load_by_number(session: Session, actor: Actor, number: int) -> Ticket:
    ticket = session.scalars(
        select(Ticket).where(Ticket.team_id == actor.team_id, Ticket.number == number)
    ).one_or_none()
    if ticket is None:
        raise NotFound(f"There is no ticket T-{number} in this workspace.")
    return ticket


def is_reporter(actor: Actor, ticket: Ticket) -> bool:
    return ticket.reporter_id == actor.user_id


def check_view(actor: Actor, ticket: Ticket) -> None:
    if ticket.deleted_at is not None and not actor.is_admin:
        raise NotFound(f"{ticket.key} was deleted.")
    if not (is_reporter(actor, ticket) or actor.has(Role.TECHNICIAN, Role.MANAGER)):
        raise PermissionDenied(f"Only the reporter of {ticket.key}, technicians, managers or admins can see it.")


def check(actor: Actor, ticket: Ticket, action: Action) -> None:
    """Raise PermissionDenied (naming the role needed) or DomainError (wrong state)."""
    _check_role(actor, ticket, action)
    _check_state(ticket, action)


def allowed(actor: Actor, ticket: Ticket) -> set[Action]:
    """The actions ``actor`` may take on ``ticket`` now (which buttons to show them)."""
    return {action for action in possible(ticket) if _passes(_check_role, actor, ticket, action)}


def possible(ticket: Ticket) -> set[Action]:
    """The actions the ticket's state allows to someone (the card's buttons, shown to all)."""
    return {action for action in Action if _passes(_check_state, ticket, action)}


P = ParamSpec("P")


def _passes(check_fn: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> bool:
    try:
        check_fn(*args, **kwargs)
    except DomainError:
        return False
    return True


def _check_role(actor: Actor, ticket: Ticket, action: Action) -> None:
    if action is Action.DELETE:
        actor.require(Role.ADMIN, to=action.value)
    elif action in TECHNICIAN_ACTIONS:
        actor.require(Role.TECHNICIAN, to=action.value)
    elif action in REPORTER_ACTIONS and not (is_reporter(actor, ticket) or actor.has(Role.TECHNICIAN)):
        raise PermissionDenied(f"Only the reporter of {ticket.key}, technicians or admins can {action.value}.")


def _check_state(ticket: Ticket, action: Action) -> None:
    if ticket.deleted_at is not None:
        raise DomainError(f"{ticket.key} was deleted.")
    resolved = ticket.state is TicketState.RESOLVED
    if action in ONLY_BEFORE_RESOLUTION and resolved:
        raise DomainError(f"{ticket.key} is resolved: reopen it first.")
    if action is Action.ASSIGN_ME and ticket.assignee_id is not None:
        raise DomainError(f"{ticket.key} is already assigned to <@{ticket.assignee_id}>.")
    if action is Action.START and ticket.state is TicketState.IN_PROGRESS:
        raise DomainError(f"{ticket.key} is already in progress.")
    if action is Action.WAIT and ticket.state is TicketState.WAITING:
        raise DomainError(f"{ticket.key} is already waiting on <@{ticket.reporter_id}>.")
    if action is Action.REOPEN and not resolved:
        raise DomainError(f"{ticket.key} is not resolved, so there is nothing to reopen.")
