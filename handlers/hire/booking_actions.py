"""The buttons of booking messages (card, reminders, /booking B-12) and the Return / Extend modals.

A button's value is the booking id, so these work from any message; the
booking's own message is edited in place afterwards."""

from __future__ import annotations

from slack_bolt import App

from bot.services.clock import utcnow
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import ReturnValues
from bot.services.workspace_settings import workspace_config
from bot.views.hire import booking_modals
from bot.views.hire import bookings as booking_views

from ..payloads import FormState, Metadata, clicked_id
from ..support import guarded, request_scope
from .cards import publish_card

# Buttons that change the booking at once.
IMMEDIATE = {"booking_picked_up": booking_service.pick_up, "booking_cancel": booking_service.cancel}
# Buttons that open a modal first: (the action checked before opening, the modal).
WITH_MODAL = {
    "booking_returned": ("return", lambda booking, tz: booking_modals.return_modal(booking, tz, utcnow())),
    "booking_extend": ("extend", booking_modals.extend_modal),
}


def register(app: App) -> None:
    for action_id in IMMEDIATE:
        app.action(action_id)(change_now)
    for action_id in WITH_MODAL:
        app.action(action_id)(open_modal)
    app.view(booking_modals.BOOKING_RETURN)(booking_return)
    app.view(booking_modals.BOOKING_EXTEND)(booking_extend)


@guarded
def change_now(ack, body, action, client, respond, ctx):
    booking_id, change = clicked_id(action), IMMEDIATE[action["action_id"]]
    with request_scope(ctx, body) as (session, actor):
        booking = change(session, actor, booking_id)
        tz = workspace_config(session, actor.team_id, ctx.settings).tz
        confirmation = booking_views.booking_done_message(booking, tz)
        from_card = (body.get("container") or {}).get("message_ts") == booking.card_ts
    ack()
    publish_card(ctx, client, actor.team_id, actor.user_id, booking.id)
    if not from_card and body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **confirmation)


@guarded
def open_modal(ack, body, action, client, ctx):
    ack()
    booking_id, (check, build) = clicked_id(action), WITH_MODAL[action["action_id"]]
    with request_scope(ctx, body, readonly=True) as (session, actor):
        booking = booking_service.check_action(session, actor, booking_id, check)
        modal = build(booking, workspace_config(session, actor.team_id, ctx.settings).tz)
    client.views_open(trigger_id=body["trigger_id"], view=modal)


@guarded
def booking_return(ack, body, view, client, ctx):
    booking_id, form = Metadata(view).id("booking_id"), FormState(view).read_into(ReturnValues)
    with request_scope(ctx, body) as (session, actor):
        booking = booking_service.return_booking(session, actor, booking_id, form, ctx.settings)
    ack()
    publish_card(ctx, client, actor.team_id, actor.user_id, booking.id)


@guarded
def booking_extend(ack, body, view, client, ctx):
    booking_id, new_due = Metadata(view).id("booking_id"), FormState(view).moment("return_due")
    with request_scope(ctx, body) as (session, actor):
        booking = booking_service.extend(session, actor, booking_id, new_due, ctx.settings)
    ack()
    publish_card(ctx, client, actor.team_id, actor.user_id, booking.id)
