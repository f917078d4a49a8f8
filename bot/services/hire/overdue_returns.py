"""The overdue-returns job (PRODUCT.md §5): ACTIVE bookings past their return
time plus the grace period, alerted in the car hire channel once a day each
until returned (or extended).

A booking's alert days count from its due time, so a run after downtime
posts the current day's alert once, not one per missed day.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select
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
    (their message is redrawn once, to say *Overdue*), still on hire and with a message posted.
    A booking's alerts for one due time share the slot's prefix ``overdue:<due>+``."""
    if not reminders:
        return []
    subjects = {reminder.subject for reminder in reminders}
    claimed = session.execute(
        select(ReminderClaim.team_id, ReminderClaim.subject, ReminderClaim.slot).where(
            ReminderClaim.team_id.in_({reminder.team_id for reminder in reminders}),
            ReminderClaim.job == JOB,
            ReminderClaim.subject.in_(subjects),
        )
    ).all()
    alerts = Counter((row.team_id, row.subject, _due_part(row.slot)) for row in claimed)
    firsts = [r.item.id for r in reminders if alerts[(r.team_id, r.subject, _due_part(r.slot))] == 1]
    if not firsts:
        return []
    bookings = session.scalars(select(Booking).where(Booking.id.in_(firsts)).order_by(Booking.id))
    return [b for b in bookings if b.status is BookingStatus.ACTIVE and b.card_ts]


def _due_part(slot: str) -> str:
    return slot.rsplit("+", 1)[0]
