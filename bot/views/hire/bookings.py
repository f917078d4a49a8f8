"""Booking messages (the card in the car hire channel), lists, availability, the App Home section."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.services.hire import pricing
from bot.services.hire.booking_queries import Availability, BookingList
from bot.services.hire.bookings import SCHEDULER
from bot.services.local_time import local
from bot.views.hire.common import actions, button, confirm, message, money, pages, sections, when
from bot.views.messages import blocks_to_dicts, text_message
from bot.views.text import safe, truncate, user
from bot.views.when import reader_time
from db.models import Booking, BookingEvent, BookingStatus

USAGE = (
    "Usage: `/booking` (new booking), `/booking list [today|active|overdue|upcoming]`, `/booking B-12`, "
    "`/booking availability &lt;from&gt; &lt;to&gt; [category]` with dates like 2026-11-24, 2026-11-24T10:00 (or 2026-11-24 10:00), today or tomorrow, "
    "`/booking export [YYYY-MM-DD [YYYY-MM-DD]]` (the bookings picked up in that range, as a CSV file in your DM)."
)
HEADER_LIMIT = 150
HISTORY_SHOWN = 6
STATUS_EMOJI = {
    BookingStatus.RESERVED: ":spiral_calendar_pad:",
    BookingStatus.ACTIVE: ":red_car:",
    BookingStatus.RETURNED: ":white_check_mark:",
    BookingStatus.CANCELLED: ":x:",
    BookingStatus.NO_SHOW: ":ghost:",
}
EVENT_WORDS = {
    "created": "Booked",
    "picked_up": "Picked up",
    "extended": "Extended",
    "returned": "Returned",
    "cancelled": "Cancelled",
    "no_show": "Marked a no-show",
}


def booking_action_buttons(booking: Booking, now: datetime) -> list[dict]:
    """The buttons a booking's messages carry for its status (and, for **No-show**, whether its
    pickup time has passed at ``now``), as zero or one actions block (dicts).

    Public: the scheduler's due/overdue reminders append these to their messages.
    Every button's value is the booking id; the handlers work from any message."""
    value = str(booking.id)
    status = booking.status
    cancel = button(
        "Cancel",
        "booking_cancel",
        value,
        style="danger",
        confirm=confirm(
            f"Cancel {booking.key}?",
            f"The booking is cancelled and *{booking.vehicle.registration}* is free again.",
            "Cancel booking",
        ),
    )
    no_show = button(
        "No-show",
        "booking_no_show",
        value,
        confirm=confirm(
            f"Mark {booking.key} a no-show?",
            f"The customer didn't come: *{booking.vehicle.registration}* is free again.",
            "Mark no-show",
        ),
    )
    blocks = actions(
        button("Picked up", "booking_picked_up", value, style="primary") if status is BookingStatus.RESERVED else None,
        button("Returned", "booking_returned", value, style="primary") if status is BookingStatus.ACTIVE else None,
        button("Extend", "booking_extend", value) if status in (BookingStatus.RESERVED, BookingStatus.ACTIVE) else None,
        button("Edit", "booking_edit", value) if status in (BookingStatus.RESERVED, BookingStatus.ACTIVE) else None,
        cancel if status is BookingStatus.RESERVED else None,
        no_show if status is BookingStatus.RESERVED and now >= booking.pickup_at else None,
        block_id=f"booking_actions_{booking.id}",
    )
    return blocks_to_dicts(blocks)


def booking_summary(booking: Booking, tz: ZoneInfo) -> str:
    """One line: key, customer, vehicle, period."""
    return (
        f"*{booking.key}* · {safe(booking.customer.name, 100)} · `{booking.vehicle.registration}` "
        f"{safe(booking.vehicle.make, 40)} {safe(booking.vehicle.model, 40)} · "
        f"{when(booking.pickup_at, tz)} – {when(booking.return_due_at, tz)}"
    )


