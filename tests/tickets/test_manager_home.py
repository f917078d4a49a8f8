"""The managers' App Home (PRODUCT.md §3, §5): open tickets by severity, SLA breaches, the oldest open
tickets, today's car hire movements and a *Digest now* button — over signed HTTP on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from bot.services import home as home_service
from bot.services.actors import load_actor
from bot.services.clock import utcnow
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import NewBooking
from bot.services.tickets import csat
from bot.services.workspace_settings import workspace_config
from db.models import BookingStatus, Delivery, Role
from db.session import Database
from tests.harness.query_plans import captured_statements, full_scans, plans
from tests.hire.helpers import SETTINGS, actor, add_customer, add_vehicle, make_agent

from .helpers import grant, raise_ticket
from .test_home import home_of

OPENED = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 09:00 in London


def book_today(live_app, *, picked_up: bool) -> str:
    """A booking picked up today (ACTIVE, due back today) or still to be picked up today (RESERVED)."""
    team = live_app.fake.team_id
    registration = "AB12 CDE" if picked_up else "XY34 ZZZ"
    customer = add_customer(live_app.db, team=team, licence_number=f"LIC {registration}")
    vehicle = add_vehicle(live_app.db, team=team, registration=registration)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with live_app.db.transaction() as s:
        booking = booking_service.create_booking(
            s,
            actor(s, "UAGENT", team=team),
            NewBooking(customer, vehicle, now + timedelta(hours=1), now + timedelta(hours=6)),
            SETTINGS,
        )
        if picked_up:
            booking.status = BookingStatus.ACTIVE
        return booking.key


def test_managers_see_the_desk_at_a_glance_and_others_do_not(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    grant(live_app, "UMANAGER", Role.MANAGER)
    make_agent(live_app.db, team=live_app.fake.team_id)
    with freeze_time(OPENED, tick=True) as clock:
        raise_ticket(live_app, title="Core switch down", severity="CRITICAL")
        raise_ticket(live_app, title="Mouse squeaks", severity="MINOR")
        pickup, giving_back = book_today(live_app, picked_up=False), book_today(live_app, picked_up=True)
        clock.move_to(OPENED + timedelta(hours=1))  # the critical ticket's 15-minute response target has passed

        manager = home_of(live_app, "UMANAGER")
        assert "Managers" in manager and "home_digest_now" in manager
        assert "*Open tickets* (2)" in manager and "Critical 1" in manager and "Minor 1" in manager
        assert "*SLA breaches* (1)" in manager and "*T-1* Core switch down · first response target missed" in manager
        oldest = manager[manager.index("*Oldest open tickets*") :]
        assert oldest.index("Core switch down") < oldest.index("Mouse squeaks")
        assert pickup in manager and giving_back in manager  # today's pickups and returns
        assert "ticket_assign_me" not in manager and "booking_picked_up" not in manager  # read-only for a manager

        for someone in ("UEMPLOYEE", "UTECH", "UAGENT"):
            home = home_of(live_app, someone)
            assert "home_digest_now" not in home and "*SLA breaches*" not in home, someone

        admin = home_of(live_app, "UADMIN")  # admins see it too; their car hire section lists the movements
        assert "home_digest_now" in admin and "*SLA breaches* (1)" in admin and "Car hire today" in admin


def test_no_breach_no_ticket(live_app):
    grant(live_app, "UMANAGER", Role.MANAGER)
    manager = home_of(live_app, "UMANAGER")
    assert "*Open tickets* (0)" in manager and "No open ticket is past its targets" in manager
    assert "No more pickups today" in manager


def deliveries(live_app) -> int:
    with live_app.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Delivery)) or 0


def test_digest_now_from_the_home_tab(live_app):
    grant(live_app, "UMANAGER", Role.MANAGER)
    raise_ticket(live_app, title="Printer on fire", severity="MAJOR")
    home_of(live_app, "UMANAGER")
    button = {"action_id": "home_digest_now", "block_id": "b", "value": "now"}
    clicked = live_app.slack.block_action(button, user="UMANAGER", view=live_app.fake.home_tabs["UMANAGER"])
    assert clicked.status == 200
    digest = live_app.fake.wait_for(
        "chat.postMessage", lambda c: c.args.get("channel") == "UMANAGER" and "Daily digest" in c.args["text"]
    )[0]
    assert "Major 1" in str(digest.args["blocks"]) and "Satisfaction" in str(digest.args["blocks"])
    live_app.settle()

    # An employee's forged click: refused (told by DM, outside the outbox), nothing queued or posted.
    home_of(live_app, "UEMPLOYEE")
    live_app.settle()
    queued = deliveries(live_app)
    forged = live_app.slack.block_action(button, user="UEMPLOYEE", view=live_app.fake.home_tabs["UEMPLOYEE"])
    assert forged.status == 200
    refusal = live_app.fake.wait_for(
        "chat.postMessage", lambda c: c.args.get("channel") == "UEMPLOYEE" and "Only managers" in c.args["text"]
    )
    assert len(refusal) == 1 and deliveries(live_app) == queued
    assert not [
        c
        for c in live_app.fake.calls_to("chat.postMessage")
        if c.args.get("channel") == "UEMPLOYEE" and "Daily digest" in c.args.get("text", "")
    ]


def test_the_managers_queries_read_index_ranges(sqlite_databases):
    """Every statement of the managers' section and the digest's CSAT reads through an index (it runs on
    every opening of a manager's App Home), as SQLite's planner says: no full scan of a table."""
    url = sqlite_databases.new()
    db = Database(url)
    try:
        with db.transaction() as session:
            manager = load_actor(session, "T0001", "UADMIN", ["UADMIN"])
            config = workspace_config(session, "T0001", SETTINGS)
            with captured_statements(this_thread=True) as statements:
                home_service.manager_summary(session, manager, config, utcnow())
                csat.summary(session, "T0001", utcnow() - timedelta(days=1), utcnow())
    finally:
        db.dispose()
    path = url.removeprefix("sqlite:///")
    assert plans(path, statements)
    assert not full_scans(path, statements, {"tickets", "bookings", "ticket_ratings", "ticket_events"})
