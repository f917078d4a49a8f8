"""Building car hire data for tests: through the services (setup) or through Slack (the thing tested)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from bot.services.actors import load_actor
from bot.services.hire import customers as customer_service
from bot.services.hire import vehicles as vehicle_service
from bot.services.hire.customers import CustomerValues
from bot.services.hire.vehicles import VehicleValues
from bot.services.roles import grant
from bot.settings import load_settings
from db.models import Role

TEAM = "T0001"
# The service tests' "now" (the ``desk`` fixture stops the clock there): Monday 1 June 2026, 09:00 in London.
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
SETTINGS = load_settings(
    {"HIREDESK_ADMINS": "UADMIN", "HIREDESK_TIMEZONE": "Europe/London", "HIREDESK_FLEET_CHANNEL": "CFLEET"}
)


def actor(session, user="UADMIN", team=TEAM):
    return load_actor(session, team, user, ["UADMIN"])


def make_agent(db, user="UAGENT", team=TEAM, role=Role.AGENT) -> None:
    """Grant ``user`` a role (an agent unless told otherwise), as UADMIN would."""
    with db.transaction() as session:
        grant(session, actor(session, team=team), user, role)


def add_customer(db, team=TEAM, **fields) -> int:
    values = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "licence_number": "LOVEL 815 AD9",
        "licence_expiry": date.today() + timedelta(days=3 * 365),
        **fields,
    }
    with db.transaction() as session:
        return customer_service.create_customer(session, actor(session, team=team), CustomerValues(**values)).id


def add_vehicle(db, team=TEAM, **fields) -> int:
    values = {
        "registration": "ab12 cde",
        "make": "Toyota",
        "model": "Yaris",
        "category": "economy",
        "seats": "5",
        "daily_rate": "40.00",
        "odometer": "1000",
        **fields,
    }
    with db.transaction() as session:
        return vehicle_service.create_vehicle(session, actor(session, team=team), VehicleValues(**values)).id


def hours_from_now(hours: float) -> datetime:
    moment = datetime.now(UTC) + timedelta(hours=hours)
    return moment.replace(second=0, microsecond=0)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def new_booking_values(
    customer_id: int | None, vehicle_id: int | None, pickup: datetime | None, due: datetime | None, notes: str = ""
) -> dict:
    """The New booking modal's state as Slack submits it."""
    values = {
        "customer": {
            "booking_customer": {
                "type": "external_select",
                "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": str(customer_id)}
                if customer_id
                else None,
            }
        },
        "pickup": {
            "booking_pickup": {"type": "datetimepicker", "selected_date_time": epoch(pickup) if pickup else None}
        },
        "return_due": {
            "booking_return_due": {"type": "datetimepicker", "selected_date_time": epoch(due) if due else None}
        },
        "notes": {"booking_notes": {"type": "plain_text_input", "value": notes or None}},
    }
    if vehicle_id is not None:
        values["vehicle"] = {
            "booking_vehicle": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "v"}, "value": str(vehicle_id)},
            }
        }
    return values


def check_sheet_values(odometer: str, fuel: str = "full", **more: dict) -> dict:
    """The Pick-up or Return modal's state as Slack submits it: odometer, fuel, no damage, ``more``."""
    return {
        "odometer": {"odometer": {"type": "number_input", "value": odometer}},
        "fuel": {
            "fuel": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": fuel}, "value": fuel},
            }
        },
        "damage": {"damage": {"type": "plain_text_input", "value": None}},
        **more,
    }


def return_values(returned_at: datetime, odometer: str) -> dict:
    """The Return modal's state: back at ``returned_at`` with a full tank, no damage."""
    picked = {"type": "datetimepicker", "selected_date_time": epoch(returned_at)}
    return check_sheet_values(odometer, returned_at={"returned_at": picked})


def open_modal(live_app, command: str, text: str = "", user: str = "UAGENT") -> dict:
    """Run a slash command that opens a modal; return the modal as the fake Slack holds it."""
    before = len(live_app.fake.calls_to("views.open"))
    response = live_app.slack.command(command, text, user=user)
    assert response.status == 200, response.body
    call = live_app.fake.wait_for("views.open", count=before + 1)[-1]
    assert "_error" not in call.args, call.args
    return list(live_app.fake.views.values())[-1]


def press(
    live_app,
    action_id: str,
    record_id: int,
    message_ts: str | None = None,
    user: str = "UAGENT",
    channel: str = "CFLEET",
) -> None:
    """Click a button whose value is ``record_id`` on a message."""
    response = live_app.slack.block_action(
        {"action_id": action_id, "block_id": "b", "type": "button", "value": str(record_id)},
        user=user,
        channel=channel,
        message_ts=message_ts,
    )
    assert response.status == 200, response.body


def opened_modal(live_app, callback_id: str, count: int = 1) -> dict:
    """Wait until the app has opened ``count`` modals ``callback_id``; return the last as the fake holds it."""
    live_app.fake.wait_for("views.open", lambda c: _callback_id(c.args.get("view")) == callback_id, count=count)
    return [v for v in live_app.fake.views.values() if v.get("callback_id") == callback_id][-1]


def _callback_id(view) -> str | None:
    return (json.loads(view) if isinstance(view, str) else view or {}).get("callback_id")


def booking_modal_for(live_app, customer_id, pickup, due, user="UAGENT") -> dict:
    """Open the New booking modal and choose the dates, as an agent would: the app redraws it
    with the vehicles free then. Returns the redrawn modal."""
    view = open_modal(live_app, "/booking", user=user)
    before = len(live_app.fake.calls_to("views.update"))
    values = new_booking_values(customer_id, None, pickup, due)
    live_app.slack.block_action(
        {
            "action_id": "booking_return_due",
            "block_id": "return_due",
            "type": "datetimepicker",
            "selected_date_time": epoch(due),
        },
        user=user,
        view={**view, "state": {"values": values}},
    )
    live_app.fake.wait_for("views.update", count=before + 1)
    return live_app.fake.views[view["id"]]


def book(live_app, customer_id, vehicle_id, pickup, due, user="UAGENT", view=None):
    """Submit the New booking modal (redrawn for these dates unless ``view`` is given); return the
    HTTP response's JSON (None when it just closes)."""
    view = view or booking_modal_for(live_app, customer_id, pickup, due, user=user)
    response = live_app.slack.view_submission(view, new_booking_values(customer_id, vehicle_id, pickup, due), user=user)
    assert response.status == 200, response.body
    return response.json


def stored_bookings(db) -> list:
    """All bookings with their relations and events loaded (usable after the session ends)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from db.models import Booking

    with db.transaction() as session:
        return list(
            session.scalars(
                select(Booking)
                .order_by(Booking.id)
                .options(selectinload(Booking.events), selectinload(Booking.vehicle), selectinload(Booking.customer))
            )
        )


def wait_for_card(db, count: int = 1) -> list:
    """Bookings, once ``count`` of them have a message (see ``wait_for_bookings``)."""
    return wait_for_bookings(db, lambda bookings: sum(1 for b in bookings if b.card_ts) >= count)


def wait_for_bookings(db, ready, timeout: float = 5.0) -> list:
    """The app records a booking message's ts right after chat.postMessage answers, which is after
    its HTTP answer to Slack; poll the database, briefly and boundedly, until ``ready(bookings)``."""
    import threading
    import time

    deadline = time.monotonic() + timeout
    while True:
        bookings = stored_bookings(db)
        if ready(bookings):
            return bookings
        assert time.monotonic() < deadline, "the booking message's ts was never stored"
        threading.Event().wait(0.02)
