"""The fleet (PRODUCT.md §4): vehicles, their status, and which are free when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from bot.errors import DomainError, FormErrors, NotFound
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.hire import records as hire_records
from bot.services.hire.access import require_admin, require_agent, require_reader
from bot.services.paging import Page, page_of
from bot.services.user_text import quoted
from db.models import Booking, BookingStatus, Vehicle, VehicleCategory, VehicleStatus, booking_holds_vehicle

REGISTRATION = re.compile(r"^[A-Z0-9-]{2,16}$")
MAX_RATE = Decimal("99999.99")
LIST_PAGE = 30  # vehicles on one page of /vehicle list
# The words of ``/vehicle maintenance|available|retire <registration>``.
STATUS_WORDS = {
    "maintenance": VehicleStatus.MAINTENANCE,
    "available": VehicleStatus.AVAILABLE,
    "retire": VehicleStatus.RETIRED,
}
# The fields whose edits the vehicle's history keeps (old → new); ``status`` changes too.
HISTORY_FIELDS = ("registration", "make", "model", "category", "seats", "daily_rate", "odometer")


@dataclass(frozen=True)
class VehicleValues:
    """The vehicle form as typed (field names are the modal's block ids)."""

    registration: str = ""
    make: str = ""
    model: str = ""
    category: str = ""
    seats: str = ""
    daily_rate: str = ""
    odometer: str = "0"


def normalise_registration(text: str) -> str:
    return re.sub(r"\s", "", text or "").upper()


def create_vehicle(session: Session, actor: Actor, values: VehicleValues) -> Vehicle:
    require_agent(actor, to="add vehicles")
    vehicle = Vehicle(team_id=actor.team_id, created_at=utcnow(), status=VehicleStatus.AVAILABLE)
    return _apply(session, actor, vehicle, values)


def vehicle_to_edit(session: Session, actor: Actor, vehicle_id: int | str) -> Vehicle:
    return hire_records.to_edit(session, actor, Vehicle, vehicle_id)


def update_vehicle(session: Session, actor: Actor, vehicle_id: int | str, values: VehicleValues) -> Vehicle:
    return _apply(session, actor, vehicle_to_edit(session, actor, vehicle_id), values)


def find_vehicle(session: Session, actor: Actor, registration: str) -> Vehicle:
    require_reader(actor, to="see vehicles")
    reg = normalise_registration(registration)
    vehicle = session.scalars(
        select(Vehicle).where(Vehicle.team_id == actor.team_id, Vehicle.registration == reg)
    ).one_or_none()
    if vehicle is None:
        raise NotFound(f"No vehicle with registration {quoted(reg, 16)}.")
    return vehicle


def vehicle_detail(session: Session, actor: Actor, registration: str) -> tuple[Vehicle, list[Booking]]:
    """A vehicle with its holding (reserved or active) bookings, soonest first."""
    vehicle = find_vehicle(session, actor, registration)
    bookings = session.scalars(
        select(Booking)
        .where(Booking.vehicle_id == vehicle.id, booking_holds_vehicle())
        .order_by(Booking.pickup_at)
        .limit(20)
    ).all()
    return vehicle, list(bookings)


def list_vehicles(session: Session, actor: Actor, offset: int = 0) -> Page[Vehicle]:
    """A page of the fleet (not the archived vehicles) by category and registration."""
    require_reader(actor, to="see vehicles")
    fleet = select(Vehicle).where(Vehicle.team_id == actor.team_id, Vehicle.archived_at.is_(None))
    return page_of(session, fleet, Vehicle.category, Vehicle.registration, offset=offset, size=LIST_PAGE)


def parse_status(word: str) -> VehicleStatus | None:
    """The status a ``/vehicle`` subcommand sets (``maintenance``, ``available``, ``retire``); None for other words."""
    return STATUS_WORDS.get(word.strip().lower())


def set_status(session: Session, actor: Actor, registration: str, status: VehicleStatus) -> Vehicle:
    """Maintenance, available again, or retired. Existing bookings stay; new ones need AVAILABLE."""
    require_agent(actor, to="change a vehicle's status")
    vehicle = hire_records.load(session, actor, Vehicle, find_vehicle(session, actor, registration).id, for_change=True)
    if vehicle.status is status:
        raise DomainError(f"{vehicle.registration} is already {status.value.lower()}.")
    hire_records.add_event(vehicle, actor.user_id, "status", vehicle.status.value, status.value)
    vehicle.status = status
    return vehicle


def remove_vehicle(session: Session, actor: Actor, vehicle_id: int | str) -> hire_records.Removal:
    require_admin(actor, to="archive or delete vehicles")
    vehicle = hire_records.load(session, actor, Vehicle, vehicle_id, for_change=True)
    return hire_records.remove(session, vehicle, vehicle.registration, actor.user_id)


def holding_during(start: datetime, end: datetime, now: datetime) -> ColumnElement[bool]:
    """A booking that keeps its car from being booked for [start, end): RESERVED or ACTIVE and
    overlapping the period. An ACTIVE booking holds its car until it is returned: once past its
    due time (the car is not back), it holds it open-ended."""
    return and_(
        booking_holds_vehicle(),
        Booking.pickup_at < end,
        or_(
            Booking.return_due_at > start,
            and_(Booking.status == BookingStatus.ACTIVE, Booking.return_due_at <= now),
        ),
    )


def free_vehicles(
    session: Session,
    team_id: str,
    start: datetime,
    end: datetime,
    category: VehicleCategory | None = None,
    limit: int = 100,
    ignoring: int | None = None,
) -> list[Vehicle]:
    """Bookable vehicles no booking holds during the half-open period [start, end) (``holding_during``:
    a car still out past its due time is not free), but booking ``ignoring``: the one being edited."""
    busy = select(Booking.id).where(Booking.vehicle_id == Vehicle.id, holding_during(start, end, utcnow()))
    if ignoring is not None:
        busy = busy.where(Booking.id != ignoring)
    query = select(Vehicle).where(
        Vehicle.team_id == team_id,
        Vehicle.status == VehicleStatus.AVAILABLE,
        Vehicle.archived_at.is_(None),
        ~busy.exists(),
    )
    if category is not None:
        query = query.where(Vehicle.category == category)
    return list(
        session.scalars(query.order_by(Vehicle.category, Vehicle.daily_rate, Vehicle.registration).limit(limit))
    )


def parse_category(text: str) -> VehicleCategory:
    try:
        return VehicleCategory(text.strip().lower())
    except ValueError:
        names = ", ".join(c.value for c in VehicleCategory)
        raise DomainError(f"“{text[:30]}” is not a category. Categories: {names}.") from None


def _apply(session: Session, actor: Actor, vehicle: Vehicle, values: VehicleValues) -> Vehicle:
    errors: dict[str, str] = {}
    reg = normalise_registration(values.registration)
    if not REGISTRATION.match(reg):
        errors["registration"] = "A registration is 2–16 letters, digits or dashes (spaces are ignored)."
    elif hire_records.taken(session, actor, Vehicle.registration, reg, vehicle.id):
        errors["registration"] = f"Another vehicle already has registration {reg}."
    for field in ("make", "model"):
        text = getattr(values, field).strip()
        if not text:
            errors[field] = f"Enter the {field}."
        elif len(text) > 60:
            errors[field] = f"Keep the {field} under 60 characters."
    try:
        category = VehicleCategory(values.category)
    except ValueError:
        errors["category"] = "Choose a category."
    seats = _whole_number(values.seats, 1, 99)
    if seats is None:
        errors["seats"] = "Seats is a whole number from 1 to 99."
    odometer = _whole_number(values.odometer or "0", 0, 9_999_999)
    if odometer is None:
        errors["odometer"] = "The odometer is a whole number of kilometres or miles, 0 or more."
    elif vehicle.odometer is not None and odometer < vehicle.odometer:
        errors["odometer"] = f"The odometer can't go back (it reads {vehicle.odometer})."
    rate = _money(values.daily_rate)
    if rate is None:
        errors["daily_rate"] = "The daily rate is an amount greater than 0, like 45 or 45.50."
    if errors or seats is None or odometer is None or rate is None:  # a missing value is among the errors
        raise FormErrors(errors)
    before = hire_records.snapshot(vehicle, HISTORY_FIELDS)
    vehicle.registration, vehicle.make, vehicle.model = reg, values.make.strip(), values.model.strip()
    vehicle.category, vehicle.seats, vehicle.daily_rate, vehicle.odometer = category, seats, rate, odometer
    hire_records.record_changes(vehicle, actor.user_id, before)
    return hire_records.save_unique(
        session, vehicle, "registration", f"Another vehicle already has registration {reg}."
    )


def _whole_number(text: str, low: int, high: int) -> int | None:
    try:
        number = int(str(text).strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _money(text: str) -> Decimal | None:
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_RATE or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount
