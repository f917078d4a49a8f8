"""The sandbox's people get their roles; demo data on request
(the page's "Load demo data" button or ``python app.py seed-demo``).

Demo rows are written as the desks would have left them, with their history,
relative to the (sandbox) clock: bookings due back today and overdue, a
pickup today, tickets of every severity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services import roles as role_service
from bot.services.actors import load_actor
from bot.services.clock import utcnow
from bot.services.workspaces import ensure_workspace, next_number
from db.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Category,
    Customer,
    Role,
    Severity,
    Ticket,
    TicketEvent,
    TicketState,
    Vehicle,
    VehicleCategory,
    VehicleStatus,
)

from . import workspace

FLEET = [  # registration, make, model, category, seats, daily rate, odometer, status
    ("AB12CDE", "Ford", "Fiesta", VehicleCategory.ECONOMY, 5, "35.00", 41200, VehicleStatus.AVAILABLE),
    ("KX21LMN", "Volkswagen", "Golf", VehicleCategory.COMPACT, 5, "45.00", 28750, VehicleStatus.AVAILABLE),
    ("YR70QSH", "Nissan", "Qashqai", VehicleCategory.SUV, 5, "65.00", 19020, VehicleStatus.AVAILABLE),
    ("VN19TRN", "Ford", "Transit", VehicleCategory.VAN, 3, "80.00", 88410, VehicleStatus.AVAILABLE),
    ("PR22BMW", "BMW", "5 Series", VehicleCategory.PREMIUM, 5, "120.00", 12200, VehicleStatus.AVAILABLE),
    ("MA68YRS", "Toyota", "Yaris", VehicleCategory.ECONOMY, 5, "32.00", 67300, VehicleStatus.MAINTENANCE),
]
CUSTOMERS = [  # name, email, phone, licence, years of licence left, do not rent, notes
    ("Jane Doe", "jane.doe@example.com", "+44 7700 900123", "DOE99901JA9AB", 6, False, None),
    ("Sam Patel", "sam.patel@example.com", "+44 7700 900456", "PATEL802SA9CD", 3, False, "Prefers automatics."),
    ("Olivia Brown", "olivia@example.com", "+44 7700 900789", "BROWN711OL9EF", 8, False, None),
    (
        "Marco Rossi",
        "marco.rossi@example.com",
        "+39 320 555 0101",
        "ROSSI654MA9GH",
        2,
        True,
        "Unpaid damage from a 2025 hire.",
    ),
]
TICKETS = [  # title, category, severity, state, assignee, minutes ago, description
    (
        "Card terminal at the front desk is down",
        Category.HARDWARE,
        Severity.CRITICAL,
        TicketState.OPEN,
        None,
        50,
        "Customers can't pay at the counter. Error E-104 on the screen.",
    ),
    (
        "Booking system times out on save",
        Category.SOFTWARE,
        Severity.CRITICAL,
        TicketState.IN_PROGRESS,
        "UTECH",
        180,
        "Saving a booking takes over 30 seconds and then fails.",
    ),
    (
        "VPN drops every hour",
        Category.NETWORK,
        Severity.MAJOR,
        TicketState.OPEN,
        None,
        300,
        "Working from the airport branch, the VPN disconnects on the hour.",
    ),
    (
        "Laptop won't charge",
        Category.HARDWARE,
        Severity.MAJOR,
        TicketState.IN_PROGRESS,
        "UTECH",
        1500,
        "The charger light is on but the battery stays at 3%.",
    ),
    (
        "Access to the fleet spreadsheet",
        Category.ACCESS,
        Severity.MINOR,
        TicketState.OPEN,
        None,
        90,
        "I need edit access to Fleet 2026.xlsx for the quarterly check.",
    ),
    (
        "New mouse for reception",
        Category.HARDWARE,
        Severity.MINOR,
        TicketState.RESOLVED,
        "UTECH",
        2900,
        "The scroll wheel is broken.",
    ),
]


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    vehicles: int
    customers: int
    bookings: int
    tickets: int

    def describe(self) -> str:
        counts = (
            f"{self.vehicles} vehicles, {self.customers} customers, {self.bookings} bookings and {self.tickets} tickets"
        )
        return f"Demo data loaded: {counts}." if self.created else f"Demo data was already there: {counts}."


def grant_sandbox_roles(ctx: AppContext, team_id: str = workspace.TEAM_ID) -> None:
    """Give each sandbox person their role, granted by the sandbox's admin (idempotent)."""
    with ctx.db.transaction() as session:
        admin = ctx.actor(session, team_id, workspace.ADMIN.user_id)
        for person in workspace.PEOPLE:
            if person.role in (Role.EMPLOYEE, Role.ADMIN):
                continue
            if person.role not in load_actor(session, team_id, person.user_id).roles:
                role_service.grant(session, admin, person.user_id, person.role)


