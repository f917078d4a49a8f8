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

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot.services.clock import utcnow
from db.models import HandledRequest


def _record_key(dialect: Any) -> Any:
    return (
        dialect.insert(HandledRequest)
        .values(key=bindparam("key"), handled_at=bindparam("handled_at"))
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(HandledRequest.key)
    )


# Built once per dialect: building the statement for every request cost more CPU than running it.
_RECORD_KEY = {"postgresql": _record_key(postgresql), "sqlite": _record_key(sqlite)}


def first_time(session: Session, key: str) -> bool:
    """Record ``key``; False if a committed (or concurrently committing) request had it."""
    statement = _RECORD_KEY["postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"]
    inserted = session.execute(statement, {"key": key, "handled_at": utcnow()}).first()
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
