"""Ticket messages: the card, one ticket with its history, lists, thread
updates and the reporter's DMs. Pure: domain objects in, Block Kit dicts out."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.services.tickets.access import Action, possible
from bot.services.tickets.csat import is_resolution
from bot.services.tickets.lifecycle import TicketChange
from bot.services.tickets.queries import HISTORY_PAGE, LIST_LIMIT, TicketDetail, TicketList
from bot.services.tickets.sla import SlaStatus
from bot.views.messages import SECTION_TEXT_LIMIT, blocks_to_dicts, text_message
from bot.views.paging import pager
from bot.views.text import escape, safe, truncate, user
from bot.views.tickets.csat import csat_blocks
from bot.views.tickets.parts import (
    action_elements,
    actions_block_id,
    age,
    describe,
    fit_lines,
    headline,
    local_time,
    quote,
    status,
)
from db.models import Ticket, TicketEvent, TicketRating, TicketState

CARD_DESCRIPTION_LIMIT = 1200  # the card stays short; /ticket T-n shows all of it
PAGE_BLOCK_ID = "ticket_pages"
# The paging buttons; their value is JSON: {"list": mine|queue|search|history, "offset": n, "q": …, "ticket": id}
PAGE_PREVIOUS, PAGE_NEXT = "ticket_page_previous", "ticket_page_next"
UTC_ZONE = ZoneInfo("UTC")  # the DM's fallback time zone when none is given
NOTIFICATION_LIMIT = 3000  # the top-level ``text`` (notifications, screen readers)

HELP = """*IT help desk*
• `/ticket` — raise a ticket (or `/ticket printer on floor 2 is jammed` to fill in the title)
• `/ticket list` — your tickets
• `/ticket T-42` (or `42`) — one ticket with its history and what you can do with it
• `/ticket queue` — unresolved tickets, unassigned first (technicians)
• `/ticket search &lt;words&gt;` — find tickets by title, description, key (`T-42`) or person (`@maria`)
• `/ticket export [YYYY-MM-DD [YYYY-MM-DD]]` — the tickets raised in that range as a CSV file in your DM (technicians, managers)
• Message menu → *Create ticket* — raise a ticket from any message
Technicians work tickets from the card in the triage channel; you get a DM when yours is assigned, started, resolved or reopened."""

USAGE = "Usage: `/ticket [title]`, `/ticket list`, `/ticket T-42`, `/ticket queue`, `/ticket search &lt;words&gt;`, `/ticket export [from [to]]`, `/ticket help`."


def help_message() -> dict:
    return text_message(HELP)


def usage_message(problem: str) -> dict:
    return text_message(f"{problem} {USAGE}")


def card(ticket: Ticket, *, tz: ZoneInfo, now: datetime, sla: SlaStatus | None = None) -> dict:
    """The card in the triage channel: everyone in the channel sees the same
    buttons (those the ticket's state allows); each click is checked on the server.
    ``sla``: where the ticket stands against its service levels (*Respond by*, *SLA breached*)."""
    actions = possible(ticket) - {Action.EDIT}  # editing is offered in /ticket T-n, to those who may
    blocks = _ticket_blocks(ticket, tz=tz, now=now, actions=actions)
    if sla is not None and not ticket.deleted_at:
        lines = sla_lines(sla, tz)
        if lines:
            blocks.insert(2, ContextBlock(elements=[MarkdownTextObject(text=" · ".join(lines))]))
    return _message(_notification(ticket), blocks)


def sla_lines(sla: SlaStatus, tz: ZoneInfo) -> list[str]:
    """*Respond by* / *Resolve by* while a target runs (Slack shows each reader their own time),
    and **SLA breached** once one is missed."""
    lines = []
    if sla.breached:
        missed = [
            name
            for name, late in (("response", sla.response_breached), ("resolution", sla.resolution_breached))
            if late
        ]
        lines.append(f":rotating_light: *SLA breached* ({' and '.join(missed)})")
    if sla.response_open and sla.resolution_open:
        lines.append(f"*Respond by* {local_time(sla.respond_by, tz)}")
    if sla.resolution_open:
        lines.append(f"*Resolve by* {local_time(sla.resolve_by, tz)}")
    return lines


def detail(view: TicketDetail, *, tz: ZoneInfo, now: datetime) -> dict:
    """One ticket for one viewer: the card with the buttons they may use, and a page of its
    history (the newest first shown; **Older** / **Newer** page through the rest)."""
    ticket = view.ticket
    blocks = _ticket_blocks(ticket, tz=tz, now=now, actions=view.actions, full=True)
    blocks += [DividerBlock(), *_history_blocks(view, tz)]
    shown, total = len(view.history_page), len(view.history)
    pager = _pager(
        {"list": "history", "ticket": ticket.id},
        previous=view.history_offset + shown if view.history_offset + shown < total else None,
        following=max(view.history_offset - HISTORY_PAGE, 0) if view.history_offset > 0 else None,
        labels=("Older", "Newer"),
    )
    if pager:
        blocks.append(pager)
    return _message(_notification(ticket), blocks)


def thread_update(change: TicketChange) -> dict:
    """What changed, posted in the card's thread."""
    return text_message(fit_lines([describe(event) for event in change.events], SECTION_TEXT_LIMIT))


def reporter_dm(change: TicketChange, tz: ZoneInfo = UTC_ZONE) -> dict | None:
    """The reporter's one DM about ``change`` (None if it is not news for them). A resolution asks
    *How did we do?* (bot/views/tickets/csat.py)."""
    if not change.notify_reporter:
        return None
    news = [event for event in change.events if not event.internal and event.kind != "severity"]
    resolution = next((event for event in reversed(change.events) if is_resolution(event)), None)
    return _reporter_dm(change.ticket, news, csat_blocks(resolution, None, tz) if resolution else [])


def rated_dm(ticket: Ticket, resolution: TicketEvent, rating: TicketRating | None, tz: ZoneInfo) -> dict:
    """The resolve DM again, once the reporter rated it: "You rated 4/5 — thanks"."""
    return _reporter_dm(ticket, [resolution], csat_blocks(resolution, rating, tz))


def _reporter_dm(ticket: Ticket, events: list[TicketEvent], csat: list) -> dict:
    news = [describe(event) for event in events]
    text = fit_lines([f"Update on your ticket {headline(ticket)}", *news], SECTION_TEXT_LIMIT)
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=text))]
    if ticket.state is TicketState.WAITING:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text="Press *Reply* to answer, and work goes on.")]))
    if ticket.state is TicketState.RESOLVED:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text="Not fixed? Reopen it and the technicians will take another look.")]
            )
        )
    # What the reporter may do from here: answer the technicians, and reopen once resolved.
    actions = possible(ticket) & {Action.REOPEN, Action.REPLY}
    blocks.append(ActionsBlock(block_id=actions_block_id(ticket), elements=action_elements(ticket, actions)))
    return _message(text, [*blocks, *csat])


