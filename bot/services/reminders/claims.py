"""Exactly-once bookkeeping for scheduled posts (PRODUCT.md §5).

Every reminder has a key: (workspace, job, subject, slot), e.g.
(T1, "due-returns", "booking:12", "due-soon:2026-11-23T16:00Z"). Before
posting, a run *claims* its keys in the database and commits: the unique
constraint on ``reminder_claims`` decides which run wins, so however many
processes run a job at the same moment, each key is posted by one of them.

After the post the claim records the message ``ts``. A claim that stays
unposted is taken over by a later run when its post failed (``last_error``
is set) or when it is older than the claim timeout (its process died
between claim and post). Nothing here depends on APScheduler or on memory.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import and_, delete, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot.services.workspace_settings import WorkspaceConfig, workspace_config
from bot.settings import Settings
from db.models import ReminderClaim, Workspace

# Longer than the slowest post (the Web API client waits out up to five
# 429s), short enough that a crashed run's reminders are not late for long.
CLAIM_TIMEOUT = timedelta(minutes=10)
# Posted claims are kept this long (a CRITICAL ticket quiet for longer is escalated again).
CLAIM_RETENTION = timedelta(days=90)
_CHUNK = 500  # keys per INSERT statement

ClaimKey = tuple[str, str, str, str]  # (workspace, job, subject, slot)


@dataclass(frozen=True)
class Reminder:
    """One thing a job posts once: its claim key, where it goes and what it shows.

    ``kind`` names the section it is listed in (e.g. "today", "due-soon");
    ``item`` is a plain snapshot of the subject that the job's view renders.
    """

    team_id: str
    job: str
    subject: str
    slot: str
    kind: str
    channel: str
    item: Any
    timezone: str
    thread_ts: str | None = None

    @property
    def key(self) -> ClaimKey:
        return (self.team_id, self.job, self.subject, self.slot)


def find_due_everywhere(
    session: Session,
    find_due: Callable[[Session, WorkspaceConfig, datetime], list[Reminder]],
    defaults: Settings,
    now: datetime,
) -> list[Reminder]:
    """What a job finds due at ``now`` in every workspace, each read with its current settings."""
    due: list[Reminder] = []
    for team_id in session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)):
        due += find_due(session, workspace_config(session, team_id, defaults), now)
    return due


def worker_name() -> str:
    """Names one run: host, process and a random part (a process may run a job again)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def claim(
    session: Session, reminders: list[Reminder], *, now: datetime, worker: str, timeout: timedelta = CLAIM_TIMEOUT
) -> dict[ClaimKey, int]:
    """Claim the reminders' keys; return ``{key: claim id}`` for those this run won.

    Commit the session before posting, so other runs see the claims.
    """
    keys = sorted({r.key for r in reminders})  # one order everywhere: no deadlocks between runs
    won: dict[ClaimKey, int] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        won.update(_insert_new(session, chunk, now, worker))
        lost = [key for key in chunk if key not in won]
        if lost:
            won.update(_take_over(session, lost, now, worker, timeout))
    return won


def _insert_new(session: Session, keys: list[ClaimKey], now: datetime, worker: str) -> dict[ClaimKey, int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the rows returned are the claims we won."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [
        {"team_id": t, "job": j, "subject": s, "slot": sl, "claimed_at": now, "claimed_by": worker, "attempts": 1}
        for t, j, s, sl in keys
    ]
    statement = (
        dialect.insert(ReminderClaim)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["team_id", "job", "subject", "slot"])
        .returning(
            ReminderClaim.id, ReminderClaim.team_id, ReminderClaim.job, ReminderClaim.subject, ReminderClaim.slot
        )
    )
    return {(r.team_id, r.job, r.subject, r.slot): r.id for r in session.execute(statement)}


