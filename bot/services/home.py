"""What a user's App Home shows them, by role (PRODUCT.md §3)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.services import roles as role_service
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.hire import booking_queries
from bot.services.tickets import queries
from bot.services.workspace_settings import WorkspaceConfig, workspace_config
from bot.settings import Settings
from db.models import Role


@dataclass(frozen=True)
class AdminSummary:
    roles: role_service.RoleListing
    config: WorkspaceConfig


@dataclass(frozen=True)
class HomeOverview:
    actor: Actor
    config: WorkspaceConfig
    my_open: queries.TicketList
    unassigned: queries.TicketList | None = None  # technicians
    assigned_to_me: queries.TicketList | None = None  # technicians
    admin: AdminSummary | None = None  # admins
    hire_day: booking_queries.HireDay | None = None  # those who work the car hire desk


def overview(session: Session, actor: Actor, settings: Settings) -> HomeOverview:
    config = workspace_config(session, actor.team_id, settings)
    technician = actor.has(Role.TECHNICIAN)
    return HomeOverview(
        actor=actor,
        config=config,
        my_open=queries.my_open(session, actor),
        unassigned=queries.unassigned(session, actor) if technician else None,
        assigned_to_me=queries.assigned_to_me(session, actor) if technician else None,
        admin=AdminSummary(role_service.list_roles(session, actor, settings.config_admins), config)
        if actor.is_admin
        else None,
        hire_day=booking_queries.hire_day(session, actor, utcnow(), config.tz),
    )
