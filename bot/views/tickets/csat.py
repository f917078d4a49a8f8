"""The CSAT part of the resolve DM (*How did we do?*, five buttons) and the comment modal.

The buttons' value is the resolution's event id (bot.services.tickets.csat); the score is in the
action id (``ticket_csat_1`` … ``ticket_csat_5``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.services.tickets.csat import COMMENT_BLOCK, COMMENT_LIMIT, SCORES, WINDOW
from bot.views.tickets.parts import headline, local_time, modal_metadata, plain, quote
from db.models import Ticket, TicketEvent, TicketRating

RATE_ACTION = "ticket_csat_{score}"
RATE_ACTIONS = {RATE_ACTION.format(score=score): score for score in SCORES}
COMMENT_ACTION = "ticket_csat_comment"
COMMENT_CALLBACK = "ticket_csat_comment"
COMMENT_INPUT = "comment"
LABELS = {1: "1 · poor", 2: "2", 3: "3", 4: "4", 5: "5 · great"}


def csat_blocks(resolution: TicketEvent, rating: TicketRating | None, tz: ZoneInfo) -> list:
    """*How did we do?* with the five buttons; once rated, the rating (still changeable) and *Add a comment*."""
    value = str(resolution.id)
    until = local_time(resolution.at + WINDOW, tz)
    if rating is None:
        text = "*How did we do?* Rate the help you got: 1 = poor … 5 = great."
    else:
        text = f":star: *You rated {rating.rating}/5 — thanks.* You can change it until {until}."
    buttons = [
        ButtonElement(
            text=LABELS[score],
            action_id=RATE_ACTION.format(score=score),
            value=value,
            style="primary" if rating is not None and rating.rating == score else None,
        )
        for score in SCORES
    ]
    if rating is not None:
        buttons.append(
            ButtonElement(
                text="Edit your comment" if rating.comment else "Add a comment", action_id=COMMENT_ACTION, value=value
            )
        )
    blocks: list = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id=f"ticket_csat:{resolution.id}", elements=buttons),
    ]
    if rating is not None and rating.comment:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Your comment:\n{quote(rating.comment, 1000)}")]))
    return blocks


def comment_modal(ticket: Ticket, resolution: TicketEvent, rating: TicketRating, dm: tuple[str, str] | None) -> dict:
    """A comment on the rating (prefilled with the earlier one, which it replaces). ``dm``: the DM's
    (channel, ts), to redraw it with the comment (a click's response_url would expire in 30 minutes)."""
    channel, ts = dm or (None, None)
    return View(
        type="modal",
        callback_id=COMMENT_CALLBACK,
        private_metadata=modal_metadata(resolution=resolution.id, dm_channel=channel, dm_ts=ts),
        title=plain("Your rating"),
        submit=plain("Save"),
        close=plain("Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f"You rated {headline(ticket, 200)} *{rating.rating}/5*. Anything to add?")
            ),
            InputBlock(
                block_id=COMMENT_BLOCK,
                label=plain("Comment"),
                element=PlainTextInputElement(
                    action_id=COMMENT_INPUT,
                    multiline=True,
                    max_length=COMMENT_LIMIT,
                    initial_value=rating.comment or None,
                ),
            ),
        ],
    ).to_dict()


def comment_saved_modal(ticket: Ticket) -> dict:
    return View(
        type="modal",
        callback_id=f"{COMMENT_CALLBACK}_saved",
        title=plain("Your rating"),
        close=plain("Close"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"Thanks: your comment on {headline(ticket, 200)} is saved."))
        ],
    ).to_dict()
