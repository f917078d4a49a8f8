"""Customer and vehicle history (old → new), the customer view, paging and booking search
(PRODUCT.md §4), on both databases: the services directly, the answers over signed HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.hire import customers as customer_service
from bot.services.hire import vehicles as vehicle_service
from bot.services.hire.customers import CustomerValues
from bot.services.hire.vehicles import VehicleValues
from bot.services.workspaces import next_number
from bot.views.hire.vehicles import vehicle_detail_message
from db.models import Booking, BookingStatus, Customer, Vehicle, VehicleStatus

from .helpers import actor, add_customer, add_vehicle, make_agent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
VEHICLE = {"registration": "ab12 cde", "make": "Toyota", "model": "Yaris", "category": "economy",
           "seats": "5", "daily_rate": "40", "odometer": "1000"}  # fmt: skip


def test_customer_edits_keep_old_and_new_per_field(desk):
    customer_id = add_customer(desk, phone="+44 20 7946 0000")
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        customer = session.get(Customer, customer_id)
        assert customer.events == []  # adding is no change
        values = CustomerValues(
            name=customer.name, email=customer.email or "", phone="+44 20 7946 0001",
            licence_number=customer.licence_number, licence_expiry=customer.licence_expiry,
            notes="Prefers automatics", do_not_rent=True,
        )  # fmt: skip
        customer_service.update_customer(session, agent, customer_id, values)
        customer_service.update_customer(session, agent, customer_id, values)  # saved again unchanged
    with desk.transaction() as session:
        events = session.get(Customer, customer_id).events
        assert [(e.field, e.old_value, e.new_value, e.actor_id) for e in events] == [
            ("phone", "+44 20 7946 0000", "+44 20 7946 0001", "UAGENT"),
            ("notes", None, "Prefers automatics", "UAGENT"),
            ("do_not_rent", "no", "yes", "UAGENT"),
        ]


def test_vehicle_edits_and_status_changes_are_in_its_view(desk):
    vehicle_id = add_vehicle(desk, **{**VEHICLE, "daily_rate": "40.00"})
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        vehicle_service.update_vehicle(session, agent, vehicle_id, VehicleValues(**VEHICLE))  # 40 is 40.00
        assert session.get(Vehicle, vehicle_id).events == []
        vehicle_service.update_vehicle(
            session, agent, vehicle_id, VehicleValues(**{**VEHICLE, "daily_rate": "45.5", "category": "compact"})
        )
        vehicle_service.set_status(session, agent, "AB12CDE", VehicleStatus.MAINTENANCE)
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        vehicle, bookings = vehicle_service.vehicle_detail(session, agent, "ab12cde")
        assert [(e.field, e.old_value, e.new_value) for e in vehicle.events] == [
            ("category", "economy", "compact"),
            ("daily_rate", "40.00", "45.50"),
            ("status", "AVAILABLE", "MAINTENANCE"),
        ]
        shown = json.dumps(vehicle_detail_message(vehicle, bookings, LONDON, agent))
    assert "*History*" in shown and "*Daily rate* 40.00 \\u2192 45.50 by <@UAGENT>" in shown
    assert "*Status* AVAILABLE \\u2192 MAINTENANCE" in shown


def test_a_removed_customer_with_bookings_is_archived_in_its_history(desk):
    customer_id = add_customer(desk)
    with desk.transaction() as session:
        bookings_of(session, session.get(Customer, customer_id), 1, status=BookingStatus.RETURNED)
    with desk.transaction() as session:
        assert customer_service.remove_customer(session, actor(session), customer_id).archived
    with desk.transaction() as session:
        assert [e.field for e in session.get(Customer, customer_id).events] == ["archived"]


def bookings_of(session, customer: Customer, count: int, *, status=BookingStatus.RETURNED, start=T0) -> None:
    """``count`` bookings of ``customer``, a day apart from ``start``, each of its own car."""
    for n in range(count):
        car = Vehicle(
            team_id=customer.team_id, registration=f"CAR{customer.id}X{n}", make="Ford", model="Focus",
            category="compact", seats=5, daily_rate=Decimal("40.00"), odometer=0,
            status=VehicleStatus.AVAILABLE, created_at=T0,
        )  # fmt: skip
        session.add(car)
        session.flush()
        pickup = start + timedelta(days=n)
        session.add(
            Booking(
                team_id=customer.team_id, number=next_number(session, customer.team_id, "booking"),
                customer_id=customer.id, vehicle_id=car.id, pickup_at=pickup,
                return_due_at=pickup + timedelta(hours=20), status=status, quoted_price=Decimal("40.00"),
                created_by="UAGENT", created_at=T0, updated_at=T0,
            )
        )  # fmt: skip
    session.flush()


# ---- over signed HTTP ---------------------------------------------------------------------------


def answer(live_app, command: str, text: str, user: str = "UAGENT") -> dict:
    response = live_app.slack.command(command, text, user=user)
    assert response.status == 200, response.body
    return response.json


def buttons(message: dict, block_id: str = "hire_pages") -> dict[str, dict]:
    """A message's buttons in block ``block_id`` by action id."""
    for block in message["blocks"]:
        if block.get("block_id") == block_id:
            return {element["action_id"]: element for element in block["elements"]}
    return {}


def click(live_app, button: dict, user: str = "UAGENT", replace: bool = True) -> dict:
    """Click a button of an ephemeral answer; the answer (through the outbox) comes by its response_url."""
    before = len(live_app.fake.calls_to("response_url"))
    response = live_app.slack.block_action(
        {"action_id": button["action_id"], "block_id": "b", "value": button["value"]},
        user=user,
        channel="C0GENERAL",
        message_ts=None,
    )
    assert response.status == 200 and not response.body, response.body
    call = live_app.fake.wait_for("response_url", count=before + 1)[-1]
    assert call.args["replace_original"] is replace
    return call.args


