"""The sandbox's demo bookings are made by the car hire services, so they hold what the desk
itself would: a no-show marked by the job, a return with new damage and a refuel charge."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from sqlalchemy import select

from bot.context import AppContext
from bot.sandbox import workspace
from bot.sandbox.demo_data import seed_demo
from bot.services.clock import as_of, utcnow
from bot.services.hire.bookings import SCHEDULER
from bot.settings import load_settings
from bot.views.hire.booking_modals import new_booking_modal
from bot.views.hire.bookings import booking_card
from db.models import Booking, BookingStatus, Customer, Vehicle, VehicleStatus
from tests.hire.helpers import NOW, new_booking_values


def test_demo_data_has_a_no_show_and_a_return_with_damage_and_a_refuel_charge(database):
    settings = load_settings({"DATABASE_URL": database.url, "HIREDESK_TIMEZONE": workspace.TIMEZONE})
    with freeze_time(NOW):
        assert seed_demo(AppContext(settings=settings, db=database)).bookings == 7
        assert utcnow() == NOW  # the services' stopped clocks are gone
    with database.transaction(readonly=True) as session:
        bookings = {b.key: b for b in session.scalars(select(Booking).where(Booking.team_id == workspace.TEAM_ID))}
        statuses = {key: b.status for key, b in bookings.items()}
        assert statuses == {
            "B-1": BookingStatus.ACTIVE,
            "B-2": BookingStatus.ACTIVE,
            "B-3": BookingStatus.RESERVED,
            "B-4": BookingStatus.RESERVED,
            "B-5": BookingStatus.RETURNED,
            "B-6": BookingStatus.NO_SHOW,
            "B-7": BookingStatus.RETURNED,
        }
        assert bookings["B-2"].return_due_at < NOW - timedelta(hours=1)  # overdue
        no_show = bookings["B-6"]
        assert [(e.kind, e.actor_id) for e in no_show.events] == [("created", "UAGENT"), ("no_show", SCHEDULER)]
        assert no_show.events[1].at == no_show.pickup_at + timedelta(hours=2)  # once the grace ran out

        damaged = bookings["B-7"]
        assert damaged.fuel_out == "full" and damaged.fuel_level == "5/8"
        assert damaged.refuel_charge == Decimal("30.00") and damaged.late_fee == Decimal("0.00")
        assert damaged.damage_out and damaged.damage_notes
        assert [e.kind for e in damaged.events] == ["created", "picked_up", "returned"]
        assert damaged.events[0].at < damaged.events[1].at == damaged.pickup_at < damaged.events[2].at < NOW
        assert damaged.vehicle.odometer == damaged.odometer_in  # the car's reading moved on
        card = str(booking_card(damaged, ZoneInfo(workspace.TIMEZONE), NOW))
        assert "New damage" in card and "30.00" in card

        sam = session.scalars(select(Customer).where(Customer.name == "Sam Patel")).one()
        assert [(e.field, e.new_value) for e in sam.events] == [("phone", "+44 7700 900457")]
        yaris = session.scalars(select(Vehicle).where(Vehicle.registration == "MA68YRS")).one()
        assert yaris.status is VehicleStatus.MAINTENANCE and [e.field for e in yaris.events] == ["status"]


def test_as_of_stops_the_clock_in_its_own_thread_only():
    seen: list = []
    with freeze_time(NOW), as_of(NOW - timedelta(days=3)):
        assert utcnow() == NOW - timedelta(days=3)
        reader = threading.Thread(target=lambda: seen.append(utcnow()))
        reader.start()
        reader.join()
        with as_of(NOW - timedelta(days=5)):  # nested: the inner moment, then the outer again
            assert utcnow() == NOW - timedelta(days=5)
        assert utcnow() == NOW - timedelta(days=3)
    assert seen == [NOW]  # a serving thread keeps the (here frozen) real clock


def test_the_demo_overdue_car_is_refused_for_new_bookings_with_its_reason(sandbox):
    """The overdue car of the demo data is not in the yard: availability leaves it out and a booking
    of it is refused naming the overdue booking (as an agent in the sandbox would try)."""
    seed_demo(sandbox.ctx)
    with sandbox.ctx.db.transaction(readonly=True) as session:
        overdue = session.scalars(select(Booking).where(Booking.number == 2)).one()
        registration, vehicle_id = overdue.vehicle.registration, overdue.vehicle_id
        customer_id = session.scalars(select(Customer.id).where(Customer.name == "Sam Patel")).one()
    slack = sandbox.ui.slack
    free = json.dumps(slack.command("/booking", "availability today tomorrow", user="UAGENT").json)
    assert "free" in free and registration not in free

    pickup = (utcnow() + timedelta(hours=1)).replace(second=0, microsecond=0)
    view = {"id": "VDEMO1", "hash": "1.demo", "team_id": workspace.TEAM_ID, **new_booking_modal()}
    answer = slack.view_submission(
        view, new_booking_values(customer_id, vehicle_id, pickup, pickup + timedelta(days=1)), user="UAGENT"
    ).json
    assert answer["response_action"] == "errors"
    assert f"{registration} is still out with B-2, overdue since" in json.dumps(answer["errors"])
