"""Plain, detached snapshots of bookings and tickets for scheduled messages.

Jobs read the database in one transaction and post after it has ended; views
render these snapshots, never live ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import joinedload

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
        )


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
        )
        .join(Customer, Customer.id == Booking.customer_id)
        .join(Vehicle, Vehicle.id == Booking.vehicle_id)
    )


def bookings_with_parties() -> Select[tuple[Booking]]:
    """SELECT bookings with their customer and vehicle loaded in the same query."""
    return select(Booking).options(joinedload(Booking.customer), joinedload(Booking.vehicle))
