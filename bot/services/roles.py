"""Granting and removing roles (PRODUCT.md §1)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.errors import DomainError, PermissionDenied
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.user_text import quoted
from db.models import Role, UserRole

GRANTABLE = [Role.TECHNICIAN, Role.AGENT, Role.MANAGER, Role.ADMIN]


def parse_role(text: str) -> Role:
    try:
        role = Role(text.strip().lower())
    except ValueError:
        role = None
    if role not in GRANTABLE:
        names = ", ".join(r.value for r in GRANTABLE)
        raise DomainError(f"“{quoted(text, 30)}” is not a role. Roles: {names}.")
    return role


@dataclass(frozen=True)
class RoleChange:
    user_id: str
    role: Role
    granted: bool
    by: str  # the admin who changed it


@dataclass(frozen=True)
class RoleListing:
    by_user: dict[str, list[Role]]
    config_admins: list[str]


def grant(session: Session, actor: Actor, user_id: str, role: Role) -> RoleChange:
    actor.require(Role.ADMIN, to="grant roles")
    if user_id == actor.user_id:
        raise PermissionDenied("You can't grant a role to yourself: ask another admin.")
    exists = session.get(UserRole, (actor.team_id, user_id, role))
    if exists is not None:
        raise DomainError(f"<@{user_id}> is already {role.value}.")
    session.add(
        UserRole(team_id=actor.team_id, user_id=user_id, role=role, granted_by=actor.user_id, granted_at=utcnow())
    )
    session.flush()
    return RoleChange(user_id=user_id, role=role, granted=True, by=actor.user_id)


def revoke(session: Session, actor: Actor, user_id: str, role: Role, config_admins: list[str]) -> RoleChange:
    actor.require(Role.ADMIN, to="remove roles")
    if role is Role.ADMIN and user_id in config_admins:
        raise DomainError(f"<@{user_id}> is an admin through HIREDESK_ADMINS; change that setting instead.")
    row = session.get(UserRole, (actor.team_id, user_id, role), with_for_update=True)
    if row is None:
        raise DomainError(f"<@{user_id}> is not {role.value}.")
    if role is Role.ADMIN and user_id == actor.user_id and _admin_count(session, actor.team_id, config_admins) <= 1:
        raise DomainError("You are the last admin of this workspace, so you can't remove your own admin role.")
    session.execute(
        delete(UserRole).where(UserRole.team_id == actor.team_id, UserRole.user_id == user_id, UserRole.role == role)
    )
    return RoleChange(user_id=user_id, role=role, granted=False, by=actor.user_id)


def _admin_count(session: Session, team_id: str, config_admins: list[str]) -> int:
    stored = session.scalars(
        select(func.count())
        .select_from(UserRole)
        .where(UserRole.team_id == team_id, UserRole.role == Role.ADMIN, UserRole.user_id.not_in(config_admins or [""]))
    ).one()
    return stored + len(config_admins)


def list_roles(session: Session, actor: Actor, config_admins: list[str]) -> RoleListing:
    actor.require(Role.ADMIN, to="see everyone's roles")
    by_user: dict[str, list[Role]] = defaultdict(list)
    for row in session.scalars(
        select(UserRole).where(UserRole.team_id == actor.team_id).order_by(UserRole.user_id, UserRole.role)
    ):
        by_user[row.user_id].append(row.role)
    for user_id in config_admins:
        if Role.ADMIN not in by_user[user_id]:
            by_user[user_id].append(Role.ADMIN)
    return RoleListing(by_user=dict(by_user), config_admins=list(config_admins))
