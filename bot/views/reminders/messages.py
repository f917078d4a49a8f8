"""Scheduled reminder messages: returns due, overdue returns, critical tickets.

One message per channel (or ticket thread) per run. It lists the reminders of
each kind in a section of its own, each item with its buttons, and says "and
N more" beyond what fits, so a busy day stays within Block Kit's 50 blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ContextBlock, MarkdownTextObject, SectionBlock

from bot.services.reminders.claims import Reminder
from bot.services.reminders.snapshots import BookingLine
from bot.services.tickets.critical import StaleTicket
from bot.services.tickets.sla_warnings import RESPONSE, Breach
from bot.views.messages import SECTION_TEXT_LIMIT, blocks_to_dicts
from bot.views.text import safe, truncate, user
from bot.views.when import duration, local_day_time, reader_time
from db.models import BookingStatus

MAX_BLOCKS = 50
MAX_ITEMS_PER_KIND = 10


@dataclass(frozen=True)
class Kind:
    """How one kind of reminder is listed: a title, a line per item, buttons per item."""

    title: Callable[[int], str]
    line: Callable[[Reminder], str]
    buttons: Callable[[Reminder], list[ButtonElement]]
    more_hint: str


def _booking(line: BookingLine) -> str:
    return f"*{line.key}* · {safe(line.customer, 200)} · {safe(line.vehicle, 200)}"


def _car_still_out(reminder: Reminder) -> str:
    line: BookingLine = reminder.item
    if line.car_out_with is None or line.car_due_back is None:
        return ""
    return (
        f" · :warning: the car is still out with *{line.car_out_with}* "
        f"(due back {_when(line.car_due_back, reminder.timezone)})"
    )


def _booking_buttons(reminder: Reminder) -> list[ButtonElement]:
    booking_id = str(reminder.item.id)
    return [
        ButtonElement(text="Returned", action_id="booking_returned", value=booking_id, style="primary"),
        ButtonElement(text="Extend", action_id="booking_extend", value=booking_id),
    ]


def _ticket_buttons(reminder: Reminder) -> list[ButtonElement]:
    return [ButtonElement(text="Assign to me", action_id="ticket_assign_me", value=str(reminder.item.ticket.id))]


def _stale_ticket(stale: StaleTicket) -> str:
    ticket = stale.ticket
    state = "unassigned" if ticket.assignee_id is None else f"assigned to {user(ticket.assignee_id)}, no update"
    return f"*{ticket.key}* {safe(ticket.title, 150)} — CRITICAL, {state} for {duration(stale.stale_for)}"


def _critical_line(reminder: Reminder) -> str:
    stale: StaleTicket = reminder.item
    return f":rotating_light: {_who(stale.notify)} {_stale_ticket(stale)}. Please take it or post an update."


def _who(notify: tuple[str, ...]) -> str:
    return (
        " ".join(user(u) for u in notify) or "Nobody has the technician role yet (`/hiredesk role @user technician`)."
    )


def _sla_line(reminder: Reminder) -> str:
    breach: Breach = reminder.item
    ticket = breach.ticket
    target = "first-response" if breach.target == RESPONSE else "resolution"
    due = reader_time(breach.deadline, local_day_time(breach.deadline, reminder.timezone))
    ask = "Please respond to the reporter." if breach.target == RESPONSE else "Please resolve it or post an update."
    return (
        f":hourglass: {_who(breach.notify)} *{ticket.key}* {safe(ticket.title, 150)} missed its {target} target "
        f"({duration(breach.allowed)}, due {due}). {ask}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _when(instant: datetime, tz: str) -> str:
    """In each reader's own zone; the workspace's local time where Slack can't render it."""
    return reader_time(instant, local_day_time(instant, tz))


def _booking_kind(title: str, due: str, listing: str) -> Kind:
    return Kind(
        title=lambda n: f"{title} ({n})",
        line=lambda r: f"{_booking(r.item)} — {due} {_when(r.item.return_due_at, r.timezone)}",
        buttons=_booking_buttons,
        more_hint=f"`/booking list {listing}` lists them all.",
    )


