"""What /customer and /vehicle share: the add/edit form, its Edit and Remove buttons,
and opening a blank form for agents."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services import outbox
from bot.services.actors import Actor
from bot.services.hire import customers as customer_service
from bot.services.hire import vehicles as vehicle_service
from bot.services.hire.access import require_agent
from bot.views.hire import customers as customer_views
from bot.views.hire import vehicles as vehicle_views
from bot.views.hire.common import removal_message

from ..payloads import FormState, Metadata, clicked_id
from ..support import guarded, request_scope


@dataclass(frozen=True)
class RecordDesk:
    """One kind of record (customer, vehicle): its ``<noun>_form`` modal, ``<noun>_edit`` and
    ``<noun>_remove`` buttons, and the service and view functions behind them."""

    noun: str
    form: type[Any]  # the service's dataclass of form values (its fields are the modal's block ids)
    create: Callable[..., Any]
    update: Callable[..., Any]
    to_edit: Callable[..., Any]
    remove: Callable[..., Any]
    modal: Callable[..., dict]
    saved_modal: Callable[[Any, bool], dict]


DESKS = {
    desk.noun: desk
    for desk in (
        RecordDesk(
            noun="customer",
            form=customer_service.CustomerValues,
            create=customer_service.create_customer,
            update=customer_service.update_customer,
            to_edit=customer_service.customer_to_edit,
            remove=customer_service.remove_customer,
            modal=customer_views.customer_modal,
            saved_modal=customer_views.customer_saved_modal,
        ),
        RecordDesk(
            noun="vehicle",
            form=vehicle_service.VehicleValues,
            create=vehicle_service.create_vehicle,
            update=vehicle_service.update_vehicle,
            to_edit=vehicle_service.vehicle_to_edit,
            remove=vehicle_service.remove_vehicle,
            modal=vehicle_views.vehicle_modal,
            saved_modal=vehicle_views.vehicle_saved_modal,
        ),
    )
}


def register(app: App) -> None:
    for noun in DESKS:
        app.view(f"{noun}_form")(record_form)
        app.action(f"{noun}_edit")(record_edit)
        app.action(f"{noun}_remove")(record_remove)


def open_blank_form(
    ctx: AppContext, ack, body: dict, client, modal: dict | Callable[[Session, Actor], dict], to: str
) -> None:
    """Refuse non-agents at once, before a form they could not submit opens (``modal`` may be
    built from the workspace's data: a function of the session and the actor)."""
    with request_scope(ctx, body, readonly=True) as (session, actor):
        require_agent(actor, to=to)
        if callable(modal):
            modal = modal(session, actor)
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=modal)


@guarded
def record_form(ack, body, view, ctx):
    desk = _desk_of(view["callback_id"])
    record_id = Metadata(view).optional_id(f"{desk.noun}_id")  # none: a new record
    form = FormState(view).read_into(desk.form)
    with request_scope(ctx, body) as (session, actor):
        if record_id is not None:
            record = desk.update(session, actor, record_id, form)
        else:
            record = desk.create(session, actor, form)
        done = desk.saved_modal(record, record_id is None)
    ack(response_action="update", view=done)


@guarded
def record_edit(ack, body, action, client, ctx):
    desk, record_id = _desk_of(action["action_id"]), clicked_id(action)
    with request_scope(ctx, body, readonly=True) as (session, actor):
        modal = desk.modal(desk.to_edit(session, actor, record_id))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=modal)


@guarded
def record_remove(ack, body, action, ctx):
    desk, record_id = _desk_of(action["action_id"]), clicked_id(action)
    with request_scope(ctx, body) as (session, actor):
        removal = desk.remove(session, actor, record_id)
        if body.get("response_url"):
            outbox.respond(
                session, actor.team_id, body["response_url"],
                {"response_type": "ephemeral", "replace_original": False, **removal_message(removal)},
                key=f"{actor.team_id}:{action['action_id']}:{record_id}:{secrets.token_hex(8)}",
            )  # fmt: skip
    ack()


def _desk_of(callback_or_action_id: str) -> RecordDesk:
    """``customer_form`` / ``customer_edit`` → the customer desk."""
    return DESKS[callback_or_action_id.rpartition("_")[0]]
