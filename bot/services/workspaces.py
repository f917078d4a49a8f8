"""Workspaces: created on first sight, with per-workspace counters and settings."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services.clock import utcnow
from db.models import Workspace


def ensure_workspace(session: Session, team_id: str) -> Workspace:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        # Concurrent first requests of a new workspace: the loser's insert
        # fails on the primary key; a savepoint keeps its transaction usable.
        try:
            with session.begin_nested():
                workspace = Workspace(team_id=team_id, created_at=utcnow(), last_ticket_number=0, last_booking_number=0)
                session.add(workspace)
        except IntegrityError:
            workspace = session.scalars(select(Workspace).where(Workspace.team_id == team_id)).one()
    return workspace


def next_number(session: Session, team_id: str, counter: str) -> int:
    """Atomically take the next T-<n>/B-<n> number of a workspace.

    ``UPDATE … RETURNING`` holds the row lock until commit, so two concurrent
    requests never get the same number (PostgreSQL and SQLite ≥ 3.35).
    """
    column = {"ticket": Workspace.last_ticket_number, "booking": Workspace.last_booking_number}[counter]
    ensure_workspace(session, team_id)
    return session.execute(
        update(Workspace).where(Workspace.team_id == team_id).values({column: column + 1}).returning(column)
    ).scalar_one()
