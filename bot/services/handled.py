"""No double effects (PRODUCT.md §8): a request already handled is not handled again.

Keys: ``view:<team>:<view id>:<hash>`` for a modal submission (a double click,
Slack's retry and a replay all carry the same view hash), ``event:<event id>``
for an Events API event, ``sig:<digest>`` for any other signed request that
writes (a replay of the same bytes within Slack's 5-minute window).

``first_time`` inserts the key in the request's own transaction, before the
change: of two copies arriving together, the second waits on the first's
uncommitted row (PostgreSQL) or its write lock (SQLite) and then sees it. If
the first fails and rolls back, its key goes with it, so a retry can succeed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot.services.clock import utcnow
from db.models import HandledRequest

# Written once, as text: SQLAlchemy does not cache the compiled form of a dialect's INSERT … ON
# CONFLICT (``inherit_cache = False``), so building it with ``postgresql.insert`` compiled it again
# for every request. PostgreSQL and SQLite (3.35+) both take this SQL; the bound values go through
# the columns' types as before.
_columns = HandledRequest.__table__.c
_RECORD_KEY = text(
    'INSERT INTO handled_requests ("key", handled_at) VALUES (:key, :handled_at) '
    'ON CONFLICT ("key") DO NOTHING RETURNING "key"'
).bindparams(bindparam("key", type_=_columns["key"].type), bindparam("handled_at", type_=_columns["handled_at"].type))


def first_time(session: Session, key: str) -> bool:
    """Record ``key``; False if a committed (or concurrently committing) request had it."""
    inserted = session.execute(_RECORD_KEY, {"key": key, "handled_at": utcnow()}).first()
    return inserted is not None


def remember_answer(session: Session, key: str, answer: dict[str, Any]) -> None:
    """The answer the first request got, so a repeat gets the same one."""
    session.execute(
        update(HandledRequest)
        .where(HandledRequest.key == key)
        .values(answer=json.dumps(answer))
        .execution_options(synchronize_session=False)
    )


def answer_of(session: Session, key: str) -> dict[str, Any] | None:
    answer = session.scalar(select(HandledRequest.answer).where(HandledRequest.key == key))
    return json.loads(answer) if answer else None


def prune(session: Session, *, before: datetime) -> int:
    """Slack's own retries and replays are refused after 5 minutes anyway."""
    result = session.execute(
        delete(HandledRequest).where(HandledRequest.handled_at < before).execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", result).rowcount
