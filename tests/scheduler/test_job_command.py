"""`python app.py job …` as an operator runs it: a real process, the fake Slack, exit codes."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from bot.scheduler.background import start_scheduler
from bot.scheduler.jobs import JOBS
from bot.services.clock import utcnow
from tests.harness.postgres import free_port

from . import factories as f
from .conftest import ROOT, JobRunner, job_environment, start_job

NOW = f.utc(2026, 11, 25, 12)


def finish(process) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def test_job_list_names_every_job(sqlite_app):
    code, out, _ = finish(start_job(sqlite_app.ctx.settings, "--list"))
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(JOBS)


def test_job_posts_the_due_reminders_and_exits_0(sqlite_app):
    with sqlite_app.db.transaction() as s:
        booking = f.booking(s, pickup=NOW - timedelta(days=1), due=NOW + timedelta(days=-1))
    code, out, err = finish(start_job(sqlite_app.ctx.settings, "overdue-returns", "--now", NOW.isoformat()))
    assert (code, err) == (0, "")
    assert out.startswith("hiredesk: overdue-returns: 1 due, 1 claimed by this run, 1 message(s) queued")
    (post,) = JobRunner(sqlite_app).posts("CFLEET")
    assert f"*{booking.key}*" in str(post.args["blocks"])


def test_a_slack_failure_exits_1_with_a_clear_line(sqlite_app):
    with sqlite_app.db.transaction() as s:
        f.booking(s, pickup=NOW - timedelta(days=1), due=NOW + timedelta(days=-1))
    sqlite_app.fake.fail("chat.postMessage", "not_in_channel")
    code, _, err = finish(start_job(sqlite_app.ctx.settings, "overdue-returns", "--now", NOW.isoformat()))
    assert code == 1
    assert "1 not posted yet: the overdue-returns reminder: failed (not_in_channel)" in err


def test_an_unreachable_database_exits_1_with_a_clear_line(sqlite_app):
    process = start_job(sqlite_app.ctx.settings, "digest", DATABASE_URL="postgresql+psycopg2://nobody@127.0.0.1:9/none")
    code, _, err = finish(process)
    assert code == 1
    assert "hiredesk: cannot reach the database (postgresql+psycopg2://nobody@127.0.0.1:9/none)" in err
    assert "Traceback" not in err


def test_unknown_job_and_bad_now_are_usage_errors(sqlite_app):
    assert finish(start_job(sqlite_app.ctx.settings, "nightly"))[0] == 2
    code, _, err = finish(start_job(sqlite_app.ctx.settings, "digest", "--now", "2026-11-25T08:30"))
    assert code == 2 and "give the offset too" in err


def test_the_app_schedules_every_job(sqlite_app):
    scheduler = start_scheduler(sqlite_app.ctx.settings)
    try:
        assert sorted(job.id for job in scheduler.get_jobs()) == sorted(JOBS)
    finally:
        scheduler.shutdown(wait=True)


def test_the_served_app_runs_the_scheduler(sqlite_app):
    """`python app.py` (gunicorn) runs the jobs by default: a booking due back soon is posted, once."""
    with sqlite_app.db.transaction() as s:
        f.booking(s, pickup=utcnow() - timedelta(days=1), due=utcnow() + timedelta(minutes=30), created=utcnow())
    settings = sqlite_app.ctx.settings
    env = job_environment(
        settings, SLACK_SIGNING_SECRET="secret", PORT=str(free_port()), HIREDESK_SCHEDULER="on", WEB_CONCURRENCY="1"
    )
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        # (the digest may be due too, depending on the time of day: look at the car hire channel)
        (post,) = sqlite_app.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "CFLEET", timeout=30)
        assert "Due back soon" in post.args["text"]
    finally:
        server.terminate()
        server.wait(30)
