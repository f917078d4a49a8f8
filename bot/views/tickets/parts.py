"""Small pieces every ticket view shares: status, times, history lines, buttons."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ButtonElement,
    ConfirmObject,
    InteractiveElement,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)

from bot.services.tickets.access import Action
from bot.services.tickets.lifecycle import SCHEDULER
from bot.views.text import ELLIPSIS, escape, safe, truncate, user
from db.models import Severity, Ticket, TicketEvent, TicketState

SEVERITY_EMOJI = {
    Severity.CRITICAL: ":red_circle:",
    Severity.MAJOR: ":large_orange_circle:",
    Severity.MINOR: ":large_blue_circle:",
}
STATE_NAMES = {
    TicketState.OPEN: "Open",
    TicketState.IN_PROGRESS: "In progress",
    TicketState.WAITING: "Waiting on reporter",
    TicketState.RESOLVED: "Resolved",
}
QUOTE_LIMIT = 1500  # one quoted note inside a 3000-character section
EDIT_QUOTE_LIMIT = 600  # the old and the new description, both in one history line


def status(ticket: Ticket) -> str:
    """The help-desk convention: RESOLVED once resolved, else the severity with the state beside it."""
    if ticket.deleted_at is not None:
        return ":wastebasket: *DELETED*"
    if ticket.state is TicketState.RESOLVED:
        return ":white_check_mark: *RESOLVED*"
    return f"{SEVERITY_EMOJI[ticket.severity]} *{ticket.severity.value}* · {STATE_NAMES[ticket.state]}"


def headline(ticket: Ticket, limit: int = 300) -> str:
    """``*T-7* title``, the title escaped and cut."""
    return f"*{ticket.key}* {safe(ticket.title, limit)}"


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    """Shown in each reader's own time zone by Slack; the fallback is the workspace's."""
    fallback = moment.astimezone(tz).strftime("%d %b %Y %H:%M %Z")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def age(since: datetime, now: datetime) -> str:
    elapsed = max(now - since, timedelta(0))
    if elapsed < timedelta(hours=1):
        return f"{int(elapsed.total_seconds() // 60)} min"
    if elapsed < timedelta(days=2):
        return f"{int(elapsed.total_seconds() // 3600)} h"
    return f"{elapsed.days} days"


def quote(text: str | None, limit: int = QUOTE_LIMIT) -> str:
    """User text as a block quote, escaped, at most ``limit`` characters in all."""
    return truncate("\n".join("> " + line for line in escape(text).splitlines() or [""]), limit)


def fit_lines(lines: list[str], limit: int) -> str:
    """Whole lines up to ``limit`` characters, then "…": never cut through a mention or a date."""
    kept, size = [], 0
    for line in lines:
        if size + len(line) + 1 > limit - 2:
            kept.append(ELLIPSIS)
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def describe(event: TicketEvent) -> str:
    """One history line, mrkdwn: ``<@U1> changed severity MINOR → MAJOR``."""
    who = "HireDesk" if event.actor_id == SCHEDULER else user(event.actor_id)
    old, new = safe(event.old_value, 160), safe(event.new_value, 160)
    match event.kind:
        case "created":
            return f"{who} raised the ticket"
        case "title":
            return f"{who} renamed it from “{old}” to “{new}”"
        case "description":
            was = quote(event.old_body, EDIT_QUOTE_LIMIT) if event.old_body else "> _(empty)_"
            now = quote(event.body, EDIT_QUOTE_LIMIT) if event.body else "> _(empty)_"
            return f"{who} edited the description from\n{was}\nto\n{now}"
        case "category":
            return f"{who} changed the category from {old} to {new}"
        case "assigned":
            was = f" (was {user(event.old_value)})" if event.old_value else ""
            if event.new_value == event.actor_id:  # self-assignment
                return f"{who} took it{was}"
            return f"{who} assigned it to {user(event.new_value)}{was}"
        case "severity":
            return f"{who} changed severity {old} → {new}"
        case "state" if event.new_value == TicketState.WAITING.value:
            return f"{who} asked {user(event.ticket.reporter_id)} for information:\n{quote(event.body)}"
        case "state" if event.new_value == TicketState.IN_PROGRESS.value and event.old_value == "WAITING":
            return f"{who} answered: back in progress"
        case "state" if event.new_value == TicketState.IN_PROGRESS.value:
            return f"{who} started work"
        case "state" if event.new_value == TicketState.RESOLVED.value:
            return f"{who} resolved it:\n{quote(event.body)}"
        case "state":
            return f"{who} reopened it"
        case "note":
            return f":lock: {who} added an internal note:\n{quote(event.body)}"
        case "reply":
            return f"{who} replied to {user(event.ticket.reporter_id)}:\n{quote(event.body)}"
        case "comment":
            return f"{who} commented:\n{quote(event.body)}"
        case "deleted":
            return f"{who} deleted it"
        case "csat" if event.old_value:
            return f":star: {who} changed their rating of the resolution from {old}/5 to {new}/5"
        case "csat":
            return f":star: {who} rated the resolution {new}/5"
        case "csat_comment":
            return f":star: {who} commented on their rating:\n{quote(event.body)}"
    return f"{who} changed {safe(event.kind, 40)}"


def action_elements(ticket: Ticket, actions: set[Action]) -> list[InteractiveElement]:
    """The ticket's buttons and selects, in a fixed order, for the given actions.

    Buttons carry the ticket id as their value; selects have no value of their
    own, so the actions block id names the ticket (see ``actions_block_id``)."""
    value = str(ticket.id)
    elements: list[InteractiveElement] = []
    if Action.ASSIGN_ME in actions:
        elements.append(ButtonElement(text="Assign to me", action_id="ticket_assign_me", value=value, style="primary"))
    if Action.ASSIGN in actions:
        elements.append(
            UserSelectElement(placeholder="Assign…", action_id="ticket_assign", initial_user=ticket.assignee_id)
        )
    if Action.SEVERITY in actions:
        options = [Option(value=s.value, text=s.value) for s in Severity]
        current = options[list(Severity).index(ticket.severity)]
        elements.append(
            StaticSelectElement(
                placeholder="Severity", action_id="ticket_severity", options=options, initial_option=current
            )
        )
    if Action.START in actions:
        elements.append(ButtonElement(text="Start", action_id="ticket_start", value=value))
    if Action.WAIT in actions:
        elements.append(ButtonElement(text="Waiting on reporter", action_id="ticket_wait", value=value))
    if Action.RESOLVE in actions:
        elements.append(ButtonElement(text="Resolve", action_id="ticket_resolve", value=value, style="primary"))
    if Action.REOPEN in actions:
        elements.append(ButtonElement(text="Reopen", action_id="ticket_reopen", value=value))
    if Action.NOTE in actions:
        elements.append(ButtonElement(text="Add note", action_id="ticket_add_note", value=value))
    if Action.REPLY in actions:
        elements.append(ButtonElement(text="Reply", action_id="ticket_reply", value=value))
    if Action.EDIT in actions:
        elements.append(ButtonElement(text="Edit", action_id="ticket_edit", value=value))
    if Action.DELETE in actions:
        elements.append(
            ButtonElement(
                text="Delete",
                action_id="ticket_delete",
                value=value,
                style="danger",
                confirm=ConfirmObject(
                    title="Delete this ticket?",
                    confirm="Delete",
                    deny="Keep it",
                    style="danger",
                    text=MarkdownTextObject(
                        text=f"{headline(ticket, 200)} will be marked deleted. Its history is kept for audit."
                    ),
                ),
            )
        )
    return elements


def actions_block_id(ticket: Ticket) -> str:
    """Block id of a ticket's actions block; handlers read the ticket id of a select from it."""
    return f"ticket_actions:{ticket.id}"


def modal_metadata(**values) -> str:
    """A modal's private_metadata: the values that are set, as JSON."""
    return json.dumps({key: value for key, value in values.items() if value not in (None, False, "")})


def plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)
