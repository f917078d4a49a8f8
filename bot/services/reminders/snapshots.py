"""Plain, detached snapshots of bookings and tickets for scheduled messages.

Jobs read the database in one transaction and post after it has ended; views
render these snapshots, never live ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session, joinedload

from db.models import Booking, BookingStatus, Customer, Severity, Ticket, TicketState, Vehicle


@dataclass(frozen=True)
class BookingLine:
    id: int
    key: str
    customer: str
    vehicle: str  # "AB12CDE Ford Focus"
    pickup_at: datetime
    return_due_at: datetime
    status: BookingStatus
    vehicle_id: int | None = None
    # A pickup whose car is still out past its due time with another booking: its key and due time.
    car_out_with: str | None = None
    car_due_back: datetime | None = None

    @classmethod
    def of_row(cls, row: Row[Any]) -> BookingLine:
        """A row of ``booking_lines()``."""
        return cls(
            id=row.id,
            key=Booking.key_of(row.number),
            customer=row.customer,
            vehicle=f"{row.registration} {row.make} {row.model}",
            pickup_at=row.pickup_at,
            return_due_at=row.return_due_at,
            status=row.status,
            vehicle_id=row.vehicle_id,
        )

    @classmethod
    def of(cls, booking: Booking) -> BookingLine:
        vehicle = booking.vehicle
        return cls(
            id=booking.id,
            key=booking.key,
            customer=booking.customer.name,
            vehicle=f"{vehicle.registration} {vehicle.make} {vehicle.model}",
            pickup_at=booking.pickup_at,
            return_due_at=booking.return_due_at,
            status=booking.status,
            vehicle_id=booking.vehicle_id,
        )


def note_cars_still_out(session: Session, lines: list[BookingLine], now: datetime) -> list[BookingLine]:
    """``lines`` (pickups), each whose car is still out past its due time with another booking
    noting which one: the agent learns before the customer arrives that the car is not in the yard."""
    vehicle_ids = {line.vehicle_id for line in lines if line.vehicle_id is not None}
    if not vehicle_ids:
        return lines
    out = session.execute(
        select(Booking.vehicle_id, Booking.id, Booking.number, Booking.return_due_at).where(
            Booking.vehicle_id.in_(sorted(vehicle_ids)),
            Booking.status == BookingStatus.ACTIVE,
            Booking.return_due_at <= now,
        )
    ).all()
    holder = {row.vehicle_id: row for row in out}
    return [
        replace(line, car_out_with=Booking.key_of(found.number), car_due_back=found.return_due_at)
        if (found := holder.get(line.vehicle_id)) is not None and found.id != line.id
        else line
        for line in lines
    ]


@dataclass(frozen=True)
class TicketLine:
    id: int
    key: str
    title: str
    severity: Severity
    state: TicketState
    assignee_id: str | None
    created_at: datetime
    updated_at: datetime
    card_channel: str | None
    card_ts: str | None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketLine:
        return cls(
            id=ticket.id,
            key=ticket.key,
            title=ticket.title,
            severity=ticket.severity,
            state=ticket.state,
            assignee_id=ticket.assignee_id,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            card_channel=ticket.card_channel,
            card_ts=ticket.card_ts,
        )


def booking_lines() -> Select[Any]:
    """SELECT what a ``BookingLine`` shows (``BookingLine.of_row``): plain columns of a booking, its
    customer and vehicle. The jobs read hundreds of these; as ORM objects, loading them took most
    of a job's time (docs/performance.md)."""
    return (
        select(
            Booking.id,
            Booking.number,
            Customer.name.label("customer"),
            Vehicle.registration,
            Vehicle.make,
            Vehicle.model,
            Booking.pickup_at,
            Booking.return_due_at,
            Booking.status,
            Booking.vehicle_id,
        )
        .join(Customer, Customer.id == Booking.customer_id)
        .join(Vehicle, Vehicle.id == Booking.vehicle_id)
    )


def bookings_with_parties() -> Select[tuple[Booking]]:
    """SELECT bookings with their customer and vehicle loaded in the same query."""
    return select(Booking).options(joinedload(Booking.customer), joinedload(Booking.vehicle))
