"""/customer, the customer form, and the Edit / Remove buttons of search results."""
from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.services import customers as customer_service
from bot.services.customers import CustomerValues
from bot.services.hire_access import require_agent
from bot.views import customers as customer_views
from bot.views.hire_common import removal_message

from ..support import guarded, team_id_of, user_id_of
from . import forms


def register(app: App, ctx: AppContext) -> None:
    @app.command("/customer")
    @guarded
    def customer_command(ack, body, command, client):
        text = (command.get("text") or "").strip()
        if text.lower() in ("", "add", "new"):
            with ctx.db.transaction(readonly=True) as session:
                require_agent(ctx.actor(session, team_id_of(body), user_id_of(body)), to="add customers")
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=customer_views.customer_modal())
            return
        if text.lower() == "help":
            return ack(response_type="ephemeral", text=customer_views.USAGE)
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            if text.lower() == "list":
                customers, total = customer_service.list_customers(session, actor)
                reply = customer_views.customer_list_message(customers, total)
            else:
                found = customer_service.search_customers(session, actor, text, limit=customer_views.SEARCH_LIMIT + 1)
                reply = customer_views.customer_search_message(text, found, actor)
        ack(response_type="ephemeral", **reply)

    @app.view("customer_form")
    @guarded
    def customer_form(ack, body, view):
        values, customer_id = forms.values_of(view), forms.metadata_of(view).get("customer_id")
        form = CustomerValues(
            name=forms.text(values, "name"), email=forms.text(values, "email"), phone=forms.text(values, "phone"),
            licence_number=forms.text(values, "licence_number"), licence_expiry=forms.day(values, "licence_expiry"),
            date_of_birth=forms.day(values, "date_of_birth"), notes=forms.text(values, "notes"),
            do_not_rent=forms.checked(values, "do_not_rent"),
        )
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            if customer_id:
                customer = customer_service.update_customer(session, actor, customer_id, form)
            else:
                customer = customer_service.create_customer(session, actor, form)
            done = customer_views.customer_saved_modal(customer, created=not customer_id)
        ack(response_action="update", view=done)

    @app.action("customer_edit")
    @guarded
    def customer_edit(ack, body, action, client):
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            modal = customer_views.customer_modal(customer_service.customer_to_edit(session, actor, action["value"]))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.action("customer_remove")
    @guarded
    def customer_remove(ack, body, action, respond):
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            removal = customer_service.remove_customer(session, actor, action["value"])
        ack()
        respond(response_type="ephemeral", replace_original=False, **removal_message(removal))