def booking_card(booking: Booking, tz: ZoneInfo, now: datetime, *, grace: timedelta = timedelta(0)) -> dict:
    """The booking's message: everything about it, its buttons and its history. On hire past its
    due time plus ``grace`` (the workspace's late-return grace), it says *Overdue*."""
    vehicle, customer = booking.vehicle, booking.customer
    status = booking.status.value.replace("_", " ")
    overdue = booking.status is BookingStatus.ACTIVE and now >= booking.return_due_at + grace
    if overdue:
        status += " · OVERDUE"
    fields = [
        f"*Customer*\n{safe(customer.name, 200)}\n`{customer.licence_number}`",
        f"*Vehicle*\n`{vehicle.registration}` {safe(vehicle.make, 60)} {safe(vehicle.model, 60)}\n"
        f"{vehicle.category.value} · {money(vehicle.daily_rate)}/day",
        f"*Pickup*\n{_when(booking.pickup_at, tz)}",
        f"*Return due*\n{_when(booking.return_due_at, tz)}" + (" · :warning: *overdue*" if overdue else ""),
        f"*Quoted price*\n{money(booking.quoted_price)}",
    ]
    if booking.picked_up_at:
        fuel_out = f" · fuel {booking.fuel_out}" if booking.fuel_out else ""
        fields.append(
            f"*Picked up*\n{_when(booking.picked_up_at, tz)} · odometer {booking.odometer_out or 0:,}{fuel_out}"
        )
    if booking.returned_at:
        fields.append(
            f"*Returned*\n{_when(booking.returned_at, tz)} · odometer {booking.odometer_in or 0:,} · "
            f"fuel {booking.fuel_level}"
        )
        fields.append(f"*Late fee*\n{money(booking.late_fee)}")
        if booking.refuel_charge:
            fields.append(f"*Refuel charge*\n{money(booking.refuel_charge)}")
        total = pricing.total_due(booking.quoted_price, booking.late_fee, booking.refuel_charge)
        fields.append(f"*Total due*\n*{money(total)}* (price, late fee and charges)")
    blocks = [
        HeaderBlock(text=truncate(f"{STATUS_EMOJI[booking.status]} {booking.key} · {status}", HEADER_LIMIT)),
        SectionBlock(fields=[MarkdownTextObject(text=truncate(f, 2000)) for f in fields]),
    ]
    notes = [
        f"*Notes:* {safe(booking.notes, 2800)}" if booking.notes else None,
        f"*Damage at pick-up:* {safe(booking.damage_out, 2800)}" if booking.damage_out else None,
        f":warning: *New damage:* {safe(booking.damage_notes, 2800)}" if booking.damage_notes else None,
    ]
    blocks += sections([n for n in notes if n])
    history = [_event_line(e, tz) for e in booking.events[-HISTORY_SHOWN:]]
    if history:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate("\n".join(history), 3000))]))
    fallback = f"{booking.key} · {status} · {safe(customer.name, 100)} · {vehicle.registration}"
    return {"text": fallback, "blocks": blocks_to_dicts(blocks) + booking_action_buttons(booking, now)}


EDITED = {
    "edited_vehicle": "Vehicle",
    "edited_customer": "Customer",
    "edited_pickup": "Pickup",
    "edited_return_due": "Return",
    "edited_notes": "Notes",
}


def _when(instant: datetime, tz: ZoneInfo) -> str:
    """In each reader's zone; the workspace's local time as the fallback."""
    return reader_time(instant, local(instant, tz))


def _event_line(event: BookingEvent, tz: ZoneInfo) -> str:
    what = EVENT_WORDS.get(event.kind, event.kind)
    if event.kind == "extended" and event.new_value:
        what += f" to {when(datetime.fromisoformat(event.new_value), tz)}"
    if event.kind in EDITED:
        timed = event.kind in ("edited_pickup", "edited_return_due")

        def shown(value: str | None) -> str:
            if not value:
                return "_none_"
            return when(datetime.fromisoformat(value), tz) if timed else safe(value, 60)

        what = f"{EDITED[event.kind]} {shown(event.old_value)} → {shown(event.new_value)}"
    who = "HireDesk" if event.actor_id == SCHEDULER else user(event.actor_id)
    return f"{what} by {who} · {when(event.at, tz)}"


def new_damage_message(booking: Booking) -> dict:
    """The car hire channel's notice of damage found at a return that was not there at pick-up."""
    vehicle = booking.vehicle
    line = (
        f":warning: *New damage* on `{vehicle.registration}` {safe(vehicle.make, 60)} {safe(vehicle.model, 60)}, "
        f"returned with *{booking.key}* ({safe(booking.customer.name, 100)}): {safe(booking.damage_notes or '', 2000)}"
    )
    return message(sections([line]), f"New damage on {vehicle.registration} ({booking.key})")


