"""Conversation (PRODUCT.md §3): the reporter's answer in the thread of a HireDesk DM about their
ticket becomes a comment on it (the card's thread and the assignee hear of it; a ticket WAITING on
the reporter goes back to IN_PROGRESS).

Which DM is about which ticket is recorded when the DM is posted (``ticket_threads``, filled by the
outbox's ``ticket_dm`` recorder), so a thread is recognised by its channel and root ts alone, within
the workspace. Anything else — another thread, someone who is not the reporter, a deleted ticket —
is not a comment and is ignored (it is a chat message, not a request to refuse)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.actors import Actor
from bot.services.tickets import lifecycle
from bot.services.tickets.forms import NOTE_MAX
from bot.services.user_text import plain_text, strip_control_characters
from db.models import Ticket, TicketThread

TRUNCATED = " …"


def ticket_of_thread(session: Session, team_id: str, channel: str, thread_ts: str) -> int | None:
    """The ticket a HireDesk DM (``channel``, ``thread_ts``) of this workspace is about, if any."""
    return session.scalar(
        select(TicketThread.ticket_id).where(
            TicketThread.team_id == team_id, TicketThread.channel == channel, TicketThread.ts == thread_ts
        )
    )


def comment_from_dm(
    session: Session, actor: Actor, channel: str, thread_ts: str, text: str, files: Sequence[tuple[str, str]] = ()
) -> lifecycle.TicketChange | None:
    """The actor's message (``text`` in Slack's markup) in the thread of DM (``channel``, ``thread_ts``): a comment on its ticket
    if that DM is HireDesk's about a ticket the actor reported; None (nothing changes) otherwise."""
    ticket_id = ticket_of_thread(session, actor.team_id, channel, thread_ts)
    if ticket_id is None:
        return None
    # Whose and whether deleted, read without loading the ticket: the comment loads it locked, fresh.
    found = session.execute(
        select(Ticket.reporter_id, Ticket.deleted_at).where(Ticket.team_id == actor.team_id, Ticket.id == ticket_id)
    ).first()
    if found is None or found.reporter_id != actor.user_id or found.deleted_at is not None:
        return None
    body = comment_text(text, files)
    if not body:
        return None
    return lifecycle.comment(session, actor, ticket_id, body)


def comment_text(text: str, files: Sequence[tuple[str, str]] = ()) -> str:
    """What they wrote (``text`` as Slack sends it, in its markup), and the files they shared as
    (name, link), as a history entry: mentions as ``@name`` (posted again, they notify nobody),
    links with their address, no control characters, at most ``NOTE_MAX`` characters."""
    shared = [f"• {name}: {link}" for name, link in files]
    body = strip_control_characters("\n".join([plain_text(text, keep_links=True).strip(), *shared])).strip()
    if len(body) > NOTE_MAX:
        body = body[: NOTE_MAX - len(TRUNCATED)].rstrip() + TRUNCATED
    return body
