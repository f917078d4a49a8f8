"""The outbox (PRODUCT.md §8): Slack messages queued in the transaction of the change they report.

Enqueueing side (handlers and jobs, inside their transaction):
``post`` a message, ``edit`` one posted earlier, ``publish_home`` an App Home
tab, ``respond`` through a response_url, ``upload`` a file to someone's DM (an
export, built by the worker). Nothing here talks to Slack.

Sending side (``bot.delivery.worker``, each step its own short transaction):
``claim`` due deliveries, then ``posted`` / ``retry_later`` / ``failed``.

Rules kept here:
- Deliveries of one *lane* (e.g. ``T1:ticket:12``) are sent one at a time in
  the order they were queued, so a card is posted before its thread replies
  and edits arrive in order.
- An edit supersedes any still-pending edit of the same message: only the
  newest render is sent.
- A post claimed again after an attempt whose outcome is unknown (time-out,
  lost answer, dead process) is flagged ``maybe_sent``: the worker looks for it
  in the channel (message metadata carries the key) before posting again.
- A permanent failure is recorded, cancels what depended on it, and is told
  once to the person who acted; admins see it on their App Home.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Integer, Select, Table, and_, bindparam, delete, exists, func, insert, or_, select, text, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services.clock import utcnow
from db.models import (
    OPEN_STATUSES,
    Delivery,
    DeliveryStatus,
    ReminderClaim,
    Ticket,
    TicketThread,
    delivery_is_open,
    delivery_is_pending,
)
from db.models.base import spelled_out
from db.models.hire import Booking

METADATA_EVENT_TYPE = "hiredesk_delivery"
POST, EDIT, PUBLISH_HOME, RESPOND = "chat.postMessage", "chat.update", "views.publish", "response_url"
UPLOAD = "file_export"  # files.getUploadURLExternal → the bytes → files.completeUploadExternal
# Work that needs Slack's answers before it can change anything (bot.delivery.tasks): e.g. emoji to
# ticket reads the reacted message first. Queued like a message, so it survives a restart and runs once.
TASK = "task"
# A claim older than this is considered abandoned (its process died) and is taken over.
DEFAULT_LEASE = timedelta(seconds=60)
# Transient failures are retried this long before the delivery is given up as failed.
GIVE_UP_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Claimed:
    """A delivery as the worker sends it: plain values, detached from any session."""

    id: int
    key: str
    team_id: str
    method: str
    channel: str | None
    ts: str | None
    thread_ts: str | None
    payload: dict[str, Any]
    maybe_sent: bool  # an earlier attempt may have been posted: look before posting
    created_at: datetime
    attempts: int
    parent_missing: bool = False  # it edits or replies to a message that was never posted
    lane: str | None = None  # its lane: the next of it may be claimed when it is done


# The statements every message runs (queue, claim, record) are Core statements on the table, built
# once and run on the session's connection: through the ORM each cost 0.1 ms more CPU (docs/performance.md §11).
_DELIVERIES = cast(Table, Delivery.__table__)
_D = _DELIVERIES.c
_INSERT = insert(_DELIVERIES).returning(_D.id)
_SUPERSEDE = (
    update(_DELIVERIES)
    .where(_D.supersede == bindparam("superseded"), delivery_is_pending(_D.status))
    .values(status=DeliveryStatus.SUPERSEDED, finished_at=bindparam("finished"))
)


def _add(
    session: Session,
    team_id: str,
    key: str,
    method: str,
    payload: dict[str, Any],
    *,
    label: str,
    lane: str | None = None,
    channel: str | None = None,
    ts: str | None = None,
    thread_ts: str | None = None,
    parent_key: str | None = None,
    supersede: str | None = None,
    purpose: str | None = None,
    subject_id: int | None = None,
    notify_user: str | None = None,
) -> str:
    now = utcnow()
    if supersede:
        session.connection().execute(_SUPERSEDE, {"superseded": supersede, "finished": now})
    session.flush()  # what the delivery refers to (its workspace) is written first
    values = {
        "key": key,
        "team_id": team_id,
        "lane": lane,
        "method": method,
        "channel": channel,
        "ts": ts,
        "thread_ts": thread_ts,
        "parent_key": parent_key,
        "supersede": supersede,
        "payload": json.dumps(payload),
        "purpose": purpose,
        "subject_id": subject_id,
        "notify_user": notify_user,
        "label": label[:200],
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "maybe_sent": False,
        "created_at": now,
    }
    delivery_id = session.connection().execute(_INSERT, values).scalar_one()
    # After the commit, Database tells the delivery worker which deliveries to send.
    session.info.setdefault("outbox_queued", []).append(delivery_id)
    return key


def post(
    session: Session,
    team_id: str,
    key: str,
    channel: str,
    message: dict[str, Any],
    *,
    label: str,
    lane: str | None = None,
    thread_of: str | None = None,
    thread_ts: str | None = None,
    purpose: str | None = None,
    subject_id: int | None = None,
    notify_user: str | None = None,
) -> str:
    """Queue a new message in ``channel`` (a user ID means their DM). ``key`` names it for good:
    it must be unique, and the same change queued twice must use the same key.

    ``thread_of`` (the key of an earlier post) or ``thread_ts`` puts it in that message's thread.
    """
    return _add(
        session,
        team_id,
        key,
        POST,
        message,
        label=label,
        lane=lane,
        channel=channel,
        thread_ts=thread_ts,
        parent_key=thread_of,
        purpose=purpose,
        subject_id=subject_id,
        notify_user=notify_user,
    )


def edit(
    session: Session,
    team_id: str,
    key: str,
    message: dict[str, Any],
    *,
    label: str,
    supersede: str,
    of: str | None = None,
    channel: str | None = None,
    ts: str | None = None,
    lane: str | None = None,
    notify_user: str | None = None,
    repost_if_missing: bool = False,
    purpose: str | None = None,
    subject_id: int | None = None,
) -> str:
    """Queue an edit of the message posted by delivery ``of`` (or at ``channel``/``ts`` if known).

    ``supersede`` names the message for good (e.g. ``T1:ticket:12:card``): a still-pending edit
    of it is dropped, only the newest render is sent. ``repost_if_missing``: if someone deleted
    the message, post it again (``purpose``/``subject_id`` record where)."""
    payload = {**message, "repost_if_missing": True} if repost_if_missing else message
    return _add(
        session,
        team_id,
        key,
        EDIT,
        payload,
        label=label,
        lane=lane,
        channel=channel,
        ts=ts,
        parent_key=of,
        supersede=f"edit:{supersede}",
        notify_user=notify_user,
        purpose=purpose,
        subject_id=subject_id,
    )


def publish_home(session: Session, team_id: str, user_id: str, view: dict[str, Any], *, key: str) -> str:
    """Queue an App Home refresh; a pending refresh of the same tab is superseded."""
    return _add(
        session,
        team_id,
        key,
        PUBLISH_HOME,
        {"user_id": user_id, "view": view},
        label=f"the App Home of <@{user_id}>",
        supersede=f"home:{team_id}:{user_id}",
    )


def respond(
    session: Session, team_id: str, response_url: str, message: dict[str, Any], *, key: str, lane: str | None = None
) -> str:
    """Queue a reply through a response_url (replace the clicked message, or an ephemeral note)."""
    return _add(session, team_id, key, RESPOND, {"url": response_url, **message}, label="a reply to a click", lane=lane)


def task(
    session: Session,
    team_id: str,
    key: str,
    args: dict[str, Any],
    *,
    label: str,
    user: str,
    channel: str,
    again_if_failed: bool = False,
) -> bool:
    """Queue the task ``args["task"]`` (see ``bot.delivery.tasks``) once per ``key``: False if that
    key is queued already (by this transaction or a concurrent one: the loser of the race adds
    nothing). ``user`` (who asked) and ``channel`` (where it acts) are for the notice if it fails.
    ``again_if_failed``: a task of ``key`` that failed for good (its notice told ``user`` why, e.g.
    "invite HireDesk there") doesn't count: asking again queues it again, once (``key:again:<n>``)."""
    attempt, failures = key, 0
    while (status := session.scalar(select(Delivery.status).where(Delivery.key == attempt))) is not None:
        if not (again_if_failed and status == DeliveryStatus.FAILED):
            return False
        failures += 1
        attempt = f"{key}:again:{failures}"
    try:
        with session.begin_nested():
            _add(session, team_id, attempt, TASK, args, label=label, notify_user=user, channel=channel)
    except IntegrityError:
        return False
    return True


