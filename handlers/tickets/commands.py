"""/ticket and its subcommands (PRODUCT.md §3)."""
from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.services.clock import utcnow
from bot.services.tickets import forms, queries
from bot.services.workspace_settings import workspace_config
from bot.views import ticket_modals
from bot.views import tickets as ticket_views

from ..support import guarded, team_id_of, user_id_of
from .payloads import slack_unescape

LISTS = {
    "list": ("Your tickets", queries.mine, "You haven't raised any tickets. `/ticket` raises one."),
    "queue": ("The queue", queries.queue, "The queue is empty. :tada:"),
}


def register(app: App, ctx: AppContext) -> None:
    @app.command("/ticket")
    @guarded
    def ticket_command(ack, body, command, client):
        text = (command.get("text") or "").strip()
        word, _, rest = text.partition(" ")
        sub = word.lower()
        if not text or (sub not in LISTS and sub not in ("search", "help") and forms.parse_key(text) is None):
            # Anything else is the title of a new ticket.
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=ticket_modals.new_ticket_modal(title=slack_unescape(text)))
            return
        if sub == "help":
            return ack(response_type="ephemeral", **ticket_views.help_message())
        if sub == "search" and not rest.strip():
            return ack(response_type="ephemeral", **ticket_views.usage_message("Tell me what to search for."))
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            tz = workspace_config(session, actor.team_id, ctx.settings).tz
            if sub in LISTS:
                title, query, empty = LISTS[sub]
                message = ticket_views.ticket_list(title, query(session, actor), empty=empty, tz=tz)
            elif sub == "search":
                words = slack_unescape(rest)
                found = queries.search(session, actor, words)
                message = ticket_views.ticket_list(f"Tickets matching “{words}”", found, empty="No tickets match.", tz=tz)
            else:
                detail = queries.get(session, actor, forms.parse_key(text))
                message = ticket_views.detail(detail, tz=tz, now=utcnow())
        ack(response_type="ephemeral", **message)
