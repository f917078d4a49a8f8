"""On SQLite (the embedded default) the busy paths seek through indexes: the requests the benchmark
sends, the delivery worker's claims and records, and the reminder jobs. A full scan of a table that
grows with use (every message ever sent, every ticket, every booking) makes each request slower than
the one before, and on SQLite it runs under the one write lock everything waits for.

SQLite uses a partial index only for a query whose WHERE contains the index's condition
(https://www.sqlite.org/partialindex.html); with bound parameters it recognises ``=`` and ``<>`` but not
``IN (?, ?)``, so the statements write those values into the SQL (``db.models.base.spelled_out``)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.scheduler.jobs import JOBS
from bot.scheduler.runner import run_job
from bot.services.clock import utcnow
from bot.views.hire.booking_modals import BOOKING_EXTEND
from db.models import Booking, Role
from tests.harness.live_app import LiveServer, settings_for_tests
from tests.harness.query_plans import captured_statements, full_scans
from tests.hire.helpers import add_customer, add_vehicle, book, make_agent, opened_modal, press
from tests.tickets.helpers import click, grant, latest_view, raise_ticket

GROWING = {"deliveries", "tickets", "ticket_events", "bookings", "booking_events", "handled_requests"}


@pytest.fixture
def sqlite_app(sqlite_databases, fake_slack):
    url = sqlite_databases.new()
    server = LiveServer(settings_for_tests(url, fake_slack), fake_slack)
    yield server.app, url.removeprefix("sqlite:///")
    server.stop()


def test_the_busy_paths_seek_through_indexes(sqlite_app):
    app, path = sqlite_app
    grant(app, "UTECH", Role.TECHNICIAN)
    make_agent(app.db, team="T0001")
    customer, vehicle = add_customer(app.db), add_vehicle(app.db)
    with captured_statements() as statements:
        raised = raise_ticket(app, title="VPN drops every hour")
        assert click(app, raised, "ticket_assign_me", "UTECH").status == 200
        click(app, raised, "ticket_resolve", "UTECH")
        app.fake.wait_for("views.open", lambda c: "ticket_resolve" in str(c.args.get("view")))
        note = {"note": {"note": {"type": "plain_text_input", "value": "Replaced the router"}}}
        assert app.slack.view_submission(latest_view(app), note, user="UTECH").status == 200
        raise_ticket(app, title="Printer jammed")
        app.fake.fail("chat.postMessage", "channel_not_found")  # a card that fails for good: its followers cancelled
        raise_ticket(app, title="Monitor flickers")
        app.settle()
        assert "T-2" in app.slack.command("/ticket", "queue", user="UTECH").body

        pickup = utcnow().replace(microsecond=0) + timedelta(hours=2)
        book(app, customer, vehicle, pickup, pickup + timedelta(days=1))
        app.settle()
        with app.db.transaction(readonly=True) as session:
            booking_id, card_ts, due = session.execute(
                select(Booking.id, Booking.card_ts, Booking.return_due_at).where(
                    Booking.team_id == "T0001", Booking.number == 1
                )
            ).one()
        press(app, "booking_extend", booking_id, message_ts=card_ts)
        later = int((due + timedelta(hours=1)).timestamp())
        extended = {"return_due": {"return_due": {"type": "datetimepicker", "selected_date_time": later}}}
        extend_view = opened_modal(app, BOOKING_EXTEND)
        assert app.slack.view_submission(extend_view, extended, user="UAGENT").status == 200
        app.settle()

        with freeze_time(utcnow() + timedelta(days=3)):
            jobs = threading.Thread(target=lambda: [run_job(app.ctx, job) for job in JOBS.values()])
            jobs.start()
            jobs.join()
            app.settle()

    seen = " ".join(statement for statement, _ in statements)
    assert "FROM deliveries" in seen and "reminder_claims" in seen  # the worker's and the jobs' statements too
    assert "parent_failed" in str(statements)  # and a failure's
    scans = full_scans(path, statements, GROWING)
    assert not scans, "\n".join(scans)
