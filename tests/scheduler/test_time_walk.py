"""Simulated days with freezegun: every reminder is posted once, at its time."""

from __future__ import annotations

from datetime import datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import update

from db.models import Booking, BookingStatus, Role, Severity, Ticket, TicketState

from . import factories as f
from .conftest import button_values, listed


def walk(start: datetime, end: datetime, step: timedelta):
    """Yield simulated instants from ``start`` to ``end``, with the clock frozen at each."""
    with freeze_time(start) as frozen:
        now = start
        while now <= end:
            frozen.move_to(now)
            yield now
            now += step


def test_bookings_get_morning_list_reminder_and_daily_overdue_alert_once(live_app, run_job_at):
    with live_app.db.transaction() as s:
        returned = f.booking(s, pickup=f.utc(2026, 11, 24, 10), due=f.utc(2026, 11, 25, 16))
        same_day = f.booking(
            s, pickup=f.utc(2026, 11, 25, 12), due=f.utc(2026, 11, 25, 18), status=BookingStatus.RESERVED
        )
        never_back = f.booking(s, pickup=f.utc(2026, 11, 24, 9), due=f.utc(2026, 11, 26, 9))
        ids = {b.id: name for b, name in ((returned, "returned"), (same_day, "same_day"), (never_back, "never_back"))}

    posted_at: dict[str, list[tuple[str, str]]] = {name: [] for name in ids.values()}
    for now in walk(f.utc(2026, 11, 25, 0), f.utc(2026, 11, 27, 23, 30), timedelta(minutes=30)):
        if now == f.utc(2026, 11, 25, 12):  # picked up
            _set_status(live_app, same_day.id, BookingStatus.ACTIVE)
        if now == f.utc(2026, 11, 25, 15):  # brought back early
            _set_status(live_app, returned.id, BookingStatus.RETURNED)
        if now == f.utc(2026, 11, 25, 17, 30):
            _set_status(live_app, same_day.id, BookingStatus.RETURNED)
        for job in ("due-returns", "overdue-returns"):
            before = len(run_job_at.posts())
            report = run_job_at(job)
            assert report.ok, report.summary()
            for call in run_job_at.posts()[before:]:
                assert call.args["channel"] == "CFLEET"
                for kind, value in listed(call, "booking_returned"):
                    posted_at[ids[int(value)]].append((kind, now.strftime("%d %H:%M")))

    assert posted_at == {
        "returned": [("today", "25 08:00"), ("due-soon", "25 14:00")],
        "same_day": [("today", "25 08:00"), ("due-soon", "25 16:00")],
        "never_back": [
            ("due-soon", "26 07:00"),
            ("today", "26 08:00"),
            ("overdue", "26 10:00"),
            ("overdue", "27 09:00"),
        ],
    }


def _set_status(live_app, booking_id: int, status: BookingStatus) -> None:
    with live_app.db.transaction() as s:
        s.execute(update(Booking).where(Booking.id == booking_id).values(status=status))


def test_critical_ticket_is_reminded_every_30_minutes_until_assigned(live_app, run_job_at):
    card = run_job_at.client.chat_postMessage(channel="CTRIAGE", text="T-1 card")
    with live_app.db.transaction() as s:
        f.grant(s, "UTECH", Role.TECHNICIAN)
        f.grant(s, "UTECH2", Role.TECHNICIAN)
        ticket = f.ticket(s, created=f.utc(2026, 11, 25, 10), card=("CTRIAGE", card["ts"]))
        f.ticket(s, created=f.utc(2026, 11, 25, 9), severity=Severity.MAJOR)  # not critical: never reminded

    reminders, escalations = [], []
    for now in walk(f.utc(2026, 11, 25, 10), f.utc(2026, 11, 25, 14), timedelta(minutes=5)):
        if now == f.utc(2026, 11, 25, 12, 10):
            _update_ticket(live_app, ticket.id, assignee_id="UTECH", updated_at=now)
        if now == f.utc(2026, 11, 25, 12, 45):
            _update_ticket(live_app, ticket.id, state=TicketState.RESOLVED, resolved_at=now, updated_at=now)
        before = len(run_job_at.posts())
        assert run_job_at("critical-tickets").ok
        for call in run_job_at.posts()[before:]:
            if call.args["channel"] == "CMANAGERS":
                escalations.append(now.strftime("%H:%M"))
            else:
                assert call.args["thread_ts"] == card["ts"]
                reminders.append((now.strftime("%H:%M"), call.args["text"].split(" *")[0]))

    technicians = ":rotating_light: <@UTECH> <@UTECH2>"
    assert reminders == [
        ("10:30", technicians),
        ("11:00", technicians),
        ("11:30", technicians),
        ("12:00", technicians),
        ("12:40", ":rotating_light: <@UTECH>"),
    ]  # quiet for 30 min after assignment, then resolved
    assert escalations == ["12:00"]