def still_ours(session: Session, delivery_id: int, worker: str) -> bool:
    """The delivery is still being sent by ``worker`` (row locked until commit): a task's effects
    may be applied, once."""
    row = session.get(Delivery, delivery_id, with_for_update=True, populate_existing=True)
    return row is not None and row.status == DeliveryStatus.SENDING and row.claimed_by == worker


def upload(session: Session, team_id: str, key: str, user_id: str, payload: dict[str, Any], *, label: str) -> str:
    """Queue a file for ``user_id``'s DM; the worker builds it from ``payload`` (bot.delivery.file_export)."""
    return _add(session, team_id, key, UPLOAD, payload, label=label, channel=user_id, notify_user=user_id)


def note_upload(session: Session, delivery_id: int, worker: str, file_id: str) -> bool:
    """An upload is about to be shared: remember its file, so that a retry after an unknown outcome
    looks for it before sharing another. False if the delivery is no longer this worker's."""
    if not still_ours(session, delivery_id, worker):
        return False
    row = session.get(Delivery, delivery_id)
    assert row is not None
    row.payload = json.dumps({**json.loads(row.payload), "file_id": file_id})
    return True


def exists_key(session: Session, key: str) -> bool:
    """A delivery of this key was queued and is not failed or cancelled (e.g. a card to edit)."""
    return (
        session.scalar(
            select(Delivery.id).where(
                Delivery.key == key,
                Delivery.status.not_in([DeliveryStatus.FAILED, DeliveryStatus.CANCELLED]),
            )
        )
        is not None
    )


