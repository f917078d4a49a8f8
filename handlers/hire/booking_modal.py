"""The New booking modal: customer search, live vehicle list and quote, submission."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.errors import FormErrors
from bot.services.hire import booking_queries
from bot.services.hire import bookings as booking_service
from bot.services.hire import customers as customer_service
from bot.services.hire.bookings import NewBooking
from bot.services.workspace_settings import workspace_config
from bot.views.hire import booking_modals
from bot.views.hire import customers as customer_views

from ..payloads import FormState, typed_query
from ..support import guarded, request_scope
from .cards import queue_card

log = logging.getLogger("hiredesk.hire")


def register(app: App) -> None:
    app.options("booking_customer")(customer_suggestions)
    app.view(booking_modals.BOOKING_NEW)(booking_new)
    for action_id in booking_modals.NEW_BOOKING_TRIGGERS:
        app.action(action_id)(refresh_modal)


@guarded
def customer_suggestions(ack, body, payload, ctx):
    with request_scope(ctx, body, readonly=True) as (session, actor):
        found = customer_service.search_customers(session, actor, typed_query(payload))
        options = customer_views.customer_options(found)
    ack(options=options)


@guarded
def booking_new(ack, body, view, ctx):
    form = FormState(view).read_into(NewBooking)
    with request_scope(ctx, body) as (session, actor):
        try:
            booking = booking_service.create_booking(session, actor, form, ctx.settings)
        except FormErrors as error:
            raise FormErrors(booking_modals.place_errors(error.errors, view)) from None
        config = workspace_config(session, actor.team_id, ctx.settings)
        done = booking_modals.booking_created_modal(booking, config.tz, config.fleet_channel)
        queue_card(ctx, session, actor, booking)
    ack(response_action="update", view=done)


@guarded
def refresh_modal(ack, body, client, ctx):
    """Dates or vehicle changed: redraw with the vehicles free then and the quote."""
    view = body["view"]
    state = FormState(view)
    chosen = booking_modals.NewBookingState(
        customer=state.selected_option("customer"),
        pickup=state.moment("pickup"),
        return_due=state.moment("return_due"),
        vehicle_id=state.selected("vehicle"),
    )
    with request_scope(ctx, body, readonly=True) as (session, actor):
        choices = booking_queries.vehicle_choices(
            session, actor, chosen.pickup, chosen.return_due, ctx.settings, chosen_vehicle=chosen.vehicle_id
        )
        modal = booking_modals.new_booking_modal(chosen, choices)
    ack()
    redraw(client, view, modal)


def redraw(client, view: dict, modal: dict) -> None:
    """Replace an open modal with its redrawn self, unless the agent changed it again meanwhile."""
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise
        # The agent changed another field meanwhile; that change's own redraw follows.
        log.info("booking modal changed while redrawing; skipped a stale redraw")
