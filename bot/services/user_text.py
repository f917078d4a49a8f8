"""Control characters in what people type: the one rule, used by every reader of user text.

Text a person types (a modal field, a slash command's text) may hold newlines and tabs and nothing
else below U+0020: a NUL, an escape sequence or a C1 control is refused, with the field named, never
stored (PostgreSQL refuses NUL outright) or echoed into Slack. Text the person didn't type here —
a message turned into a ticket by the shortcut — has them stripped instead, since they couldn't fix it.
A Slack message's text (emoji to ticket, an answer in a DM's thread) is read with ``plain_text``: its
mentions and links as the people reading it see them, so that escaped again it shows no markup.
``\\r\\n`` and a lone ``\\r`` count as a newline.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
REFUSED = "Remove the control characters (invisible characters such as NUL) from this text."
# Slack's markup in message text: <@U1>, <#C1|name>, <!here>, <https://x|label>, <https://x>
SLACK_MARKUP = re.compile(r"<([@#!]?)([^>|]*)(?:\|([^>]*))?>")


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


def plain_text(mrkdwn: str, *, keep_links: bool = False) -> str:
    """A message's text as people read it: mentions and links as their labels, ``&lt;`` as ``<``,
    no control characters. ``keep_links``: a labelled link as ``label (address)``, where nothing
    else leads to what it pointed at."""

    def label(match: re.Match[str]) -> str:
        sigil, target, shown = match.group(1), match.group(2), match.group(3)
        if sigil in ("@", "#"):  # <@U1>, <@U1|name>, <#C1|general>, <#C1|>
            return sigil + (shown or target).removeprefix(sigil)
        if sigil == "!":
            command = target.split("^", 1)[0]
            if command == "date":  # <!date^1392734382^{date}|Feb 18, 2014>: its fallback text
                return shown or ""
            if command == "subteam":  # <!subteam^S1|@it-team>, <!subteam^S1>
                return "@" + (shown or "group").removeprefix("@")
            return "@" + (shown or command).removeprefix("@")  # <!here>, <!here|@here>, <!channel>
        address = target.removeprefix("mailto:")
        if keep_links and shown and shown != address:
            return f"{shown} ({address})"
        return shown or address  # a link: its label

    text = SLACK_MARKUP.sub(label, mrkdwn)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return strip_control_characters(text)
