"""What a user's App Home shows them, by role (PRODUCT.md §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services import roles as role_service
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.hire import booking_queries
from bot.services.tickets import queries, sla_warnings
from bot.services.workspace_settings import WorkspaceConfig, workspace_config
from bot.settings import Settings
from db.models import Booking, Role, Severity, Ticket

MANAGER_LIST_LIMIT = 5  # tickets (and bookings) named in each part of the managers' section


@dataclass(frozen=True)
class AdminSummary:
    roles: role_service.RoleListing
    config: WorkspaceConfig


@dataclass(frozen=True)
class Breach:
    ticket: Ticket
    targets: tuple[str, ...]  # sla_warnings.RESPONSE and/or RESOLUTION


@dataclass(frozen=True)
class ManagerSummary:
    """The managers' part of the App Home: how the help desk stands now, and the day's car hire."""

    open_by_severity: dict[Severity, int]
    breach_count: int  # open tickets past a service-level target
    breaches: list[Breach]  # the oldest of them
    oldest_open: list[Ticket]
    # Today's pickups and returns still to come; None when the actor's car hire section shows them.
    pickups: list[Booking] | None
    returns: list[Booking] | None

    @property
    def open_total(self) -> int:
        return sum(self.open_by_severity.values())


@dataclass(frozen=True)
class HomeOverview:
    actor: Actor
    config: WorkspaceConfig
    my_open: queries.TicketList
    unassigned: queries.TicketList | None = None  # technicians
    assigned_to_me: queries.TicketList | None = None  # technicians
    admin: AdminSummary | None = None  # admins
    hire_day: booking_queries.HireDay | None = None  # those who work the car hire desk
    manager: ManagerSummary | None = None  # managers and admins


def overview(session: Session, actor: Actor, settings: Settings) -> HomeOverview:
    config = workspace_config(session, actor.team_id, settings)
    technician = actor.has(Role.TECHNICIAN)
    now = utcnow()
    hire_day = booking_queries.hire_day(session, actor, now, config.tz)
    return HomeOverview(
        actor=actor,
        config=config,
        my_open=queries.my_open(session, actor),
        unassigned=queries.unassigned(session, actor) if technician else None,
        assigned_to_me=queries.assigned_to_me(session, actor) if technician else None,
        admin=AdminSummary(role_service.list_roles(session, actor, settings.config_admins), config)
        if actor.is_admin
        else None,
        hire_day=hire_day,
        manager=manager_summary(session, actor, config, now, with_movements=hire_day is None)
        if actor.has(Role.MANAGER)
        else None,
    )


def manager_summary(
    session: Session, actor: Actor, config: WorkspaceConfig, now: datetime, *, with_movements: bool = True
) -> ManagerSummary:
    """Open tickets by severity, those past a service-level target, the oldest open, today's car hire
    movements. Every query reads an index range (the partial ``ix_tickets_open_queue``, the bookings'
    ``ix_bookings_pickup`` / ``ix_bookings_due``): it runs on every opening of a manager's App Home."""
    actor.require(Role.MANAGER, to="see the managers' overview")
    missed: dict[int, Breach] = {}
    for ticket, target, _deadline in sla_warnings.missed_targets(session, config, now, lookback=None):
        earlier = missed.get(ticket.id)
        missed[ticket.id] = Breach(ticket, (*earlier.targets, target) if earlier else (target,))
    breaches = sorted(missed.values(), key=lambda b: (b.ticket.created_at, b.ticket.id))
    pickups, returns = (
        booking_queries.todays_movements(session, actor, now, config.tz) if with_movements else (None, None)
    )
    return ManagerSummary(
        open_by_severity=queries.open_by_severity(session, actor.team_id),
        breach_count=len(breaches),
        breaches=breaches[:MANAGER_LIST_LIMIT],
        oldest_open=queries.oldest_open(session, actor.team_id, MANAGER_LIST_LIMIT),
        pickups=pickups,
        returns=returns,
    )
