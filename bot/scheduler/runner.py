"""One run of a job: find what is due in every workspace, claim it, queue one message per channel.

    find due → claim → queue a delivery per channel or thread → commit   (one transaction)

The delivery worker (bot.delivery) posts the messages; retries, 429s and lost
answers are its business, so a run never waits on Slack.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.context import AppContext
from bot.services import outbox
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
    queued: int = 0  # messages queued (one per channel or thread)
    errors: list[str] = field(default_factory=list)  # deliveries that failed (known when drained)
    delivery_keys: list[str] = field(default_factory=list)  # the messages this run queued

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        line = f"{self.job}: {self.due} due, {self.claimed} claimed by this run, {self.queued} message(s) queued"
        if self.errors:
            line += f"; {len(self.errors)} not posted yet: " + "; ".join(self.errors[:3])
        return line


def run_job(
    ctx: AppContext,
    job: Job,
    *,
    now: datetime | None = None,
    claim_timeout: timedelta = CLAIM_TIMEOUT,
) -> JobReport:
    """Find what is due, claim it and queue its messages, all in one transaction.

    The claim and its message commit together, so a reminder claimed is a
    reminder queued: the outbox posts it exactly once (looking it up in the
    channel first if a post's outcome was lost), whatever happens to this process.
    """
    now = now or utcnow()
    report = JobReport(job.name)
    worker = claims.worker_name()
    only = ctx.tenancy.scheduled_teams()  # what Slack last said of the token(s): never asks it
    with ctx.db.transaction() as session:
        due = claims.find_due_everywhere(session, job.find_due, ctx.settings, now, only=only)
        won = claims.claim(session, due, now=now, worker=worker, timeout=claim_timeout)
        mine = [r for r in due if r.key in won]
        # A job that changes its subjects (no-shows) does so here, in the claims' transaction,
        # and says which of them to post.
        to_post = job.act(session, ctx.settings, mine) if job.act else mine
        for (team_id, channel, thread_ts), group in _by_destination([r for r in to_post if r.channel]).items():
            ids = [won[r.key] for r in group]
            key = f"{team_id}:reminder:{job.name}:{min(ids)}:{secrets.token_hex(4)}"
            outbox.post(
                session,
                team_id,
                key,
                channel,
                job.render(group),
                thread_ts=thread_ts,
                purpose="reminder",
                label=f"the {job.name} reminder",
            )
            claims.mark_queued(session, ids, delivery_key=key, now=now)
            report.queued += 1
            report.delivery_keys.append(key)
        # Claims with nothing to post (no channel, or nothing changed) are done all the same.
        posted = {r.key for r in to_post if r.channel}
        claims.mark_queued(session, [won[r.key] for r in mine if r.key not in posted], delivery_key=None, now=now)
        claims.prune(session, job.name, before=now - CLAIM_RETENTION)
    report.due, report.claimed = len(due), len(won)
    return report


def _by_destination(reminders: list[Reminder]) -> dict[tuple, list[Reminder]]:
    groups: dict[tuple, list[Reminder]] = {}
    for reminder in reminders:
        groups.setdefault((reminder.team_id, reminder.channel, reminder.thread_ts), []).append(reminder)
    return groups
