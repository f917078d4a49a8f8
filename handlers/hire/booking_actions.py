"""The buttons of booking messages (card, reminders, /booking B-12) and the Pick-up / Return / Extend modals.

A button's value is the booking id, so these work from any message; the
booking's own message is edited in place afterwards."""

from __future__ import annotations

import secrets

from slack_bolt import App

from bot.errors import FormErrors
from bot.publishing.bookings import queue_new_damage
from bot.services import outbox
from bot.services.clock import utcnow
from bot.services.hire import booking_queries
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import BookingEdit, PickUpValues, ReturnValues
from bot.services.workspace_settings import workspace_config
from bot.views.hire import booking_modals
from bot.views.hire import bookings as booking_views

from ..payloads import FormState, Metadata, clicked_id
from ..support import guarded, request_scope
from .booking_modal import redraw
from .cards import queue_card

# Buttons that change the booking at once.
IMMEDIATE = {
    "booking_cancel": booking_service.cancel,
    "booking_no_show": booking_service.mark_no_show,
}
# Buttons that open a modal first: (the action checked before opening, the modal).
WITH_MODAL = {
    "booking_picked_up": (
        "pick up",
        lambda booking, config: booking_modals.pick_up_modal(
            booking, config.tz, booking_service.early_by(booking, utcnow(), config.early_pickup)
        ),
    ),
    "booking_returned": ("return", lambda booking, config: booking_modals.return_modal(booking, config.tz, utcnow())),
    "booking_extend": ("extend", lambda booking, config: booking_modals.extend_modal(booking, config.tz)),
}


def register(app: App) -> None:
    for action_id in IMMEDIATE:
        app.action(action_id)(change_now)
    for action_id in WITH_MODAL:
        app.action(action_id)(open_modal)
    app.action("booking_edit")(open_edit)
    for action_id in booking_modals.EDIT_TRIGGERS:
        app.action(action_id)(refresh_edit)
    app.view(booking_modals.BOOKING_EDIT)(booking_edit)
    app.view(booking_modals.BOOKING_PICK_UP)(booking_pick_up)
    app.view(booking_modals.BOOKING_RETURN)(booking_return)
    app.view(booking_modals.BOOKING_EXTEND)(booking_extend)


@guarded
def change_now(ack, body, action, ctx):
    booking_id, change = clicked_id(action), IMMEDIATE[action["action_id"]]
    with request_scope(ctx, body) as (session, actor):
        booking = change(session, actor, booking_id)
        tz = workspace_config(session, actor.team_id, ctx.settings).tz
        queue_card(ctx, session, actor, booking)
        from_card = (body.get("container") or {}).get("message_ts") == booking.card_ts
        if not from_card and body.get("response_url"):
            outbox.respond(
                session, actor.team_id, body["response_url"],
                {"response_type": "ephemeral", "replace_original": False,
                 **booking_views.booking_done_message(booking, tz)},
                key=f"{actor.team_id}:booking:{booking.id}:respond:{secrets.token_hex(8)}",
            )  # fmt: skip
    ack()


@guarded
def open_modal(ack, body, action, client, ctx):
    ack()
    booking_id, (check, build) = clicked_id(action), WITH_MODAL[action["action_id"]]
    with request_scope(ctx, body, readonly=True) as (session, actor):
        booking = booking_service.check_action(session, actor, booking_id, check)
        modal = build(booking, workspace_config(session, actor.team_id, ctx.settings))
    client.views_open(trigger_id=body["trigger_id"], view=modal)


@guarded
def open_edit(ack, body, action, client, ctx):
    ack()
    with request_scope(ctx, body, readonly=True) as (session, actor):
        modal = booking_modals.edit_modal(booking_queries.editing(session, actor, clicked_id(action), ctx.settings))
    client.views_open(trigger_id=body["trigger_id"], view=modal)


@guarded
def refresh_edit(ack, body, client, ctx):
    """Pickup or return changed in the Edit modal: redraw it with the vehicles free then."""
    view = body["view"]
    state = FormState(view)
    with request_scope(ctx, body, readonly=True) as (session, actor):
        editing = booking_queries.editing(
            session, actor, Metadata(view).id("booking_id"), ctx.settings,
            pickup=state.moment("pickup"), due=state.moment("return_due"),
        )  # fmt: skip
        modal = booking_modals.edit_modal(editing, state.selected_option("customer"), state.selected("vehicle"))
    ack()
    redraw(client, view, modal)


@guarded
def booking_edit(ack, body, view, ctx):
    booking_id, form = Metadata(view).id("booking_id"), FormState(view).read_into(BookingEdit)
    with request_scope(ctx, body) as (session, actor):
        try:
            booking = booking_service.edit_booking(session, actor, booking_id, form, ctx.settings)
        except FormErrors as error:  # no vehicle list shown (nothing free): the error goes under the return
            raise FormErrors(booking_modals.place_errors(error.errors, view)) from None
        queue_card(ctx, session, actor, booking)
    ack()


@guarded
def booking_pick_up(ack, body, view, ctx):
    booking_id, form = Metadata(view).id("booking_id"), FormState(view).read_into(PickUpValues)
    with request_scope(ctx, body) as (session, actor):
        booking = booking_service.pick_up(session, actor, booking_id, form, ctx.settings)
        queue_card(ctx, session, actor, booking)
    ack()


@guarded
def booking_return(ack, body, view, ctx):
    booking_id, form = Metadata(view).id("booking_id"), FormState(view).read_into(ReturnValues)
    with request_scope(ctx, body) as (session, actor):
        booking = booking_service.return_booking(session, actor, booking_id, form, ctx.settings)
        queue_card(ctx, session, actor, booking)
        if booking.damage_notes:
            config = workspace_config(session, actor.team_id, ctx.settings)
            queue_new_damage(session, config, booking, notify_user=actor.user_id)
    ack()


@guarded
def booking_extend(ack, body, view, ctx):
    booking_id, new_due = Metadata(view).id("booking_id"), FormState(view).moment("return_due")
    with request_scope(ctx, body) as (session, actor):
        booking = booking_service.extend(session, actor, booking_id, new_due, ctx.settings)
        queue_card(ctx, session, actor, booking)
    ack()
