"""A booking's whole life over signed HTTP: /booking → Picked up → Extend → Returned with a late fee."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from freezegun import freeze_time

from db.models import Booking, BookingStatus

from .helpers import (
    add_customer,
    add_vehicle,
    book,
    epoch,
    make_agent,
    opened_modal,
    press,
    stored_bookings,
    wait_for_card,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def card(live_app):
    return live_app.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "CFLEET")[0]


def stored(live_app) -> Booking:
    (booking,) = stored_bookings(live_app.db)
    return booking


def test_book_pick_up_extend_and_return_late(live_app):
    with freeze_time(START, tick=True) as clock:
        make_agent(live_app.db)
        customer_id, vehicle_id = add_customer(live_app.db), add_vehicle(live_app.db, daily_rate="40.00")
        pickup, due = START + timedelta(hours=1), START + timedelta(days=2, hours=1)

        assert book(live_app, customer_id, vehicle_id, pickup, due)["response_action"] == "update"
        posted = card(live_app)
        ts = live_app.fake.channel_messages("CFLEET")[0].ts
        assert "B-1" in posted.args["text"]
        (booking,) = wait_for_card(live_app.db)
        assert booking.quoted_price == Decimal("80.00") and booking.card_ts == ts

        clock.move_to(START + timedelta(hours=1))
        press(live_app, "booking_picked_up", booking.id, ts)
        live_app.fake.wait_for("chat.update", lambda c: "ACTIVE" in c.args.get("text", ""))
        assert stored(live_app).status is BookingStatus.ACTIVE

        press(live_app, "booking_extend", booking.id, ts)
        view = opened_modal(live_app, "booking_extend")
        new_due = due + timedelta(days=1)
        response = live_app.slack.view_submission(
            view,
            {"return_due": {"return_due": {"type": "datetimepicker", "selected_date_time": epoch(new_due)}}},
            user="UAGENT",
        )
        assert response.status == 200 and not response.body, response.body
        live_app.fake.wait_for("chat.update", count=2)
        assert stored(live_app).return_due_at == new_due
        assert stored(live_app).quoted_price == Decimal("120.00")

        # Back 1 day and 2 hours after the (extended) due time: two started late days.
        clock.move_to(new_due + timedelta(days=1, hours=2))
        press(live_app, "booking_returned", booking.id, ts)
        view = opened_modal(live_app, "booking_return")
        response = live_app.slack.view_submission(
            view,
            {
                "returned_at": {
                    "returned_at": {
                        "type": "datetimepicker",
                        "selected_date_time": epoch(new_due + timedelta(days=1, hours=2)),
                    }
                },
                "odometer": {"odometer": {"type": "number_input", "value": "1450"}},
                "fuel": {
                    "fuel": {
                        "type": "static_select",
                        "selected_option": {"text": {"type": "plain_text", "text": "full"}, "value": "full"},
                    }
                },
                "damage": {"damage": {"type": "plain_text_input", "value": "Scratch on the <!channel> bumper"}},
            },
            user="UAGENT",
        )
        assert response.status == 200 and not response.body, response.body
        update = live_app.fake.wait_for("chat.update", lambda c: "RETURNED" in c.args.get("text", ""))[0]
        booking = stored(live_app)
        assert booking.status is BookingStatus.RETURNED and booking.late_fee == Decimal("80.00")
        assert booking.odometer_in == 1450 and booking.fuel_level == "full"
        assert [e.kind for e in booking.events] == ["created", "picked_up", "extended", "returned"]
        assert all(e.actor_id == "UAGENT" for e in booking.events)
        shown = json.dumps(update.args["blocks"])
        assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
        assert "*Late fee*\\n80.00" in shown
