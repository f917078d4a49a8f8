"""A booking's whole life over signed HTTP: /booking → Pick-up modal → Extend → Returned with a late fee,
a refuel charge and new damage."""

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
        view = opened_modal(live_app, "booking_pick_up")
        odometer = next(b for b in view["blocks"] if b.get("block_id") == "odometer")
        assert odometer["element"]["initial_value"] == "1000"  # prefilled from the vehicle
        pick_up = {
            "odometer": {"odometer": {"type": "number_input", "value": "990"}},
            "fuel": {"fuel": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "full"}, "value": "full"}}},
            "damage": {"damage": {"type": "plain_text_input", "value": "Chip in the windscreen"}},
        }  # fmt: skip
        response = live_app.slack.view_submission(view, pick_up, user="UAGENT")
        assert response.json["response_action"] == "errors" and set(response.json["errors"]) == {"odometer"}
        pick_up["odometer"]["odometer"]["value"] = "1010"
        response = live_app.slack.view_submission(view, pick_up, user="UAGENT")
        assert response.status == 200 and not response.body, response.body
        picked = live_app.fake.wait_for("chat.update", lambda c: "ACTIVE" in c.args.get("text", ""))[0]
        assert "Chip in the windscreen" in json.dumps(picked.args["blocks"])
        booking = stored(live_app)
        assert booking.status is BookingStatus.ACTIVE
        assert (booking.odometer_out, booking.fuel_out, booking.damage_out) == (1010, "full", "Chip in the windscreen")
        assert booking.vehicle.odometer == 1010

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
                        "selected_option": {"text": {"type": "plain_text", "text": "3/4"}, "value": "3/4"},
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
        assert booking.odometer_in == 1450 and booking.fuel_level == "3/4"
        assert booking.refuel_charge == Decimal("20.00")  # two eighths below full, 10.00 each (the default)
        assert [e.kind for e in booking.events] == ["created", "picked_up", "extended", "returned"]
        assert all(e.actor_id == "UAGENT" for e in booking.events)
        shown = json.dumps(update.args["blocks"])
        assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
        assert "*Late fee*\\n80.00" in shown and "*Refuel charge*\\n20.00" in shown
        assert f"*Total due*\\n*{booking.quoted_price + Decimal('100.00'):.2f}*" in shown  # the return's total
        assert ":warning: *New damage:*" in shown
        (notice,) = live_app.fake.wait_for("chat.postMessage", lambda c: "New damage on" in c.args.get("text", ""))
        assert notice.args["channel"] == "CFLEET" and "B-1" in notice.args["text"]
        assert "Scratch on the &lt;!channel&gt; bumper" in json.dumps(notice.args["blocks"])


def test_refuel_and_late_charges_are_in_the_digests_revenue(live_app):
    from bot.services.digest import build_digest
    from bot.services.workspace_settings import workspace_config

    from ..scheduler import factories as f

    now = f.utc(2026, 11, 25, 12)
    with live_app.db.transaction() as s:
        booking = f.booking(s, pickup=now - timedelta(days=3), due=now - timedelta(days=1),
                            status=BookingStatus.RETURNED, returned=now - timedelta(hours=20), price="80.00")  # fmt: skip
        booking.late_fee, booking.refuel_charge = Decimal("40.00"), Decimal("15.00")
    with live_app.db.transaction() as s:
        digest = build_digest(s, workspace_config(s, f.TEAM, live_app.ctx.settings), now, weekly=False)
    assert digest.revenue_week == Decimal("135.00")
