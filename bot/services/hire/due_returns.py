"""The due-returns job (PRODUCT.md §5): the car hire channel's morning manifest
(today's pickups and returns, one message), and a reminder shortly (default 2
hours) before each ACTIVE booking is due back.

Computed from the database at an instant, so a late run still finds what it
missed: a morning list not yet posted is posted late, once; a reminder is due
from ``due_soon`` before the return until the return time itself.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.orm import Session

from bot.services.reminders.claims import Reminder
from bot.services.reminders.slots import local_date, local_day, local_instant, stamp
from bot.services.reminders.snapshots import BookingLine, booking_lines, note_cars_still_out
from bot.services.workspace_settings import WorkspaceConfig
from db.models import Booking, BookingStatus, booking_holds_vehicle

JOB = "due-returns"
# The morning manifest goes out at this local time and lists the pickups and
# the returns due today that were booked by then (later returns get their
# 2-hour reminder). Pickups and returns are claimed in slots of their own (a
# booking may be both), in one run, so they share one message.
MORNING_LIST_AT = time(8, 0)


def find_due(session: Session, config: WorkspaceConfig, now: datetime) -> list[Reminder]:
    channel = config.fleet_channel
    if not channel:
        return []
    return _morning_list(session, config, channel, now) + _due_soon(session, config, channel, now)


def _morning_list(session: Session, config: WorkspaceConfig, channel: str, now: datetime) -> list[Reminder]:
    today = local_date(now, config.tz)
    list_at = local_instant(today, MORNING_LIST_AT, config.tz)
    if now < list_at:
        return []
    day_start, day_end = local_day(today, config.tz)
    pickups = session.execute(
        booking_lines()
        .where(
            Booking.team_id == config.team_id,
            Booking.status == BookingStatus.RESERVED,
            Booking.pickup_at >= day_start,
            Booking.pickup_at < day_end,
            Booking.created_at < list_at,
        )
        .order_by(Booking.pickup_at, Booking.id)
    )
    returns = session.execute(
        booking_lines()
        .where(
            Booking.team_id == config.team_id,
            booking_holds_vehicle(),
            Booking.return_due_at >= day_start,
            Booking.return_due_at < day_end,
            # One past its due time plus the grace is the overdue list's (overdue_returns): not listed twice.
            Booking.return_due_at > now - config.return_grace,
            Booking.created_at < list_at,
        )
        .order_by(Booking.return_due_at, Booking.id)
    )
    day = today.isoformat()
    pickup_lines = note_cars_still_out(session, [BookingLine.of_row(row) for row in pickups], now)
    return [_reminder(config, channel, line, kind="today-pickup", slot=f"pickups:{day}") for line in pickup_lines] + [
        _reminder(config, channel, BookingLine.of_row(row), kind="today", slot=f"today:{day}") for row in returns
    ]


def _due_soon(session: Session, config: WorkspaceConfig, channel: str, now: datetime) -> list[Reminder]:
    bookings = session.execute(
        booking_lines()
        .where(
            Booking.team_id == config.team_id,
            Booking.status == BookingStatus.ACTIVE,
            Booking.return_due_at > now,
            Booking.return_due_at <= now + config.due_soon,
        )
        .order_by(Booking.return_due_at, Booking.id)
    )
    # The slot is the due time: an extended booking is reminded again for its new time.
    return [
        _reminder(
            config, channel, BookingLine.of_row(row), kind="due-soon", slot=f"due-soon:{stamp(row.return_due_at)}"
        )
        for row in bookings
    ]


def _reminder(config: WorkspaceConfig, channel: str, line: BookingLine, *, kind: str, slot: str) -> Reminder:
    return Reminder(
        team_id=config.team_id,
        job=JOB,
        subject=f"booking:{line.id}",
        slot=slot,
        kind=kind,
        channel=channel,
        item=line,
        timezone=config.timezone,
    )
