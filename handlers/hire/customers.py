"""/customer: add, list, search and show customers (the form and its buttons are in ``records``)."""

from __future__ import annotations

from slack_bolt import App

from bot.services.hire import customers as customer_service
from bot.views.hire import customers as customer_views

from ..payloads import command_text
from ..support import guarded, request_scope
from .pages import render_customer
from .records import open_blank_form


def register(app: App) -> None:
    app.command("/customer")(customer_command)


@guarded
def customer_command(ack, body, command, client, ctx):
    text = command_text(command)
    if text.lower() in ("", "add", "new"):
        return open_blank_form(ctx, ack, body, client, customer_views.customer_modal(), to="add customers")
    if text.lower() == "help":
        return ack(response_type="ephemeral", text=customer_views.USAGE)
    with request_scope(ctx, body, readonly=True) as (session, actor):
        if text.lower() == "list":
            reply = customer_views.customer_list_message(customer_service.list_customers(session, actor))
        else:
            found = customer_service.search_customers(session, actor, text, limit=customer_views.SEARCH_LIMIT + 1)
            if len(found) == 1:  # one match: the customer with their bookings and history
                reply = render_customer(ctx, session, actor, found[0].id)
            else:
                reply = customer_views.customer_search_message(text, found)
    ack(response_type="ephemeral", **reply)