def _take_over(
    session: Session, keys: list[ClaimKey], now: datetime, worker: str, timeout: timedelta
) -> dict[ClaimKey, int]:
    """Re-claim unposted claims whose post failed or whose process died.

    ``FOR UPDATE SKIP LOCKED`` (PostgreSQL): of two runs taking over at once, each
    gets the rows the other has not locked, and PostgreSQL re-checks the
    conditions on rows whose lock it waited for, so no row is taken twice. On
    SQLite the write transaction is already serialized.
    """
    key_columns = tuple_(ReminderClaim.team_id, ReminderClaim.job, ReminderClaim.subject, ReminderClaim.slot)
    takeable = session.execute(
        select(ReminderClaim.id, ReminderClaim.team_id, ReminderClaim.job, ReminderClaim.subject, ReminderClaim.slot)
        .where(
            key_columns.in_(keys),
            ReminderClaim.posted_at.is_(None),
            or_(ReminderClaim.last_error.is_not(None), ReminderClaim.claimed_at < now - timeout),
        )
        .order_by(ReminderClaim.id)
        .with_for_update(skip_locked=True)
    ).all()
    if takeable:
        session.execute(
            update(ReminderClaim)
            .where(ReminderClaim.id.in_([r.id for r in takeable]))
            .values(claimed_at=now, claimed_by=worker, attempts=ReminderClaim.attempts + 1, last_error=None)
            .execution_options(synchronize_session=False)
        )
    return {(r.team_id, r.job, r.subject, r.slot): r.id for r in takeable}


def renew(session: Session, claim_ids: list[int], *, worker: str, at: datetime) -> set[int]:
    """Just before posting: keep those of ``claim_ids`` that are still this run's, as of ``at``.

    A run slowed down past the claim timeout (a long wait on rate limits) may
    have lost some claims to a later run; it must not post those too.
    """
    rows = session.execute(
        update(ReminderClaim)
        .where(ReminderClaim.id.in_(claim_ids), ReminderClaim.claimed_by == worker, ReminderClaim.posted_at.is_(None))
        .values(claimed_at=at)
        .returning(ReminderClaim.id)
        .execution_options(synchronize_session=False)
    )
    return {row.id for row in rows}


def mark_queued(session: Session, claim_ids: list[int], *, delivery_key: str | None, now: datetime) -> None:
    """The claims' message is in the outbox (same transaction): they count as posted from now on;
    the delivery fills in ``channel``/``message_ts`` once Slack has it. Without a delivery: done, nothing to post."""
    if not claim_ids:
        return
    session.execute(
        update(ReminderClaim)
        .where(ReminderClaim.id.in_(claim_ids))
        .values(posted_at=now, delivery_key=delivery_key, last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_posted(session: Session, claim_ids: list[int], *, channel: str, ts: str, now: datetime) -> None:
    session.execute(
        update(ReminderClaim)
        .where(ReminderClaim.id.in_(claim_ids))
        .values(posted_at=now, channel=channel, message_ts=ts, last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_failed(session: Session, claim_ids: list[int], error: str) -> None:
    """Leave the claims unposted with the error: the next run retries them."""
    session.execute(
        update(ReminderClaim)
        .where(ReminderClaim.id.in_(claim_ids))
        .values(last_error=error[:2000])
        .execution_options(synchronize_session=False)
    )


def prune(session: Session, job: str, *, before: datetime) -> int:
    """Forget claims posted before ``before``: their slots are long past and never computed again."""
    result = session.execute(
        delete(ReminderClaim)
        .where(ReminderClaim.job == job, ReminderClaim.posted_at < before)
        .execution_options(synchronize_session=False)
    )
    # A DELETE without RETURNING gives a CursorResult; Session.execute is typed for any statement.
    return cast("CursorResult[Any]", result).rowcount


def is_posted(session: Session, key: ClaimKey) -> bool:
    team_id, job, subject, slot = key
    return (
        session.scalar(
            select(ReminderClaim.id).where(
                ReminderClaim.team_id == team_id,
                ReminderClaim.job == job,
                ReminderClaim.subject == subject,
                ReminderClaim.slot == slot,
                ReminderClaim.posted_at.is_not(None),
            )
        )
        is not None
    )


def posted_claims(session: Session, team_id: str, job: str | None = None) -> list[ReminderClaim]:
    """Posted claims of a workspace, oldest first (for tests and diagnostics)."""
    conditions = [ReminderClaim.team_id == team_id, ReminderClaim.posted_at.is_not(None)]
    if job:
        conditions.append(ReminderClaim.job == job)
    return list(session.scalars(select(ReminderClaim).where(and_(*conditions)).order_by(ReminderClaim.id)))
