"""The data the request benchmark needs before it starts, written straight to the database.

A workspace (``TEAM``) whose users ``UBENCH1..n`` are admins (``HIREDESK_ADMINS``), a
history of resolved tickets and some open ones (what ``/ticket queue`` reads), and pools
of subjects that requests use up or reuse: unassigned tickets with cards (Assign to me,
once each: thousands, so the queue ``/ticket queue`` reads is a long one), open tickets with cards (Resolve), vehicles and customers (new bookings),
bookings with cards (Extend). Cards are real messages in the fake Slack, so the app's
``chat.update`` finds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select, update

from bot.services.clock import utcnow
from db.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Category,
    Customer,
    Severity,
    Ticket,
    TicketEvent,
    TicketState,
    Vehicle,
    VehicleCategory,
    VehicleStatus,
    Workspace,
)
from db.session import Database

TEAM = "T0001"
TRIAGE, FLEET = "CTRIAGE", "CFLEET"
REPORTER = "UREPORTER"
HISTORY_TICKETS = 2000  # resolved, over the last year
OPEN_TICKETS = 60  # the queue people look at, besides the pools
RESOLVE_POOL = 200  # Resolve only opens a modal: these are reused round robin
BOOKING_VEHICLES = 200  # new bookings go round these, one day slot after another
EXTEND_POOL = 64  # each booking is extended by an hour per request, one request at a time


@dataclass
class Seeded:
    """The subjects requests act on (ids and card timestamps)."""

    assign_pool: list[tuple[int, str]]  # (ticket id, card ts): unassigned, each taken once
    resolve_pool: list[tuple[int, str]]  # (ticket id, card ts): open
    vehicles: list[int]
    customers: list[int]
    extend_pool: list[tuple[int, str, datetime]]  # (booking id, card ts, return due)
    first_pickup: datetime  # new bookings start here, on the hour
    ticket_card: dict  # a real card's text and blocks: what Slack sends back in a click's payload
    booking_card: dict


def seed(db: Database, fake, assign_count: int) -> Seeded:
    now = utcnow().replace(microsecond=0)
    with db.transaction() as session:
        session.execute(
            insert(Workspace),
            [
                {
                    "team_id": TEAM,
                    "created_at": now - timedelta(days=400),
                    "last_ticket_number": 0,
                    "last_booking_number": 0,
                }
            ],
        )
    ticket_card = _sample_ticket_card(db, now)
    number = _ticket_numbers(db, TEAM)
    with db.transaction() as session:
        session.execute(
            insert(Ticket),
            [_ticket(next(number), now - timedelta(hours=4 * i + 48), resolved=True) for i in range(HISTORY_TICKETS)]
            + [
                _ticket(next(number), now - timedelta(hours=i), assignee="UTECH" if i % 3 else None)
                for i in range(OPEN_TICKETS)
            ],
        )
    resolve_pool = _tickets_with_cards(db, fake, TEAM, number, RESOLVE_POOL, now, ticket_card, assignee="UTECH")
    assign_pool = _tickets_with_cards(db, fake, TEAM, number, assign_count, now, ticket_card)
    with db.transaction() as session:
        _add_ticket_events(session, TEAM)
        session.execute(update(Workspace).where(Workspace.team_id == TEAM).values(last_ticket_number=next(number) - 1))

    vehicles = _vehicles(db, "BV", BOOKING_VEHICLES + EXTEND_POOL, now)
    booking_vehicles, extend_vehicles = vehicles[:BOOKING_VEHICLES], vehicles[BOOKING_VEHICLES:]
    customers = _customers(db, BOOKING_VEHICLES, now)
    first_pickup = (now + timedelta(days=2)).replace(minute=0, second=0)
    extend_pool, booking_card = _bookings_with_cards(db, fake, extend_vehicles, customers, first_pickup, now)
    return Seeded(
        assign_pool=assign_pool,
        resolve_pool=resolve_pool,
        vehicles=booking_vehicles,
        customers=customers,
        extend_pool=extend_pool,
        first_pickup=first_pickup + timedelta(days=30),
        ticket_card=ticket_card,
        booking_card=booking_card,
    )


def _ticket_numbers(db: Database, team: str):
    with db.transaction() as session:
        start = session.scalar(select(Workspace.last_ticket_number).where(Workspace.team_id == team)) + 1
    n = start
    while True:
        yield n
        n += 1


def _ticket(
    number: int,
    created: datetime,
    *,
    resolved: bool = False,
    assignee: str | None = None,
    card_ts: str | None = None,
    team: str = TEAM,
) -> dict:
    return {
        "team_id": team,
        "number": number,
        "title": f"Laptop {number} will not start",
        "description": "It beeps twice.",
        "category": Category.HARDWARE,
        "severity": (Severity.MAJOR if number % 4 == 0 else Severity.MINOR),
        "state": TicketState.RESOLVED if resolved else TicketState.OPEN,
        "reporter_id": REPORTER,
        "assignee_id": assignee or ("UTECH" if resolved else None),
        "created_at": created,
        "updated_at": created,
        "resolved_at": created + timedelta(hours=3) if resolved else None,
        "resolution_note": "Replaced the battery." if resolved else None,
        "card_channel": TRIAGE if card_ts else None,
        "card_ts": card_ts,
    }


def _tickets_with_cards(
    db, fake, team: str, number, count: int, now: datetime, card: dict, assignee: str | None = None
):
    if count <= 0:
        return []
    stamps = fake.post_cards(TRIAGE, card["text"], card["blocks"], count)
    numbers = [next(number) for _ in range(count)]
    with db.transaction() as session:
        session.execute(
            insert(Ticket),
            [
                _ticket(n, now - timedelta(minutes=5), assignee=assignee, card_ts=ts, team=team)
                for n, ts in zip(numbers, stamps, strict=True)
            ],
        )
        rows = session.execute(
            select(Ticket.id, Ticket.card_ts)
            .where(Ticket.team_id == team, Ticket.number.between(numbers[0], numbers[-1]))
            .order_by(Ticket.number)
        ).all()
    return [(row.id, row.card_ts) for row in rows]


def _add_ticket_events(session, team: str) -> None:
    """Every ticket's history: created, and resolved for the resolved ones."""
    tickets = session.execute(
        select(Ticket.id, Ticket.number, Ticket.created_at, Ticket.resolved_at).where(Ticket.team_id == team)
    ).all()
    events = [
        {
            "team_id": team,
            "ticket_id": t.id,
            "actor_id": REPORTER,
            "at": t.created_at,
            "kind": "created",
            "new_value": f"T-{t.number}",
            "internal": False,
        }
        for t in tickets
    ]
    events += [
        {
            "team_id": team,
            "ticket_id": t.id,
            "actor_id": "UTECH",
            "at": t.resolved_at,
            "kind": "state",
            "old_value": "OPEN",
            "new_value": "RESOLVED",
            "body": "Replaced the battery.",
            "internal": False,
        }
        for t in tickets
        if t.resolved_at
    ]
    session.execute(insert(TicketEvent), events)


