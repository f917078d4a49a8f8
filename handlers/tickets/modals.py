"""Submissions of the ticket modals: new/edit ticket, resolve, note/reply.

Bad values come back as inline errors (``FormErrors`` → ``response_action:
errors``); nothing is written unless the whole form is good.
"""

from __future__ import annotations

from slack_bolt import App

from bot.services.tickets import forms, lifecycle
from bot.services.tickets.forms import CATEGORY, DESCRIPTION, NOTE, SEVERITY, TITLE
from bot.views.tickets.modals import NEW_TICKET, NOTE_CALLBACK, RESOLVE

from ..payloads import FormState, Metadata
from ..support import guarded, request_scope
from .publish import queue_change, queue_new_ticket

NOTE_REQUIRED = {
    "note": "Write the note.",
    "reply": "Write your reply to the reporter.",
    "comment": "Write your comment.",
    "wait": "Write what you need from the reporter.",
}
# kind → the change a note modal makes
NOTE_CHANGES = {
    "note": lifecycle.add_note,
    "reply": lifecycle.reply,
    "comment": lifecycle.reply,
    "wait": lifecycle.wait_on_reporter,
}


def register(app: App) -> None:
    app.view(NEW_TICKET)(ticket_form_submitted)
    app.view(RESOLVE)(resolution_submitted)
    app.view(NOTE_CALLBACK)(note_submitted)


@guarded
def ticket_form_submitted(ack, body, view, ctx):
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
        if ticket_id is not None:
            queue_change(ctx, session, actor, change, from_home=meta.flag("from_home"))
        else:
            queue_new_ticket(ctx, session, actor, change)
    ack()


@guarded
def resolution_submitted(ack, body, view, ctx):
    meta = Metadata(view)
    ticket_id = meta.id("ticket_id")
    note = forms.parse_note(FormState(view).text(NOTE), required="Write what fixed it: the reporter gets this note.")
    with request_scope(ctx, body) as (session, actor):
        queue_change(
            ctx, session, actor, lifecycle.resolve(session, actor, ticket_id, note), from_home=meta.flag("from_home")
        )
    ack()


@guarded
def note_submitted(ack, body, view, ctx):
    meta = Metadata(view)
    ticket_id, kind = meta.id("ticket_id"), meta.choice("kind", NOTE_REQUIRED)
    text = forms.parse_note(FormState(view).text(NOTE), required=NOTE_REQUIRED[kind])
    add = NOTE_CHANGES[kind]
    with request_scope(ctx, body) as (session, actor):
        queue_change(ctx, session, actor, add(session, actor, ticket_id, text), from_home=meta.flag("from_home"))
    ack()