def newest_render(session: Session, key: str) -> dict[str, Any] | None:
    """The newest message queued for the message that delivery ``key`` posted: its newest edit
    queued with ``edit_key(key)`` (not failed or cancelled), else the post's own; None if gone."""
    prefix = edit_key_prefix(key)
    live = Delivery.status.not_in([DeliveryStatus.FAILED, DeliveryStatus.CANCELLED])
    # A range on the unique key index: the message's edits, then (if none) its post.
    edits = select(Delivery.payload).where(Delivery.key >= prefix, Delivery.key < prefix + "\uffff", live)
    payload = session.scalar(edits.order_by(Delivery.id.desc()).limit(1)) or session.scalar(
        select(Delivery.payload).where(Delivery.key == key, live)
    )
    return json.loads(payload) if payload else None


def edit_key_prefix(key: str) -> str:
    """The prefix of the keys of the edits of delivery ``key``'s message (``newest_render`` finds them)."""
    return f"{key}:edit:"


# --- the sending side ------------------------------------------------------------------------


def _claim_statement() -> Select[Any]:
    """Built once (building it took more CPU than running it): the parameters are bound per call.
    Each row comes with where its parent (the message it edits or replies to) was posted, if it was.
    ``delivery_is_open`` repeats the partial indexes' WHERE: without it SQLite reads every delivery
    ever sent, on every claim, under its one write lock (docs/performance.md, §11)."""
    earlier, parent = _DELIVERIES.alias(), _DELIVERIES.alias()
    blocked = exists().where(earlier.c.lane == _D.lane, earlier.c.id < _D.id, delivery_is_open(earlier.c.status))
    return (
        select(
            _D.id,
            _D.key,
            _D.team_id,
            _D.method,
            _D.channel,
            _D.ts,
            _D.thread_ts,
            _D.parent_key,
            _D.payload,
            _D.status,
            _D.maybe_sent,
            _D.created_at,
            _D.attempts,
            _D.lane,
            parent.c.posted_channel,
            parent.c.posted_ts,
        )
        .select_from(
            _DELIVERIES.outerjoin(parent, and_(parent.c.key == _D.parent_key, parent.c.status == DeliveryStatus.POSTED))
        )
        .where(
            delivery_is_open(_D.status),
            or_(
                and_(_D.status == DeliveryStatus.PENDING, _D.next_attempt_at <= bindparam("now")),
                and_(_D.status == DeliveryStatus.SENDING, _D.claimed_at < bindparam("stale_before")),
            ),
            or_(_D.lane.is_(None), ~blocked),
        )
        .order_by(_D.next_attempt_at, _D.id)
        .limit(bindparam("limit", type_=Integer))
        .with_for_update(skip_locked=True, of=_DELIVERIES)
    )