def booking_done_message(booking: Booking, tz: ZoneInfo) -> dict:
    """The ephemeral confirmation when an action came from a message other than the card."""
    status = booking.status.value.lower().replace("_", " ")
    extra = f" · late fee {money(booking.late_fee)}" if booking.late_fee else ""
    return text_message(f":white_check_mark: {booking_summary(booking, tz)} · now *{status}*{extra}")


LIST_TITLES = {
    "today": "Today's pickups and returns",
    "active": "Active bookings (out now)",
    "overdue": "Overdue returns",
    "upcoming": "Upcoming pickups",
}
LIST_EMPTY = {
    "today": "No more pickups or returns today.",
    "active": "No car is out.",
    "overdue": "Nothing is overdue.",
    "upcoming": "No upcoming bookings.",
    "search": "No bookings match.",
}


def booking_list_message(listing: BookingList) -> dict:
    """A page of ``/booking list <kind>`` or of a search, with **Previous** / **Next**."""
    tz, page = listing.tz, listing.bookings
    if listing.kind == "search":
        title = f"Bookings matching “{safe(listing.query, 100)}”"
        paging = {"list": "booking_search", "q": listing.query}
    else:
        title, paging = LIST_TITLES[listing.kind], {"list": "bookings", "q": listing.kind}
    if not page.items:
        return text_message(f"*{title}*\n_{LIST_EMPTY[listing.kind]}_")
    if listing.kind == "today":
        lines = [f"*{title}*", "*Pickups*", *_lines(listing.pickups, tz, "No more pickups on this page.")]
        lines += ["*Returns*", *_lines(listing.returns, tz, "No more returns due on this page.")]
    else:
        lines = [f"*{title}* ({page.total})", *_lines(page.items, tz, "", listing.now)]
    return message([*sections(lines), *pages(page, paging)], title)


def _lines(bookings: list[Booking], tz: ZoneInfo, empty: str, now: datetime | None = None) -> list[str]:
    """A line per booking; a RESERVED one whose pickup time has passed (at ``now``) says so."""

    def late(booking: Booking) -> str:
        waiting = now is not None and booking.status is BookingStatus.RESERVED and booking.pickup_at <= now
        return " · :hourglass: _not picked up yet_" if waiting else ""

    return [f"• {booking_summary(b, tz)}{late(b)}" for b in bookings] or [f"_{empty}_"]


def availability_message(found: Availability) -> dict:
    tz = found.tz
    what = f"{found.category.value} vehicles" if found.category else "Vehicles"
    title = f"*{what} free {local(found.start, tz)} – {local(found.end, tz)}*"
    if not found.quotes:
        return text_message(f"{title}\n_None is free for the whole period._")
    lines = [title] + [
        f"• `{q.vehicle.registration}` {safe(q.vehicle.make, 40)} {safe(q.vehicle.model, 40)} · "
        f"{q.vehicle.category.value} · {q.vehicle.seats} seats · {money(q.vehicle.daily_rate)}/day · "
        f"*{money(q.price)}* for {q.days} day{'s' if q.days != 1 else ''}"
        for q in found.quotes
    ]
    lines.append("_Book with `/booking`._")
    return message(sections(lines), f"{len(found.quotes)} vehicles free")


def home_hire_section(pickups: list[Booking], returns: list[Booking], tz: ZoneInfo, now: datetime) -> list[dict]:
    """The App Home's car hire part for agents: today's pickups and returns, with their buttons."""
    blocks: list = [DividerBlock(), HeaderBlock(text="Car hire today")]
    result = blocks_to_dicts(blocks)
    for title, bookings, empty in (
        ("Pickups", pickups, "No more pickups today."),
        ("Returns", returns, "No more returns due today."),
    ):
        result += blocks_to_dicts(sections([f"*{title}*"]))
        if not bookings:
            result += blocks_to_dicts([ContextBlock(elements=[MarkdownTextObject(text=empty)])])
        for booking in bookings[:10]:
            result += blocks_to_dicts(sections([booking_summary(booking, tz)])) + booking_action_buttons(booking, now)
    return result
