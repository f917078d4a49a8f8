"""The managers' digest (PRODUCT.md §5): daily at the workspace's digest time
(default 08:30 local), a weekly one on Mondays, and on demand with
``/hiredesk digest now``.

The daily digest covers the last 24 hours, the Monday one the last 7 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument, and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from bot.services.actors import Actor
from bot.services.hire.overdue_returns import overdue_bookings
from bot.services.reminders.claims import Reminder, is_posted
from bot.services.reminders.slots import local_date, local_day, local_instant
from bot.services.reminders.snapshots import BookingLine, TicketLine
from bot.services.tickets import csat, queries, sla
from bot.services.workspace_settings import WorkspaceConfig, workspace_config
from bot.settings import Settings
from db.models import (
    HOLDING_STATUSES,
    Base,
    Booking,
    BookingStatus,
    Role,
    Severity,
    Ticket,
    TicketState,
    Vehicle,
    VehicleStatus,
    ticket_is_open,
)

JOB = "digest"
NAMED = 5  # oldest open tickets and overdue bookings named in full
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class TargetShare:
    met: int
    decided: int  # met in time, or missed (done late or not done by the deadline) in the period

    @property
    def share(self) -> float | None:
        return self.met / self.decided if self.decided else None


@dataclass(frozen=True)
class Digest:
    weekly: bool
    day: date  # the local date it is for
    timezone: str  # the workspace's, for showing times
    since: datetime
    until: datetime
    # help desk
    tickets_opened: int
    tickets_resolved: int
    open_by_severity: dict[Severity, int]
    oldest_open: list[TicketLine]
    mean_time_to_resolve: timedelta | None
    sla_response: TargetShare  # of the first-response targets decided in the period, how many were met
    sla_resolution: TargetShare
    csat: csat.CsatSummary  # the ratings given (or changed) in the period: average and count
    # car hire
    pickups_today: int
    returns_today: int
    overdue_count: int
    overdue: list[BookingLine]
    vehicles_on_hire: int
    fleet_size: int
    revenue_week: Decimal

    @property
    def open_total(self) -> int:
        return sum(self.open_by_severity.values())

    @property
    def has_news(self) -> bool:
        """Anything to report: a digest of nothing but zeros is not posted (the slot is done all the same)."""
        counts = (
            self.tickets_opened, self.tickets_resolved, self.open_total, self.csat.count, self.pickups_today,
            self.returns_today, self.overdue_count, self.vehicles_on_hire,
        )  # fmt: skip
        return any(counts) or self.revenue_week > 0

    @property
    def utilisation(self) -> float | None:
        return self.vehicles_on_hire / self.fleet_size if self.fleet_size else None


def find_due(session: Session, config: WorkspaceConfig, now: datetime) -> list[Reminder]:
    """Today's digest once its local time has come (and until the day ends); on a day with nothing
    to report (an empty workspace) the day's slot is claimed but nothing is posted."""
    if not config.managers_channel:
        return []
    today = local_date(now, config.tz)
    if now < local_instant(today, config.digest_time, config.tz):
        return []
    slot = f"daily:{today.isoformat()}"
    if is_posted(session, (config.team_id, JOB, "digest", slot)):  # skip the queries on every later run of the day
        return []
    digest = build_digest(session, config, now, weekly=today.weekday() == 0)
    return [
        Reminder(
            team_id=config.team_id,
            job=JOB,
            subject="digest",
            slot=slot,
            kind="digest",
            channel=config.managers_channel if digest.has_news else "",  # nothing to report: claimed, not posted
            item=digest,
            timezone=config.timezone,
        )
    ]


def digest_now(session: Session, actor: Actor, defaults: Settings, now: datetime) -> Digest:
    """/hiredesk digest now: the daily digest as of ``now``, for managers."""
    actor.require(Role.MANAGER, to="ask for a digest")
    return build_digest(session, workspace_config(session, actor.team_id, defaults), now, weekly=False)