_CLAIM = _claim_statement()
_CLAIM_IN_LANE = _CLAIM.where(_D.lane == bindparam("lane"))
_CLAIM_OF = _CLAIM.where(_D.id.in_(bindparam("ids", expanding=True)))
# A post stays "maybe sent" until Slack's answer says otherwise.
_MARK_CLAIMED = (
    update(_DELIVERIES)
    .where(_D.id.in_(bindparam("claimed_ids", expanding=True)))
    .values(
        status=DeliveryStatus.SENDING,
        claimed_by=bindparam("worker"),
        claimed_at=bindparam("claimed"),
        attempts=_D.attempts + 1,
        maybe_sent=or_(_D.maybe_sent, _D.method == POST),
    )
)


def claim(
    session: Session,
    worker: str,
    *,
    limit: int,
    lease: timedelta = DEFAULT_LEASE,
    now: datetime | None = None,
    lane: str | None = None,
    ids: list[int] | None = None,
) -> list[Claimed]:
    """Claim up to ``limit`` due deliveries for ``worker``; commit before sending.

    A delivery is due when its next attempt time has come and nothing queued
    before it in its lane is still open. ``FOR UPDATE SKIP LOCKED`` lets several
    workers claim at once without taking the same row (PostgreSQL); SQLite's
    write transactions are serialized anyway. With ``lane``, only that lane's
    (the worker claims the next of a lane in the transaction recording the one before);
    with ``ids``, only those (a request's own, sent after its answer).
    """
    now = now or utcnow()
    values: dict[str, Any] = {"now": now, "stale_before": now - lease, "limit": limit}
    statement = _CLAIM
    if lane is not None:
        values["lane"], statement = lane, _CLAIM_IN_LANE
    elif ids is not None:
        values["ids"], statement = ids, _CLAIM_OF
    connection = session.connection()  # Core statements: see _DELIVERIES
    rows = connection.execute(statement, values).all()
    if rows:
        connection.execute(_MARK_CLAIMED, {"claimed_ids": [row.id for row in rows], "worker": worker, "claimed": now})
    return [_claimed(row) for row in rows]


def _claimed(row: Any) -> Claimed:
    # A claim taken over from a dead process may have posted before it died.
    abandoned = row.status == DeliveryStatus.SENDING
    parent = (row.posted_channel, row.posted_ts) if row.parent_key else (None, None)
    return Claimed(
        id=row.id,
        key=row.key,
        team_id=row.team_id,
        method=row.method,
        channel=row.channel or parent[0],
        ts=row.ts or (parent[1] if row.method == EDIT else None),
        thread_ts=row.thread_ts or (parent[1] if row.method == POST and row.parent_key else None),
        payload=json.loads(row.payload),
        maybe_sent=row.maybe_sent or abandoned,
        created_at=row.created_at,
        attempts=row.attempts,
        parent_missing=bool(row.parent_key) and parent == (None, None) and not (row.ts or row.thread_ts),
        lane=row.lane,
    )


@dataclass(frozen=True)
class Posted:
    """A delivery just recorded as posted: what its purpose's recorder needs."""

    key: str
    team_id: str
    purpose: str | None
    subject_id: int | None


# One statement: the row is locked by the UPDATE itself, and one already posted or cancelled is left.
_MARK_POSTED = (
    update(_DELIVERIES)
    .where(
        _D.id == bindparam("delivery_id"),
        _D.status.not_in(spelled_out(DeliveryStatus.POSTED, DeliveryStatus.CANCELLED)),
    )
    .values(
        status=DeliveryStatus.POSTED,
        finished_at=bindparam("finished"),
        error=None,
        posted_channel=bindparam("channel_posted"),
        posted_ts=bindparam("ts_posted"),
        maybe_sent=False,
        claimed_by=bindparam("worker"),
    )
    .returning(_D.key, _D.team_id, _D.purpose, _D.subject_id)
)


def posted(
    session: Session, delivery_id: int, worker: str, *, channel: str | None, ts: str | None, now: datetime | None = None
) -> None:
    """Slack accepted it (or it was found already posted): record where, and what it means."""
    values = {
        "delivery_id": delivery_id,
        "finished": now or utcnow(),
        "channel_posted": channel,
        "ts_posted": ts,
        "worker": worker,
    }
    row = session.connection().execute(_MARK_POSTED, values).one_or_none()
    if row is None:
        return
    recorder = RECORDERS.get(row.purpose or "")
    if recorder and channel and ts:
        recorder(session, Posted(row.key, row.team_id, row.purpose, row.subject_id), channel, ts)


