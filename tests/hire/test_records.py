"""Customers and vehicles: form rules, uniqueness after normalising, search, archive (both databases)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import partial

import pytest

from bot.errors import DomainError, FormErrors, NotFound, PermissionDenied
from bot.services.hire import bookings as booking_service
from bot.services.hire import customers as customer_service
from bot.services.hire import vehicles as vehicle_service
from bot.services.hire.bookings import NewBooking
from bot.services.hire.customers import CustomerValues
from bot.services.hire.vehicles import VehicleValues
from db.models import Customer, Vehicle

from .helpers import NOW, SETTINGS, actor, add_customer, add_vehicle


def form_errors(call) -> dict:
    with pytest.raises(FormErrors) as raised:
        call()
    return raised.value.errors


def test_customer_form_rules(desk):
    add_customer(desk, licence_number="SMITH901234")
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        errors = form_errors(
            lambda: customer_service.create_customer(
                session,
                agent,
                CustomerValues(
                    name=" ",
                    email="nope",
                    phone="call me",
                    licence_number="smith 9012-34",
                    licence_expiry=date(2026, 5, 31),
                    date_of_birth=date(2010, 1, 1),
                ),
            )
        )
    assert errors == {
        "name": "Enter the customer's name.",
        "email": "That doesn't look like an email address (name@example.com).",
        "phone": "Use digits, spaces and + ( ) - only, like +44 20 7946 0000.",
        "licence_number": "Another customer already has licence SMITH901234.",
        "licence_expiry": "This licence has expired.",
        "date_of_birth": "Drivers must be at least 18.",
    }
    with desk.transaction() as session:
        errors = form_errors(
            lambda: customer_service.create_customer(
                session, actor(session, "UAGENT"), CustomerValues(name="Bo", licence_number="AB!", licence_expiry=None)
            )
        )
    assert set(errors) == {"licence_number", "licence_expiry"}


def test_customers_are_found_by_name_email_or_licence_within_the_workspace(desk):
    ada = add_customer(desk)
    add_customer(desk, name="Grace Hopper", email="grace@navy.example", licence_number="HOPPE612")
    add_customer(desk, team="T0THER", name="Ada Other", licence_number="OTHER1234")
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        names = lambda text: [c.name for c in customer_service.search_customers(session, agent, text)]  # noqa: E731
        assert names("ada") == ["Ada Lovelace"]
        assert names("NAVY") == ["Grace Hopper"]
        assert names("lovel 815") == ["Ada Lovelace"]
        assert names("100%_") == []
        updated = customer_service.update_customer(
            session,
            agent,
            ada,
            CustomerValues(name="Ada King", licence_number="LOVEL815AD9", licence_expiry=date(2030, 1, 1)),
        )
        assert updated.name == "Ada King"


def test_registration_is_unique_after_normalising_and_rates_are_positive(desk):
    add_vehicle(desk, registration="AB12 CDE")
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        errors = form_errors(
            lambda: vehicle_service.create_vehicle(
                session,
                agent,
                VehicleValues(
                    registration="ab12cde",
                    make="",
                    model="X",
                    category="boat",
                    seats="0",
                    daily_rate="0",
                    odometer="-1",
                ),
            )
        )
    assert errors == {
        "registration": "Another vehicle already has registration AB12CDE.",
        "make": "Enter the make.",
        "category": "Choose a category.",
        "seats": "Seats is a whole number from 1 to 99.",
        "odometer": "The odometer is a whole number of kilometres or miles, 0 or more.",
        "daily_rate": "The daily rate is an amount greater than 0, like 45 or 45.50.",
    }
    for bad_rate in ("-5", "abc", "NaN", "12.345"):
        with desk.transaction() as session:
            values = VehicleValues("XY1", "Ford", "Ka", "economy", "4", bad_rate, "0")
            assert "daily_rate" in form_errors(
                partial(vehicle_service.create_vehicle, session, actor(session, "UAGENT"), values)
            )
    add_vehicle(desk, team="T0THER", registration="AB12CDE")  # another workspace may reuse it


def test_vehicle_status_changes(desk):
    add_vehicle(desk)
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        assert (
            vehicle_service.set_status(session, agent, "ab12 cde", vehicle_service.VehicleStatus.RETIRED).status.value
            == "RETIRED"
        )
        with pytest.raises(DomainError, match="already retired"):
            vehicle_service.set_status(session, agent, "AB12CDE", vehicle_service.VehicleStatus.RETIRED)
    with desk.transaction() as session, pytest.raises(PermissionDenied, match="Only agents or admins"):
        vehicle_service.set_status(
            session, actor(session, "UMANAGER"), "AB12CDE", vehicle_service.VehicleStatus.AVAILABLE
        )


def test_only_admins_remove_and_records_with_bookings_are_archived(desk):
    booked_c, spare_c = add_customer(desk), add_customer(desk, name="Spare", licence_number="SPARE1234")
    booked_v, spare_v = add_vehicle(desk), add_vehicle(desk, registration="SPARE1")
    start = NOW + timedelta(days=1)
    with desk.transaction() as session:
        booking = booking_service.create_booking(
            session,
            actor(session, "UAGENT"),
            NewBooking(booked_c, booked_v, start, start + timedelta(days=1)),
            SETTINGS,
        )
    with (
        desk.transaction() as session,
        pytest.raises(PermissionDenied, match=re.escape("Only admins can archive or delete customers.")),
    ):
        customer_service.remove_customer(session, actor(session, "UAGENT"), spare_c)
    with desk.transaction() as session, pytest.raises(DomainError, match=r"has open bookings \(B-1\)"):
        vehicle_service.remove_vehicle(session, actor(session), booked_v)
    with desk.transaction() as session:
        booking_service.cancel(session, actor(session), booking.id)
    with desk.transaction() as session:
        admin = actor(session)
        assert customer_service.remove_customer(session, admin, booked_c).archived
        assert vehicle_service.remove_vehicle(session, admin, booked_v).archived
        assert not customer_service.remove_customer(session, admin, spare_c).archived
        assert not vehicle_service.remove_vehicle(session, admin, spare_v).archived
    with desk.transaction() as session:
        assert session.get(Customer, booked_c).archived_at is not None and session.get(Customer, spare_c) is None
        assert session.get(Vehicle, booked_v).archived_at is not None and session.get(Vehicle, spare_v) is None
        agent = actor(session, "UAGENT")
        assert customer_service.search_customers(session, agent, "ada") == []  # archived: not offered any more
        assert vehicle_service.free_vehicles(session, agent.team_id, start, start + timedelta(days=1)) == []
        with pytest.raises(DomainError, match="archived"):
            customer_service.customer_to_edit(session, agent, booked_c)


def test_ids_from_buttons_and_selects_are_ascii_digits_only(desk):
    ada, car = add_customer(desk), add_vehicle(desk)
    start = NOW + timedelta(days=1)
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        booking = booking_service.create_booking(
            session, agent, NewBooking(ada, car, start, start + timedelta(days=1)), SETTINGS
        )
        assert ada == car == booking.id == 1
        assert customer_service.customer_to_edit(session, agent, "1").id == 1
        assert booking_service.get_booking(session, agent, "1").id == 1
        for arabic_indic_one in ("\u0661", "\u0661\u0661"):  # ARABIC-INDIC DIGIT ONE: str.isdigit() and int() take it
            with pytest.raises(NotFound, match="No such customer"):
                customer_service.customer_to_edit(session, agent, arabic_indic_one)
            with pytest.raises(NotFound, match="No such vehicle"):
                vehicle_service.vehicle_to_edit(session, agent, arabic_indic_one)
            with pytest.raises(NotFound, match="No such booking"):
                booking_service.get_booking(session, agent, arabic_indic_one)
            with pytest.raises(NotFound, match="No such booking"):
                booking_service.cancel(session, agent, arabic_indic_one)
            with pytest.raises(FormErrors, match="No such customer"):
                booking_service.create_booking(
                    session, agent, NewBooking(arabic_indic_one, car, start, start + timedelta(days=1)), SETTINGS
                )