def seed_demo(ctx: AppContext, team_id: str = workspace.TEAM_ID) -> DemoSummary:
    with ctx.db.transaction() as session:
        ensure_workspace(session, team_id)
        if session.scalar(select(func.count()).select_from(Vehicle).where(Vehicle.team_id == team_id)):
            return _summary(session, team_id, created=False)
        now = utcnow()
        vehicles = [_vehicle(team_id, row, now) for row in FLEET]
        customers = [_customer(team_id, row, now) for row in CUSTOMERS]
        session.add_all([*vehicles, *customers])
        session.flush()
        plans = [  # customer, vehicle, status, pickup (from now), return due (from now)
            (0, 0, BookingStatus.ACTIVE, timedelta(days=-3), timedelta(hours=2)),  # due back today
            (1, 2, BookingStatus.ACTIVE, timedelta(days=-4), timedelta(hours=-20)),  # overdue
            (2, 1, BookingStatus.RESERVED, timedelta(hours=3), timedelta(days=2, hours=3)),  # pickup today
            (0, 4, BookingStatus.RESERVED, timedelta(days=1), timedelta(days=4)),  # upcoming
            (2, 3, BookingStatus.RETURNED, timedelta(days=-9), timedelta(days=-6)),  # history
        ]
        for customer, vehicle, status, pickup, due in plans:
            session.add(
                _booking(session, team_id, customers[customer], vehicles[vehicle], status, now + pickup, now + due)
            )
        for row in TICKETS:
            session.add(_ticket(session, team_id, row, now))
        session.flush()
        return _summary(session, team_id, created=True)


def _summary(session: Session, team_id: str, created: bool) -> DemoSummary:
    def count(model: type[Vehicle | Customer | Booking | Ticket]) -> int:
        return session.scalars(select(func.count()).select_from(model).where(model.team_id == team_id)).one()

    return DemoSummary(created, count(Vehicle), count(Customer), count(Booking), count(Ticket))


def _vehicle(team_id: str, row: tuple, now: datetime) -> Vehicle:
    registration, make, model, category, seats, rate, odometer, status = row
    return Vehicle(
        team_id=team_id,
        registration=registration,
        make=make,
        model=model,
        category=category,
        seats=seats,
        daily_rate=Decimal(rate),
        odometer=odometer,
        status=status,
        created_at=now,
    )


def _customer(team_id: str, row: tuple, now: datetime) -> Customer:
    name, email, phone, licence, years_left, do_not_rent, notes = row
    expiry = date(now.year + years_left, 6, 30)
    return Customer(
        team_id=team_id,
        name=name,
        email=email,
        phone=phone,
        licence_number=licence,
        licence_expiry=expiry,
        notes=notes,
        do_not_rent=do_not_rent,
        created_at=now,
        created_by=workspace.ADMIN.user_id,
    )


def _booking(
    session: Session,
    team_id: str,
    customer: Customer,
    vehicle: Vehicle,
    status: BookingStatus,
    pickup: datetime,
    due: datetime,
) -> Booking:
    agent = next(p.user_id for p in workspace.PEOPLE if p.role is Role.AGENT)
    created = min(pickup, utcnow()) - timedelta(days=2)
    days = max(1, ceil((due - pickup) / timedelta(days=1)))
    booking = Booking(
        team_id=team_id,
        number=next_number(session, team_id, "booking"),
        customer=customer,
        vehicle=vehicle,
        pickup_at=pickup,
        return_due_at=due,
        status=status,
        quoted_price=vehicle.daily_rate * days,
        created_by=agent,
        created_at=created,
        updated_at=created,
    )
    booking.events.append(
        BookingEvent(
            team_id=team_id,
            actor_id=agent,
            at=created,
            kind="created",
            new_value=f"{vehicle.registration} for {customer.name}",
        )
    )
    if status in (BookingStatus.ACTIVE, BookingStatus.RETURNED):
        booking.picked_up_at, booking.odometer_out = pickup, vehicle.odometer
        booking.events.append(
            BookingEvent(
                team_id=team_id, actor_id=agent, at=pickup, kind="picked_up", old_value="RESERVED", new_value="ACTIVE"
            )
        )
    if status is BookingStatus.RETURNED:
        booking.returned_at, booking.odometer_in, booking.fuel_level = due, vehicle.odometer + 412, "full"
        booking.events.append(
            BookingEvent(
                team_id=team_id, actor_id=agent, at=due, kind="returned", old_value="ACTIVE", new_value="RETURNED"
            )
        )
    booking.updated_at = max(event.at for event in booking.events)
    return booking


def _ticket(session: Session, team_id: str, row: tuple, now: datetime) -> Ticket:
    title, category, severity, state, assignee, minutes_ago, description = row
    reporter = next(p.user_id for p in workspace.PEOPLE if p.role is Role.EMPLOYEE)
    created = now - timedelta(minutes=minutes_ago)
    ticket = Ticket(
        team_id=team_id,
        number=next_number(session, team_id, "ticket"),
        title=title,
        description=description,
        category=category,
        severity=severity,
        state=state,
        reporter_id=reporter,
        assignee_id=assignee,
        created_at=created,
        updated_at=created,
    )
    ticket.events.append(TicketEvent(team_id=team_id, actor_id=reporter, at=created, kind="created", new_value=title))
    later = created + timedelta(minutes=min(20, minutes_ago // 3))
    if assignee:
        ticket.events.append(
            TicketEvent(team_id=team_id, actor_id=assignee, at=later, kind="assigned", new_value=assignee)
        )
    if state is not TicketState.OPEN:
        ticket.events.append(
            TicketEvent(
                team_id=team_id,
                actor_id=assignee,
                at=later,
                kind="state",
                old_value=TicketState.OPEN.value,
                new_value=TicketState.IN_PROGRESS.value,
            )
        )
    if state is TicketState.RESOLVED:
        resolved = now - timedelta(minutes=minutes_ago // 2)
        ticket.resolved_at, ticket.resolution_note = resolved, "Replaced the mouse."
        ticket.events.append(
            TicketEvent(
                team_id=team_id,
                actor_id=assignee,
                at=resolved,
                kind="state",
                old_value=TicketState.IN_PROGRESS.value,
                new_value=TicketState.RESOLVED.value,
                body=ticket.resolution_note,
            )
        )
    ticket.updated_at = ticket.events[-1].at
    return ticket