def retry_later(
    session: Session,
    delivery_id: int,
    worker: str,
    *,
    error: str,
    delay: timedelta,
    maybe_sent: bool,
    now: datetime | None = None,
) -> bool:
    """A transient failure: try again after ``delay``. Returns False if it was given up instead."""
    now = now or utcnow()
    row = session.get(Delivery, delivery_id, with_for_update=True)
    if row is None or row.status != DeliveryStatus.SENDING or row.claimed_by != worker:
        return True  # no longer ours (taken over after our lease ran out)
    if now - row.created_at > GIVE_UP_AFTER:
        failed(session, delivery_id, worker, error=f"gave_up:{error}", now=now)
        return False
    row.status, row.next_attempt_at, row.error = DeliveryStatus.PENDING, now + delay, error[:200]
    row.maybe_sent = row.method == POST and maybe_sent
    row.claimed_by = row.claimed_at = None
    return True


@dataclass(frozen=True)
class Failure:
    """A delivery that failed for good, for the notice to the person who acted."""

    key: str
    team_id: str
    notify_user: str | None
    label: str
    channel: str | None
    error: str


def failed(
    session: Session, delivery_id: int, worker: str, *, error: str, now: datetime | None = None
) -> Failure | None:
    """A permanent failure: record it and cancel what depended on it. Returns what to tell whom
    (the caller queues the notice, once: its key is derived from this delivery's)."""
    now = now or utcnow()
    row = session.get(Delivery, delivery_id, with_for_update=True)
    if row is None or row.status in (DeliveryStatus.POSTED, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED):
        return None
    row.status, row.finished_at, row.error, row.maybe_sent = DeliveryStatus.FAILED, now, error[:200], False
    session.flush()  # written before the Core statements that may follow (the lane's next claim reads it)
    _cancel_dependants(session, row.key, now)
    return Failure(row.key, row.team_id, row.notify_user, row.label, row.channel, error)


def recent_failures(session: Session, team_id: str, *, since: datetime, limit: int = 5) -> list[Failure]:
    """The workspace's latest permanent failures (the admins' App Home shows them)."""
    rows = session.scalars(
        select(Delivery)
        .where(
            Delivery.team_id == team_id,
            Delivery.status == DeliveryStatus.FAILED,
            Delivery.finished_at >= since,
            Delivery.error != "parent_failed",
        )
        .order_by(Delivery.finished_at.desc())
        .limit(limit)
    ).all()
    return [Failure(r.key, r.team_id, r.notify_user, r.label, r.channel, r.error or "") for r in rows]


def _cancel_dependants(session: Session, key: str, now: datetime) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.parent_key == key, delivery_is_open())
        .values(status=DeliveryStatus.CANCELLED, finished_at=now, error="parent_failed")
        .execution_options(synchronize_session=False)
    )


