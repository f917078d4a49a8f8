"""The car hire desk tells the truth (issue: a car still out is never offered; the documented date
forms work), over signed HTTP against the fake Slack, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import select, update

from db.models import Booking, BookingStatus

from .helpers import (
    add_customer,
    add_vehicle,
    book,
    booking_modal_for,
    check_sheet_values,
    hours_from_now,
    make_agent,
    new_booking_values,
    opened_modal,
    press,
    return_values,
    stored_bookings,
)
from .test_hire_slack import ephemeral

LONDON = ZoneInfo("Europe/London")


def overdue_booking(live_app, customer_id: int, vehicle_id: int, *, overdue_hours: float = 3) -> Booking:
    """A booking picked up and due back ``overdue_hours`` ago, not returned: booked through Slack,
    then moved into the past (a test cannot wait for the clock)."""
    pickup = hours_from_now(24)
    book(live_app, customer_id, vehicle_id, pickup, pickup + timedelta(hours=2))
    (booking,) = [b for b in stored_bookings(live_app.db) if b.vehicle_id == vehicle_id]
    due = hours_from_now(-overdue_hours)
    with live_app.db.transaction() as session:
        session.execute(
            update(Booking)
            .where(Booking.id == booking.id)
            .values(
                status=BookingStatus.ACTIVE,
                pickup_at=due - timedelta(days=1),
                picked_up_at=due - timedelta(days=1),
                return_due_at=due,
                odometer_out=1000,
                fuel_out="full",
            )
        )
    return next(b for b in stored_bookings(live_app.db) if b.id == booking.id)


def vehicle_options(view: dict) -> list[str]:
    block = next((b for b in view["blocks"] if b.get("block_id") == "vehicle"), None)
    if block is None:
        return []
    return [option["value"] for option in block["element"].get("options", [])]


def local_minute(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


# --- 1. a car still out is never offered ---------------------------------------------------------


def test_a_car_still_out_past_its_due_time_is_not_offered_anywhere(live_app):
    make_agent(live_app.db)
    ada, bob = add_customer(live_app.db), add_customer(live_app.db, name="Bob Smith", licence_number="SMITH 1")
    out = add_vehicle(live_app.db, registration="QASH 1", make="Nissan", model="Qashqai")
    spare = add_vehicle(live_app.db, registration="SPARE 1")
    late = overdue_booking(live_app, ada, out)

    pickup = hours_from_now(1)
    due = pickup + timedelta(days=1)
    # /booking availability: the car that is not in the yard is not listed as free
    free = ephemeral(live_app, "/booking", f"availability {local_minute(pickup)} {local_minute(due)}")
    assert "SPARE1" in free and "QASH1" not in free
    # the New booking modal's vehicle list
    view = booking_modal_for(live_app, bob, pickup, due)
    assert vehicle_options(view) == [str(spare)]
    # and a submission naming it anyway (a stale form) is refused, naming the booking that holds it
    answer = live_app.slack.view_submission(view, new_booking_values(bob, out, pickup, due), user="UAGENT").json
    overdue_since = late.return_due_at.astimezone(LONDON).strftime("%H:%M")
    assert answer["response_action"] == "errors"
    assert f"QASH1 is still out with {late.key}, overdue since" in answer["errors"]["vehicle"]
    assert overdue_since in answer["errors"]["vehicle"] and "Free economy: SPARE1." in answer["errors"]["vehicle"]
    assert len(stored_bookings(live_app.db)) == 1


def test_once_the_car_is_back_it_is_offered_again(live_app):
    make_agent(live_app.db)
    ada = add_customer(live_app.db)
    out = add_vehicle(live_app.db, registration="QASH 1")
    late = overdue_booking(live_app, ada, out)
    with live_app.db.transaction() as session:
        session.execute(update(Booking).where(Booking.id == late.id).values(status=BookingStatus.RETURNED))
    pickup = hours_from_now(1)
    assert vehicle_options(booking_modal_for(live_app, ada, pickup, pickup + timedelta(days=1))) == [str(out)]


def test_a_booking_racing_the_late_return_never_takes_a_car_still_out(live_app):
    """The return of the overdue car and a booking of it, at once: the booking is made only if the
    return came first; otherwise it is refused naming the overdue booking. Never both out."""
    make_agent(live_app.db)
    ada, bob = add_customer(live_app.db), add_customer(live_app.db, name="Bob Smith", licence_number="SMITH 1")
    out = add_vehicle(live_app.db, registration="QASH 1")
    add_vehicle(live_app.db, registration="SPARE 1")  # the modal has a vehicle list (the other car, then)
    late = overdue_booking(live_app, ada, out)
    pickup = hours_from_now(1)
    view = booking_modal_for(live_app, bob, pickup, pickup + timedelta(days=1))
    return_view = return_modal(live_app, late)
    barrier = threading.Barrier(2)
    answers: dict[str, dict | None] = {}

    def book_it() -> None:
        barrier.wait()
        values = new_booking_values(bob, out, pickup, pickup + timedelta(days=1))
        answers["booking"] = live_app.slack.view_submission(view, values, user="UAGENT").json

    def return_it() -> None:
        barrier.wait()
        back = datetime.now(UTC).replace(second=0, microsecond=0)
        answers["return"] = live_app.slack.view_submission(return_view, return_values(back, "1200"), user="UAGENT").json

    threads = [threading.Thread(target=book_it), threading.Thread(target=return_it)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    bookings = {b.id: b for b in stored_bookings(live_app.db)}
    assert bookings[late.id].status is BookingStatus.RETURNED  # the return always lands
    new = [b for b in bookings.values() if b.id != late.id]
    if new:  # the return committed first
        assert answers["booking"] is None or answers["booking"].get("response_action") != "errors"
        assert new[0].returned_at is None and bookings[late.id].returned_at is not None
    else:
        assert f"still out with {late.key}" in answers["booking"]["errors"].get("vehicle", ""), answers


def return_modal(live_app, booking: Booking) -> dict:
    press(live_app, "booking_returned", booking.id)
    return opened_modal(live_app, "booking_return")


# --- 2. dates as documented ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "period",
    [
        "2026-11-24 2026-11-24",  # the help's first example
        "2026-11-24T10:00 2026-11-25T10:00",  # the help's and the error's example
        "2026-11-24t10:00 2026-11-25t10:00",
        "2026-11-24 10:00 2026-11-25 10:00",
        "2026-11-24T10:00 2026-11-25",
    ],
)
def test_availability_takes_every_documented_date_form(live_app, period):
    make_agent(live_app.db)
    add_vehicle(live_app.db, registration="VAN 1", category="van", daily_rate="90")
    with freeze_time(datetime(2026, 11, 20, 9, 0, tzinfo=UTC)):
        answer = ephemeral(live_app, "/booking", f"availability {period}")
    assert "VAN1" in answer and "is not a date" not in answer


def test_availability_takes_today_and_tomorrow(live_app):
    make_agent(live_app.db)
    add_vehicle(live_app.db, registration="VAN 1", category="van", daily_rate="90")
    answer = ephemeral(live_app, "/booking", "availability today tomorrow van")
    assert "VAN1" in answer


def test_the_date_error_names_forms_that_work(live_app):
    make_agent(live_app.db)
    answer = ephemeral(live_app, "/booking", "availability 24/11/2026 25/11/2026")
    assert "is not a date" in answer and "2026-11-24T10:00" in answer


def test_the_help_example_is_answered(live_app):
    """Every date the usage text gives, typed as given, is taken."""
    make_agent(live_app.db)
    usage = ephemeral(live_app, "/booking", "help")
    assert "2026-11-24T10:00" in usage and "2026-11-24 10:00" in usage and "today" in usage
    with live_app.db.transaction(readonly=True) as session:
        assert session.scalars(select(Booking)).first() is None


# --- 7. say why ----------------------------------------------------------------------------------


def redraw_for(live_app, view: dict, values: dict, action_id: str = "booking_return_due") -> dict:
    """Change a field of the open New booking modal (``values`` as its state): its redrawn self."""
    before = len(live_app.fake.calls_to("views.update"))
    block_id = {"booking_return_due": "return_due", "booking_vehicle": "vehicle"}[action_id]
    chosen = values[block_id][action_id]
    live_app.slack.block_action(
        {"action_id": action_id, "block_id": block_id, **chosen},
        user="UAGENT",
        view={**view, "state": {"values": values}},
    )
    live_app.fake.wait_for("views.update", count=before + 1)
    return live_app.fake.views[view["id"]]


def test_the_chosen_car_stays_chosen_and_the_modal_says_why_it_is_not_free(live_app):
    make_agent(live_app.db)
    ada, bob = add_customer(live_app.db), add_customer(live_app.db, name="Bob Smith", licence_number="SMITH 1")
    car = add_vehicle(live_app.db, registration="LD73 HDX")
    add_vehicle(live_app.db, registration="KX21 LMN")
    later = hours_from_now(72)
    book(live_app, ada, car, later, later + timedelta(days=1))  # B-1 holds LD73HDX from then

    pickup = hours_from_now(24)
    view = booking_modal_for(live_app, bob, pickup, pickup + timedelta(days=1))
    view = redraw_for(
        live_app, view, new_booking_values(bob, car, pickup, pickup + timedelta(days=1)), "booking_vehicle"
    )
    assert vehicle_options(view)[0] == str(car) or str(car) in vehicle_options(view)
    # The agent moves the return past B-1's pickup: the car is kept, and the modal says why it can't be booked.
    clashing = new_booking_values(bob, car, pickup, later + timedelta(hours=2))
    view = redraw_for(live_app, view, clashing)
    vehicle_block = next(b for b in view["blocks"] if b.get("block_id") == "vehicle")
    assert vehicle_block["element"]["initial_option"]["value"] == str(car)
    warning = next(b for b in view["blocks"] if b.get("block_id") == "vehicle_clash")["text"]["text"]
    assert "LD73HDX is booked then (B-1," in warning and "Free economy: KX21LMN." in warning
    # Submitted as it is: refused inline on the vehicle, in the same words.
    answer = live_app.slack.view_submission(view, clashing, user="UAGENT").json
    assert answer["response_action"] == "errors" and answer["errors"]["vehicle"] in warning
    assert len(stored_bookings(live_app.db)) == 1


# --- 6. early hand-overs -------------------------------------------------------------------------


def pick_up_values(early: bool | None = None) -> dict:
    """The Pick-up modal's state; ``early``: its early hand-over box (ticked or not), if shown."""
    if early is None:
        return check_sheet_values("1000")
    chosen = [{"text": {"type": "plain_text", "text": "Hand over early"}, "value": "early"}] if early else []
    return check_sheet_values("1000", early={"early": {"type": "checkboxes", "selected_options": chosen}})