KINDS: dict[str, Kind] = {
    # The morning manifest: today's pickups, then today's returns (one message).
    "today-pickup": Kind(
        title=lambda n: f":key: *Pickups today* ({n})",
        line=lambda r: f"{_booking(r.item)} — pickup {_when(r.item.pickup_at, r.timezone)}{_car_still_out(r)}",
        buttons=lambda r: [
            ButtonElement(text="Picked up", action_id="booking_picked_up", value=str(r.item.id), style="primary")
        ],
        more_hint="`/booking list today` lists them all.",
    ),
    "today": _booking_kind(":calendar: *Returns due today*", "due", "today"),
    "due-soon": _booking_kind(":alarm_clock: *Due back soon*", "due back", "active"),
    "overdue": _booking_kind(":warning: *Overdue returns*", "was due", "overdue"),
    "no-show": Kind(
        title=lambda n: f":ghost: *{_plural(n, 'no-show')}: not picked up, the car is free again*",
        line=lambda r: f"{_booking(r.item)} — pickup was {_when(r.item.pickup_at, r.timezone)}",
        buttons=lambda r: [],
        more_hint="`/booking B-12` shows one.",
    ),
    "critical": Kind(
        title=lambda n: f":rotating_light: *{_plural(n, 'critical ticket')} {'needs' if n == 1 else 'need'} attention*",
        line=_critical_line,
        buttons=_ticket_buttons,
        more_hint="`/ticket queue` lists them all.",
    ),
    "sla": Kind(
        title=lambda n: f":hourglass: *{_plural(n, 'missed service-level target')}*",
        line=_sla_line,
        buttons=lambda r: [],
        more_hint="`/ticket queue` lists the open tickets.",
    ),
    "escalation": Kind(
        title=lambda n: f":sos: *Escalated: {_plural(n, 'critical ticket')} without progress*",
        line=lambda r: _stale_ticket(r.item),
        buttons=lambda r: [],
        more_hint="`/ticket queue` lists them all.",
    ),
}
ORDER = list(KINDS)
THREAD_KINDS = {"critical", "sla"}  # about one ticket, posted in its card's thread


# The states a booking is listed in, by section. A posted list is redrawn when a booking it shows
# changes (bot/publishing/bookings.py): one that left its section is struck, without buttons.
LISTED_STATES = {
    "today-pickup": {BookingStatus.RESERVED},
    "today": {BookingStatus.RESERVED, BookingStatus.ACTIVE},
    "due-soon": {BookingStatus.ACTIVE},
    "overdue": {BookingStatus.ACTIVE},
}
STATE_WORDS = {
    BookingStatus.ACTIVE: "picked up",
    BookingStatus.RETURNED: "returned",
    BookingStatus.NO_SHOW: "no-show",
    BookingStatus.CANCELLED: "cancelled",
}


def _left_its_section(reminder: Reminder) -> str | None:
    """What became of a listed booking that is no longer what its section lists (None: still is)."""
    listed = LISTED_STATES.get(reminder.kind)
    if listed is None or not isinstance(reminder.item, BookingLine) or reminder.item.status in listed:
        return None
    return STATE_WORDS.get(reminder.item.status, reminder.item.status.value.lower())


def reminder_message(reminders: list[Reminder]) -> dict:
    """One message for the reminders of one channel (or thread), grouped by kind."""
    by_kind = {kind: [r for r in reminders if r.kind == kind] for kind in ORDER}
    by_kind = {kind: items for kind, items in by_kind.items() if items}
    # A lone ticket reminder (usually in its card's thread) needs no title: its line mentions who must act.
    lone_reminder = len(reminders) == 1 and reminders[0].kind in THREAD_KINDS
    # Each kind takes a title and a "more" line; every listed item a section and its buttons.
    per_kind = (MAX_BLOCKS - 2 * len(by_kind)) // (2 * len(by_kind))
    limit = min(MAX_ITEMS_PER_KIND, per_kind)
    blocks: list[Block] = []
    for kind, items in by_kind.items():
        spec = KINDS[kind]
        if not lone_reminder:
            blocks.append(SectionBlock(block_id=kind, text=MarkdownTextObject(text=spec.title(len(items)))))
        for reminder in items[:limit]:
            left = _left_its_section(reminder)
            line = spec.line(reminder) if left is None else f"~{spec.line(reminder)}~ — {left}"
            blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(line, SECTION_TEXT_LIMIT))))
            buttons = spec.buttons(reminder) if left is None else []
            if buttons:
                blocks.append(ActionsBlock(elements=buttons))
        if len(items) > limit:
            more = f"…and {len(items) - limit} more. {spec.more_hint}"
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    # The notification text: a lone reminder's line (with its mentions), else the titles.
    if lone_reminder:
        text = KINDS[reminders[0].kind].line(reminders[0])
    else:
        text = " · ".join(KINDS[kind].title(len(items)) for kind, items in by_kind.items())
    return {"text": truncate(text, 3000), "blocks": blocks_to_dicts(blocks)}
