"""The car hire desk over signed HTTP against the fake Slack Web API, on both databases."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from db.models import BookingStatus, Role

from .helpers import (
    add_customer,
    add_vehicle,
    book,
    booking_modal_for,
    epoch,
    hours_from_now,
    make_agent,
    new_booking_values,
    open_modal,
    opened_modal,
    press,
    stored_bookings,
    wait_for_bookings,
    wait_for_card,
)


def ephemeral(live_app, command, text, user="UAGENT") -> str:
    response = live_app.slack.command(command, text, user=user)
    assert response.status == 200, response.body
    assert response.json["response_type"] == "ephemeral"
    return json.dumps(response.json)


def submit(live_app, view, values, user="UAGENT"):
    response = live_app.slack.view_submission(view, values, user=user)
    assert response.status == 200, response.body
    return response.json


def text_field(action_id, value):
    return {action_id: {"type": "plain_text_input", "value": value}}


def test_customer_added_from_the_modal_with_inline_errors_first(live_app):
    make_agent(live_app.db)
    view = open_modal(live_app, "/customer")
    assert view["callback_id"] == "customer_form"
    values = {
        "name": text_field("name", "Ada <!channel> Lovelace"),
        "licence_number": text_field("licence_number", "a!"),
        "licence_expiry": {"licence_expiry": {"type": "datepicker", "selected_date": "2001-01-01"}},
    }
    answer = submit(live_app, view, values)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"licence_number", "licence_expiry"}
    values["licence_number"] = text_field("licence_number", "lovel 815 ad9")
    values["licence_expiry"] = {"licence_expiry": {"type": "datepicker", "selected_date": "2099-01-01"}}
    answer = submit(live_app, view, values)
    assert answer["response_action"] == "update"
    assert "LOVEL815AD9" in json.dumps(answer["view"]) and "&lt;!channel&gt;" in json.dumps(answer["view"])
    listing = ephemeral(live_app, "/customer", "list")
    assert "Customers* (1)" in listing and "<!channel>" not in listing
    found = ephemeral(live_app, "/customer", "lovel")
    assert "customer_edit" in found and "customer_remove" not in found  # agents edit; only admins remove


def test_vehicle_commands(live_app):
    make_agent(live_app.db)
    view = open_modal(live_app, "/vehicle", "add")
    values = {
        "registration": text_field("registration", "ab12 cde"),
        "make": text_field("make", "Toyota"),
        "model": text_field("model", "Yaris"),
        "category": {
            "category": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "Economy"}, "value": "economy"},
            }
        },
        "seats": {"seats": {"type": "number_input", "value": "5"}},
        "daily_rate": {"daily_rate": {"type": "number_input", "value": "0"}},
        "odometer": {"odometer": {"type": "number_input", "value": "10"}},
    }
    assert submit(live_app, view, values)["errors"] == {
        "daily_rate": "The daily rate is an amount greater than 0, like 45 or 45.50."
    }
    values["daily_rate"] = {"daily_rate": {"type": "number_input", "value": "42.50"}}
    assert submit(live_app, view, values)["response_action"] == "update"
    assert "42.50/day" in ephemeral(live_app, "/vehicle", "list")
    assert "maintenance" in ephemeral(live_app, "/vehicle", "maintenance ab12cde")
    detail = ephemeral(live_app, "/vehicle", "ab12cde")
    assert "maintenance" in detail and "No current or coming bookings" in detail
    assert "Usage" in ephemeral(live_app, "/vehicle", "retire")
    assert "No vehicle with registration NOPE" in ephemeral(live_app, "/vehicle", "nope")


def test_new_booking_modal_searches_customers_and_lists_only_free_vehicles(live_app):
    make_agent(live_app.db)
    ada = add_customer(live_app.db)
    add_customer(live_app.db, team="T0THER", name="Ada Elsewhere", licence_number="ELSE12345")
    busy, free = add_vehicle(live_app.db), add_vehicle(live_app.db, registration="FREE 1", daily_rate="30")
    pickup, due = hours_from_now(24), hours_from_now(24 + 30)
    book(live_app, ada, busy, pickup - timedelta(hours=2), pickup + timedelta(hours=1))

    view = open_modal(live_app, "/booking")
    assert "the workspace's is Europe/London." in json.dumps(view)
    suggestions = live_app.slack.block_suggestion(
        "booking_customer", "ADA", user="UAGENT", block_id="customer", view=view
    )
    assert [o["value"] for o in suggestions.json["options"]] == [str(ada)]
    assert live_app.slack.block_suggestion("booking_customer", "ada", user="UEMPLOYEE", view=view).json == {
        "options": []
    }

    redrawn = booking_modal_for(live_app, ada, pickup, due)
    vehicle_block = next(b for b in redrawn["blocks"] if b.get("block_id") == "vehicle")
    assert [o["value"] for o in vehicle_block["element"]["options"]] == [str(free)]
    assert "60.00" in vehicle_block["element"]["options"][0]["text"]["text"]  # 30 h: two started days × 30
    assert next(b for b in redrawn["blocks"] if b.get("block_id") == "customer")["element"]["initial_option"][
        "value"
    ] == str(ada)

    values = new_booking_values(ada, free, pickup, due)
    live_app.slack.block_action(
        {
            "action_id": "booking_vehicle",
            "block_id": "vehicle",
            "type": "static_select",
            "selected_option": values["vehicle"]["booking_vehicle"]["selected_option"],
        },
        user="UAGENT",
        view={**redrawn, "state": {"values": values}},
    )
    live_app.fake.wait_for("views.update", lambda c: "Quote: 60.00" in json.dumps(c.args.get("view")))
    quote = next(b for b in live_app.fake.views[redrawn["id"]]["blocks"] if b.get("block_id") == "quote")
    assert "Quote: 60.00" in json.dumps(quote)


def test_a_clash_over_slack_names_the_booking_and_back_to_back_is_fine(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    add_vehicle(live_app.db, registration="OTHER 1")
    ten = hours_from_now(48)
    assert book(live_app, ada, car, ten, ten + timedelta(days=1))["response_action"] == "update"
    clash = book(live_app, ada, car, ten + timedelta(hours=5), ten + timedelta(days=2))
    assert clash["response_action"] == "errors"
    assert clash["errors"]["vehicle"].startswith("AB12CDE is booked then (B-1,")
    assert clash["errors"]["vehicle"].endswith("Free economy: OTHER1.")
    assert book(live_app, ada, car, ten + timedelta(days=1), ten + timedelta(days=2))["response_action"] == "update"
    assert book(live_app, ada, car, ten - timedelta(days=1), ten)["response_action"] == "update"
    past = book(live_app, ada, car, hours_from_now(-2), hours_from_now(3))
    assert past["errors"] == {"pickup": "Pickup can't be in the past."}
    assert len(stored_bookings(live_app.db)) == 3


def test_refusals_are_ephemeral_name_the_role_and_change_nothing(live_app):
    make_agent(live_app.db)
    make_agent(live_app.db, "UMANAGER", role=Role.MANAGER)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    ten = hours_from_now(48)
    book(live_app, ada, car, ten, ten + timedelta(days=1))
    (booking,) = wait_for_card(live_app.db)
    card_ts = booking.card_ts

    assert "Only agents or admins can create bookings." in ephemeral(live_app, "/booking", "", user="UEMPLOYEE")
    assert "Only agents or admins can add customers." in ephemeral(live_app, "/customer", "", user="UMANAGER")
    assert "Only agents, managers or admins can see bookings." in ephemeral(live_app, "/booking", "B-1", user="UTECH")
    assert "booking_picked_up" in ephemeral(live_app, "/booking", "B-1", user="UMANAGER")  # managers read
    for action_id in ("booking_picked_up", "booking_cancel", "booking_returned", "booking_extend", "booking_edit"):
        press(live_app, action_id, booking.id, card_ts, user="UEMPLOYEE", channel="CFLEET")
    refusals = live_app.fake.wait_for("response_url", lambda c: "Only agents or admins" in json.dumps(c.args), count=5)
    assert all(c.args["response_type"] == "ephemeral" for c in refusals)
    press(live_app, "customer_remove", ada, user="UAGENT", channel="C0GENERAL")
    live_app.fake.wait_for(
        "response_url", lambda c: "Only admins can archive or delete customers." in json.dumps(c.args)
    )
    (after,) = stored_bookings(live_app.db)
    assert after.status is BookingStatus.RESERVED and len(after.events) == 1
    assert len(live_app.fake.calls_to("views.open")) == 1  # only the agent's own New booking modal


def test_buttons_work_from_any_message_and_update_the_booking_message(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    ten = hours_from_now(48)
    book(live_app, ada, car, ten, ten + timedelta(days=1))
    (booking,) = wait_for_card(live_app.db)
    # e.g. a scheduler reminder or /booking B-1 elsewhere: the value is all that counts
    press(live_app, "booking_cancel", booking.id, "1700000000.000001", user="UAGENT", channel="C0GENERAL")
    live_app.fake.wait_for("chat.update", lambda c: c.args["ts"] == booking.card_ts and "CANCELLED" in c.args["text"])
    live_app.fake.wait_for("response_url", lambda c: "now *cancelled*" in json.dumps(c.args))
    assert live_app.fake.message("CFLEET", booking.card_ts).blocks[-1]["type"] != "actions"  # no buttons left


def test_extension_that_would_overlap_is_refused_inline(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    ten = hours_from_now(48)
    book(live_app, ada, car, ten, ten + timedelta(days=1))
    book(live_app, ada, car, ten + timedelta(days=2), ten + timedelta(days=3))
    first, _ = wait_for_card(live_app.db, count=2)
    press(live_app, "booking_extend", first.id, first.card_ts, user="UAGENT", channel="CFLEET")
    view = opened_modal(live_app, "booking_extend")
    answer = submit(
        live_app,
        view,
        {
            "return_due": {
                "return_due": {"type": "datetimepicker", "selected_date_time": epoch(ten + timedelta(days=2, hours=2))}
            }
        },
    )
    assert answer["response_action"] == "errors" and "booked then (B-2," in answer["errors"]["return_due"]
    assert stored_bookings(live_app.db)[0].return_due_at == ten + timedelta(days=1)


def test_booking_lists_one_booking_and_availability(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    add_vehicle(live_app.db, registration="VAN 1", category="van", daily_rate="90")
    ten = hours_from_now(48)
    book(live_app, ada, car, ten, ten + timedelta(days=1))
    assert "B-1" in ephemeral(live_app, "/booking", "list upcoming")
    assert "Nothing is overdue" in ephemeral(live_app, "/booking", "list overdue")
    assert "Today's pickups" in ephemeral(live_app, "/booking", "list")
    assert "I can list" in ephemeral(live_app, "/booking", "list later")
    shown = ephemeral(live_app, "/booking", "b-1")
    assert "booking_picked_up" in shown and "Ada Lovelace" in shown
    assert "No booking B-99" in ephemeral(live_app, "/booking", "B-99")
    local_day = (ten + timedelta(hours=3)).astimezone(ZoneInfo("Europe/London")).date()
    free = ephemeral(live_app, "/booking", f"availability {local_day} {local_day}")
    assert "VAN1" in free and "AB12CDE" not in free and "90.00" in free
    assert "None is free" in ephemeral(live_app, "/booking", f"availability {local_day} {local_day} economy")
    assert "is not a date" in ephemeral(live_app, "/booking", "availability soon later")
    assert "is not a category" in ephemeral(live_app, "/booking", f"availability {local_day} {local_day} boat")
    assert "needs a start, an end" in ephemeral(live_app, "/booking", "availability tomorrow")


def test_edit_and_remove_buttons(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    assert "customer_remove" in ephemeral(live_app, "/customer", "ada", user="UADMIN")
    press(live_app, "customer_edit", ada, user="UAGENT", channel="C0GENERAL")
    view = opened_modal(live_app, "customer_form")
    name_block = next(b for b in view["blocks"] if b["block_id"] == "name")
    assert name_block["element"]["initial_value"] == "Ada Lovelace"
    values = {
        "name": text_field("name", "Ada King"),
        "licence_number": text_field("licence_number", "LOVEL815AD9"),
        "licence_expiry": {"licence_expiry": {"type": "datepicker", "selected_date": "2099-01-01"}},
    }
    assert "Customer updated" in json.dumps(submit(live_app, view, values))
    assert "Ada King" in ephemeral(live_app, "/customer", "list")

    press(live_app, "vehicle_edit", car, user="UAGENT", channel="C0GENERAL")
    view = opened_modal(live_app, "vehicle_form")
    assert json.loads(view["private_metadata"]) == {"vehicle_id": car}

    press(live_app, "customer_remove", ada, user="UADMIN", channel="C0GENERAL")
    live_app.fake.wait_for("response_url", lambda c: "Ada King* is deleted" in json.dumps(c.args))
    assert "No customers yet" in ephemeral(live_app, "/customer", "list")


def test_a_deleted_booking_message_is_posted_again(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    ten = hours_from_now(48)
    book(live_app, ada, car, ten, ten + timedelta(days=1))
    (booking,) = wait_for_card(live_app.db)
    live_app.fake.message("CFLEET", booking.card_ts).deleted = True  # someone deleted it in Slack
    press(live_app, "booking_cancel", booking.id, booking.card_ts)
    live_app.fake.wait_for("chat.postMessage", lambda c: "CANCELLED" in c.args["text"])
    (moved,) = live_app.fake.channel_messages("CFLEET")
    wait_for_bookings(live_app.db, lambda bookings: bookings[0].card_ts == moved.ts)
