"""Scheduled jobs run for every workspace that has the app, and for no other: one that uninstalled
it, one with no stored token (OAuth) or one that is not the bot token's own gets nothing claimed
and nothing queued, so it gets its reminders if it comes back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.scheduler.jobs import JOBS
from bot.scheduler.runner import run_job
from bot.services import workspaces
from db.models import Delivery, ReminderClaim
from tests.scheduler import factories as f

from .oauth import as_workspace, install

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

NOW = f.utc(2026, 11, 25, 12)


def due_return(app, team_id: str) -> None:
    with app.db.transaction() as session:
        f.booking(session, pickup=NOW - timedelta(days=1), due=NOW + timedelta(hours=1), team_id=team_id)


def claimed_and_queued(app) -> tuple[set[str], set[str]]:
    with app.db.transaction(readonly=True) as session:
        return set(session.scalars(select(ReminderClaim.team_id))), set(session.scalars(select(Delivery.team_id)))


def test_a_workspace_that_left_gets_nothing_claimed_until_it_is_back(live_app):
    due_return(live_app, "T0001")
    due_return(live_app, "TOTHER")  # not the bot token's workspace
    live_app.slack.event({"type": "app_uninstalled"})

    report = run_job(live_app.ctx, JOBS["due-returns"], now=NOW)
    assert (report.due, report.claimed, report.queued) == (0, 0, 0)
    assert claimed_and_queued(live_app) == (set(), set())

    with live_app.db.transaction() as session:  # the token works again (auth.test, after a restart)
        workspaces.mark_installed(session, "T0001")
    live_app.ctx.tenancy.uninstalled("T0001")  # forget the cached "uninstalled"
    assert run_job(live_app.ctx, JOBS["due-returns"], now=NOW).queued == 1
    assert claimed_and_queued(live_app) == ({"T0001"}, {"T0001"})


def test_over_oauth_only_workspaces_with_a_stored_token_are_run(distributed_app):
    app = distributed_app
    install(app, "TONE", "UONE")
    install(app, "TTWO", "UTWO")
    for team_id in ("TONE", "TTWO", "TNEVER"):  # TNEVER: rows, but it never installed
        due_return(app, team_id)

    run_job(app.ctx, JOBS["due-returns"], now=NOW)
    assert claimed_and_queued(app)[0] == {"TONE", "TTWO"}

    as_workspace(app, "TTWO").slack.event({"type": "tokens_revoked", "tokens": {"bot": ["UHIREDESKBOT"]}})
    due_return(app, "TTWO")
    with app.db.transaction() as session:
        session.execute(ReminderClaim.__table__.delete())
    run_job(app.ctx, JOBS["due-returns"], now=NOW)
    assert claimed_and_queued(app)[0] == {"TONE"}
