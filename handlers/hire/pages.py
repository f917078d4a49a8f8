"""**Previous** / **Next** under the car hire lists and a customer's bookings, and **View** on a
customer found by a search: the ephemeral message shows that page (or that customer)."""

from __future__ import annotations

import secrets

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services import outbox
from bot.services.actors import Actor
from bot.services.hire import booking_queries
from bot.services.hire import customers as customer_service
from bot.services.hire import vehicles as vehicle_service
from bot.services.workspace_settings import workspace_config
from bot.views.hire import bookings as booking_views
from bot.views.hire import customers as customer_views
from bot.views.hire import vehicles as vehicle_views
from bot.views.hire.common import PAGE_ACTIONS

from ..payloads import Listing, PageRequest, clicked_id, page_request
from ..support import guarded, request_scope

# What each list's paging buttons carry (bot/views/hire/common.pages writes them).
HIRE_LISTINGS = {
    "customers": Listing(),
    "vehicles": Listing(),
    "bookings": Listing(searched=True),  # q: the kind of list (today, active, overdue, upcoming)
    "booking_search": Listing(searched=True),
    "customer_bookings": Listing(subject="customer"),
}


def register(app: App) -> None:
    for action_id in PAGE_ACTIONS:
        app.action(action_id)(turn_page)
    app.action("customer_view")(view_customer)


def render_page(ctx: AppContext, session: Session, actor: Actor, request: PageRequest) -> dict:
    """One page of a car hire list, with the buttons to the pages beside it."""
    if request.listing == "customers":
        return customer_views.customer_list_message(customer_service.list_customers(session, actor, request.offset))
    if request.listing == "vehicles":
        return vehicle_views.vehicle_list_message(vehicle_service.list_vehicles(session, actor, request.offset))
    if request.listing == "bookings":
        listing = booking_queries.list_bookings(session, actor, request.query, ctx.settings, request.offset)
        return booking_views.booking_list_message(listing)
    if request.listing == "booking_search":
        listing = booking_queries.search_bookings(session, actor, request.query, ctx.settings, request.offset)
        return booking_views.booking_list_message(listing)
    return render_customer(ctx, session, actor, request.subject_id or 0, request.offset)


def render_customer(ctx: AppContext, session: Session, actor: Actor, customer_id: int, offset: int = 0) -> dict:
    view = customer_service.customer_view(session, actor, customer_id, offset)
    tz = workspace_config(session, actor.team_id, ctx.settings).tz
    return customer_views.customer_view_message(view, tz, actor)


@guarded
def turn_page(ack, body, action, ctx):
    request = page_request(action, HIRE_LISTINGS)
    with request_scope(ctx, body) as (session, actor):
        _respond(session, actor, body, render_page(ctx, session, actor, request), replace=True)
    ack()


@guarded
def view_customer(ack, body, action, ctx):
    customer_id = clicked_id(action)
    with request_scope(ctx, body) as (session, actor):
        _respond(session, actor, body, render_customer(ctx, session, actor, customer_id), replace=False)
    ack()


def _respond(session: Session, actor: Actor, body: dict, message: dict, *, replace: bool) -> None:
    """The page (or customer) as the ephemeral answer to the click: in place of the list, or below it."""
    if body.get("response_url"):
        outbox.respond(
            session, actor.team_id, body["response_url"],
            {"response_type": "ephemeral", "replace_original": replace, **message},
            key=f"{actor.team_id}:hire-page:{actor.user_id}:{secrets.token_hex(8)}",
        )  # fmt: skip
