"""Rows for scheduler tests, written straight to the database (the booking and
ticket desks have their own services; the scheduler only reads their tables)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.services.workspaces import ensure_workspace, next_number
from db.models import (
    Booking,
    BookingStatus,
    Category,
    Customer,
    Role,
    Severity,
    Ticket,
    TicketState,
    UserRole,
    Vehicle,
    VehicleCategory,
    VehicleStatus,
)

TEAM = "T0001"  # the fake Slack's workspace
_serial = itertools.count(1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def vehicle(session: Session, team_id: str = TEAM, status: VehicleStatus = VehicleStatus.AVAILABLE) -> Vehicle:
    ensure_workspace(session, team_id)
    n = next(_serial)
    row = Vehicle(
        team_id=team_id,
        registration=f"AB{n:02d}CDE",
        make="Ford",
        model="Focus",
        category=VehicleCategory.COMPACT,
        seats=5,
        daily_rate=Decimal("40.00"),
        odometer=1000,
        status=status,
        created_at=utc(2026, 1, 1),
    )
    session.add(row)
    session.flush()
    return row


def booking(
    session: Session,
    *,
    pickup: datetime,
    due: datetime,
    status: BookingStatus = BookingStatus.ACTIVE,
    team_id: str = TEAM,
    created: datetime | None = None,
    customer_name: str = "Jane Doe",
    price: str = "80.00",
    returned: datetime | None = None,
    car: Vehicle | None = None,
) -> Booking:
    car = car or vehicle(session, team_id)
    n = next(_serial)
    customer = Customer(
        team_id=team_id,
        name=customer_name,
        licence_number=f"LIC{n:06d}",
        licence_expiry=date(2030, 1, 1),
        do_not_rent=False,
        created_at=utc(2026, 1, 1),
        created_by="UAGENT",
    )
    session.add(customer)
    session.flush()
    created = created or pickup - timedelta(days=1)
    row = Booking(
        team_id=team_id,
        number=next_number(session, team_id, "booking"),
        customer_id=customer.id,
        vehicle_id=car.id,
        pickup_at=pickup,
        return_due_at=due,
        status=status,
        quoted_price=Decimal(price),
        created_by="UAGENT",
        created_at=created,
        updated_at=created,
        picked_up_at=pickup if status in (BookingStatus.ACTIVE, BookingStatus.RETURNED) else None,
        returned_at=returned,
    )
    session.add(row)
    session.flush()
    return row


def ticket(
    session: Session,
    *,
    created: datetime,
    severity: Severity = Severity.CRITICAL,
    team_id: str = TEAM,
    assignee: str | None = None,
    state: TicketState = TicketState.OPEN,
    title: str = "Mail server down",
    card: tuple[str, str] | None = None,
    resolved: datetime | None = None,
) -> Ticket:
    ensure_workspace(session, team_id)
    row = Ticket(
        team_id=team_id,
        number=next_number(session, team_id, "ticket"),
        title=title,
        description="",
        category=Category.NETWORK,
        severity=severity,
        state=state,
        reporter_id="UEMPLOYEE",
        assignee_id=assignee,
        created_at=created,
        updated_at=created,
        resolved_at=resolved,
        card_channel=card[0] if card else None,
        card_ts=card[1] if card else None,
    )
    session.add(row)
    session.flush()
    return row


def grant(session: Session, user_id: str, role: Role, team_id: str = TEAM) -> None:
    ensure_workspace(session, team_id)
    session.add(UserRole(team_id=team_id, user_id=user_id, role=role, granted_by="UADMIN", granted_at=utc(2026, 1, 1)))
