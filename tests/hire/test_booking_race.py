"""50 agents book one vehicle for overlapping periods at the same moment: exactly one wins.

PostgreSQL only: there the exclusion constraint, not luck, decides (on SQLite
BEGIN IMMEDIATE serializes writers, which the other tests cover)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from db.models import Booking, BookingEvent, Workspace
from tests.harness.live_app import LiveServer, settings_for_tests

from .helpers import add_customer, add_vehicle, book, booking_modal_for, hours_from_now, make_agent, wait_for_card

REQUESTS = 50


def test_fifty_concurrent_overlapping_bookings_create_exactly_one(postgres_url, fake_slack):
    server = LiveServer(settings_for_tests(postgres_url, fake_slack), fake_slack)
    live_app = server.app
    try:
        make_agent(live_app.db)
        customer_id = add_customer(live_app.db)
        vehicle_id = add_vehicle(live_app.db, registration="RACE 1")
        add_vehicle(live_app.db, registration="SPARE 1")  # the free alternative the losers are offered
        start = hours_from_now(24)
        view = booking_modal_for(live_app, customer_id, start, start + timedelta(days=1))
        barrier = threading.Barrier(REQUESTS)
        answers: list = [None] * REQUESTS

        def submit(i: int) -> None:
            # Every period overlaps every other: they all contain [start + 49 min, start + 1 day).
            pickup, due = start + timedelta(minutes=i), start + timedelta(days=1, minutes=i)
            barrier.wait()
            # Fifty agents, fifty modals: one modal submitted twice is one booking by design (§8).
            own_view = {**view, "id": f"{view['id']}-{i}"}
            answers[i] = book(live_app, customer_id, vehicle_id, pickup, due, view=own_view)

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(REQUESTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        winners = [a for a in answers if a and a.get("response_action") == "update"]
        losers = [a for a in answers if a and a.get("response_action") == "errors"]
        assert len(winners) == 1, answers
        assert len(losers) == REQUESTS - 1, answers
        (booking,) = wait_for_card(live_app.db)
        for loser in losers:
            assert f"RACE1 is booked then ({booking.key}," in loser["errors"]["vehicle"]
            assert "Free economy: SPARE1." in loser["errors"]["vehicle"]

        with live_app.db.transaction(readonly=True) as session:
            assert session.scalar(select(func.count()).select_from(Booking)) == 1
            assert session.scalar(select(func.count()).select_from(BookingEvent)) == 1  # no orphan events
            # The number is taken in a transaction of its own (the counter's lock is not held for the
            # request): a loser that got past the overlap check before the winner committed burnt one.
            assert 1 <= booking.number <= session.scalar(select(Workspace.last_booking_number)) <= REQUESTS
        assert booking.vehicle_id == vehicle_id
    finally:
        server.stop()
