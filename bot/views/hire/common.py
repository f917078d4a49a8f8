"""Block Kit pieces the car hire views share."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

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
from bot.services.local_time import local_short
from bot.services.paging import Page
from bot.views.messages import SECTION_TEXT_LIMIT, blocks_to_dicts, text_message
from bot.views.paging import page_blocks
from bot.views.text import safe, truncate, user
from bot.views.when import reader_time
from db.models import RecordEvent, VehicleCategory

MAX_MESSAGE_BLOCKS = 50
OPTION_TEXT_LIMIT = 75
BUTTON_TEXT_LIMIT = 75
MODAL_TITLE_LIMIT = 24
# The paging buttons of the car hire lists; their value is JSON {"list", "offset", "q", "customer"}
# (handlers/hire/pages.py reads it).
PAGE_BLOCK_ID = "hire_pages"
PAGE_ACTIONS = ("hire_page_previous", "hire_page_next")
HISTORY_SHOWN = 10  # the newest changes of a customer or vehicle shown in its view


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


def when(instant: datetime, tz: ZoneInfo) -> str:
    """A time in each reader's own zone (Slack renders it); the workspace's local time as the fallback."""
    return reader_time(instant, local_short(instant, tz))


def history_lines(events: Sequence[RecordEvent], labels: dict[str, str], tz: ZoneInfo) -> list[str]:
    """A customer's or vehicle's newest changes as ``*Phone* old → new by @who · when`` lines
    (``labels`` names the fields), under a *History* heading; none without changes."""
    if not events:
        return []
    lines = ["*History*"]
    if len(events) > HISTORY_SHOWN:
        lines.append(f"_…{len(events) - HISTORY_SHOWN} earlier changes_")
    for event in events[-HISTORY_SHOWN:]:
        if event.field == "archived":
            what = "Archived"
        else:
            old, new = (safe(v, 60) if v else "_none_" for v in (event.old_value, event.new_value))
            what = f"*{labels.get(event.field, event.field)}* {old} → {new}"
        lines.append(f"• {what} by {user(event.actor_id)} · {when(event.at, tz)}")
    return lines


def pages(page: Page[Any], listing: dict[str, Any]) -> list:
    """``1–25 of 60`` and **Previous** / **Next** under a car hire list (``listing`` says which list)."""
    return page_blocks(page, PAGE_BLOCK_ID, PAGE_ACTIONS, listing)


# A category as people write it ("SUV", not "Suv").
CATEGORY_NAMES = {category: category.value.title() for category in VehicleCategory} | {VehicleCategory.SUV: "SUV"}


def category_name(category: VehicleCategory) -> str:
    return CATEGORY_NAMES[category]
