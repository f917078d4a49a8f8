"""Workspaces: created on first sight, with per-workspace counters and settings."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Engine, delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import outbox
from bot.services.clock import utcnow
from db.models import Base, HandledRequest, Role, UserRole, Workspace, slack_bots


def ensure_workspace(session: Session, team_id: str, *, found: Workspace | None = None) -> Workspace:
    """The workspace's row, created on first sight. ``found``: the row the caller has just read
    (``bot.services.actors.load_actor`` reads it with the actor's roles, in one statement)."""
    workspace = found or session.get(Workspace, team_id)
    if workspace is None:
        # Concurrent first requests of a new workspace: the loser's insert
        # fails on the primary key; a savepoint keeps its transaction usable.
        try:
            with session.begin_nested():
                workspace = Workspace(team_id=team_id, created_at=utcnow(), last_ticket_number=0, last_booking_number=0)
                session.add(workspace)
        except IntegrityError:
            workspace = session.scalars(select(Workspace).where(Workspace.team_id == team_id)).one()
    # The session's identity map holds its objects weakly: without a reference the row would be read
    # again by the next ensure_workspace of the same request (the actor, the settings, the counter).
    session.info.setdefault("workspaces", {})[team_id] = workspace
    return workspace


def next_number(session: Session, team_id: str, counter: str) -> int:
    """Take the next T-<n>/B-<n> number of a workspace: unique, and increasing in the order taken.

    On PostgreSQL the number is taken in a transaction of its own (another pooled connection,
    committed at once), so the counter's row lock is held for that one statement instead of the
    whole request: under concurrent writers the request's transaction used to queue on it
    (docs/performance.md, §3). The price is a gap: a request that fails after taking its number
    (e.g. the loser of a booking race) leaves that number unused, as a sequence would.
    A workspace row this transaction created is not visible to another connection yet; then (and
    on SQLite, whose writers are serialized by ``BEGIN IMMEDIATE`` anyway, or on a session bound to
    a connection) the number is taken in the request's transaction, holding the lock until COMMIT.
    """
    column = {"ticket": Workspace.last_ticket_number, "booking": Workspace.last_booking_number}[counter]
    ensure_workspace(session, team_id)
    take = update(Workspace).where(Workspace.team_id == team_id).values({column: column + 1}).returning(column)
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        with bind.begin() as connection:
            number = connection.execute(take).scalar_one_or_none()
        if number is not None:
            return int(number)
    return int(session.execute(take).scalar_one())


def is_installed(session: Session, team_id: str) -> bool:
    """False once the workspace uninstalled the app or revoked its token (and until it is back)."""
    uninstalled_at = session.scalar(select(Workspace.uninstalled_at).where(Workspace.team_id == team_id))
    return uninstalled_at is None


def scheduled_team_ids(
    session: Session, *, oauth_client_id: str | None, only: Collection[str] | None = None
) -> list[str]:
    """The workspaces scheduled jobs run for: every one not uninstalled (and among ``only``, if
    given); over OAuth (the app's ``oauth_client_id``) only those whose bot token is stored."""
    query = select(Workspace.team_id).where(Workspace.uninstalled_at.is_(None)).order_by(Workspace.team_id)
    if only is not None:
        query = query.where(Workspace.team_id.in_(sorted(only)))
    if oauth_client_id is not None:
        bots = slack_bots.c
        query = query.where(
            exists().where(
                bots.client_id == oauth_client_id, bots.team_id == Workspace.team_id, bots.bot_token.is_not(None)
            )
        )
    return list(session.scalars(query))


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
    may keep its answer, user text included), so those go; the others name no workspace — an
    event id, a signature's hash, a Socket Mode envelope id — and the delivery worker forgets them
    an hour after (``KEEP_HANDLED``). An OAuth state names no workspace either and expires in minutes."""
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
