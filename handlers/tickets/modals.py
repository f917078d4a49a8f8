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
from ..payloads import FormState, Metadata
from ..support import guarded, request_scope
from .publish import Outgoing, post_new_card, publish, render_change

NOTE_REQUIRED = {
    "note": "Write the note.",
    "reply": "Write your reply to the reporter.",
    "comment": "Write your comment.",
}


def register(app: App) -> None:
    app.view(NEW_TICKET)(ticket_form_submitted)
    app.view(RESOLVE)(resolution_submitted)
    app.view(NOTE_CALLBACK)(note_submitted)


@guarded
def ticket_form_submitted(ack, body, view, client, ctx):
    meta, state = Metadata(view), FormState(view)
    ticket_id = meta.optional_id("ticket_id")  # none: a new ticket
    form = forms.parse_ticket_form(
        state.text(TITLE), state.text(DESCRIPTION), state.selected(CATEGORY), state.selected(SEVERITY)
    )
    with request_scope(ctx, body) as (session, actor):
        if ticket_id is not None:
            change = lifecycle.edit(session, actor, ticket_id, form)
        else:
            change = lifecycle.create(session, actor, form, source_permalink=meta.text("permalink"))
        outgoing = render_change(ctx, session, actor, change)
    ack()
    if ticket_id is not None:
        _publish(ctx, client, outgoing, meta.flag("from_home"))
    else:
        post_new_card(ctx, client, outgoing)


@guarded
def resolution_submitted(ack, body, view, client, ctx):
    meta = Metadata(view)
    ticket_id = meta.id("ticket_id")
    note = forms.parse_note(FormState(view).text(NOTE), required="Write what fixed it: the reporter gets this note.")
    with request_scope(ctx, body) as (session, actor):
        outgoing = render_change(ctx, session, actor, lifecycle.resolve(session, actor, ticket_id, note))
    ack()
    _publish(ctx, client, outgoing, meta.flag("from_home"))


@guarded
def note_submitted(ack, body, view, client, ctx):
    meta = Metadata(view)
    ticket_id, kind = meta.id("ticket_id"), meta.choice("kind", NOTE_REQUIRED)
    text = forms.parse_note(FormState(view).text(NOTE), required=NOTE_REQUIRED[kind])
    add = lifecycle.add_note if kind == "note" else lifecycle.reply
    with request_scope(ctx, body) as (session, actor):
        outgoing = render_change(ctx, session, actor, add(session, actor, ticket_id, text))
    ack()
    _publish(ctx, client, outgoing, meta.flag("from_home"))


def _publish(ctx: AppContext, client, outgoing: Outgoing, from_home: bool) -> None:
    publish(client, outgoing)
    if from_home:
        refresh_home(ctx, client, outgoing.team_id, outgoing.actor_id)