def _sample_ticket_card(db: Database, now: datetime) -> dict:
    """The card of a typical ticket, rendered by the app's own view."""
    from zoneinfo import ZoneInfo

    from bot.views.tickets import messages as ticket_views

    ticket = Ticket(**_ticket(0, now))
    ticket.id, ticket.events = 0, []
    return ticket_views.card(ticket, tz=ZoneInfo("Europe/London"), now=now)


def _vehicles(db: Database, prefix: str, count: int, now: datetime) -> list[int]:
    with db.transaction() as session:
        session.execute(
            insert(Vehicle),
            [
                {
                    "team_id": TEAM,
                    "registration": f"{prefix}{i:05d}",
                    "make": "Toyota",
                    "model": "Yaris",
                    "category": VehicleCategory.ECONOMY,
                    "seats": 5,
                    "daily_rate": Decimal("40.00"),
                    "odometer": 1000,
                    "status": VehicleStatus.AVAILABLE,
                    "created_at": now,
                }
                for i in range(count)
            ],
        )
        return list(session.scalars(select(Vehicle.id).where(Vehicle.team_id == TEAM).order_by(Vehicle.id)))


def _customers(db: Database, count: int, now: datetime) -> list[int]:
    with db.transaction() as session:
        session.execute(
            insert(Customer),
            [
                {
                    "team_id": TEAM,
                    "name": f"Customer {i}",
                    "email": f"c{i}@example.com",
                    "licence_number": f"LIC{i:06d}",
                    "licence_expiry": date(2040, 1, 1),
                    "do_not_rent": False,
                    "created_at": now,
                    "created_by": "UBENCH1",
                }
                for i in range(count)
            ],
        )
        return list(session.scalars(select(Customer.id).where(Customer.team_id == TEAM).order_by(Customer.id)))


def _bookings_with_cards(
    db: Database, fake, vehicles: list[int], customers: list[int], pickup: datetime, now: datetime
):
    """One RESERVED booking per vehicle (nothing after it, so it can be extended again and again)."""
    from zoneinfo import ZoneInfo

    from sqlalchemy.orm import selectinload

    from bot.views.hire import bookings as booking_views

    due = pickup + timedelta(days=1)
    with db.transaction() as session:
        session.execute(
            insert(Booking),
            [
                {
                    "team_id": TEAM,
                    "number": i + 1,
                    "customer_id": customers[i % len(customers)],
                    "vehicle_id": vehicle,
                    "pickup_at": pickup,
                    "return_due_at": due,
                    "status": BookingStatus.RESERVED,
                    "quoted_price": Decimal("40.00"),
                    "created_by": "UBENCH1",
                    "created_at": now,
                    "updated_at": now,
                }
                for i, vehicle in enumerate(vehicles)
            ],
        )
        session.execute(update(Workspace).where(Workspace.team_id == TEAM).values(last_booking_number=len(vehicles)))
        ids = list(session.scalars(select(Booking.id).where(Booking.team_id == TEAM).order_by(Booking.id)))
        session.execute(
            insert(BookingEvent),
            [
                {
                    "team_id": TEAM,
                    "booking_id": booking_id,
                    "actor_id": "UBENCH1",
                    "at": now,
                    "kind": "created",
                    "new_value": "for the benchmark",
                }
                for booking_id in ids
            ],
        )
    with db.transaction() as session:
        sample = session.scalars(
            select(Booking)
            .where(Booking.id == ids[0])
            .options(selectinload(Booking.vehicle), selectinload(Booking.customer), selectinload(Booking.events))
        ).one()
        card = booking_views.booking_card(sample, ZoneInfo("Europe/London"), now)
    stamps = fake.post_cards(FLEET, card["text"], card["blocks"], len(ids))
    with db.transaction() as session:
        for booking_id, ts in zip(ids, stamps, strict=True):
            session.execute(update(Booking).where(Booking.id == booking_id).values(card_channel=FLEET, card_ts=ts))
    return [(booking_id, ts, due) for booking_id, ts in zip(ids, stamps, strict=True)], card
