"""The sandbox's people get their roles; demo data on request
(the page's "Load demo data" button or ``python app.py seed-demo``).

The car hire desk's demo rows are made by its own services, each step at the
moment it would have happened (``clock.as_of``, relative to the sandbox clock), so
they carry the history, prices and charges the desk itself computes: bookings
due back today and overdue, a pickup today, a return with damage and a refuel
charge, a no-show marked by the ``no-shows`` job. Tickets are written as the
help desk would have left them, with their history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services import roles as role_service
from bot.services.actors import Actor, load_actor
from bot.services.clock import as_of, utcnow
from bot.services.hire import bookings as booking_service
from bot.services.hire import customers as customer_service
from bot.services.hire import vehicles as vehicle_service
from bot.services.hire.bookings import SCHEDULER, NewBooking, PickUpValues, ReturnValues
from bot.services.hire.customers import CustomerValues
from bot.services.hire.vehicles import VehicleValues
from bot.services.workspace_settings import workspace_config
from bot.services.workspaces import ensure_workspace, next_number
from bot.settings import Settings
from db.models import (
    Booking,
    Category,
    Customer,
    Role,
    Severity,
    Ticket,
    TicketEvent,
    TicketState,
    Vehicle,
    VehicleStatus,
)

from . import workspace

FLEET = [  # registration, make, model, category, seats, daily rate, odometer, status
    ("AB12CDE", "Ford", "Fiesta", "economy", 5, "35.00", 41200, VehicleStatus.AVAILABLE),
    ("KX21LMN", "Volkswagen", "Golf", "compact", 5, "45.00", 28750, VehicleStatus.AVAILABLE),
    ("YR70QSH", "Nissan", "Qashqai", "suv", 5, "65.00", 19020, VehicleStatus.AVAILABLE),
    ("VN19TRN", "Ford", "Transit", "van", 3, "80.00", 88410, VehicleStatus.AVAILABLE),
    ("PR22BMW", "BMW", "5 Series", "premium", 5, "120.00", 12200, VehicleStatus.AVAILABLE),
    ("MA68YRS", "Toyota", "Yaris", "economy", 5, "32.00", 67300, VehicleStatus.MAINTENANCE),
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
# More regulars, so that ``/customer list`` has a second page (25 a page).
REGULARS = [
    "Aisha Khan",
    "Ben Carter",
    "Chloe Martin",
    "Daniel Evans",
    "Emma Wilson",
    "Farah Ali",
    "George Hughes",
    "Hannah Lewis",
    "Isaac Green",
    "Julia Fischer",
    "Kofi Mensah",
    "Laura Schmidt",
    "Mohammed Hassan",
    "Nina Petrova",
    "Oscar Lindqvist",
    "Priya Sharma",
    "Quentin Dubois",
    "Rosa Garcia",
    "Tom Becker",
    "Uma Reddy",
    "Victor Novak",
    "Wendy Clarke",
    "Yusuf Demir",
    "Zoe Taylor",
]
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class DemoBooking:
    """One demo booking's life, each time relative to now (the number is its place in BOOKINGS)."""

    customer: int
    vehicle: int
    booked: timedelta  # when the agent made it
    pickup: timedelta
    due: timedelta
    picked_up: PickUpValues | None = None  # handed over at the pickup time
    returned: timedelta | None = None  # when it came back (with ``fuel_in`` and ``new_damage``)
    fuel_in: str = "full"
    new_damage: str = ""
    distance: int = 0  # km driven
    no_show: bool = False  # marked by the no-shows job once the grace ran out


