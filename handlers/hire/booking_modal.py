"""The New booking modal: customer search, live vehicle list and quote, submission."""
from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.errors import FormErrors
from bot.services.hire import booking_queries
from bot.services.hire import bookings as booking_service
from bot.services.hire import customers as customer_service
from bot.services.hire.bookings import NewBooking
from bot.services.workspace_settings import workspace_config
from bot.views.hire import booking_modals
from bot.views.hire import customers as customer_views

from ..support import guarded, team_id_of, user_id_of
from . import forms
from .cards import publish_card

log = logging.getLogger("hiredesk.hire")


def register(app: App, ctx: AppContext) -> None:
    @app.options("booking_customer")
    @guarded
    def customer_suggestions(ack, body, payload):
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            found = customer_service.search_customers(session, actor, payload.get("value") or "")
            options = customer_views.customer_options(found)
        ack(options=options)

    @app.view("booking_new")
    @guarded
    def booking_new(ack, body, view, client):
        form = forms.read_into(NewBooking, forms.values_of(view))
        team_id, user_id = team_id_of(body), user_id_of(body)
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id, user_id)
            try:
                booking = booking_service.create_booking(session, actor, form, ctx.settings)
            except FormErrors as error:
                raise FormErrors(booking_modals.place_errors(error.errors, view)) from None
            config = workspace_config(session, team_id, ctx.settings)
            done = booking_modals.booking_created_modal(booking, config.tz, config.fleet_channel)
        ack(response_action="update", view=done)
        publish_card(ctx, client, team_id, user_id, booking.id)

    def refresh_modal(ack, body, client):
        """Dates or vehicle changed: redraw with the vehicles free then and the quote."""
        view = body["view"]
        values = forms.values_of(view)
        state = booking_modals.NewBookingState(
            customer=forms.selected_option(values, "customer"), pickup=forms.moment(values, "pickup"),
            return_due=forms.moment(values, "return_due"), vehicle_id=forms.selected(values, "vehicle"),
        )
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            choices = booking_queries.vehicle_choices(session, actor, state.pickup, state.return_due, ctx.settings)
            modal = booking_modals.new_booking_modal(state, choices)
        ack()
        try:
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":
                raise
            # The agent changed another field meanwhile; that change's own redraw follows.
            log.info("new booking modal changed while redrawing; skipped a stale redraw")

    for action_id in booking_modals.NEW_BOOKING_TRIGGERS:
        app.action(action_id)(guarded(refresh_modal))
