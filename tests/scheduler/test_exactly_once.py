"""Exactly once across processes, crashes and rate limits (PRODUCT.md §5)."""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import sqlalchemy as sa

from bot.services.reminders import claims

from . import factories as f
from .conftest import JobRunner, button_values, start_job

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


def test_a_process_killed_between_claim_and_post_loses_nothing(pg_app):
    ids = due_soon_bookings(pg_app, 3)
    settings, fake = pg_app.ctx.settings, pg_app.fake
    stall = fake.stall("chat.postMessage")
    victim = start_job(settings, "due-returns", "--now", NOW.isoformat())
    assert stall.arrived.wait(30), "the job never posted"
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    stall.release()

    # Within the claim timeout the claims are respected (the poster may just be slow) …
    soon = start_job(settings, "due-returns", "--now", (NOW + timedelta(minutes=5)).isoformat())
    assert soon.wait(30) == 0
    assert JobRunner(pg_app).posts() == []
    # … after it, a later run takes them over and posts them, once.
    later = start_job(settings, "due-returns", "--now", (NOW + claims.CLAIM_TIMEOUT + timedelta(minutes=1)).isoformat())
    assert later.wait(30) == 0, later.communicate()
    listed_once(JobRunner(pg_app).posts("CFLEET"), ids)
    with pg_app.db.transaction() as s:
        assert {c.attempts for c in claims.posted_claims(s, f.TEAM)} == {2}


def test_rate_limited_then_accepted_loses_and_duplicates_nothing(live_app, run_job_at):
    ids = due_soon_bookings(live_app, 2)
    live_app.fake.rate_limit("chat.postMessage", retry_after=1)
    report = run_job_at("due-returns", NOW)
    assert report.ok and report.posted == 1
    attempts = live_app.fake.calls_to("chat.postMessage")
    assert [c.args.get("_error") for c in attempts] == ["ratelimited", None]
    listed_once(run_job_at.posts(), ids)
    assert run_job_at("due-returns", NOW + timedelta(minutes=1)).claimed == 0


def test_a_failed_post_is_retried_by_the_next_run(live_app, run_job_at):
    ids = due_soon_bookings(live_app, 2)
    live_app.fake.fail("chat.postMessage", "channel_not_found")
    failed = run_job_at("due-returns", NOW)
    assert not failed.ok and "channel_not_found" in failed.summary()
    assert run_job_at.posts() == []
    retried = run_job_at("due-returns", NOW + timedelta(minutes=1))
    assert retried.ok and retried.posted == 1
    listed_once(run_job_at.posts(), ids)
    assert run_job_at("due-returns", NOW + timedelta(minutes=2)).claimed == 0


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
