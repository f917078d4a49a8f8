"""Who is acting: a Slack user in a workspace, with their roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from bot.errors import PermissionDenied
from bot.services.workspaces import ensure_workspace
from db.models import Role, UserRole, Workspace

ROLE_NAMES = {
    Role.EMPLOYEE: "an employee",
    Role.TECHNICIAN: "a technician",
    Role.AGENT: "an agent",
    Role.MANAGER: "a manager",
    Role.ADMIN: "an admin",
}


@dataclass(frozen=True)
class Actor:
    team_id: str
    user_id: str
    roles: frozenset[Role]
    config_admin: bool = False  # admin through HIREDESK_ADMINS, not a stored grant

    def has(self, *roles: Role) -> bool:
        """True if the actor holds any of ``roles``; admins may do everything."""
        return Role.ADMIN in self.roles or any(role in self.roles for role in roles)

    def require(self, *roles: Role, to: str) -> None:
        """Raise PermissionDenied naming the role(s) needed ``to`` do something."""
        if not self.has(*roles):
            raise PermissionDenied(f"Only {_role_list(roles or (Role.ADMIN,))} can {to}.")

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles


def _role_list(roles: Iterable[Role]) -> str:
    names = [ROLE_NAMES[r].split(" ", 1)[1] + "s" for r in roles if r is not Role.ADMIN]
    names.append("admins")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# Built once: the statement's construction and cache key cost more CPU than running it.
_WORKSPACE_AND_ROLES = (
    select(Workspace, UserRole.role)
    .outerjoin(UserRole, and_(UserRole.team_id == Workspace.team_id, UserRole.user_id == bindparam("user_id")))
    .where(Workspace.team_id == bindparam("team_id"))
)


def load_actor(session: Session, team_id: str, user_id: str, config_admins: Iterable[str] = ()) -> Actor:
    """The acting user with their roles in ``team_id``; creates the workspace row on first sight."""
    # One statement for the workspace's row and the actor's roles (the row's every request needs).
    rows = session.execute(_WORKSPACE_AND_ROLES, {"team_id": team_id, "user_id": user_id}).all()
    workspace = rows[0][0] if rows else None
    ensure_workspace(session, team_id, found=workspace)
    if workspace is not None:
        stored = [role for _, role in rows if role is not None]
    else:  # created just now (or by a concurrent first request): its roles, if any, read as before
        stored = list(
            session.scalars(select(UserRole.role).where(UserRole.team_id == team_id, UserRole.user_id == user_id))
        )
    config_admin = user_id in set(config_admins)
    roles = {Role.EMPLOYEE, *stored}
    if config_admin:
        roles.add(Role.ADMIN)
    return Actor(team_id=team_id, user_id=user_id, roles=frozenset(roles), config_admin=config_admin)
