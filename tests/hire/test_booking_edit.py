"""Editing bookings (PRODUCT.md §4): over signed HTTP on both databases; 50 concurrent edits and
new bookings on one car on PostgreSQL."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select, update

from bot.errors import FormErrors, NotFound, PermissionDenied
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import BookingEdit, NewBooking
from bot.services.hire.vehicles import set_status
from db.models import Booking, BookingStatus, Vehicle, VehicleStatus
from db.session import Database

from .helpers import (
    NOW,
    SETTINGS,
    TEAM,
    actor,
    add_customer,
    add_vehicle,
    book,
    epoch,
    hours_from_now,
    make_agent,
    opened_modal,
    press,
    stored_bookings,
    wait_for_card,
)


def edit_values(customer_id, vehicle_id, pickup, due, notes="") -> dict:
    return {
        "customer": {"booking_customer": {"type": "external_select", "selected_option": {"text": {"type": "plain_text", "text": "c"}, "value": str(customer_id)}}},
        "vehicle": {"booking_vehicle": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "v"}, "value": str(vehicle_id)}}},
        "pickup": {"edit_pickup": {"type": "datetimepicker", "selected_date_time": epoch(pickup)}},
        "return_due": {"edit_return_due": {"type": "datetimepicker", "selected_date_time": epoch(due)}},
        "notes": {"booking_notes": {"type": "plain_text_input", "value": notes or None}},
    }  # fmt: skip


def test_an_edit_that_would_overlap_is_refused_inline_then_a_good_one_is_in_the_history(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    first = hours_from_now(24)
    book(live_app, ada, car, first, first + timedelta(days=1))
    second = first + timedelta(days=3)
    book(live_app, ada, car, second, second + timedelta(days=1))
    _, booking = wait_for_card(live_app.db, count=2)

    press(live_app, "booking_edit", booking.id, booking.card_ts)
    view = opened_modal(live_app, "booking_edit")
    assert "the workspace's is Europe/London" in json.dumps(view["blocks"])
    vehicle_select = next(b for b in view["blocks"] if b.get("block_id") == "vehicle")
    assert vehicle_select["element"]["initial_option"]["value"] == str(car)  # its own car is offered

    clash = edit_values(ada, car, first + timedelta(hours=12), second + timedelta(days=1))
    answer = live_app.slack.view_submission(view, clash, user="UAGENT").json
    assert answer["response_action"] == "errors"
    assert "AB12CDE is booked then (B-1," in answer["errors"]["vehicle"]
    assert stored_bookings(live_app.db)[1].pickup_at == second  # nothing changed

    later = second + timedelta(days=2)
    response = live_app.slack.view_submission(view, edit_values(ada, car, second, later, "Child seat"), user="UAGENT")
    assert response.status == 200 and not response.body, response.body
    live_app.fake.wait_for("chat.update", lambda c: "B-2" in c.args.get("text", ""))
    edited = stored_bookings(live_app.db)[1]
    assert (edited.return_due_at, edited.notes) == (later, "Child seat")
    assert edited.quoted_price == 2 * 40 * 1  # two days at 40.00
    assert [e.kind for e in edited.events][-2:] == ["edited_return_due", "edited_notes"]
    shown = json.dumps(live_app.slack.command("/booking", "B-2", user="UAGENT").json, ensure_ascii=False)
    assert "Return " in shown and " → " in shown and "Notes _none_ → Child seat" in shown


def test_an_active_booking_changes_its_notes_only(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    with live_app.db.transaction() as s:
        booking = booking_service.create_booking(
            s, actor(s, "UAGENT"), NewBooking(ada, car, hours_from_now(0.1), hours_from_now(30)), SETTINGS
        )
        booking.status = BookingStatus.ACTIVE
        booking_id = booking.id
    press(live_app, "booking_edit", booking_id)
    view = opened_modal(live_app, "booking_edit")
    assert {b.get("block_id") for b in view["blocks"]} >= {"notes"}
    assert "pickup" not in {b.get("block_id") for b in view["blocks"]}
    values = {"notes": {"booking_notes": {"type": "plain_text_input", "value": "Keys at the desk"}}}
    response = live_app.slack.view_submission(view, values, user="UAGENT")
    assert response.status == 200 and not response.body, response.body
    (stored,) = stored_bookings(live_app.db)
    assert stored.notes == "Keys at the desk" and stored.status is BookingStatus.ACTIVE


REQUESTS = 50


def test_fifty_concurrent_edits_and_new_bookings_on_one_car_never_overlap(postgres_url):
    db = Database(postgres_url)
    try:
        make_agent(db)
        ada, car = add_customer(db), add_vehicle(db, registration="RACE 1")
        start = hours_from_now(24)
        # Ten bookings a day apart; each thread moves one onto its neighbour's day or books a new one.
        with db.transaction() as s:
            ids = [
                booking_service.create_booking(
                    s, actor(s, "UAGENT"),
                    NewBooking(ada, car, start + timedelta(days=2 * i), start + timedelta(days=2 * i + 1)), SETTINGS,
                ).id
                for i in range(10)
            ]  # fmt: skip
        barrier = threading.Barrier(REQUESTS)
        outcomes: list[str] = [""] * REQUESTS

        def race(i: int) -> None:
            day = start + timedelta(days=(i % 20) + 0.5)
            barrier.wait()
            try:
                with db.transaction() as s:
                    if i % 2:
                        form = BookingEdit(ada, car, day, day + timedelta(days=1), "")
                        booking_service.edit_booking(s, actor(s, "UAGENT"), ids[i % 10], form, SETTINGS)
                    else:
                        form_new = NewBooking(ada, car, day, day + timedelta(days=1))
                        booking_service.create_booking(s, actor(s, "UAGENT"), form_new, SETTINGS)
                outcomes[i] = "ok"
            except FormErrors as error:
                assert "is booked then" in error.errors["vehicle"], error.errors
                outcomes[i] = "refused"

        threads = [threading.Thread(target=race, args=(i,)) for i in range(REQUESTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(outcomes), outcomes
        with db.transaction(readonly=True) as s:
            holding = [
                (b.key, b.pickup_at, b.return_due_at)
                for b in s.scalars(
                    select(Booking).where(Booking.status == BookingStatus.RESERVED).order_by(Booking.pickup_at)
                )
            ]
        for earlier, later in itertools.pairwise(holding):
            assert earlier[2] <= later[1], (earlier, later)
        assert "ok" in outcomes and "refused" in outcomes
    finally:
        db.dispose()


def test_changing_the_times_redraws_the_vehicle_list_and_says_when_nothing_is_free(live_app):
    make_agent(live_app.db)
    ada, car, other = (
        add_customer(live_app.db),
        add_vehicle(live_app.db),
        add_vehicle(live_app.db, registration="XY99 ZZZ"),
    )
    first = hours_from_now(24)
    book(live_app, ada, car, first, first + timedelta(days=1))
    later = first + timedelta(days=5)
    book(live_app, ada, other, later, later + timedelta(days=2))  # XY99ZZZ is taken then
    bookings = wait_for_card(live_app.db, count=2)
    booking = next(b for b in bookings if b.vehicle_id == car)
    press(live_app, "booking_edit", booking.id, booking.card_ts)
    view = opened_modal(live_app, "booking_edit")

    def change_return_to(due) -> dict:
        before = len(live_app.fake.calls_to("views.update"))
        values = edit_values(ada, car, first, due)
        live_app.slack.block_action(
            {"action_id": "edit_return_due", "block_id": "return_due", "type": "datetimepicker",
             "selected_date_time": epoch(due)},
            user="UAGENT", view={**view, "state": {"values": values}},
        )  # fmt: skip
        live_app.fake.wait_for("views.update", count=before + 1)
        return live_app.fake.views[view["id"]]

    def offered(modal) -> list[str]:
        select = next((b for b in modal["blocks"] if b.get("block_id") == "vehicle"), None)
        return [o["text"]["text"].split(" · ")[0] for o in select["element"]["options"]] if select else []

    assert offered(view) == ["AB12CDE", "XY99ZZZ"]
    longer = change_return_to(later + timedelta(days=1))
    assert offered(longer) == ["AB12CDE"]  # XY99ZZZ is booked from day 5
    assert longer["blocks"][1]["element"]["initial_option"]["value"] == str(ada)  # the customer stays chosen
    with live_app.db.transaction() as session:  # now nothing else is free either
        session.execute(update(Vehicle).where(Vehicle.id == car).values(status=VehicleStatus.MAINTENANCE))
    none_free = change_return_to(later + timedelta(days=1))
    assert offered(none_free) == []
    assert "No vehicle is free for the whole period" in json.dumps(none_free["blocks"])
    answer = live_app.slack.view_submission(
        none_free, edit_values(ada, car, first, later + timedelta(days=1)), user="UAGENT"
    )
    assert answer.json["response_action"] == "errors" and "return_due" in answer.json["errors"]


def test_every_rule_of_a_new_booking_applies_to_an_edit_and_a_refusal_changes_nothing(desk):
    """Service level, both databases: customer, vehicle and period rules; a late customer's
    unchanged pickup may be past, a moved one may not; only agents edit, within their workspace."""
    ada, car = add_customer(desk), add_vehicle(desk)
    banned = add_customer(desk, name="Bo Banned", licence_number="BANNED123", do_not_rent=True)
    soon = (NOW + timedelta(days=1)).date()
    expiring = add_customer(desk, name="Cy Soon", licence_number="EXPIRE123", licence_expiry=soon)
    workshop = add_vehicle(desk, registration="WORK 1")
    with desk.transaction() as s:
        set_status(s, actor(s, "UAGENT"), "WORK1", VehicleStatus.MAINTENANCE)
    pickup, due = NOW + timedelta(hours=2), NOW + timedelta(days=3)
    with desk.transaction() as s:
        booking_id = booking_service.create_booking(
            s, actor(s, "UAGENT"), NewBooking(ada, car, pickup, due), SETTINGS
        ).id

    def edit(customer=ada, vehicle=car, start=pickup, end=due, user="UAGENT", team=TEAM):
        with desk.transaction() as s:
            form = BookingEdit(customer, vehicle, start, end, "")
            return booking_service.edit_booking(s, actor(s, user, team=team), booking_id, form, SETTINGS)

    def refused(**change) -> dict[str, str]:
        with pytest.raises(FormErrors) as raised:
            edit(**change)
        return raised.value.errors

    assert "flagged do-not-rent" in refused(customer=banned)["customer"]
    assert "before the return" in refused(customer=expiring)["customer"]
    assert "maintenance, so it can't be booked" in refused(vehicle=workshop)["vehicle"]
    assert refused(end=pickup)["return_due"] == "Return must be after pickup."
    assert refused(end=pickup + timedelta(days=366))["return_due"] == "A booking can last at most 365 days."
    with freeze_time(pickup + timedelta(minutes=30)):  # the customer is late
        assert refused(start=pickup - timedelta(hours=1))["pickup"] == "Pickup can't be in the past."
        assert edit(end=due + timedelta(hours=1)).return_due_at == due + timedelta(hours=1)  # unchanged pickup
    with pytest.raises(PermissionDenied):
        edit(user="UEMPLOYEE")
    with pytest.raises(NotFound):
        edit(user="UADMIN", team="T0THER")
    with desk.transaction() as s:
        stored = s.get_one(Booking, booking_id)
        assert (stored.customer_id, stored.vehicle_id, stored.pickup_at) == (ada, car, pickup)
        assert [e.kind for e in stored.events] == ["created", "edited_return_due"]
