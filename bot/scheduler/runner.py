"""One run of a job: find what is due in every workspace, claim it, post it.

    find due (one transaction) → claim (same transaction, committed)
    → for each channel or thread: renew the claims still ours → post one message → record its ts

A post that fails leaves its claims unposted with the error, so the next run
retries them; the Web API client itself already waits out 429s (Retry-After)
and retries connection and server errors, so nothing is dropped on a busy day.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.context import AppContext
from bot.services.clock import utcnow
from bot.services.reminders import claims
from bot.services.reminders.claims import CLAIM_RETENTION, CLAIM_TIMEOUT, Reminder

from .jobs import Job

log = logging.getLogger("hiredesk.scheduler")


@dataclass
class JobReport:
    job: str
    due: int = 0  # reminders due at this instant (including those posted before)
    claimed: int = 0  # of which this run won the claim
    posted: int = 0  # messages posted
    errors: list[str] = field(default_factory=list)  # failed posts, retried next run

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        line = f"{self.job}: {self.due} due, {self.claimed} claimed by this run, {self.posted} message(s) posted"
        if self.errors:
            line += f"; {len(self.errors)} post(s) failed and will be retried: " + "; ".join(self.errors[:3])
        return line


def run_job(
    ctx: AppContext,
    client: WebClient,
    job: Job,
    *,
    now: datetime | None = None,
    claim_timeout: timedelta = CLAIM_TIMEOUT,
) -> JobReport:
    now = now or utcnow()
    report = JobReport(job.name)
    worker = claims.worker_name()
    with ctx.db.transaction() as session:
        due = claims.find_due_everywhere(session, job.find_due, ctx.settings, now)
        won = claims.claim(session, due, now=now, worker=worker, timeout=claim_timeout)
        claims.prune(session, job.name, before=now - CLAIM_RETENTION)
    report.due, report.claimed = len(due), len(won)
    started = time.monotonic()
    for (_team_id, channel, thread_ts), group in _by_destination([r for r in due if r.key in won]).items():
        with ctx.db.transaction() as session:
            mine = claims.renew(
                session,
                [won[r.key] for r in group],
                worker=worker,
                at=now + timedelta(seconds=time.monotonic() - started),
            )
        group = [r for r in group if won[r.key] in mine]
        if group:
            _post(ctx, client, job, channel, thread_ts, group, [won[r.key] for r in group], now, report)
    return report


def _post(
    ctx: AppContext,
    client: WebClient,
    job: Job,
    channel: str,
    thread_ts: str | None,
    group: list[Reminder],
    ids: list[int],
    now: datetime,
    report: JobReport,
) -> None:
    """Post one message; record its ts on the claims, or the error (retried by the next run)."""
    try:
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, **job.render(group))
    except (SlackApiError, SlackClientError, OSError) as error:
        reason = _describe(error)
        log.warning("%s: post to %s failed (%s); %d reminder(s) will be retried", job.name, channel, reason, len(ids))
        report.errors.append(f"{channel}: {reason}")
        with ctx.db.transaction() as session:
            claims.mark_failed(session, ids, reason)
        return
    with ctx.db.transaction() as session:
        claims.mark_posted(session, ids, channel=response["channel"], ts=response["ts"], now=now)
    report.posted += 1


def _by_destination(reminders: list[Reminder]) -> dict[tuple, list[Reminder]]:
    groups: dict[tuple, list[Reminder]] = {}
    for reminder in reminders:
        groups.setdefault((reminder.team_id, reminder.channel, reminder.thread_ts), []).append(reminder)
    return groups


def _describe(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return f"Slack answered {error.response.get('error') or error.response.status_code}"
    return f"{type(error).__name__}: {error}"
