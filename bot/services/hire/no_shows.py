"""The no-shows job (PRODUCT.md §4, §5): a RESERVED booking not picked up within the grace
(default 2 hours) after its pickup time is marked NO_SHOW, which frees its car; the car hire
channel hears of each once, in one message per run.

Two kinds of claim per booking, each taken once:
- ``pickup-passed:<pickup>``: its pickup time has passed; its message is redrawn with **No-show**
  (nothing is posted);
- ``no-show``: the grace ran out; the booking is marked and listed in the channel.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.hire.bookings import SCHEDULER, record_no_show
from bot.services.reminders.claims import Reminder
from bot.services.reminders.slots import stamp
from bot.services.reminders.snapshots import BookingLine, bookings_with_parties
from bot.services.workspace_settings import WorkspaceConfig
from db.models import Booking, BookingStatus

JOB = "no-shows"
NO_SHOW, PICKUP_PASSED = "no-show", "pickup-passed"


def find_due(session: Session, config: WorkspaceConfig, now: datetime) -> list[Reminder]:
    """RESERVED bookings whose pickup time has passed: no-shows past the grace, the rest
    (those with a message to redraw) as pickup-passed. Posted only where a channel is set;
    a no-show is marked even without one."""
    bookings = session.scalars(
        bookings_with_parties()
        .where(Booking.team_id == config.team_id, Booking.status == BookingStatus.RESERVED, Booking.pickup_at <= now)
        .order_by(Booking.pickup_at, Booking.id)
    )
    due: list[Reminder] = []
    for booking in bookings:
        if booking.pickup_at <= now - config.no_show_grace:
            due.append(_reminder(config, booking, NO_SHOW, NO_SHOW, config.fleet_channel or ""))
        elif booking.card_ts:
            due.append(_reminder(config, booking, PICKUP_PASSED, f"{PICKUP_PASSED}:{stamp(booking.pickup_at)}", ""))
    return due


def act(session: Session, reminders: list[Reminder]) -> list[tuple[Reminder, Booking]]:
    """For the claims this run won: mark the no-shows (those still RESERVED with the pickup time
    they were found with; an agent may have acted meanwhile) and return each reminder whose
    booking's message changes, with its booking (locked, in the caller's transaction)."""
    changed: list[tuple[Reminder, Booking]] = []
    for reminder in sorted(reminders, key=lambda r: r.item.id):  # one lock order for every run
        line: BookingLine = reminder.item
        booking = session.scalars(
            select(Booking)
            .where(Booking.team_id == reminder.team_id, Booking.id == line.id)
            .with_for_update()
            .execution_options(populate_existing=True)  # the row as locked, not as find_due read it
        ).one_or_none()
        if booking is None or booking.status is not BookingStatus.RESERVED or booking.pickup_at != line.pickup_at:
            continue
        if reminder.kind == NO_SHOW:
            record_no_show(session, booking, SCHEDULER)
        changed.append((reminder, booking))
    return changed


def _reminder(config: WorkspaceConfig, booking: Booking, kind: str, slot: str, channel: str) -> Reminder:
    return Reminder(
        team_id=config.team_id,
        job=JOB,
        subject=f"booking:{booking.id}",
        slot=slot,
        kind=kind,
        channel=channel,
        item=BookingLine.of(booking),
        timezone=config.timezone,
    )
