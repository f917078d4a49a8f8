"""Message shortcut *Create ticket*: the New ticket modal, filled in from the message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.services.user_text import plain_text
from bot.views.tickets import modals as ticket_modals

from ..support import after_answer, guarded

log = logging.getLogger("hiredesk.tickets")


def register(app: App) -> None:
    app.shortcut("create_ticket_from_message")(create_ticket_from_message)


@guarded
def create_ticket_from_message(ack, shortcut, client):
    ack()
    # The message's text in Slack's markup, read as people see it (mentions as @name, links with their address).
    text = plain_text(str(shortcut.get("message", {}).get("text") or ""), keep_links=True)
    source = {"channel": shortcut["channel"]["id"], "message_ts": shortcut["message"]["ts"]}
    prefilled = partial(ticket_modals.new_ticket_modal, title=first_line(text), description=text, source=source)
    # The trigger expires in 3 seconds: open the modal first; the permalink follows after the answer.
    opened = client.views_open(trigger_id=shortcut["trigger_id"], view=prefilled())
    after_answer(_add_permalink, client, opened["view"], source, prefilled)


def _add_permalink(client, view: dict, source: dict, prefilled: Callable[..., dict]) -> None:
    try:
        permalink = client.chat_getPermalink(channel=source["channel"], message_ts=source["message_ts"])["permalink"]
        client.views_update(view_id=view["id"], hash=view["hash"], view=prefilled(permalink=permalink))
    except SlackApiError as error:
        # The ticket can still be raised; it just won't link back to the message.
        log.warning("could not add the message's permalink to the ticket form: %s", error.response.get("error"))


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