def _update_ticket(live_app, ticket_id: int, **values) -> None:
    with live_app.db.transaction() as s:
        s.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))


def test_digest_fires_at_0830_local_across_the_end_of_summer_time(live_app, run_job_at):
    # Europe/London leaves BST on Sunday 25 October 2026: 08:30 local is 07:30 UTC before, 08:30 UTC after.
    with live_app.db.transaction() as s:
        f.ticket(s, created=f.utc(2026, 10, 20, 9), severity=Severity.MAJOR, title="Printer <!channel> jam")
    fired = []
    for now in walk(f.utc(2026, 10, 23, 0), f.utc(2026, 10, 27, 23, 45), timedelta(minutes=15)):
        before = len(run_job_at.posts())
        assert run_job_at("digest").ok
        for call in run_job_at.posts()[before:]:
            assert call.args["channel"] == "CMANAGERS"
            fired.append((now.strftime("%a %d %H:%MZ"), call.args["text"].split(" —")[0]))
    assert fired == [
        ("Fri 23 07:30Z", "Daily digest"),
        ("Sat 24 07:30Z", "Daily digest"),
        ("Sun 25 08:30Z", "Daily digest"),
        ("Mon 26 08:30Z", "Weekly digest"),
        ("Tue 27 08:30Z", "Daily digest"),
    ]
    assert "&lt;!channel&gt;" in str(run_job_at.posts()[0].args["blocks"])


def test_a_run_after_downtime_posts_each_missed_reminder_once(live_app, run_job_at):
    with live_app.db.transaction() as s:
        late = f.booking(s, pickup=f.utc(2026, 11, 20, 9), due=f.utc(2026, 11, 23, 9))
    # The app was down for days: the first run posts the current alert once, not one per missed day.
    for now in (f.utc(2026, 11, 26, 12), f.utc(2026, 11, 26, 12, 5), f.utc(2026, 11, 26, 18)):
        with freeze_time(now):
            assert run_job_at("overdue-returns").ok
    calls = run_job_at.posts("CFLEET")
    assert [button_values(c, "booking_returned") for c in calls] == [[str(late.id)]]
    assert calls[0].args["text"] == ":warning: *Overdue returns* (1)"


def test_each_workspace_gets_only_its_own_reminders(live_app, run_job_at):
    now = f.utc(2026, 11, 25, 12)
    with live_app.db.transaction() as s:
        ours = f.booking(s, pickup=now - timedelta(days=1), due=now + timedelta(hours=1))
        f.booking(s, pickup=now - timedelta(days=1), due=now + timedelta(hours=1), team_id="TOTHER")
        f.ticket(s, created=now - timedelta(hours=1))  # no card: reminded in the triage channel itself
    assert run_job_at("due-returns", now).ok
    # TOTHER is not the bot token's workspace: its reminder is never posted with our token
    # (its delivery fails as workspace_gone), and ours carries only our booking.
    values = sorted(v for call in run_job_at.posts("CFLEET") for v in button_values(call, "booking_returned"))
    assert set(values) == {str(ours.id)} and len(run_job_at.posts("CFLEET")) == 1
    assert run_job_at("critical-tickets", now).ok
    (triage,) = run_job_at.posts("CTRIAGE")
    assert "thread_ts" not in triage.args and "*T-1*" in triage.args["text"]