def cancel_workspace(session: Session, team_id: str, now: datetime | None = None) -> int:
    """Uninstalled or token revoked: nothing more is posted there."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.team_id == team_id, delivery_is_open())
        .values(status=DeliveryStatus.CANCELLED, finished_at=now or utcnow(), error="workspace_gone")
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount


def renew(session: Session, worker: str, delivery_ids: set[int], *, now: datetime) -> None:
    """The worker is alive and still sending these: push their lease forward."""
    session.execute(
        update(Delivery)
        .where(Delivery.id.in_(delivery_ids), Delivery.claimed_by == worker, Delivery.status == DeliveryStatus.SENDING)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )


def release(session: Session, worker: str, *, after: timedelta, maybe_sent_ids: set[int]) -> int:
    """On shutdown: hand this worker's claims back. Those in flight may have reached Slack, so
    they are looked up first, and not before ``after`` (when our own call has surely ended)."""
    now = utcnow()
    rows = session.scalars(
        select(Delivery).where(
            delivery_is_open(), Delivery.claimed_by == worker, Delivery.status == DeliveryStatus.SENDING
        )
    ).all()
    for row in rows:
        in_flight = row.id in maybe_sent_ids
        row.status, row.claimed_by, row.claimed_at = DeliveryStatus.PENDING, None, None
        row.next_attempt_at = now + after if in_flight else now
        row.maybe_sent = row.maybe_sent if in_flight else False
    return len(rows)


def prune(session: Session, *, before: datetime) -> int:
    """Forget finished deliveries (failures are kept longer for the admins' App Home)."""
    finished = [DeliveryStatus.POSTED, DeliveryStatus.SUPERSEDED, DeliveryStatus.CANCELLED]
    result = session.execute(
        delete(Delivery)
        .where(Delivery.status.in_(finished), Delivery.finished_at < before)
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount


def problems(session: Session, *, since: timedelta, keys: list[str] | None = None) -> list[str]:
    """Deliveries queued in the last ``since`` (of ``keys``, if given) that are not posted:
    still open, or failed."""
    query = select(Delivery.label, Delivery.status, Delivery.error).where(
        Delivery.created_at >= utcnow() - since,
        Delivery.status.in_([*OPEN_STATUSES, DeliveryStatus.FAILED]),
    )
    if keys is not None:
        query = query.where(Delivery.key.in_(keys))
    rows = session.execute(query).all()
    return [f"{r.label}: {r.status.value}{f' ({r.error})' if r.error else ''}" for r in rows]


def counts(session: Session) -> dict[str, int]:
    """Deliveries by status (for /metrics)."""
    return {
        status.value: n
        for status, n in session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
    }


# --- what a posted message means ---------------------------------------------------------------


def _card_recorder(model: type[Ticket] | type[Booking]) -> Callable[[Session, Posted, str, str], None]:
    """Where a ticket's or a booking's card was posted, recorded on it (edits go there)."""
    table = cast(Table, model.__table__)
    statement = (
        update(table)
        .where(table.c.team_id == bindparam("team"), table.c.id == bindparam("subject"))
        .values(card_channel=bindparam("channel_posted"), card_ts=bindparam("ts_posted"))
    )

    def record(session: Session, row: Posted, channel: str, ts: str) -> None:
        card = {"team": row.team_id, "subject": row.subject_id, "channel_posted": channel, "ts_posted": ts}
        session.connection().execute(statement, card)

    return record


_claims = cast(Table, ReminderClaim.__table__)
_SET_REMINDER = (
    update(_claims)
    .where(_claims.c.delivery_key == bindparam("delivery"))
    .values(channel=bindparam("channel_posted"), message_ts=bindparam("ts_posted"))
)
# Text for the reason given in bot/services/handled.py (a dialect's ON CONFLICT is compiled every time).
_threads = cast(Table, TicketThread.__table__)
_ADD_TICKET_THREAD = text(
    "INSERT INTO ticket_threads (team_id, channel, ts, ticket_id) VALUES (:team, :channel_posted, :ts_posted, :subject) "
    "ON CONFLICT DO NOTHING"
).bindparams(
    bindparam("team", type_=_threads.c.team_id.type),
    bindparam("channel_posted", type_=_threads.c.channel.type),
    bindparam("ts_posted", type_=_threads.c.ts.type),
    bindparam("subject", type_=_threads.c.ticket_id.type),
)


# (A Core UPDATE also sets every column named by a parameter: each gets only its own, named apart.)
def _reminder(session: Session, row: Posted, channel: str, ts: str) -> None:
    session.connection().execute(_SET_REMINDER, {"delivery": row.key, "channel_posted": channel, "ts_posted": ts})


def _ticket_dm(session: Session, row: Posted, channel: str, ts: str) -> None:
    """A DM about a ticket: an answer in its thread is a comment (bot.services.tickets.conversation)."""
    if row.subject_id is not None:
        thread = {"team": row.team_id, "subject": row.subject_id, "channel_posted": channel, "ts_posted": ts}
        session.connection().execute(_ADD_TICKET_THREAD, thread)


# purpose → what to record once the message is posted
RECORDERS: dict[str, Callable[[Session, Posted, str, str], None]] = {
    "ticket_card": _card_recorder(Ticket),
    "ticket_dm": _ticket_dm,  # a DM to the reporter: their answers in its thread are comments
    "booking_card": _card_recorder(Booking),
    "reminder": _reminder,
}


def metadata_for(key: str) -> dict[str, Any]:
    """The Slack message metadata that tags a message with its delivery key."""
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": key}}