def build_digest(session: Session, config: WorkspaceConfig, now: datetime, *, weekly: bool) -> Digest:
    team = config.team_id
    since = now - (WEEK if weekly else timedelta(days=1))
    today = local_date(now, config.tz)
    day_start, day_end = local_day(today, config.tz)
    overdue = overdue_bookings(session, config, now, limit=NAMED)
    return Digest(
        weekly=weekly,
        day=today,
        timezone=config.timezone,
        since=since,
        until=now,
        tickets_opened=_count(
            session, Ticket, Ticket.team_id == team, Ticket.created_at >= since, Ticket.created_at < now
        ),
        tickets_resolved=_count(
            session, Ticket, Ticket.team_id == team, Ticket.resolved_at >= since, Ticket.resolved_at < now
        ),
        open_by_severity=queries.open_by_severity(session, team),
        oldest_open=[TicketLine.of(t) for t in queries.oldest_open(session, team, NAMED)],
        mean_time_to_resolve=_mean_time_to_resolve(session, team, since, now),
        **_sla_shares(session, config, since, now),
        csat=csat.summary(session, team, since, now),
        pickups_today=_count(
            session,
            Booking,
            Booking.team_id == team,
            Booking.status.in_([*HOLDING_STATUSES, BookingStatus.RETURNED]),
            Booking.pickup_at >= day_start,
            Booking.pickup_at < day_end,
        ),
        returns_today=_count(
            session,
            Booking,
            Booking.team_id == team,
            Booking.status.in_([*HOLDING_STATUSES, BookingStatus.RETURNED]),
            Booking.return_due_at >= day_start,
            Booking.return_due_at < day_end,
        ),
        overdue_count=_count(
            session,
            Booking,
            Booking.team_id == team,
            Booking.status == BookingStatus.ACTIVE,
            Booking.return_due_at <= now - config.return_grace,
        ),
        overdue=overdue,
        vehicles_on_hire=session.scalar(
            select(func.count(distinct(Booking.vehicle_id))).where(
                Booking.team_id == team, Booking.status == BookingStatus.ACTIVE
            )
        )
        or 0,
        fleet_size=_count(
            session,
            Vehicle,
            Vehicle.team_id == team,
            Vehicle.status != VehicleStatus.RETIRED,
            Vehicle.archived_at.is_(None),
        ),
        revenue_week=session.scalar(
            select(
                func.coalesce(
                    func.sum(
                        Booking.quoted_price
                        + func.coalesce(Booking.late_fee, 0)
                        + func.coalesce(Booking.refuel_charge, 0)  # the charges are revenue too
                    ),
                    0,
                )
            ).where(
                Booking.team_id == team,
                Booking.returned_at >= now - WEEK,
                Booking.returned_at < now,
                Booking.status == BookingStatus.RETURNED,
            )
        )
        or Decimal(0),
    )


def _sla_shares(session: Session, config: WorkspaceConfig, since: datetime, until: datetime) -> dict[str, TargetShare]:
    """The share of targets met, of those decided in [since, until).

    A target is decided when it is met (the response or resolution came in time) or missed (its deadline
    passed first). Candidates: tickets responded to or resolved in the period, and the unresolved ones
    (whose deadlines may have passed in it); each is then placed with its own deadlines (pauses included).

    The candidates' ids come from two index scans: the unresolved (``ix_tickets_open_queue``) and those
    resolved since ``since`` (``ix_tickets_resolved``). A resolved ticket's first response is never after
    its resolution (a resolution is a response, ``lifecycle.resolve``; the waiting a ticket is auto-resolved
    from came after one), so one responded to in the period was resolved since ``since``. With the three
    conditions in one OR, PostgreSQL read the workspace's whole history (docs/performance.md, §7).
    """
    team = config.team_id
    ids = (
        select(Ticket.id)
        .where(Ticket.team_id == team, ticket_is_open())
        .union_all(select(Ticket.id).where(Ticket.team_id == team, Ticket.resolved_at >= since))
    )
    candidates = session.execute(
        select(*sla.SlaFields.COLUMNS).where(
            Ticket.id.in_(ids),
            Ticket.team_id == team,
            Ticket.deleted_at.is_(None),
            or_(
                Ticket.state != TicketState.RESOLVED,
                and_(Ticket.first_response_at >= since, Ticket.first_response_at < until),
                and_(Ticket.resolved_at >= since, Ticket.resolved_at < until),
            ),
        )
    )
    counts = {"sla_response": [0, 0], "sla_resolution": [0, 0]}
    for row in candidates:
        status = sla.status(sla.SlaFields(*row), config.sla, until)
        for name, done_at, deadline, breached in (
            ("sla_response", status.responded_at, status.respond_by, status.response_breached),
            ("sla_resolution", status.resolved_at, status.resolve_by, status.resolution_breached),
        ):
            decided_at = min(done_at, deadline) if done_at is not None else deadline
            if since <= decided_at < until:
                counts[name][1] += 1
                counts[name][0] += not breached
    return {name: TargetShare(met, decided) for name, (met, decided) in counts.items()}


def _count(session: Session, model: type[Base], *conditions: ColumnExpressionArgument[bool]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def _mean_time_to_resolve(session: Session, team: str, since: datetime, until: datetime) -> timedelta | None:
    if session.get_bind().dialect.name == "postgresql":
        seconds: ColumnElement[Any] = func.extract("epoch", Ticket.resolved_at - Ticket.created_at)
    else:  # SQLite stores naive UTC text; julianday() gives days as a float
        seconds = (func.julianday(Ticket.resolved_at) - func.julianday(Ticket.created_at)) * 86400
    mean = session.scalar(
        select(func.avg(seconds)).where(Ticket.team_id == team, Ticket.resolved_at >= since, Ticket.resolved_at < until)
    )
    return None if mean is None else timedelta(seconds=round(float(mean)))
