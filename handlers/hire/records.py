"""What /customer and /vehicle share: the add/edit form, its Edit and Remove buttons,
and opening a blank form for agents."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from slack_bolt import App

from bot.context import AppContext
from bot.services.hire.access import require_agent
from bot.views.hire.common import removal_message

from ..support import guarded, team_id_of, user_id_of
from . import forms


@dataclass(frozen=True)
class RecordDesk:
    """One kind of record (customer, vehicle): its ``<noun>_form`` modal, ``<noun>_edit`` and
    ``<noun>_remove`` buttons, and the service and view functions behind them."""

    noun: str
    form: type  # the service's dataclass of form values (its fields are the modal's block ids)
    create: Callable[..., Any]
    update: Callable[..., Any]
    to_edit: Callable[..., Any]
    remove: Callable[..., Any]
    modal: Callable[..., dict]
    saved_modal: Callable[[Any, bool], dict]


def open_blank_form(ctx: AppContext, ack, body: dict, client, modal: dict, to: str) -> None:
    """Refuse non-agents at once, before a form they could not submit opens."""
    with ctx.db.transaction(readonly=True) as session:
        require_agent(ctx.actor(session, team_id_of(body), user_id_of(body)), to=to)
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=modal)


def register_record_desk(app: App, ctx: AppContext, desk: RecordDesk) -> None:
    @app.view(f"{desk.noun}_form")
    @guarded
    def record_form(ack, body, view):
        form, record_id = forms.read_into(desk.form, forms.values_of(view)), forms.metadata_of(view).get(f"{desk.noun}_id")
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            if record_id:
                record = desk.update(session, actor, record_id, form)
            else:
                record = desk.create(session, actor, form)
            done = desk.saved_modal(record, not record_id)
        ack(response_action="update", view=done)

    @app.action(f"{desk.noun}_edit")
    @guarded
    def record_edit(ack, body, action, client):
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            modal = desk.modal(desk.to_edit(session, actor, action["value"]))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.action(f"{desk.noun}_remove")
    @guarded
    def record_remove(ack, body, action, respond):
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            removal = desk.remove(session, actor, action["value"])
        ack()
        respond(response_type="ephemeral", replace_original=False, **removal_message(removal))
