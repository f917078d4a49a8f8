"""Bookings and their life: create, pick up, extend, return, cancel (PRODUCT.md §4).

No two RESERVED/ACTIVE bookings of one vehicle overlap (half-open periods).
The service checks before writing; on SQLite the write transaction is
serialized (BEGIN IMMEDIATE), on PostgreSQL the exclusion constraint
``ex_bookings_no_overlap`` settles races: its violation (SQLSTATE 23P01) is
turned into the same error as the check's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import DomainError, FormErrors, NotFound
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.hire import pricing
from bot.services.hire import records as hire_records
from bot.services.hire.access import require_agent, require_reader
from bot.services.hire.records import Record
from bot.services.hire.vehicles import free_vehicles, holding_during
from bot.services.ids import parse_id
from bot.services.local_time import duration, local_short
from bot.services.user_text import quoted
from bot.services.workspace_settings import workspace_config
from bot.services.workspaces import next_number
from bot.settings import Settings
from db.models import Booking, BookingEvent, BookingStatus, Customer, Vehicle, VehicleStatus

EXCLUSION_VIOLATION = "23P01"
# A walk-in booking is entered a few minutes after the time picked for it.
PICKUP_SLACK = timedelta(minutes=15)
# A return is recorded when it happens or after; allow for clocks a little apart.
CLOCK_SLACK = timedelta(minutes=5)
MAX_RENTAL = timedelta(days=365)
FUEL_LEVELS = pricing.FUEL_LEVELS
MAX_ODOMETER = 9_999_999
KEY = re.compile(r"^(?:B-?)?(\d{1,9})$", re.IGNORECASE | re.ASCII)  # Arabic-Indic digits are no booking number

# Which statuses each action starts from, and how a refusal words it.
ALLOWED_FROM = {
    "pick up": {BookingStatus.RESERVED},
    "return": {BookingStatus.ACTIVE},
    "extend": {BookingStatus.RESERVED, BookingStatus.ACTIVE},
    "cancel": {BookingStatus.RESERVED},
    "mark no-show": {BookingStatus.RESERVED},
    "edit": {BookingStatus.RESERVED, BookingStatus.ACTIVE},
}
PAST_TENSE = {
    "pick up": "picked up",
    "return": "returned",
    "extend": "extended",
    "cancel": "cancelled",
    "mark no-show": "marked a no-show",
    "edit": "edited",
}
# The actor_id of changes made by a job rather than a person (shown as "HireDesk").
SCHEDULER = "scheduler"


@dataclass(frozen=True)
class NewBooking:
    """The New booking modal as submitted (field names are its block ids)."""

    customer: int | str | None = None
    vehicle: int | str | None = None
    pickup: datetime | None = None
    return_due: datetime | None = None
    notes: str = ""


@dataclass(frozen=True)
class PickUpValues:
    """The Pick-up modal as submitted (field names are its block ids). Left out (a service caller):
    the vehicle's odometer, a full tank, no damage."""

    odometer: str = ""
    fuel: str | None = "full"
    damage: str = ""
    early: bool = False  # the agent confirmed handing the car over well before the booked time


@dataclass(frozen=True)
class ReturnValues:
    """The Return modal as submitted (field names are its block ids)."""

    returned_at: datetime | None = None
    odometer: str = ""
    fuel: str | None = None
    damage: str = ""


def create_booking(session: Session, actor: Actor, form: NewBooking, settings: Settings) -> Booking:
    require_agent(actor, to="create bookings")
    tz = workspace_config(session, actor.team_id, settings).tz
    now = utcnow()
    pickup, due = check_period(form.pickup, form.return_due, now)
    customer = _bookable_customer(session, actor, form.customer, due, tz)
    vehicle = _bookable_vehicle(session, actor, form.vehicle)
    _refuse_overlap(session, vehicle, pickup, due, tz, field="vehicle")
    booking = Booking(
        team_id=actor.team_id,
        customer_id=customer.id,
        vehicle_id=vehicle.id,
        pickup_at=pickup,
        return_due_at=due,
        status=BookingStatus.RESERVED,
        quoted_price=pricing.quote(vehicle.daily_rate, pickup, due, tz),
        notes=form.notes.strip() or None,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
        events=[],  # new: its history is known empty (appending to it would read it first)
    )

    def insert() -> None:
        booking.number = next_number(session, actor.team_id, "booking")
        session.add(booking)

    _write_holding(session, insert, vehicle, pickup, due, tz, field="vehicle")
    _record(session, actor.user_id, booking, "created", new=f"{vehicle.registration} for {customer.name}"[:200], at=now)
    return booking


