"""**Previous** / **Next** buttons under a paged list (help desk and car hire)."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, MarkdownTextObject

from bot.services.paging import Page


def pager(
    block_id: str,
    action_ids: tuple[str, str],
    listing: dict[str, Any] | None,
    *,
    previous: int | None,
    following: int | None,
    labels: tuple[str, str] = ("Previous", "Next"),
) -> ActionsBlock | None:
    """The paging buttons (``action_ids`` = previous, next): each value is ``listing`` (which list,
    as JSON) with the offset of the page it shows; None when there is no other page."""
    if listing is None:
        return None
    buttons = [
        ButtonElement(
            action_id=action_id, text=label, value=json.dumps({**listing, "offset": offset}, separators=(",", ":"))
        )
        for action_id, label, offset in zip(action_ids, labels, (previous, following), strict=True)
        if offset is not None
    ]
    return ActionsBlock(block_id=block_id, elements=buttons) if buttons else None


def page_blocks(page: Page[Any], block_id: str, action_ids: tuple[str, str], listing: dict[str, Any]) -> list:
    """``41–60 of 75`` and the buttons to the neighbouring pages; nothing when it all fits on one."""
    if page.previous_offset is None and page.next_offset is None:
        return []
    first, last = page.offset + 1, page.offset + len(page.items)
    buttons = pager(block_id, action_ids, listing, previous=page.previous_offset, following=page.next_offset)
    return [ContextBlock(elements=[MarkdownTextObject(text=f"{first}–{last} of {page.total}")]), buttons]
