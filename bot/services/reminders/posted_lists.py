"""The car hire lists the jobs posted (the morning list, due-soon and overdue reminders), as they
stand now: when a booking they show changes, its lists are rendered again from the database and
edited in place (bot/publishing/bookings.py), so a posted list never offers **Picked up** for a
no-show or **Returned** for a car that is back.

A list is the message of one outbox delivery; the reminder claims it posted name it
(``delivery_key``) and the bookings it shows (``subject``). Which section a booking is in follows
from its claim's slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.clock import utcnow
from bot.services.hire import due_returns, overdue_returns
from db.models import Booking, ReminderClaim

from .claims import Reminder
from .snapshots import BookingLine, booking_lines, note_cars_still_out

# Lists older than this are left as they were (scrolled far away; not worth Slack's rate limit).
REFRESH_WITHIN = timedelta(days=7)
# A claim's slot prefix → the section (reminder kind) its booking is listed in.
KIND_OF_SLOT = {
    (due_returns.JOB, "pickups:"): "today-pickup",
    (due_returns.JOB, "today:"): "today",
    (due_returns.JOB, "due-soon:"): "due-soon",
    (overdue_returns.JOB, "overdue:"): "overdue",
}
LIST_JOBS = sorted({job for job, _ in KIND_OF_SLOT})


@dataclass(frozen=True)
class PostedList:
    delivery_key: str  # the outbox delivery that posted it (an edit waits for it and takes its ts)
    job: str
    channel: str | None  # where it was posted, once Slack said so
    ts: str | None
    reminders: list[Reminder]  # its lines, in the job's order, each booking as it is now


def lists_showing(session: Session, booking: Booking, timezone: str, now: datetime | None = None) -> list[PostedList]:
    """The posted lists (of the last ``REFRESH_WITHIN``) that show ``booking``, rendered afresh."""
    since = (now or utcnow()) - REFRESH_WITHIN
    keys = session.scalars(
        select(ReminderClaim.delivery_key)
        .where(
            ReminderClaim.team_id == booking.team_id,
            ReminderClaim.subject == f"booking:{booking.id}",
            ReminderClaim.job.in_(LIST_JOBS),
            ReminderClaim.delivery_key.is_not(None),
            ReminderClaim.posted_at >= since,
        )
        .distinct()
    ).all()
    return [_posted_list(session, booking.team_id, key, timezone) for key in sorted(k for k in keys if k)]


def _posted_list(session: Session, team_id: str, delivery_key: str, timezone: str) -> PostedList:
    claims = session.scalars(
        select(ReminderClaim)
        .where(ReminderClaim.team_id == team_id, ReminderClaim.delivery_key == delivery_key)
        .order_by(ReminderClaim.id)
    ).all()
    ids = [_booking_id(claim.subject) for claim in claims]
    rows = session.execute(booking_lines().where(Booking.team_id == team_id, Booking.id.in_([i for i in ids if i])))
    lines = {
        line.id: line for line in note_cars_still_out(session, [BookingLine.of_row(row) for row in rows], utcnow())
    }
    reminders = [
        Reminder(
            team_id=team_id,
            job=claim.job,
            subject=claim.subject,
            slot=claim.slot,
            kind=kind,
            channel=claim.channel or "",
            item=lines[booking_id],
            timezone=timezone,
        )
        for claim, booking_id in zip(claims, ids, strict=True)
        if booking_id in lines and (kind := _kind(claim.job, claim.slot)) is not None
    ]
    reminders.sort(key=_listed_order)
    first = claims[0]
    return PostedList(delivery_key, first.job, first.channel, first.message_ts, reminders)


def _listed_order(reminder: Reminder) -> tuple[datetime, int]:
    """A section's order, as its job lists it: pickups by pickup time, returns by due time."""
    line: BookingLine = reminder.item
    return (line.pickup_at if reminder.kind == "today-pickup" else line.return_due_at, line.id)


def _kind(job: str, slot: str) -> str | None:
    return next(
        (kind for (of_job, prefix), kind in KIND_OF_SLOT.items() if job == of_job and slot.startswith(prefix)), None
    )


def _booking_id(subject: str) -> int | None:
    kind, _, number = subject.partition(":")
    return int(number) if kind == "booking" and number.isdigit() else None
