"""Emoji to ticket (PRODUCT.md §3): reacting with the workspace's ticket emoji (``:ticket:`` unless
an admin set another in /hiredesk settings) to a message in a channel raises a ticket for the
message's author, titled from it, with its permalink; HireDesk answers in the message's thread.

Two steps, because the ``reaction_added`` event carries only the message's channel and ts:

1. ``request_ticket`` (the listener, inside the event's transaction, before the HTTP answer): is it
   the ticket emoji, and is there no ticket for that message yet? Then queue an ``emoji_ticket``
   task in the outbox, keyed by the message (so any number of reactions and Slack retries queue
   it once; if it failed for good — HireDesk not in the channel, its notice says so — a new
   reaction queues it again). No Web API call here: reading the message could be slow, and Slack wants its answer
   within 3 seconds.
2. The delivery worker runs the task (``bot.delivery.tasks``): it reads the message and its
   permalink from Slack, then ``raise_from_message`` creates the ticket in the same transaction
   that finishes the task, with its card, the author's DM and the thread reply queued alongside.

Exactly one ticket per message: ``tickets`` has a unique (team, source channel, source ts). Even if
the same message's task ran twice (its delivery row pruned after a week and a new reaction, or two
workers), the second finds the ticket, or loses the insert race and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import outbox
from bot.services.actors import Actor
from bot.services.tickets import lifecycle
from bot.services.tickets.forms import DESCRIPTION_MAX, TITLE_MAX, TicketForm
from bot.services.user_text import plain_text
from db.models import Category, Severity, Ticket

TASK = "emoji_ticket"
# An emoji's name as Slack gives it in a reaction (no colons): lower-case letters, digits, _ - + '
EMOJI_NAME = re.compile(r"^[a-z0-9_+'-]{1,100}$", re.ASCII)
EMOJI_FORMAT = "An emoji name like ticket or :ticket: (lower-case letters, digits, - _ + ')."
ELLIPSIS = "…"


def parse_emoji(text: str | None) -> str | None:
    """An emoji name as typed in settings (``ticket``, ``:ticket:``); None if it can't be one."""
    name = (text or "").strip().strip(":").lower()
    return name if EMOJI_NAME.match(name) else None


def is_ticket_emoji(reaction: str, configured: str) -> bool:
    """``reaction`` (as ``reaction_added`` names it) is the ticket emoji, whatever its skin tone."""
    return reaction.split("::", 1)[0] == configured


def source_key(team_id: str, channel: str, ts: str) -> str:
    return f"{team_id}:emoji:{channel}:{ts}"


def request_ticket(session: Session, actor: Actor, configured: str, channel: str, ts: str, reaction: str) -> bool:
    """``actor`` reacted with ``reaction`` to the message (``channel``, ``ts``): if it is the ticket
    emoji and the message has no ticket yet, queue the task that raises one. True if queued now."""
    if not is_ticket_emoji(reaction, configured):
        return False
    if ticket_of_message(session, actor.team_id, channel, ts) is not None:
        return False
    return outbox.task(
        session, actor.team_id, source_key(actor.team_id, channel, ts),
        {"task": TASK, "channel": channel, "ts": ts, "reactor": actor.user_id},
        label=f"the ticket for the message you reacted to with :{configured}:", user=actor.user_id, channel=channel,
        again_if_failed=True,  # e.g. HireDesk wasn't in the channel: once invited, a new reaction works
    )  # fmt: skip


def ticket_of_message(session: Session, team_id: str, channel: str, ts: str) -> Ticket | None:
    return session.scalars(
        select(Ticket).where(Ticket.team_id == team_id, Ticket.source_channel == channel, Ticket.source_ts == ts)
    ).one_or_none()


@dataclass(frozen=True)
class SourceMessage:
    """The reacted message as Slack gave it (``text`` still in Slack's markup)."""

    channel: str
    ts: str
    author: str
    text: str
    permalink: str | None
    files: tuple[tuple[str, str], ...] = ()  # (name, link)


def raise_from_message(session: Session, actor: Actor, message: SourceMessage) -> lifecycle.TicketChange | None:
    """The ticket for ``message``, raised by ``actor`` for its author; None if it has one already."""
    if ticket_of_message(session, actor.team_id, message.channel, message.ts) is not None:
        return None
    try:
        with session.begin_nested():  # losing a race for the same message undoes only this
            return lifecycle.create(
                session, actor, ticket_form(message), message.permalink,
                reporter_id=message.author, source_message=(message.channel, message.ts),
            )  # fmt: skip
    except IntegrityError:
        return None


def ticket_form(message: SourceMessage) -> TicketForm:
    """Title: the message's first line (cut to the title's limit), or "Message from <date>";
    description: the text, the permalink and the files, as links."""
    text = plain_text(message.text)
    first = next((" ".join(line.split()) for line in text.splitlines() if line.strip()), "")
    if not first:
        day = datetime.fromtimestamp(float(message.ts), UTC).strftime("%Y-%m-%d")
        first = f"Message from {day}"
    title = first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1].rstrip() + ELLIPSIS
    tail = []
    if message.permalink:
        tail.append(f"Message: {message.permalink}")
    if message.files:
        tail.append("Files:\n" + "\n".join(f"• {name}: {link}" for name, link in message.files))
    tail_text = "\n\n".join(tail)
    room = DESCRIPTION_MAX - len(tail_text) - 2
    body = text.strip()
    if len(body) > room:
        body = body[: max(room - 1, 0)].rstrip() + ELLIPSIS
    description = "\n\n".join(part for part in (body, tail_text) if part)[:DESCRIPTION_MAX]
    return TicketForm(title=title, description=description, category=Category.OTHER, severity=Severity.MINOR)
