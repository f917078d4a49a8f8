"""The overdue-returns job (PRODUCT.md §5): ACTIVE bookings past their return
time plus the grace period, alerted in the car hire channel once a day each
until returned (or extended).

A booking's alert days count from its due time, so a run after downtime
posts the current day's alert once, not one per missed day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services.reminders.claims import Reminder
from bot.services.reminders.slots import periods_since, stamp
from bot.services.reminders.snapshots import BookingLine, booking_lines
from bot.services.workspace_settings import WorkspaceConfig
from db.models import Booking, BookingStatus, ReminderClaim

JOB = "overdue-returns"
ALERT_EVERY = timedelta(days=1)


def overdue_bookings(
    session: Session, config: WorkspaceConfig, now: datetime, limit: int | None = None
) -> list[BookingLine]:
    """ACTIVE bookings of the workspace due back before ``now`` minus the grace period, most overdue first."""
    query = (
        booking_lines()
        .where(
            Booking.team_id == config.team_id,
            Booking.status == BookingStatus.ACTIVE,
            Booking.return_due_at <= now - config.return_grace,
        )
        .order_by(Booking.return_due_at, Booking.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [BookingLine.of_row(row) for row in session.execute(query)]


def find_due(session: Session, config: WorkspaceConfig, now: datetime) -> list[Reminder]:
    if not config.fleet_channel:
        return []
    return [
        Reminder(
            team_id=config.team_id,
            job=JOB,
            subject=f"booking:{booking.id}",
            slot=f"overdue:{stamp(booking.return_due_at)}+{periods_since(booking.return_due_at, now, ALERT_EVERY)}d",
            kind="overdue",
            channel=config.fleet_channel,
            item=booking,
            timezone=config.timezone,
        )
        for booking in overdue_bookings(session, config, now)
    ]


def first_alerted(session: Session, reminders: list[Reminder]) -> list[Booking]:
    """Of the alerts this run won, the bookings alerted for the first time since their due time
    (their message is redrawn once, to say *Overdue*), still on hire and with a message posted."""
    firsts: list[Booking] = []
    for reminder in reminders:
        prefix = reminder.slot.rsplit("+", 1)[0] + "+"
        alerts = session.scalar(
            select(func.count()).where(
                ReminderClaim.team_id == reminder.team_id,
                ReminderClaim.job == JOB,
                ReminderClaim.subject == reminder.subject,
                ReminderClaim.slot.startswith(prefix, autoescape=True),
            )
        )
        booking = session.get(Booking, reminder.item.id) if alerts == 1 else None
        if booking is not None and booking.status is BookingStatus.ACTIVE and booking.card_ts:
            firsts.append(booking)
    return firsts
