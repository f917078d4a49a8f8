"""Exactly once across processes, crashes and rate limits (PRODUCT.md §5)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import timedelta

import sqlalchemy as sa

from bot.services import outbox
from bot.services.reminders import claims
from db.models import BookingStatus
from tests.hire.helpers import stored_bookings

from . import factories as f
from .conftest import ROOT, JobRunner, button_values, job_environment, start_job

NOW = f.utc(2026, 11, 25, 12)  # 12:00 in London: the morning list is out, returns due 13:00–14:00 are "soon"


def due_soon_bookings(live_app, count: int) -> list[int]:
    with live_app.db.transaction() as s:
        return [
            f.booking(s, pickup=NOW - timedelta(days=1), due=NOW + timedelta(minutes=60 + i)).id for i in range(count)
        ]


def listed_once(posts, booking_ids: list[int]) -> None:
    """Every booking appears exactly twice (morning list + due-soon), across all the posts."""
    values = [v for call in posts for v in button_values(call, "booking_returned")]
    assert sorted(values) == sorted(str(i) for i in booking_ids * 2)


def test_three_processes_at_the_same_moment_post_each_reminder_once(pg_app):
    ids = due_soon_bookings(pg_app, 8)
    settings = pg_app.ctx.settings
    # Hold every claim until all three processes are waiting to insert theirs: then they race.
    with pg_app.db.engine.connect() as blocker:
        blocker.exec_driver_sql("BEGIN; LOCK TABLE reminder_claims IN EXCLUSIVE MODE")
        processes = [start_job(settings, "due-returns", "--now", NOW.isoformat()) for _ in range(3)]
        _wait_until(lambda: _waiting_on_locks(pg_app) == 3, processes)
        blocker.exec_driver_sql("COMMIT")
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    listed_once(JobRunner(pg_app).posts("CFLEET"), ids)
    with pg_app.db.transaction() as s:
        assert len(claims.posted_claims(s, f.TEAM)) == 16


# Claims are taken over soon (1 s), but never before 1.5 x the Web API call's time-out (here 1 s).
SHORT_LEASE = {"HIREDESK_DELIVERY_LEASE_SECONDS": "1", "HIREDESK_DELIVERY_TIMEOUT_SECONDS": "1"}


def test_a_process_killed_mid_post_loses_and_duplicates_nothing(pg_app):
    """The run claimed and queued in one transaction, then died while Slack held its post (which
    Slack then accepted). The next process looks the post up by its metadata and adopts it."""
    ids = due_soon_bookings(pg_app, 3)
    settings, fake = pg_app.ctx.settings, pg_app.fake
    stall = fake.stall("chat.postMessage")
    victim = start_job(settings, "due-returns", "--now", NOW.isoformat(), **SHORT_LEASE)
    assert stall.arrived.wait(30), "the job never posted"
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    stall.release()  # Slack accepts the post the dead process sent

    # A rerun claims nothing new: the claims and their message were committed together.
    rerun = start_job(settings, "due-returns", "--now", (NOW + timedelta(minutes=5)).isoformat(),
                      **SHORT_LEASE)  # fmt: skip
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, (out, err)
    assert "0 claimed by this run" in out
    # The victim is dead (nothing of it in flight): this process takes its claim over at once.
    deliver = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "deliver"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=job_environment(settings, HIREDESK_DELIVERY_LEASE_SECONDS="0.1", HIREDESK_DELIVERY_TIMEOUT_SECONDS="0.1"),
    )  # fmt: skip
    assert deliver.returncode == 0, deliver.stderr
    pg_app.settle()
    listed_once(JobRunner(pg_app).posts("CFLEET"), ids)
    assert len(fake.messages_with_metadata("hiredesk_delivery")) == 1


def test_rate_limited_then_accepted_loses_and_duplicates_nothing(live_app, run_job_at):
    ids = due_soon_bookings(live_app, 2)
    live_app.fake.rate_limit("chat.postMessage", retry_after=1)
    report = run_job_at("due-returns", NOW)
    assert report.ok and report.queued == 1
    attempts = live_app.fake.calls_to("chat.postMessage")
    assert [c.args.get("_error") for c in attempts] == ["ratelimited", None]
    assert attempts[1].at - attempts[0].at >= 1  # waited Retry-After
    listed_once(run_job_at.posts(), ids)
    assert run_job_at("due-returns", NOW + timedelta(minutes=1)).claimed == 0


def test_a_reminder_slack_refuses_is_recorded_once_not_reposted(live_app, run_job_at):
    """A permanent error (channel_not_found) is not retried: it is recorded, and the admins
    see it on their App Home; the reminder is not claimed again by later runs."""
    due_soon_bookings(live_app, 2)
    live_app.fake.fail("chat.postMessage", "channel_not_found")
    report = run_job_at("due-returns", NOW)
    assert report.claimed and report.queued == 1
    assert run_job_at.posts() == []
    with live_app.db.transaction(readonly=True) as s:
        (failure,) = outbox.recent_failures(s, f.TEAM, since=NOW - timedelta(days=3650))
    assert failure.error == "channel_not_found" and failure.channel == "CFLEET"
    assert run_job_at("due-returns", NOW + timedelta(minutes=1)).claimed == 0


def test_three_processes_mark_and_post_each_no_show_once(pg_app):
    now = f.utc(2026, 11, 25, 12)
    with pg_app.db.transaction() as s:
        ids = [
            f.booking(s, pickup=now - timedelta(hours=3, minutes=i), due=now + timedelta(days=1),
                      status=BookingStatus.RESERVED).id
            for i in range(6)
        ]  # fmt: skip
    processes = [start_job(pg_app.ctx.settings, "no-shows", "--now", now.isoformat()) for _ in range(3)]
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    pg_app.settle()
    posts = [c for c in JobRunner(pg_app).posts("CFLEET") if "no-show" in c.args["text"]]
    listed = [b for c in posts for b in json.dumps(c.args["blocks"]).split("*B-")[1:]]
    assert len(listed) == 6  # each no-show in exactly one post
    with pg_app.db.transaction() as s:
        assert len(claims.posted_claims(s, f.TEAM, "no-shows")) == 6
    statuses = {b.id: b.status for b in stored_bookings(pg_app.db)}
    assert all(statuses[i] is BookingStatus.NO_SHOW for i in ids)
    events = [e for b in stored_bookings(pg_app.db) for e in b.events if e.kind == "no_show"]
    assert len(events) == 6  # marked once each


def _waiting_on_locks(app) -> int:
    with app.db.engine.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO reminder_claims%'"
            )
        ).scalar()


def _wait_until(condition, processes, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        failed = [p.communicate() for p in processes if p.poll() is not None]
        assert not failed, failed
        assert time.monotonic() < deadline, "the processes never reached their claims"
        time.sleep(0.05)  # polling another process's state: there is nothing to wait on
