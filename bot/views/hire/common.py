"""Block Kit pieces the car hire views share."""

from __future__ import annotations

import json
from decimal import Decimal

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.basic_components import Option
from slack_sdk.models.views import View

from bot.services.actors import Actor
from bot.services.hire.access import Action, possible
from bot.services.hire.records import Removal
from bot.views.messages import SECTION_TEXT_LIMIT, blocks_to_dicts, text_message
from bot.views.text import safe, truncate

MAX_MESSAGE_BLOCKS = 50
OPTION_TEXT_LIMIT = 75
BUTTON_TEXT_LIMIT = 75
MODAL_TITLE_LIMIT = 24


def money(amount: Decimal | None) -> str:
    return f"{amount or Decimal(0):,.2f}"


def option(text: str, value: str) -> Option:
    """A select option; ``text`` is shown as plain text (nothing to escape), cut to Slack's limit."""
    return Option(text=truncate(text, OPTION_TEXT_LIMIT), value=value)


def button(
    text: str, action_id: str, value: str, *, style: str | None = None, confirm: ConfirmObject | None = None
) -> ButtonElement:
    return ButtonElement(
        text=truncate(text, BUTTON_TEXT_LIMIT), action_id=action_id, value=value, style=style, confirm=confirm
    )


def confirm(title: str, text: str, yes: str) -> ConfirmObject:
    return ConfirmObject(
        title=truncate(title, 100),
        text=MarkdownTextObject(text=truncate(text, 300)),
        confirm=truncate(yes, 30),
        deny="Keep it",
        style="danger",
    )


def actions(*buttons: ButtonElement | None, block_id: str | None = None) -> list[ActionsBlock]:
    """Zero or one actions block holding the buttons that aren't None."""
    shown = [b for b in buttons if b is not None]
    return [ActionsBlock(elements=shown, block_id=block_id)] if shown else []


def record_buttons(noun: str, record_id: int, label: str, actor: Actor) -> list[ActionsBlock]:
    """**Edit** and **Archive / delete** (confirmed) on a customer or vehicle, for whoever may do them.
    ``label`` is trusted mrkdwn naming the record."""
    return actions(
        button("Edit", f"{noun}_edit", str(record_id)) if possible(actor, Action.WORK) else None,
        button(
            "Archive / delete",
            f"{noun}_remove",
            str(record_id),
            style="danger",
            confirm=confirm(
                f"Remove {noun}?",
                f"{label} is archived if there are bookings of it, deleted otherwise.",
                "Remove",
            ),
        )
        if possible(actor, Action.REMOVE)
        else None,
    )


def sections(lines: list[str], *, limit_blocks: int = MAX_MESSAGE_BLOCKS - 2) -> list[SectionBlock]:
    """Lines of trusted mrkdwn packed into as few sections as Slack's 3000-character limit allows."""
    blocks: list[SectionBlock] = []
    current = ""
    for line in lines:
        line = truncate(line, SECTION_TEXT_LIMIT)
        if current and len(current) + 1 + len(line) > SECTION_TEXT_LIMIT:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
    return blocks[:limit_blocks]


def input_block(
    block_id: str, label: str, element, *, optional: bool = False, hint: str | None = None, dispatch: bool = False
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        element=element,
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
        dispatch_action=dispatch or None,
    )


def message(blocks: list, fallback: str) -> dict:
    """A message of blocks with its notification text (already escaped)."""
    return {"text": truncate(fallback, 3000), "blocks": blocks_to_dicts(blocks)}


def record_modal(noun: str, record, blocks: list) -> dict:
    """The add/edit form of a customer or vehicle: callback ``<noun>_form``, the id in private_metadata."""
    return View(
        type="modal",
        callback_id=f"{noun}_form",
        title=f"Edit {noun}" if record else f"New {noun}",
        submit="Save",
        close="Cancel",
        blocks=blocks,
        private_metadata=json.dumps({f"{noun}_id": record.id if record else None}),
    ).to_dict()


def saved_modal(noun: str, line: str, created: bool) -> dict:
    verb = "added" if created else "updated"
    return done_modal(f"{noun.title()} {verb}", f":white_check_mark: {noun.title()} {verb}: {line}")


def done_modal(title: str, text: str) -> dict:
    """A modal that replaces a submitted form to say what happened (``response_action: update``)."""
    return View(
        type="modal",
        callback_id="hire_done",
        title=truncate(title, MODAL_TITLE_LIMIT),
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT)))],
    ).to_dict()


def removal_message(removal: Removal) -> dict:
    label = safe(removal.label, 200)
    if removal.archived:
        return text_message(f":file_cabinet: *{label}* is archived: it has bookings, so its history stays.")
    return text_message(f":wastebasket: *{label}* is deleted.")
