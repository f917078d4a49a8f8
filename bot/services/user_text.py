"""Control characters in what people type: the one rule, used by every reader of user text.

Text a person types (a modal field, a slash command's text) may hold newlines and tabs and nothing
else below U+0020: a NUL, an escape sequence or a C1 control is refused, with the field named, never
stored (PostgreSQL refuses NUL outright) or echoed into Slack. Text the person didn't type here —
a message turned into a ticket by the shortcut — has them stripped instead, since they couldn't fix it.
``\\r\\n`` and a lone ``\\r`` count as a newline.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
REFUSED = "Remove the control characters (invisible characters such as NUL) from this text."


def quoted(text: str, limit: int) -> str:
    """What a person typed, quoted back in a message (an error, a usage hint): cut to ``limit``
    characters, then ``&``, ``<`` and ``>`` escaped, so that a typed ``<!channel>``, ``<@U…>`` or
    ``<https://…|…>`` is shown as text and notifies or links nobody (messages are mrkdwn)."""
    return text[:limit].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(normalise_newlines(text)) is not None


def strip_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", normalise_newlines(text))
