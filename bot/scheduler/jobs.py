"""The registry of scheduled jobs: what each finds due and how it renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.services import digest
from bot.services.hire import due_returns, overdue_returns
from bot.services.reminders.claims import Reminder
from bot.services.tickets import critical as critical_tickets
from bot.services.workspace_settings import WorkspaceConfig
from bot.views.digest import scheduled_digest_message
from bot.views.reminders.messages import reminder_message


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    find_due: Callable[[Session, WorkspaceConfig, datetime], list[Reminder]]
    render: Callable[[list[Reminder]], dict]  # the reminders of one channel or thread → a message
    every: timedelta  # how often the app looks; only bounds how late a reminder can be


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
        ),
        Job(
            critical_tickets.JOB,
            "CRITICAL tickets without progress: thread reminders, escalation to managers",
            critical_tickets.find_due,
            reminder_message,
            timedelta(minutes=1),
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