def created_notice(ticket_headline: str, triage_channel: str | None) -> dict:
    """Told to the reporter once the ticket exists, and where technicians see its card. (If the
    card can't be posted, the delivery's failure notice says why, once.)"""
    text = f":white_check_mark: Your ticket {ticket_headline} is raised."
    if triage_channel:
        context = f"Its card is in <#{triage_channel}>. You'll get a message here when it is assigned, started, resolved or reopened."
    else:
        context = ":warning: No triage channel is set, so technicians won't see a card for it yet. Please ask an admin to set one in `/hiredesk settings`."
    return text_message(text, context=context)


def assignee_comment_dm(change: TicketChange) -> dict:
    """The assignee's DM: the reporter commented (e.g. answered in the thread of a DM)."""
    ticket = change.ticket
    news = [describe(event) for event in change.events if not event.internal]
    text = fit_lines([f"News on {headline(ticket)}, assigned to you", *news], SECTION_TEXT_LIMIT)
    where = f"Its card is in <#{ticket.card_channel}>. " if ticket.card_channel else ""
    return text_message(text, context=f"{where}Answer the reporter with *Reply* on the card.")


def emoji_ticket_notice(ticket: Ticket, raised_by: str, triage_channel: str | None) -> dict:
    """Told to the author of a message someone turned into a ticket with an emoji reaction."""
    message = f"<{escape(ticket.source_permalink)}|a message>" if ticket.source_permalink else "a message"
    text = f":ticket: {user(raised_by)} raised {headline(ticket)} for you, from {message} you wrote."
    context = "You'll get a message here when it is assigned, started, resolved or reopened; answer in this thread to add a comment."
    if not triage_channel:
        context = ":warning: No triage channel is set, so technicians won't see a card for it yet."
    return text_message(text, context=context)


def emoji_ticket_reply(ticket: Ticket, raised_by: str) -> dict:
    """HireDesk's answer in the thread of the message a ticket was raised from."""
    return text_message(
        f":ticket: {user(raised_by)} raised {headline(ticket)} for {user(ticket.reporter_id)}.",
        context="The technicians take it from here; updates go to the reporter by DM.",
    )


