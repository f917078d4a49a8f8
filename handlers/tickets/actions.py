"""The ticket card's buttons and selects (also in "/ticket T-n", DMs and App Home).

A click changes the ticket in one transaction, is acknowledged, and then the
card, its thread and the reporter hear about it (see ``publish``). Buttons that
open a modal check the actor's right first, so a refusal is an ephemeral
message instead of a form that can't be saved.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services.actors import Actor
from bot.services.tickets import forms, lifecycle
from bot.services.tickets.access import Action
from bot.views.tickets import modals as ticket_modals

from ..payloads import clicked_id, selected_user, selected_value
from ..support import guarded, request_scope
from .publish import queue_change


def _by_id(service: Callable[[Session, Actor, int], lifecycle.TicketChange]) -> Callable:
    """A change that needs nothing but the ticket."""
    return lambda session, actor, ticket_id, action, ctx: service(session, actor, ticket_id)


def _assign(session: Session, actor: Actor, ticket_id: int, action: dict, ctx: AppContext) -> lifecycle.TicketChange:
    return lifecycle.assign(session, actor, ticket_id, selected_user(action), ctx.settings.config_admins)


def _severity(session: Session, actor: Actor, ticket_id: int, action: dict, ctx: AppContext) -> lifecycle.TicketChange:
    severity = forms.parse_severity(selected_value(action))
    return lifecycle.set_severity(session, actor, ticket_id, severity)


# action_id → the change it makes: (session, actor, ticket id, clicked element, ctx) → TicketChange
CHANGES: dict[str, Callable[..., lifecycle.TicketChange]] = {
    "ticket_assign_me": _by_id(lifecycle.assign_to_me),
    "ticket_assign": _assign,
    "ticket_severity": _severity,
    "ticket_start": _by_id(lifecycle.start),
    "ticket_reopen": _by_id(lifecycle.reopen),
    "ticket_delete": _by_id(lifecycle.delete),
}

# action_id → (the action it needs, the modal it opens: (ticket, actor, from_home) → view)
MODALS: dict[str, tuple[Action, Callable]] = {
    "ticket_resolve": (Action.RESOLVE, lambda ticket, actor, home: ticket_modals.resolve_modal(ticket, from_home=home)),
    "ticket_add_note": (
        Action.NOTE,
        lambda ticket, actor, home: ticket_modals.note_modal(ticket, "note", from_home=home),
    ),
    "ticket_reply": (
        Action.REPLY,
        lambda ticket, actor, home: ticket_modals.note_modal(ticket, lifecycle.reply_kind(actor), from_home=home),
    ),
    "ticket_wait": (Action.WAIT, lambda ticket, actor, home: ticket_modals.note_modal(ticket, "wait", from_home=home)),
    "ticket_edit": (Action.EDIT, lambda ticket, actor, home: ticket_modals.edit_ticket_modal(ticket, from_home=home)),
}


def register(app: App) -> None:
    for action_id in CHANGES:
        app.action(action_id)(change_ticket)
    for action_id in MODALS:
        app.action(action_id)(open_ticket_modal)
    app.action("ticket_new")(new_ticket_button)


@guarded
def change_ticket(ack, body, action, ctx):
    ticket_id, change = clicked_id(action), CHANGES[action["action_id"]]
    with request_scope(ctx, body) as (session, actor):
        queue_change(
            ctx, session, actor, change(session, actor, ticket_id, action, ctx), body=body, from_home=_from_home(body)
        )
    ack()


@guarded
def open_ticket_modal(ack, body, action, client, ctx):
    ticket_id, (needed, modal) = clicked_id(action), MODALS[action["action_id"]]
    with request_scope(ctx, body, readonly=True) as (session, actor):
        view = modal(lifecycle.prepare(session, actor, ticket_id, needed), actor, _from_home(body))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


@guarded
def new_ticket_button(ack, body, client):
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=ticket_modals.new_ticket_modal())


def _from_home(body: dict) -> bool:
    return (body.get("view") or {}).get("type") == "home"