def test_one_match_shows_the_customer_with_bookings_paged_latest_first_and_history(live_app):
    make_agent(live_app.db)
    ada = add_customer(live_app.db, name="Ada Lovelace")
    with live_app.db.transaction() as session:
        bookings_of(session, session.get(Customer, ada), 12)
        customer_service.update_customer(
            session, actor(session, "UAGENT"), ada,
            CustomerValues(name="Ada King", email="ada@example.com", licence_number="LOVEL815AD9",
                           licence_expiry=session.get(Customer, ada).licence_expiry),
        )  # fmt: skip
    shown = answer(live_app, "/customer", "ada")
    text = json.dumps(shown["blocks"])
    assert "*Bookings* (12)" in text and "1\\u201310 of 12" in text
    assert text.index("*B-12*") < text.index("*B-3*") and "*B-2*" not in text  # latest first
    assert "*Name* Ada Lovelace \\u2192 Ada King by <@UAGENT>" in text
    second = click(live_app, buttons(shown)["hire_page_next"])
    assert "*B-2*" in json.dumps(second["blocks"]) and "*B-3*" not in json.dumps(second["blocks"])
    assert "11\\u201312 of 12" in json.dumps(second["blocks"]) and set(buttons(second)) == {"hire_page_previous"}


def test_several_matches_list_them_with_view(live_app):
    make_agent(live_app.db)
    add_customer(live_app.db, name="Ada Lovelace")
    grace = add_customer(live_app.db, name="Ada Hopper", licence_number="HOPPER12345", email="grace@example.com")
    shown = answer(live_app, "/customer", "ada")
    views = [e for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in views] == ["customer_view", "customer_view"]
    view = next(e for e in views if e["value"] == str(grace))
    customer = click(live_app, view, replace=False)
    assert "Ada Hopper" in json.dumps(customer["blocks"]) and "_No bookings yet._" in json.dumps(customer["blocks"])


def test_customer_and_vehicle_lists_page(live_app):
    make_agent(live_app.db)
    for n in range(27):
        add_customer(live_app.db, name=f"Customer {n:02d}", licence_number=f"LIC{n:05d}X", email="")
    for n in range(33):
        add_vehicle(live_app.db, registration=f"VAN{n:02d}", category="van")
    first = answer(live_app, "/customer", "list")
    assert "Customer 24" in json.dumps(first) and "Customer 25" not in json.dumps(first)
    assert "1\\u201325 of 27" in json.dumps(first) and set(buttons(first)) == {"hire_page_next"}
    second = click(live_app, buttons(first)["hire_page_next"])
    assert "Customer 26" in json.dumps(second) and "Customer 24" not in json.dumps(second)
    assert set(buttons(second)) == {"hire_page_previous"}
    assert "Customer 00" in json.dumps(click(live_app, buttons(second)["hire_page_previous"]))
    fleet = answer(live_app, "/vehicle", "list")
    assert "1\\u201330 of 33" in json.dumps(fleet)
    rest = click(live_app, buttons(fleet)["hire_page_next"])
    assert "VAN32" in json.dumps(rest) and "VAN29" not in json.dumps(rest)
    back = click(live_app, buttons(rest)["hire_page_previous"])
    assert "VAN00" in json.dumps(back)


def test_booking_lists_page_and_bookings_are_found_by_registration_or_customer(live_app):
    make_agent(live_app.db)
    ada, bo = (
        add_customer(live_app.db, name="Ada Lovelace"),
        add_customer(live_app.db, name="Bo Diddley", licence_number="DIDDLEY1234"),
    )
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    with live_app.db.transaction() as session:
        bookings_of(session, session.get(Customer, ada), 23, status=BookingStatus.RESERVED, start=soon)
        bookings_of(session, session.get(Customer, bo), 1, status=BookingStatus.RESERVED, start=soon)
    upcoming = answer(live_app, "/booking", "list upcoming")
    assert "*Upcoming pickups* (24)" in json.dumps(upcoming) and "1\\u201320 of 24" in json.dumps(upcoming)
    rest = click(live_app, buttons(upcoming)["hire_page_next"])
    assert "21\\u201324 of 24" in json.dumps(rest)
    assert json.loads(buttons(rest)["hire_page_previous"]["value"]) == {
        "list": "bookings",
        "q": "upcoming",
        "offset": 0,
    }

    by_name = answer(live_app, "/booking", "diddley")
    assert "Bo Diddley" in json.dumps(by_name) and "Ada Lovelace" not in json.dumps(by_name)
    registration = f"car{ada}x7"  # typed in lower case
    by_car = answer(live_app, "/booking", registration)
    assert "*B-8*" in json.dumps(by_car) and "(1)" in json.dumps(by_car)
    nothing = answer(live_app, "/booking", "nobody here")
    assert "No bookings match." in json.dumps(nothing)


def test_a_forged_page_button_is_stale(live_app):
    make_agent(live_app.db)
    response = live_app.slack.block_action(
        {"action_id": "hire_page_next", "block_id": "hire_pages", "value": json.dumps({"list": "tickets", "offset": 0})},
        user="UAGENT", channel="C0GENERAL", message_ts=None,
    )  # fmt: skip
    assert response.status == 200
    call = live_app.fake.wait_for("response_url")[-1]
    assert "out of date" in json.dumps(call.args)
