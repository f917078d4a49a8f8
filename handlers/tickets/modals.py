"""Submissions of the ticket modals: new/edit ticket, resolve, note/reply.

Bad values come back as inline errors (``FormErrors`` → ``response_action:
errors``); nothing is written unless the whole form is good.
"""
from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.services.tickets import forms, lifecycle
from bot.services.tickets.forms import CATEGORY, DESCRIPTION, NOTE, SEVERITY, TITLE
from bot.views.tickets.modals import NEW_TICKET, NOTE_CALLBACK, RESOLVE

from ..home import refresh_home
from ..support import guarded, team_id_of, user_id_of
from .payloads import metadata, view_values
from .publish import Outgoing, post_new_card, publish, render_change

NOTE_REQUIRED = {
    "note": "Write the note.",
    "reply": "Write your reply to the reporter.",
    "comment": "Write your comment.",
}


def register(app: App, ctx: AppContext) -> None:
    @app.view(NEW_TICKET)
    @guarded
    def ticket_form_submitted(ack, body, view, client):
        values, meta = view_values(view), metadata(view)
        form = forms.parse_ticket_form(values.get(TITLE), values.get(DESCRIPTION), values.get(CATEGORY), values.get(SEVERITY))
        editing = meta.get("ticket_id") is not None
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            if editing:
                change = lifecycle.edit(session, actor, forms.parse_id(meta["ticket_id"]), form)
            else:
                change = lifecycle.create(session, actor, form, source_permalink=meta.get("permalink"))
            outgoing = render_change(ctx, session, actor, change)
        ack()
        if editing:
            _publish(ctx, client, outgoing, meta)
        else:
            post_new_card(ctx, client, outgoing)

    @app.view(RESOLVE)
    @guarded
    def resolution_submitted(ack, body, view, client):
        note = forms.parse_note(view_values(view).get(NOTE), required="Write what fixed it: the reporter gets this note.")
        meta = metadata(view)
        ticket_id = forms.parse_id(meta.get("ticket_id"))
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            outgoing = render_change(ctx, session, actor, lifecycle.resolve(session, actor, ticket_id, note))
        ack()
        _publish(ctx, client, outgoing, meta)

    @app.view(NOTE_CALLBACK)
    @guarded
    def note_submitted(ack, body, view, client):
        meta = metadata(view)
        kind = meta.get("kind") if meta.get("kind") in NOTE_REQUIRED else "note"
        text = forms.parse_note(view_values(view).get(NOTE), required=NOTE_REQUIRED[kind])
        ticket_id = forms.parse_id(meta.get("ticket_id"))
        add = lifecycle.add_note if kind == "note" else lifecycle.reply
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            outgoing = render_change(ctx, session, actor, add(session, actor, ticket_id, text))
        ack()
        _publish(ctx, client, outgoing, meta)


def _publish(ctx: AppContext, client, outgoing: Outgoing, meta: dict) -> None:
    publish(client, outgoing)
    if meta.get("from_home"):
        refresh_home(ctx, client, outgoing.team_id, outgoing.actor_id)
