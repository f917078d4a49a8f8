"""The help desk's modals: new/edit ticket, resolve, note/reply. Pure builders.

``from_home``: the modal was opened from the App Home, which is refreshed after
it is submitted.

Input values are not escaped (they are edited text, not mrkdwn); they are cut
to the input's max length so Slack accepts them.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.services.tickets.forms import (
    CATEGORY,
    DESCRIPTION,
    DESCRIPTION_MAX,
    NOTE,
    NOTE_MAX,
    SEVERITY,
    TITLE,
    TITLE_MAX,
)
from bot.views.text import escape, truncate
from bot.views.tickets.parts import modal_metadata
from db.models import Category, Severity, Ticket

NEW_TICKET = "ticket_new"
RESOLVE = "ticket_resolve"
NOTE_CALLBACK = "ticket_note"

# The note modal's three uses: who reads what is written there.
NOTE_KINDS = {
    "note": ("Internal note", "Internal note", "Technicians only: the reporter never sees it."),
    "reply": ("Reply", "Reply to the reporter", "Sent to the reporter by DM and kept in the ticket's history."),
    "comment": ("Comment", "Comment", "Posted in the ticket's thread for the technicians."),
    "wait": (
        "Ask the reporter",
        "What do you need from the reporter?",
        "Sent to the reporter by DM; the ticket waits (its SLA clock paused) until they answer.",
    ),
}


def new_ticket_modal(
    *, title: str = "", description: str = "", source: dict | None = None, permalink: str | None = None
) -> dict:
    """The *New ticket* modal; ``source`` ({channel, message_ts}) when raised from a message."""
    metadata = {**(source or {}), **({"permalink": permalink} if permalink else {})}
    blocks = [*_ticket_inputs(title, description, None), _severity_input(Severity.MINOR)]
    if permalink:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f":link: From <{escape(permalink)}|this message>")])
        )
    return _modal(NEW_TICKET, "New ticket", "Raise ticket", blocks, modal_metadata(**metadata))


def edit_ticket_modal(ticket: Ticket, *, from_home: bool = False) -> dict:
    """The same form, filled in with the ticket (severity is changed on the card)."""
    blocks = _ticket_inputs(ticket.title, ticket.description, ticket.category)
    return _modal(
        NEW_TICKET, f"Edit {ticket.key}", "Save", blocks, modal_metadata(ticket_id=ticket.id, from_home=from_home)
    )


def resolve_modal(ticket: Ticket, *, from_home: bool = False) -> dict:
    note = InputBlock(
        block_id=NOTE,
        label="Resolution note",
        hint="The reporter gets this with a Reopen button.",
        element=PlainTextInputElement(
            action_id=NOTE, multiline=True, max_length=NOTE_MAX, placeholder="What was wrong and what fixed it"
        ),
    )
    return _modal(
        RESOLVE, f"Resolve {ticket.key}", "Resolve", [note], modal_metadata(ticket_id=ticket.id, from_home=from_home)
    )


def note_modal(ticket: Ticket, kind: str, *, from_home: bool = False) -> dict:
    title, label, hint = NOTE_KINDS[kind]
    note = InputBlock(
        block_id=NOTE,
        label=label,
        hint=hint,
        element=PlainTextInputElement(action_id=NOTE, multiline=True, max_length=NOTE_MAX),
    )
    return _modal(
        NOTE_CALLBACK,
        f"{title} · {ticket.key}",
        "Save",
        [note],
        modal_metadata(ticket_id=ticket.id, kind=kind, from_home=from_home),
    )


def _ticket_inputs(title: str, description: str, category: Category | None) -> list:
    category_options = [Option(value=c.value, text=c.value.capitalize()) for c in Category]
    return [
        InputBlock(
            block_id=TITLE,
            label="Title",
            element=PlainTextInputElement(
                action_id=TITLE,
                max_length=TITLE_MAX,
                initial_value=truncate(title, TITLE_MAX) or None,
                placeholder="Laptop won't start",
            ),
        ),
        InputBlock(
            block_id=DESCRIPTION,
            label="Description",
            optional=True,
            element=PlainTextInputElement(
                action_id=DESCRIPTION,
                multiline=True,
                max_length=DESCRIPTION_MAX,
                initial_value=truncate(description, DESCRIPTION_MAX) or None,
                placeholder="What happened, what you expected, anything you tried",
            ),
        ),
        InputBlock(
            block_id=CATEGORY,
            label="Category",
            element=StaticSelectElement(
                action_id=CATEGORY,
                placeholder="Choose a category",
                options=category_options,
                initial_option=category_options[list(Category).index(category)] if category else None,
            ),
        ),
    ]


def _severity_input(severity: Severity) -> InputBlock:
    options = [Option(value=s.value, text=s.value.capitalize()) for s in Severity]
    return InputBlock(
        block_id=SEVERITY,
        label="Severity",
        hint="Critical: you or your team cannot work at all.",
        element=StaticSelectElement(
            action_id=SEVERITY, options=options, initial_option=options[list(Severity).index(severity)]
        ),
    )


def _modal(callback_id: str, title: str, submit: str, blocks: list, metadata: str) -> dict:
    return View(
        type="modal",
        callback_id=callback_id,
        title=truncate(title, 24),
        submit=submit,
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata,
    ).to_dict()
