"""The registry of scheduled jobs: what each finds due and how it renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.publishing.bookings import queue_booking_message
from bot.publishing.tickets import queue_ticket_change
from bot.services import digest
from bot.services.hire import due_returns, no_shows, overdue_returns
from bot.services.reminders.claims import Reminder
from bot.services.tickets import auto_resolve, sla_warnings
from bot.services.tickets import critical as critical_tickets
from bot.services.workspace_settings import WorkspaceConfig, workspace_config
from bot.settings import Settings
from bot.views.digest import scheduled_digest_message
from bot.views.reminders.messages import reminder_message
from db.models import Booking


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    find_due: Callable[[Session, WorkspaceConfig, datetime], list[Reminder]]
    render: Callable[[list[Reminder]], dict]  # the reminders of one channel or thread → a message
    every: timedelta  # how often the app looks; only bounds how late a reminder can be
    # Jobs that change their subjects: (session, settings, the claims this run won) → what to post.
    act: Callable[[Session, Settings, list[Reminder]], list[Reminder]] | None = None


def _auto_resolve(session: Session, settings: Settings, won: list[Reminder]) -> list[Reminder]:
    """Resolve the tickets that waited too long; each change posts its card edit, thread line and DM."""
    for change in auto_resolve.act(session, won):
        config = workspace_config(session, change.ticket.team_id, settings)
        queue_ticket_change(session, config, change, notify_user=None)
    return []


def _mark_no_shows(session: Session, settings: Settings, won: list[Reminder]) -> list[Reminder]:
    """Mark the no-shows, redraw each changed booking's message; post the no-shows."""
    changed = no_shows.act(session, won)
    _redraw(session, settings, [booking for _, booking in changed])
    return [reminder for reminder, _ in changed if reminder.kind == no_shows.NO_SHOW]


def _redraw_overdue(session: Session, settings: Settings, won: list[Reminder]) -> list[Reminder]:
    """Post the overdue alerts; a booking's message is redrawn once, at its first, to say *Overdue*."""
    _redraw(session, settings, overdue_returns.first_alerted(session, won))
    return won


def _redraw(session: Session, settings: Settings, bookings: list[Booking]) -> None:
    """Queue each booking's message (and the posted lists showing it) as it is now."""
    configs: dict[str, WorkspaceConfig] = {}
    for booking in bookings:
        config = configs.get(booking.team_id) or workspace_config(session, booking.team_id, settings)
        configs[booking.team_id] = config
        queue_booking_message(session, config, booking, notify_user=None)


JOBS: dict[str, Job] = {
    job.name: job
    for job in [
        Job(
            due_returns.JOB,
            "today's returns each morning, and a reminder before each return is due (car hire channel)",
            due_returns.find_due,
            reminder_message,
            timedelta(minutes=1),
        ),
        Job(
            overdue_returns.JOB,
            "ACTIVE bookings past due plus grace, once a day each (car hire channel)",
            overdue_returns.find_due,
            reminder_message,
            timedelta(minutes=5),
            act=_redraw_overdue,
        ),
        Job(
            no_shows.JOB,
            "RESERVED bookings not picked up within the grace: marked NO_SHOW, listed once (car hire channel)",
            no_shows.find_due,
            reminder_message,
            timedelta(minutes=1),
            act=_mark_no_shows,
        ),
        Job(
            critical_tickets.JOB,
            "CRITICAL tickets without progress: thread reminders, escalation to managers",
            critical_tickets.find_due,
            reminder_message,
            timedelta(minutes=1),
        ),
        Job(
            sla_warnings.JOB,
            "one warning per missed service-level target, in the ticket card's thread",
            sla_warnings.find_due,
            reminder_message,
            timedelta(minutes=1),
        ),
        Job(
            auto_resolve.JOB,
            "tickets waiting on their reporter longer than the setting (default 3 days): resolved, reporter told",
            auto_resolve.find_due,
            reminder_message,
            timedelta(minutes=5),
            act=_auto_resolve,
        ),
        Job(
            digest.JOB,
            "the managers' daily digest (weekly on Mondays) at the digest time",
            digest.find_due,
            scheduled_digest_message,
            timedelta(minutes=1),
        ),
    ]
}
