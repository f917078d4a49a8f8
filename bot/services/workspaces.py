"""Workspaces: created on first sight, with per-workspace counters and settings."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import outbox
from bot.services.clock import utcnow
from db.models import Base, HandledRequest, Role, UserRole, Workspace


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


def is_installed(session: Session, team_id: str) -> bool:
    """False once the workspace uninstalled the app or revoked its token (and until it is back)."""
    uninstalled_at = session.scalar(select(Workspace.uninstalled_at).where(Workspace.team_id == team_id))
    return uninstalled_at is None


def mark_installed(session: Session, team_id: str) -> Workspace:
    workspace = ensure_workspace(session, team_id)
    workspace.uninstalled_at = None
    return workspace


def mark_uninstalled(session: Session, team_id: str) -> Workspace:
    workspace = ensure_workspace(session, team_id)
    if workspace.uninstalled_at is None:
        workspace.uninstalled_at = utcnow()
    return workspace


def uninstall(session: Session, team_id: str) -> int:
    """The workspace uninstalled the app or revoked its bot token: nothing more is posted there.
    Its data stays (it may install again); ``purge`` deletes it. Returns the deliveries cancelled."""
    mark_uninstalled(session, team_id)
    return outbox.cancel_workspace(session, team_id)


def purge(session: Session, team_id: str) -> dict[str, int]:
    """Delete every row of a workspace, in every table (children before parents); rows deleted
    per table. ``handled_requests`` has no team column: a modal's repeat key names the team (and
    may keep its answer); the others are an event id or a signature's hash, pruned in days."""
    deleted: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        if "team_id" in table.columns:
            result = session.execute(delete(table).where(table.c.team_id == team_id))
            deleted[table.name] = result.rowcount  # type: ignore[attr-defined]
    result = session.execute(delete(HandledRequest).where(HandledRequest.key.startswith(f"view:{team_id}:")))
    deleted[HandledRequest.__tablename__] = result.rowcount  # type: ignore[attr-defined]
    return {table: count for table, count in deleted.items() if count}


def installed_by(session: Session, team_id: str, installer: str) -> None:
    """Installed over OAuth: the workspace is served again, and the installer is its first admin
    (only while it has none: a reinstall by someone else changes nobody's role)."""
    mark_installed(session, team_id)
    has_admin = session.scalar(
        select(UserRole.user_id).where(UserRole.team_id == team_id, UserRole.role == Role.ADMIN).limit(1)
    )
    if not has_admin:
        session.add(
            UserRole(team_id=team_id, user_id=installer, role=Role.ADMIN, granted_by=installer, granted_at=utcnow())
        )
