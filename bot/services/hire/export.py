"""``/booking export`` (PRODUCT.md §4): the bookings of a date range (by pickup time), as CSV rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import export
from bot.services.actors import Actor
from db.models import Role
from db.models.hire import Booking, Customer, Vehicle

HEADER = (
    "key",
    "customer",
    "vehicle",
    "pickup",
    "return due",
    "picked up",
    "returned",
    "status",
    "price",
    "late fee",
    "charges (refuel)",
)


def rows(session: Session, query: export.Query) -> Iterator[list[str]]:
    """One row per booking of the workspace picked up (or due to be) in the range, in booking order."""
    tz = query.tz
    statement = (
        select(
            Booking.id,
            Booking.number,
            Customer.name,
            Vehicle.registration,
            Booking.pickup_at,
            Booking.return_due_at,
            Booking.picked_up_at,
            Booking.returned_at,
            Booking.status,
            Booking.quoted_price,
            Booking.late_fee,
            Booking.refuel_charge,
        )
        .join(Customer, Customer.id == Booking.customer_id)
        .join(Vehicle, Vehicle.id == Booking.vehicle_id)
        .where(Booking.team_id == query.team_id)
    )
    for page in export.pages(session, query.within(statement, Booking.pickup_at), Booking.id):
        for row in page:
            yield [
                Booking.key_of(row.number),
                row.name,
                row.registration,
                export.local_iso(row.pickup_at, tz),
                export.local_iso(row.return_due_at, tz),
                export.local_iso(row.picked_up_at, tz),
                export.local_iso(row.returned_at, tz),
                row.status.value,
                export.money(row.quoted_price),
                export.money(row.late_fee),
                export.money(row.refuel_charge),
            ]


DESK = export.Desk("bookings", (Role.AGENT, Role.MANAGER), "Bookings", HEADER, rows)


def request(session: Session, actor: Actor, text: str, *, tz: ZoneInfo, today: date) -> export.Queued:
    """``/booking export [from [to]]``: agents, managers and admins get the CSV by DM."""
    return export.queue(session, actor, DESK, text, tz=tz, today=today)