def check_period(pickup: datetime | None, due: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """The rules on a new booking's period, as inline errors on the pickup/return fields."""
    errors: dict[str, str] = {}
    if pickup is None:
        errors["pickup"] = "Choose the pickup date and time."
    elif pickup < now - PICKUP_SLACK:
        errors["pickup"] = "Pickup can't be in the past."
    if due is None:
        errors["return_due"] = "Choose the return date and time."
    elif pickup is not None and due <= pickup:
        errors["return_due"] = "Return must be after pickup."
    elif pickup is not None and due - pickup > MAX_RENTAL:
        errors["return_due"] = "A booking can last at most 365 days."
    if errors or pickup is None or due is None:  # a missing value is among the errors
        raise FormErrors(errors)
    return pickup, due


def pick_up(
    session: Session,
    actor: Actor,
    booking_id: int | str,
    form: PickUpValues = PickUpValues(),
    settings: Settings | None = None,
) -> Booking:
    """RESERVED → ACTIVE with the check-out sheet: odometer out (at least the vehicle's last
    reading), fuel out, damage already on the car. Before the booked time the car must not be
    needed by another booking meanwhile; more than the workspace's tolerance before it (``settings``
    given: a person at the counter), the agent confirms the early hand-over (``form.early``)."""
    booking = _for_action(session, actor, booking_id, "pick up")
    now = utcnow()
    if now >= booking.return_due_at:
        raise DomainError(f"{booking.key} was due back already; cancel it instead.")
    if now < booking.pickup_at:
        _refuse_early_hand_over(session, booking, now, form.early, settings)
    errors: dict[str, str] = {}
    last = booking.vehicle.odometer
    odometer = _whole_number(form.odometer) if form.odometer.strip() else last
    if odometer is None or odometer < last or odometer > MAX_ODOMETER:
        errors["odometer"] = f"Enter the odometer reading: a whole number, at least {last} (the car's last reading)."
    if form.fuel not in FUEL_LEVELS:
        errors["fuel"] = "Choose the fuel level."
    if errors or odometer is None:  # a missing value is among the errors
        raise FormErrors(errors)
    booking.status, booking.picked_up_at = BookingStatus.ACTIVE, now
    booking.odometer_out, booking.fuel_out = odometer, form.fuel
    booking.damage_out = form.damage.strip() or None
    booking.vehicle.odometer = odometer
    summary = f"odometer {odometer}, fuel {form.fuel}" + (", damage noted" if booking.damage_out else "")
    early = early_by(booking, now, timedelta(minutes=1))
    if early is not None:
        summary += f", {duration(early)} early"
    _record(session, actor.user_id, booking, "picked_up", old="RESERVED", new="ACTIVE", body=summary)
    return booking


def early_by(booking: Booking, now: datetime, tolerance: timedelta) -> timedelta | None:
    """How long before its booked pickup a hand-over now would be (to the nearest minute), if more
    than ``tolerance``."""
    early = timedelta(minutes=round((booking.pickup_at - now).total_seconds() / 60))
    return early if early > tolerance else None


def _refuse_early_hand_over(
    session: Session, booking: Booking, now: datetime, confirmed: bool, settings: Settings | None
) -> None:
    config = workspace_config(session, booking.team_id, settings) if settings is not None else None
    tz = config.tz if config is not None else ZoneInfo("UTC")
    vehicle = booking.vehicle
    needed = _blocking(session, vehicle, now, booking.pickup_at, own=booking)
    if needed is not None:
        raise DomainError(
            f"{vehicle.registration} is booked before {booking.key}'s pickup ({needed.key}, "
            f"{local_short(needed.pickup_at, tz)} – {local_short(needed.return_due_at, tz)}): "
            f"it can't be handed over before {local_short(needed.return_due_at, tz)}."
        )
    early = early_by(booking, now, config.early_pickup) if config is not None else None
    if early is not None and not confirmed:
        raise FormErrors(
            {"early": f"This hands the car over {duration(early)} before the booked pickup "
             f"({local_short(booking.pickup_at, tz)}): tick to confirm."}
        )  # fmt: skip


def _whole_number(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def return_booking(
    session: Session, actor: Actor, booking_id: int | str, form: ReturnValues, settings: Settings
) -> Booking:
    booking = _for_action(session, actor, booking_id, "return")
    config = workspace_config(session, actor.team_id, settings)
    errors: dict[str, str] = {}
    returned_at = form.returned_at
    if returned_at is None:
        errors["returned_at"] = "Choose when the car came back."
    elif booking.picked_up_at is not None and returned_at < _to_the_minute(booking.picked_up_at):  # set when ACTIVE
        errors["returned_at"] = (
            f"The car was picked up at {local_short(booking.picked_up_at, config.tz)}; the return can't be earlier."
        )
    elif returned_at > utcnow() + CLOCK_SLACK:
        errors["returned_at"] = "The return can't be in the future."
    odometer = _whole_number(form.odometer)
    out = booking.odometer_out or 0
    if odometer is None or odometer < out or odometer > MAX_ODOMETER:
        errors["odometer"] = f"Enter the odometer reading: a whole number, at least {out} (the reading at pickup)."
    if form.fuel not in FUEL_LEVELS:
        errors["fuel"] = "Choose the fuel level."
    fuel = form.fuel
    if errors or returned_at is None or odometer is None or fuel is None:  # a missing value is among the errors
        raise FormErrors(errors)
    booking.status, booking.returned_at, booking.odometer_in = BookingStatus.RETURNED, returned_at, odometer
    booking.fuel_level, booking.damage_notes = form.fuel, form.damage.strip() or None
    booking.late_fee = pricing.late_fee(
        booking.vehicle.daily_rate, booking.return_due_at, returned_at, config.return_grace
    )
    booking.refuel_charge = pricing.refuel_charge(booking.fuel_out, fuel, config.refuel_charge)
    booking.vehicle.odometer = max(booking.vehicle.odometer, odometer)
    summary = f"odometer {odometer}, fuel {form.fuel}, late fee {booking.late_fee}, refuel {booking.refuel_charge}"
    if booking.damage_notes:
        summary += ", new damage"
    _record(session, actor.user_id, booking, "returned", old="ACTIVE", new="RETURNED", body=summary)
    return booking


def _to_the_minute(moment: datetime) -> datetime:
    """Slack's date-time picker chooses whole minutes: a return in the minute of the pick-up is not earlier."""
    return moment.replace(second=0, microsecond=0)


def extend(
    session: Session, actor: Actor, booking_id: int | str, new_due: datetime | None, settings: Settings
) -> Booking:
    booking = _for_action(session, actor, booking_id, "extend")
    tz = workspace_config(session, actor.team_id, settings).tz
    old_due = booking.return_due_at
    if new_due is None:
        raise FormErrors({"return_due": "Choose the new return date and time."})
    if new_due <= old_due:
        raise FormErrors({"return_due": f"Choose a time after the current return ({local_short(old_due, tz)})."})
    if new_due <= utcnow():
        raise FormErrors({"return_due": "The new return can't be in the past."})
    if new_due - booking.pickup_at > MAX_RENTAL:
        raise FormErrors({"return_due": "A booking can last at most 365 days."})
    _refuse_overlap(session, booking.vehicle, old_due, new_due, tz, field="return_due", own=booking)

    def move() -> None:
        booking.return_due_at = new_due
        booking.quoted_price = pricing.quote(booking.vehicle.daily_rate, booking.pickup_at, new_due, tz)

    _write_holding(session, move, booking.vehicle, old_due, new_due, tz, field="return_due", own=booking)
    _record(session, actor.user_id, booking, "extended", old=old_due.isoformat(), new=new_due.isoformat())
    return booking


@dataclass(frozen=True)
class BookingEdit:
    """The Edit booking modal as submitted (block ids); an ACTIVE booking's modal has notes only."""

    customer: int | str | None = None
    vehicle: int | str | None = None
    pickup: datetime | None = None
    return_due: datetime | None = None
    notes: str = ""


def edit_booking(
    session: Session, actor: Actor, booking_id: int | str, form: BookingEdit, settings: Settings
) -> Booking:
    """Change a RESERVED booking's vehicle, customer, times and notes (an ACTIVE one's notes only)
    under every rule of a new booking; the overlap rule ignores the booking itself. Each change
    goes to the history as old → new."""
    booking = _for_action(session, actor, booking_id, "edit")
    notes = form.notes.strip() or None
    if booking.status is BookingStatus.ACTIVE:
        if notes != booking.notes:
            _record(session, actor.user_id, booking, "edited_notes", old=_short(booking.notes), new=_short(notes))
            booking.notes = notes
        return booking
    tz = workspace_config(session, actor.team_id, settings).tz
    # An unchanged pickup may already be past (a late customer): only a moved one must be in the future.
    now = utcnow() if form.pickup != booking.pickup_at else min(utcnow(), booking.pickup_at)
    pickup, due = check_period(form.pickup, form.return_due, now)
    customer = _bookable_customer(session, actor, form.customer, due, tz)
    vehicle = _bookable_vehicle(session, actor, form.vehicle)
    _refuse_overlap(session, vehicle, pickup, due, tz, field="vehicle", own=booking)
    changes = [
        ("vehicle", booking.vehicle.registration, vehicle.registration),
        ("customer", booking.customer.name, customer.name),
        ("pickup", booking.pickup_at.isoformat(), pickup.isoformat()),
        ("return_due", booking.return_due_at.isoformat(), due.isoformat()),
        ("notes", booking.notes, notes),
    ]

    def write() -> None:
        booking.vehicle, booking.customer = vehicle, customer
        booking.pickup_at, booking.return_due_at, booking.notes = pickup, due, notes
        booking.quoted_price = pricing.quote(vehicle.daily_rate, pickup, due, tz)

    _write_holding(session, write, vehicle, pickup, due, tz, field="vehicle", own=booking)
    for field, old, new in changes:
        if old != new:
            _record(session, actor.user_id, booking, f"edited_{field}", old=_short(old), new=_short(new))
    return booking


def _short(text: str | None) -> str | None:
    return text[:200] if text else text


def cancel(session: Session, actor: Actor, booking_id: int | str) -> Booking:
    booking = _for_action(session, actor, booking_id, "cancel")
    booking.status = BookingStatus.CANCELLED
    _record(session, actor.user_id, booking, "cancelled", old="RESERVED", new="CANCELLED")
    return booking


def mark_no_show(session: Session, actor: Actor, booking_id: int | str) -> Booking:
    """An agent marks a RESERVED booking whose pickup time has passed a no-show; the car is free again."""
    booking = _for_action(session, actor, booking_id, "mark no-show")
    if utcnow() < booking.pickup_at:
        raise DomainError(f"{booking.key} can be marked a no-show once its pickup time has passed.")
    record_no_show(session, booking, actor.user_id)
    return booking


def record_no_show(session: Session, booking: Booking, actor_id: str) -> None:
    """RESERVED → NO_SHOW: the booking no longer holds its vehicle (the overlap rule skips it)."""
    booking.status = BookingStatus.NO_SHOW
    _record(session, actor_id, booking, "no_show", old="RESERVED", new="NO_SHOW")


def check_action(session: Session, actor: Actor, booking_id: int | str, action: str) -> Booking:
    """Refuse now (before a modal opens) what the modal's submission would refuse anyway."""
    return _for_action(session, actor, booking_id, action, lock=False)


def get_booking(session: Session, actor: Actor, key_or_id: int | str, *, by_key: bool = False) -> Booking:
    """A booking of the actor's workspace by id (button values) or by key (``B-12`` or ``12``)."""
    require_reader(actor, to="see bookings")
    return _load(session, actor, key_or_id, by_key=by_key)


def attach_card(session: Session, actor: Actor, booking_id: int, channel: str, ts: str) -> None:
    """Remember where the booking's message lives, to edit it in place after every change."""
    booking = _load(session, actor, booking_id)
    booking.card_channel, booking.card_ts = channel, ts


# ---- internals ----------------------------------------------------------------


def _load(session: Session, actor: Actor, key_or_id: int | str, *, by_key: bool = False, lock: bool = False) -> Booking:
    if by_key:
        match = KEY.match(str(key_or_id).strip())
        if match is None:
            raise NotFound(f"“{quoted(str(key_or_id), 20)}” is not a booking key (like B-12).")
        number = int(match.group(1))
        query = select(Booking).where(Booking.team_id == actor.team_id, Booking.number == number)
        missing = f"No booking B-{number}."
    else:
        booking_id = parse_id(key_or_id)
        if booking_id is None:
            raise NotFound("No such booking.")
        query = select(Booking).where(Booking.team_id == actor.team_id, Booking.id == booking_id)
        missing = "No such booking."
    booking = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if booking is None:
        raise NotFound(missing)
    return booking


def _for_action(session: Session, actor: Actor, booking_id: int | str, action: str, lock: bool = True) -> Booking:
    require_agent(actor, to=f"{action} bookings")
    booking = _load(session, actor, booking_id, lock=lock)
    if booking.status not in ALLOWED_FROM[action]:
        status = booking.status.value.lower().replace("_", "-")
        raise DomainError(f"{booking.key} is {status}, so it can't be {PAST_TENSE[action]} now.")
    return booking


# Customers and vehicles are read without a row lock, so concurrent bookings don't queue on
# them: the overlap check and, on PostgreSQL, the exclusion constraint decide.
def _chosen(session: Session, actor: Actor, model: type[Record], record_id: int | str | None, field: str) -> Record:
    """The customer or vehicle picked in the form's ``field``; problems become that field's error."""
    if record_id is None or record_id == "":
        raise FormErrors({field: f"Choose a {field}."})
    try:
        return hire_records.load(session, actor, model, record_id, for_change=True, lock=False)
    except DomainError as error:
        raise FormErrors({field: error.message}) from None


def _bookable_customer(
    session: Session, actor: Actor, customer_id: int | str | None, due: datetime, tz: ZoneInfo
) -> Customer:
    customer = _chosen(session, actor, Customer, customer_id, "customer")
    if customer.do_not_rent:
        raise FormErrors({"customer": f"{customer.name[:80]} is flagged do-not-rent."})
    if customer.licence_expiry < due.astimezone(tz).date():
        raise FormErrors(
            {
                "customer": f"{customer.name[:80]}'s licence expires on {customer.licence_expiry:%-d %b %Y}, before the return."
            }
        )
    return customer


def _bookable_vehicle(session: Session, actor: Actor, vehicle_id: int | str | None) -> Vehicle:
    return _available(_chosen(session, actor, Vehicle, vehicle_id, "vehicle"))


def _available(vehicle: Vehicle) -> Vehicle:
    """Only an AVAILABLE vehicle that is not archived can be booked (the form's vehicle field says why)."""
    if vehicle.archived_at is not None:
        raise FormErrors({"vehicle": "That vehicle is archived and can't be changed."})
    if vehicle.status is not VehicleStatus.AVAILABLE:
        raise FormErrors(
            {"vehicle": f"{vehicle.registration} is {vehicle.status.value.lower()}, so it can't be booked."}
        )
    return vehicle


def _blocking(
    session: Session, vehicle: Vehicle, start: datetime, end: datetime, own: Booking | None
) -> Booking | None:
    query = select(Booking).where(Booking.vehicle_id == vehicle.id, holding_during(start, end, utcnow()))
    if own is not None:
        query = query.where(Booking.id != own.id)
    return session.scalars(query.order_by(Booking.pickup_at).limit(1)).first()


def why_not_bookable(
    session: Session, actor: Actor, vehicle_id: int | str, start: datetime, end: datetime, tz: ZoneInfo
) -> tuple[Vehicle, str] | None:
    """The vehicle an agent chose, and why it can't be booked for [start, end) in the words a
    submission would be refused with; None if it can (or is no vehicle of the workspace)."""
    try:
        vehicle = hire_records.load(session, actor, Vehicle, vehicle_id, lock=False)
    except DomainError:  # not one of the workspace's vehicles: nothing to say about it
        return None
    try:
        _refuse_overlap(session, _available(vehicle), start, end, tz, field="vehicle")
    except FormErrors as refused:
        return vehicle, refused.errors["vehicle"]
    return None


def _refuse_overlap(
    session: Session,
    vehicle: Vehicle,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    *,
    field: str,
    own: Booking | None = None,
) -> None:
    blocker = _blocking(session, vehicle, start, end, own)
    if blocker is not None:
        raise _clash(session, vehicle, blocker, start, end, tz, field)


def _write_holding(
    session: Session,
    write: Callable[[], None],
    vehicle: Vehicle,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    *,
    field: str,
    own: Booking | None = None,
) -> None:
    """Run ``write`` and flush it in a savepoint; PostgreSQL's exclusion constraint may still say no
    (another request booked the vehicle since our check): report that as the check would have."""
    try:
        with session.begin_nested():
            write()
            session.flush()
    except IntegrityError as error:
        if getattr(error.orig, "pgcode", None) != EXCLUSION_VIOLATION:
            raise
        if own is not None:
            session.refresh(own)
        blocker = _blocking(session, vehicle, start, end, own)
        raise _clash(session, vehicle, blocker, start, end, tz, field) from None


def _clash(
    session: Session,
    vehicle: Vehicle,
    blocker: Booking | None,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    field: str,
) -> FormErrors:
    """Name the blocking booking and offer free vehicles of the same category (the same words
    wherever a car is refused: the form's check, a race lost, the modal's redraw)."""
    taken = f"{vehicle.registration} is booked then"
    if blocker is not None and still_out(blocker, utcnow()):
        taken = f"{vehicle.registration} is still out with {blocker.key}, overdue since {local_short(blocker.return_due_at, tz)}"
    elif blocker is not None:
        taken += f" ({blocker.key}, {local_short(blocker.pickup_at, tz)} – {local_short(blocker.return_due_at, tz)})"
    others = [
        v.registration
        for v in free_vehicles(session, vehicle.team_id, start, end, vehicle.category, limit=4)
        if v.id != vehicle.id
    ][:3]
    offer = (
        f"Free {vehicle.category.value}: {', '.join(others)}."
        if others
        else f"No other {vehicle.category.value} is free then."
    )
    return FormErrors({field: f"{taken}. {offer}"})


def still_out(booking: Booking, now: datetime) -> bool:
    """Picked up and past its due time, not returned: its car is not in the yard."""
    return booking.status is BookingStatus.ACTIVE and booking.return_due_at <= now


def _record(
    session: Session,
    actor_id: str,
    booking: Booking,
    kind: str,
    *,
    old: str | None = None,
    new: str | None = None,
    body: str | None = None,
    at: datetime | None = None,
) -> None:
    now = at or utcnow()
    booking.updated_at = now
    booking.events.append(
        BookingEvent(
            team_id=booking.team_id, actor_id=actor_id, at=now, kind=kind, old_value=old, new_value=new, body=body
        )
    )
    session.flush()