def pick_up_sheet(live_app, hours_ahead: float) -> dict:
    """A booking picked up ``hours_ahead`` from now: its Pick-up modal, opened from its message."""
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    pickup = hours_from_now(hours_ahead)
    book(live_app, ada, car, pickup, pickup + timedelta(days=1))
    (booking,) = stored_bookings(live_app.db)
    press(live_app, "booking_picked_up", booking.id)
    return opened_modal(live_app, "booking_pick_up")


def test_a_pick_up_well_before_the_booked_time_is_confirmed_naming_the_shift(live_app):
    view = pick_up_sheet(live_app, 10.5)
    assert any(block.get("block_id") == "early" for block in view["blocks"])
    refused = live_app.slack.view_submission(view, pick_up_values(early=False), user="UAGENT").json
    assert refused["response_action"] == "errors"
    assert re.search(r"over 10 h (29|30) min before the booked pickup \(", refused["errors"]["early"]), refused
    assert stored_bookings(live_app.db)[0].status is BookingStatus.RESERVED

    answer = live_app.slack.view_submission(view, pick_up_values(early=True), user="UAGENT")
    assert answer.status == 200 and not answer.body, answer.body
    assert stored_bookings(live_app.db)[0].status is BookingStatus.ACTIVE


def test_a_pick_up_within_the_tolerance_asks_nothing(live_app):
    view = pick_up_sheet(live_app, 1)
    assert not any(block.get("block_id") == "early" for block in view["blocks"])
    answer = live_app.slack.view_submission(view, pick_up_values(), user="UAGENT")
    assert answer.status == 200 and not answer.body, answer.body


def test_an_early_hand_over_that_would_take_the_car_from_another_booking_is_refused(live_app):
    make_agent(live_app.db)
    ada, bob = add_customer(live_app.db), add_customer(live_app.db, name="Bob Smith", licence_number="SMITH 1")
    car = add_vehicle(live_app.db, registration="LD73 HDX")
    first = hours_from_now(3)
    book(live_app, ada, car, first, first + timedelta(hours=4))  # B-1: 3 h to 7 h from now
    later = hours_from_now(10)
    book(live_app, bob, car, later, later + timedelta(days=1))  # B-2: from 10 h
    second = next(b for b in stored_bookings(live_app.db) if b.customer_id == bob)

    press(live_app, "booking_picked_up", second.id)
    view = opened_modal(live_app, "booking_pick_up")
    refused = live_app.slack.view_submission(view, pick_up_values(early=True), user="UAGENT").json
    assert refused["response_action"] == "errors"
    assert "LD73HDX is booked before B-2's pickup (B-1," in json.dumps(refused)
    assert next(b for b in stored_bookings(live_app.db) if b.id == second.id).status is BookingStatus.RESERVED