BOOKINGS = [
    DemoBooking(0, 0, -5 * DAY, -3 * DAY, 2 * HOUR, picked_up=PickUpValues()),  # B-1 due back today
    DemoBooking(1, 2, -6 * DAY, -4 * DAY, -20 * HOUR, picked_up=PickUpValues()),  # B-2 overdue
    DemoBooking(2, 1, -2 * DAY, 3 * HOUR, 2 * DAY + 3 * HOUR),  # B-3 pickup today
    DemoBooking(0, 4, -2 * DAY, DAY, 4 * DAY),  # B-4 upcoming
    DemoBooking(2, 3, -11 * DAY, -9 * DAY, -6 * DAY, picked_up=PickUpValues(), returned=-6 * DAY, distance=412),
    DemoBooking(1, 1, -3 * DAY, -30 * HOUR, -6 * HOUR, no_show=True),  # B-6 never came
    DemoBooking(  # B-7 came back with new damage and 3/8 of a tank less: a refuel charge
        2,
        4,
        -8 * DAY,
        -6 * DAY,
        -4 * DAY,
        picked_up=PickUpValues(damage="Scuff on the rear bumper, left side."),
        returned=-4 * DAY + 20 * timedelta(minutes=1),
        fuel_in="5/8",
        new_damage="Chipped windscreen, passenger side.",
        distance=386,
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
        _seed_car_hire(session, ctx.settings, team_id, now)
        for row in TICKETS:
            session.add(_ticket(session, team_id, row, now))
        session.flush()
        return _summary(session, team_id, created=True)


def _summary(session: Session, team_id: str, created: bool) -> DemoSummary:
    def count(model: type[Vehicle | Customer | Booking | Ticket]) -> int:
        return session.scalars(select(func.count()).select_from(model).where(model.team_id == team_id)).one()

    return DemoSummary(created, count(Vehicle), count(Customer), count(Booking), count(Ticket))


def _seed_car_hire(session: Session, settings: Settings, team_id: str, now: datetime) -> None:
    """The fleet, the customers and their bookings, made by the car hire services as the sandbox's
    agent would have made them, each step at its own (past) moment."""
    agent = Actor(team_id, next(p.user_id for p in workspace.PEOPLE if p.role is Role.AGENT), frozenset({Role.AGENT}))
    with as_of(now - 30 * DAY):
        vehicles = [_vehicle(session, agent, row) for row in FLEET]
        customers = [_customer(session, agent, row, now) for row in CUSTOMERS]
        for number, name in enumerate(REGULARS, start=1):
            first, last = name.lower().split()
            row = (name, f"{first}.{last}@example.com", "", f"{last[:5].upper()}{number:03d}DEMO", 1 + number % 9)
            _customer(session, agent, (*row, False, None), now)
    with as_of(now - 10 * DAY):  # a change in Sam's history (``/customer sam``)
        sam = _customer_values(CUSTOMERS[1], now)
        customer_service.update_customer(session, agent, customers[1].id, replace(sam, phone="+44 7700 900457"))
    with as_of(now - 2 * DAY):  # and one in the Yaris's (``/vehicle MA68YRS``)
        for registration, *_, status in FLEET:
            if status is not VehicleStatus.AVAILABLE:
                vehicle_service.set_status(session, agent, registration, status)
    for plan in BOOKINGS:
        _booking(session, settings, agent, plan, customers[plan.customer], vehicles[plan.vehicle], now)


def _vehicle(session: Session, agent: Actor, row: tuple) -> Vehicle:
    registration, make, model, category, seats, rate, odometer, _status = row
    values = VehicleValues(registration, make, model, category, str(seats), rate, str(odometer))
    return vehicle_service.create_vehicle(session, agent, values)


def _customer_values(row: tuple, now: datetime) -> CustomerValues:
    name, email, phone, licence, years_left, do_not_rent, notes = row
    expiry = date(now.year + years_left, 6, 30)
    return CustomerValues(name, email, phone, licence, expiry, None, notes or "", do_not_rent)


def _customer(session: Session, agent: Actor, row: tuple, now: datetime) -> Customer:
    return customer_service.create_customer(session, agent, _customer_values(row, now))


def _booking(
    session: Session,
    settings: Settings,
    agent: Actor,
    plan: DemoBooking,
    customer: Customer,
    vehicle: Vehicle,
    now: datetime,
) -> Booking:
    pickup, due = now + plan.pickup, now + plan.due
    with as_of(now + plan.booked):
        form = NewBooking(customer=customer.id, vehicle=vehicle.id, pickup=pickup, return_due=due)
        booking = booking_service.create_booking(session, agent, form, settings)
    if plan.picked_up is not None:
        with as_of(pickup):
            booking_service.pick_up(session, agent, booking.id, plan.picked_up)
    if plan.returned is not None:
        returned = now + plan.returned
        with as_of(returned):
            odometer = str((booking.odometer_out or 0) + plan.distance)
            values = ReturnValues(returned, odometer, plan.fuel_in, plan.new_damage)
            booking_service.return_booking(session, agent, booking.id, values, settings)
    if plan.no_show:
        grace = workspace_config(session, agent.team_id, settings).no_show_grace
        with as_of(pickup + grace):  # the no-shows job, once the grace ran out
            booking_service.record_no_show(session, booking, SCHEDULER)
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
