"""No-shows (PRODUCT.md §4, §5): the no-shows job and the No-show button, over signed HTTP on
both databases, with freezegun (across processes: tests/scheduler/test_exactly_once.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from bot.services.hire.vehicles import free_vehicles
from db.models import BookingStatus

from ..scheduler import factories as f
from ..scheduler.conftest import JobRunner
from .helpers import TEAM, add_customer, add_vehicle, book, make_agent, press, stored_bookings, wait_for_card

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PICKUP, DUE = START + timedelta(hours=1), START + timedelta(days=2)


def booked(live_app) -> tuple[int, str]:
    """A booking made through Slack (pickup at 10:00 UTC), with its message in the car hire channel."""
    make_agent(live_app.db)
    customer_id, vehicle_id = add_customer(live_app.db), add_vehicle(live_app.db)
    assert book(live_app, customer_id, vehicle_id, PICKUP, DUE)["response_action"] == "update"
    (booking,) = wait_for_card(live_app.db)
    return booking.id, booking.card_ts


def card_updates(live_app) -> list:
    return [c for c in live_app.fake.calls_to("chat.update") if "_error" not in c.args]


def action_ids(call) -> list[str]:
    return [e["action_id"] for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_the_job_offers_no_show_at_pickup_then_marks_the_no_show_once_and_frees_the_car(live_app):
    run = JobRunner(live_app)
    with freeze_time(START, tick=True) as clock:
        booked(live_app)
        assert run("no-shows").due == 0

        clock.move_to(PICKUP + timedelta(minutes=30))  # late, within the grace: redrawn with No-show, not posted
        report = run("no-shows")
        assert (report.claimed, report.queued) == (1, 0)
        assert "booking_no_show" in action_ids(card_updates(live_app)[-1])
        assert run("no-shows").claimed == 0
        listing = live_app.slack.command("/booking", "list upcoming", user="UAGENT").json
        assert "B-1" in json.dumps(listing) and "not picked up yet" in json.dumps(listing)

        clock.move_to(PICKUP + timedelta(hours=2))  # the grace (2 h) is up
        report = run("no-shows")
        assert (report.claimed, report.queued) == (1, 1)
        (post,) = [c for c in run.posts("CFLEET") if "no-show" in c.args["text"]]
        assert "B-1" in json.dumps(post.args["blocks"])
        redrawn = card_updates(live_app)[-1]
        assert "NO SHOW" in redrawn.args["text"] and action_ids(redrawn) == []
        (booking,) = stored_bookings(live_app.db)
        assert booking.status is BookingStatus.NO_SHOW
        assert [(e.kind, e.actor_id) for e in booking.events][-1] == ("no_show", "scheduler")
        with live_app.db.transaction() as s:
            assert booking.vehicle_id in [v.id for v in free_vehicles(s, TEAM, PICKUP, DUE)]

        clock.move_to(PICKUP + timedelta(hours=3))  # once: later runs find nothing
        assert run("no-shows").due == 0
        assert len([c for c in run.posts("CFLEET") if "no-show" in c.args["text"]]) == 1


def test_one_message_lists_every_no_show_of_a_run(live_app):
    run = JobRunner(live_app)
    now = f.utc(2026, 11, 25, 12)
    with live_app.db.transaction() as s:
        ids = [
            f.booking(s, pickup=now - timedelta(hours=3, minutes=i), due=now + timedelta(days=1),
                      status=BookingStatus.RESERVED).id
            for i in range(3)
        ]  # fmt: skip
        on_time = f.booking(s, pickup=now - timedelta(hours=1), due=now + timedelta(days=1),
                            status=BookingStatus.RESERVED)  # fmt: skip
    report = run("no-shows", now)
    assert (report.claimed, report.queued) == (3, 1)
    (post,) = [c for c in run.posts("CFLEET") if "no-show" in c.args["text"]]  # the others: their messages
    assert post.args["text"].startswith(":ghost: *3 no-shows")
    statuses = {b.id: b.status for b in stored_bookings(live_app.db)}
    assert [statuses[i] for i in ids] == [BookingStatus.NO_SHOW] * 3
    assert statuses[on_time.id] is BookingStatus.RESERVED


def test_the_grace_is_a_workspace_setting(live_app):
    run = JobRunner(live_app)
    now = f.utc(2026, 11, 25, 12)
    with live_app.db.transaction() as s:
        f.booking(s, pickup=now - timedelta(hours=3), due=now + timedelta(days=1), status=BookingStatus.RESERVED)
        f.ensure_workspace(s, f.TEAM).no_show_grace_minutes = 4 * 60
    assert run("no-shows", now).claimed == 0  # not within 4 hours yet
    assert run("no-shows", now + timedelta(hours=1)).claimed == 1


def test_an_agent_marks_a_no_show_from_the_message_once_the_pickup_time_has_passed(live_app):
    with freeze_time(START, tick=True) as clock:
        booking_id, ts = booked(live_app)
        press(live_app, "booking_no_show", booking_id, ts)
        live_app.fake.wait_for("response_url", lambda c: "once its pickup time has passed" in json.dumps(c.args))
        assert stored_bookings(live_app.db)[0].status is BookingStatus.RESERVED

        clock.move_to(PICKUP + timedelta(minutes=5))
        press(live_app, "booking_no_show", booking_id, ts)
        live_app.fake.wait_for("chat.update", lambda c: "NO SHOW" in c.args.get("text", ""))
        (booking,) = stored_bookings(live_app.db)
        assert booking.status is BookingStatus.NO_SHOW and booking.events[-1].actor_id == "UAGENT"
        # The job has nothing left to do for it.
        assert JobRunner(live_app)("no-shows", PICKUP + timedelta(hours=3)).due == 0


def test_no_show_is_refused_to_employees(live_app):
    with freeze_time(PICKUP + timedelta(minutes=5)):
        with live_app.db.transaction() as s:
            booking = f.booking(s, pickup=PICKUP, due=DUE, status=BookingStatus.RESERVED)
        press(live_app, "booking_no_show", booking.id, user="UEMPLOYEE")
        live_app.fake.wait_for("response_url", lambda c: "Only agents or admins" in json.dumps(c.args))
        assert stored_bookings(live_app.db)[0].status is BookingStatus.RESERVED
