"""Reading the pieces of Slack payloads the ticket listeners need."""
from __future__ import annotations

import json

from bot.errors import DomainError
from bot.services.tickets.forms import parse_id


def ticket_id_of(action: dict) -> int:
    """Buttons carry the ticket id as their value; selects in the block id
    ``ticket_actions:<id>``. Either way it is user input, checked by the service."""
    if action.get("value") is not None:
        return parse_id(action["value"])
    return parse_id((action.get("block_id") or "").rpartition(":")[2])


def view_values(view: dict) -> dict[str, str | None]:
    """``{block_id: typed text or selected option value}`` of a submitted modal."""
    values: dict[str, str | None] = {}
    for block_id, elements in (view.get("state") or {}).get("values", {}).items():
        for element in elements.values():
            selected = element.get("selected_option")
            values[block_id] = selected.get("value") if selected else element.get("value")
    return values


def metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        raise DomainError("This form is out of date: close it and start again.") from None
    return data if isinstance(data, dict) else {}


def slack_unescape(text: str) -> str:
    """Slack sends ``&``, ``<`` and ``>`` typed by users as entities; store what they typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
