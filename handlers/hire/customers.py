"""/customer, the customer form, and the Edit / Remove buttons of search results."""
from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.services.hire import customers as customer_service
from bot.services.hire.customers import CustomerValues
from bot.views.hire import customers as customer_views

from ..support import guarded, team_id_of, user_id_of
from .records import RecordDesk, open_blank_form, register_record_desk


CUSTOMERS = RecordDesk(
    noun="customer", form=CustomerValues, create=customer_service.create_customer,
    update=customer_service.update_customer, to_edit=customer_service.customer_to_edit,
    remove=customer_service.remove_customer, modal=customer_views.customer_modal,
    saved_modal=customer_views.customer_saved_modal,
)


def register(app: App, ctx: AppContext) -> None:
    register_record_desk(app, ctx, CUSTOMERS)

    @app.command("/customer")
    @guarded
    def customer_command(ack, body, command, client):
        text = (command.get("text") or "").strip()
        if text.lower() in ("", "add", "new"):
            return open_blank_form(ctx, ack, body, client, customer_views.customer_modal(), to="add customers")
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
