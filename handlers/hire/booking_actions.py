"""The buttons of booking messages (card, reminders, /booking B-12) and the Return / Extend modals.

A button's value is the booking id, so these work from any message; the
booking's own message is edited in place afterwards."""
from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import ReturnValues
from bot.services.clock import utcnow
from bot.services.workspace_settings import workspace_config
from bot.views.hire import booking_modals
from bot.views.hire import bookings as booking_views

from ..support import guarded, team_id_of, user_id_of
from . import forms
from .cards import publish_card

# Buttons that change the booking at once.
IMMEDIATE = {"booking_picked_up": booking_service.pick_up, "booking_cancel": booking_service.cancel}
# Buttons that open a modal first: (the action checked before opening, the modal).
WITH_MODAL = {
    "booking_returned": ("return", lambda booking, tz: booking_modals.return_modal(booking, tz, utcnow())),
    "booking_extend": ("extend", booking_modals.extend_modal),
}


def register(app: App, ctx: AppContext) -> None:
    def change_now(ack, body, action, client, respond):
        team_id, user_id = team_id_of(body), user_id_of(body)
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id, user_id)
            booking = IMMEDIATE[action["action_id"]](session, actor, action["value"])
            tz = workspace_config(session, team_id, ctx.settings).tz
            confirmation = booking_views.booking_done_message(booking, tz)
            from_card = (body.get("container") or {}).get("message_ts") == booking.card_ts
        ack()
        publish_card(ctx, client, team_id, user_id, booking.id)
        if not from_card and body.get("response_url"):
            respond(response_type="ephemeral", replace_original=False, **confirmation)

    def open_modal(ack, body, action, client):
        ack()
        check, build = WITH_MODAL[action["action_id"]]
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            booking = booking_service.check_action(session, actor, action["value"], check)
            modal = build(booking, workspace_config(session, actor.team_id, ctx.settings).tz)
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    for action_id in IMMEDIATE:
        app.action(action_id)(guarded(change_now))
    for action_id in WITH_MODAL:
        app.action(action_id)(guarded(open_modal))

    @app.view("booking_return")
    @guarded
    def booking_return(ack, body, view, client):
        form = forms.read_into(ReturnValues, forms.values_of(view))
        team_id, user_id = team_id_of(body), user_id_of(body)
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id, user_id)
            booking = booking_service.return_booking(session, actor, forms.metadata_of(view).get("booking_id"), form,
                                                     ctx.settings)
        ack()
        publish_card(ctx, client, team_id, user_id, booking.id)

    @app.view("booking_extend")
    @guarded
    def booking_extend(ack, body, view, client):
        team_id, user_id = team_id_of(body), user_id_of(body)
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id, user_id)
            booking = booking_service.extend(session, actor, forms.metadata_of(view).get("booking_id"),
                                             forms.moment(forms.values_of(view), "return_due"), ctx.settings)
        ack()
        publish_card(ctx, client, team_id, user_id, booking.id)
