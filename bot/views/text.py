"""Making user text safe and sized for Slack."""

from __future__ import annotations

import re

ELLIPSIS = "…"
# Slack may parse a plain "@here" in mrkdwn whose ``verbatim`` is false ("certain mentions will be
# automatically parsed", Block Kit text object docs): a word joiner after the "@" keeps it a word.
_BROADCAST = re.compile(r"(@)(here|channel|everyone)\b", re.IGNORECASE)
WORD_JOINER = "\u2060"


def escape(text: str | None) -> str:
    """Escape the three characters Slack treats as control characters in mrkdwn.

    After this, ``<!channel>``, ``<@U123>`` and ``<http://x|y>`` written by a user
    are shown literally and notify or link nobody; a plain ``@here``/``@channel``/``@everyone``
    gets a word joiner after its ``@`` so no automatic parsing can turn it into a broadcast.
    """
    if not text:
        return ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: m.group(1) + WORD_JOINER + m.group(2), text)


def truncate(text: str | None, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis if cut.

    Never cuts inside an escape (``&amp;``) or a Slack token the app wrote
    (``<@U123>``, ``<!date^…>``): a half token would show as garbage or break
    the message, so the cut moves back to before it."""
    text = text or ""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:] and len(cut) - amp < 6:
        cut = cut[:amp]
    token = cut.rfind("<")
    if token != -1 and ">" not in cut[token:]:
        cut = cut[:token]
    return cut + ELLIPSIS


def safe(text: str | None, limit: int) -> str:
    """Escaped and cut to ``limit`` characters (the limit applies to the escaped text)."""
    return truncate(escape(text), limit)


def user(user_id: str | None) -> str:
    """A mention of a Slack user ID that came from Slack (never from user text)."""
    return f"<@{user_id}>" if user_id else "nobody"
