"""The ``sla`` job (PRODUCT.md §3): one warning per missed target in the card's thread, exactly once;
the digest's share of targets met. Tickets raised over signed HTTP; time with freezegun."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from bot.services import digest
from bot.services.reminders import claims
from bot.services.workspace_settings import workspace_config
from db.models import Role, Severity
from tests.tickets.helpers import click, grant, raise_ticket

from . import factories as f
from .conftest import JobRunner, start_job


def warnings(run_job_at, ticket) -> list[str]:
    return [
        c.args["text"]
        for c in run_job_at.posts(ticket.card_channel)
        if c.args.get("thread_ts") == ticket.card_ts and ":hourglass:" in c.args["text"]
    ]


def test_each_missed_target_is_warned_once_in_the_thread_mentioning_who_must_act(live_app, run_job_at):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    grant(live_app, "UTECH2", Role.TECHNICIAN)
    opened = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    with freeze_time(opened, tick=True):
        raised = raise_ticket(live_app, severity="CRITICAL")
        live_app.settle()
    assert run_job_at("sla", opened + timedelta(minutes=14)).due == 0
    run_job_at("sla", opened + timedelta(minutes=16))
    (response,) = warnings(run_job_at, raised)
    assert response.startswith(":hourglass: <@UTECH> <@UTECH2> *T-1*") and "first-response target (15 min" in response
    assert run_job_at("sla", opened + timedelta(minutes=17)).claimed == 0  # once
    with freeze_time(opened + timedelta(minutes=30), tick=True):
        click(live_app, raised, "ticket_assign_me", "UTECH")
        live_app.settle()
    run_job_at("sla", opened + timedelta(hours=3, minutes=59))
    assert len(warnings(run_job_at, raised)) == 1
    for minutes in (1, 2, 30):
        run_job_at("sla", opened + timedelta(hours=4, minutes=minutes))
    response, resolution = warnings(run_job_at, raised)
    assert resolution.startswith(":hourglass: <@UTECH> *T-1*") and "resolution target (4 h" in resolution
    with live_app.db.transaction() as s:
        assert [(c.subject, c.slot) for c in claims.posted_claims(s, f.TEAM, "sla")] == [
            (f"ticket:{raised.id}", "response"),
            (f"ticket:{raised.id}", "resolution"),
        ]


def test_a_breach_across_midnight_and_a_dst_change_is_warned_at_the_right_instant(live_app, run_job_at):
    # London springs forward at 01:00 UTC on 29 March 2026; 23:30 GMT + 4 h = 03:30 UTC = 04:30 BST.
    opened = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    with freeze_time(opened, tick=True):
        raised = raise_ticket(live_app, severity="MINOR")
        live_app.settle()
    run_job_at("sla", opened + timedelta(hours=3, minutes=59))
    assert warnings(run_job_at, raised) == []
    run_job_at("sla", opened + timedelta(hours=4, minutes=1))
    (warning,) = warnings(run_job_at, raised)
    assert "Nobody has the technician role yet" in warning
    assert "|Sun 29 Mar, 04:30>" in warning  # the fallback: the workspace's local time, after the change


def test_resolved_deleted_and_long_missed_tickets_are_not_warned(live_app, run_job_at):
    now = f.utc(2026, 6, 10, 12)
    with live_app.db.transaction() as s:
        f.ticket(s, created=now - timedelta(hours=5), state=f.TicketState.RESOLVED, resolved=now - timedelta(hours=1))
        f.ticket(s, created=now - timedelta(days=9), severity=Severity.MAJOR)  # both deadlines > 7 days ago
        deleted = f.ticket(s, created=now - timedelta(hours=5))
        deleted.deleted_at = now
    assert run_job_at("sla", now).due == 0


def test_three_processes_warn_each_breach_once(pg_app):
    now = f.utc(2026, 6, 10, 12)
    with pg_app.db.transaction() as s:
        f.grant(s, "UTECH", Role.TECHNICIAN)
        cards = [JobRunner(pg_app).client.chat_postMessage(channel="CTRIAGE", text=f"card {i}") for i in range(4)]
        ids = [f.ticket(s, created=now - timedelta(hours=5), card=("CTRIAGE", c["ts"])).id for c in cards]
    processes = [start_job(pg_app.ctx.settings, "sla", "--now", now.isoformat()) for _ in range(3)]
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    pg_app.settle()
    posts = [c for c in JobRunner(pg_app).posts("CTRIAGE") if ":hourglass:" in c.args.get("text", "")]
    # Both targets of each ticket were missed by now: one message in each card's thread lists the two.
    assert sorted(c.args["thread_ts"] for c in posts) == sorted(c["ts"] for c in cards)
    assert all(json.dumps(c.args["blocks"]).count(":hourglass: <@UTECH>") == 2 for c in posts)
    with pg_app.db.transaction() as s:
        assert len(claims.posted_claims(s, f.TEAM, "sla")) == 8 == len(ids) * 2


def test_the_digest_reports_the_share_of_targets_met(live_app):
    now = f.utc(2026, 6, 10, 8, 30)
    with live_app.db.transaction() as s:
        # responded in time, resolved late
        met = f.ticket(s, created=now - timedelta(hours=20), state=f.TicketState.RESOLVED, resolved=now)
        met.first_response_at = met.created_at + timedelta(minutes=10)
        met.resolved_at = now - timedelta(hours=1)
        # no response by its deadline (within the day), still open
        f.ticket(s, created=now - timedelta(hours=2))
        # a MINOR ticket whose targets fall due tomorrow and the day after: not decided yet
        f.ticket(s, created=now - timedelta(hours=1), severity=Severity.MINOR)
        # decided before the period: not counted
        old = f.ticket(s, created=now - timedelta(days=5), state=f.TicketState.RESOLVED, resolved=now)
        old.first_response_at = old.created_at + timedelta(minutes=1)
        old.resolved_at = old.created_at + timedelta(hours=1)
    with live_app.db.transaction() as s:
        built = digest.build_digest(s, workspace_config(s, f.TEAM, live_app.ctx.settings), now, weekly=False)
    assert built.sla_response == digest.TargetShare(met=1, decided=2)
    assert built.sla_resolution == digest.TargetShare(met=0, decided=1)