def ticket_list(
    title: str, listing: TicketList, *, empty: str, tz: ZoneInfo, pages: dict[str, Any] | None = None
) -> dict:
    """A page of tickets. ``pages`` (which list this is, e.g. ``{"list": "search", "q": "printer"}``)
    adds **Previous** / **Next** buttons when there is more."""
    if not listing.tickets:
        return text_message(empty)
    lines = [list_line(ticket, tz) for ticket in listing.tickets]
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=f"*{safe(title, 2900)}*"))]
    blocks += _sections(lines)
    first, last = listing.offset + 1, listing.offset + len(listing.tickets)
    if listing.has_previous or listing.has_next:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"{first}–{last} of {listing.total}")]))
        pager = _pager(
            pages,
            previous=max(listing.offset - LIST_LIMIT, 0) if listing.has_previous else None,
            following=last if listing.has_next else None,
            labels=("Previous", "Next"),
        )
        if pager:
            blocks.append(pager)
    return _message(truncate(f"{escape(title)}: {listing.total}", NOTIFICATION_LIMIT), blocks)


def _pager(
    listing: dict[str, Any] | None, *, previous: int | None, following: int | None, labels: tuple[str, str]
) -> ActionsBlock | None:
    return pager(
        PAGE_BLOCK_ID, (PAGE_PREVIOUS, PAGE_NEXT), listing, previous=previous, following=following, labels=labels
    )


def list_line(ticket: Ticket, tz: ZoneInfo) -> str:
    assignee = f" · {user(ticket.assignee_id)}" if ticket.assignee_id else " · _unassigned_"
    return f"{status(ticket)}  {headline(ticket, 200)}{assignee} · {local_time(ticket.created_at, tz)}"


def _ticket_blocks(ticket: Ticket, *, tz: ZoneInfo, now: datetime, actions: set[Action], full: bool = False) -> list:
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=f"{status(ticket)}\n{headline(ticket, 1000)}"))]
    blocks.append(
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Reporter*\n{user(ticket.reporter_id)}"),
                MarkdownTextObject(
                    text=f"*Assignee*\n{user(ticket.assignee_id) if ticket.assignee_id else '_unassigned_'}"
                ),
                MarkdownTextObject(text=f"*Category*\n{ticket.category.value}"),
                MarkdownTextObject(
                    text=f"*Opened*\n{local_time(ticket.created_at, tz)} ({age(ticket.created_at, now)} ago)"
                ),
            ]
        )
    )
    if ticket.description:
        limit = SECTION_TEXT_LIMIT if full else CARD_DESCRIPTION_LIMIT
        blocks.append(SectionBlock(text=MarkdownTextObject(text=safe(ticket.description, limit))))
    if ticket.state is TicketState.RESOLVED and ticket.resolution_note:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Resolution*\n{quote(ticket.resolution_note)}")))
    context = _context_lines(ticket, tz)
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=line) for line in context]))
    elements = action_elements(ticket, actions)
    if elements:
        blocks.append(ActionsBlock(block_id=actions_block_id(ticket), elements=elements))
    return blocks


def _context_lines(ticket: Ticket, tz: ZoneInfo) -> list[str]:
    lines = []
    if ticket.source_permalink:
        lines.append(f":link: Raised from <{escape(ticket.source_permalink)}|a message>")
    if ticket.resolved_at:
        lines.append(f"Resolved {local_time(ticket.resolved_at, tz)}")
    if ticket.deleted_at:
        lines.append(f"Deleted by {user(ticket.deleted_by)} {local_time(ticket.deleted_at, tz)}")
    return lines


def _history_blocks(view: TicketDetail, tz: ZoneInfo) -> list:
    events, total = view.history_page, len(view.history)
    lines = [f"{local_time(event.at, tz)} · {describe(event)}" for event in events]
    end = total - view.history_offset
    header = "*History*" if len(events) == total else f"*History* ({end - len(events) + 1}–{end} of {total})"
    return [SectionBlock(text=MarkdownTextObject(text=header)), *_sections(lines)]


def _sections(lines: list[str]) -> list[SectionBlock]:
    """Lines packed into as few sections as fit Slack's 3000-character limit."""
    sections, current = [], ""
    for line in lines:
        line = fit_lines(line.splitlines(), SECTION_TEXT_LIMIT)
        if current and len(current) + 1 + len(line) > SECTION_TEXT_LIMIT:
            sections.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        sections.append(current)
    return [SectionBlock(text=MarkdownTextObject(text=text)) for text in sections]


def _notification(ticket: Ticket) -> str:
    return truncate(f"{ticket.key} {escape(ticket.title)} — {ticket.state.value}", NOTIFICATION_LIMIT)


def _message(text: str, blocks: list) -> dict:
    return {"text": text, "blocks": blocks_to_dicts(blocks)}
