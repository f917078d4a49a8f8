"""Small generic messages: plain replies, errors, usage help."""

from __future__ import annotations

from collections.abc import Iterable

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.views.text import truncate

SECTION_TEXT_LIMIT = 3000


def blocks_to_dicts(blocks: Iterable[Block]) -> list[dict]:
    """Serialise slack_sdk block models; ``to_dict`` validates them against Block Kit's limits."""
    return [block.to_dict() for block in blocks]


def text_message(text: str, *, context: str | None = None) -> dict:
    """A one-section message of trusted mrkdwn (escape user text before calling)."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT)))]
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate(context, 3000))]))
    return {"text": truncate(text, 3000), "blocks": blocks_to_dicts(blocks)}


def error_message(text: str) -> dict:
    return text_message(f":no_entry_sign: {text}")
