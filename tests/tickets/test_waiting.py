"""Waiting on the reporter (PRODUCT.md §3): the question by DM, the SLA clock paused until the reporter
answers, the auto-resolve job. Over signed HTTP on both databases; time with freezegun."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from bot.scheduler.jobs import JOBS
from bot.scheduler.runner import run_job
from bot.services.tickets import sla
from bot.services.workspace_settings import workspace_config
from db.models import Role, TicketState, Workspace

from .helpers import click, click_in_dm, grant, raise_ticket, submit_note, ticket

OPENED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def dms(live_app, user: str = "UEMPLOYEE") -> list:
    return live_app.fake.channel_messages(live_app.fake.dm_channel(user))


def ask_reporter(live_app, raised, question: str, user: str = "UTECH") -> None:
    click(live_app, raised, "ticket_wait", user)
    live_app.fake.wait_for("views.open", lambda c: "What do you need from the reporter?" in str(c.args["view"]))
    assert submit_note(live_app, user, question).status == 200
    live_app.settle()


def answer(live_app, raised, text: str) -> None:
    click_in_dm(live_app, raised, "ticket_reply", "UEMPLOYEE")
    live_app.fake.wait_for("views.open", lambda c: "Comment" in str(c.args["view"]))
    assert submit_note(live_app, "UEMPLOYEE", text).status == 200
    live_app.settle()


def test_waiting_on_the_reporter_pauses_the_clock_until_they_answer(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    with freeze_time(OPENED, tick=True) as clock:
        raised = raise_ticket(live_app, severity="MAJOR")
        live_app.settle()
        clock.move_to(OPENED + timedelta(hours=2))
        ask_reporter(live_app, raised, "Which printer? The one by the lift?")
        waiting = ticket(live_app, raised.id)
        assert waiting.state is TicketState.WAITING and waiting.assignee_id == "UTECH"
        assert waiting.first_response_at is not None  # asking is a response
        dm = dms(live_app)[-1]
        assert "Which printer? The one by the lift?" in str(dm.blocks) and "ticket_reply" in str(dm.blocks)
        card = live_app.fake.message(raised.card_channel, raised.card_ts)
        assert "Waiting on reporter" in str(card.blocks) and "ticket_wait" not in str(card.blocks)

        clock.move_to(OPENED + timedelta(hours=12))
        answer(live_app, raised, "Yes, by the lift")
    answered = ticket(live_app, raised.id)
    assert answered.state is TicketState.IN_PROGRESS and answered.waiting_since is None
    assert abs(answered.paused_seconds - 10 * 3600) < 5  # ten hours waited
    thread = str([m.text for m in live_app.fake.channel_messages(raised.card_channel, raised.card_ts)])
    assert "asked <@UEMPLOYEE> for information" in thread and "answered: back in progress" in thread
    with live_app.db.transaction(readonly=True) as session:
        config = workspace_config(session, live_app.slack.team_id, live_app.ctx.settings)
        status = sla.status(answered, config.sla, OPENED + timedelta(days=1, hours=9))
    # MAJOR: resolve within a day, plus the ten hours paused.
    assert abs(status.resolve_by - (OPENED + timedelta(days=1, hours=10))) < timedelta(seconds=5)
    assert not status.resolution_breached


def test_the_sla_and_critical_ticket_jobs_leave_a_waiting_ticket_alone(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    with freeze_time(OPENED, tick=True) as clock:
        raised = raise_ticket(live_app, severity="CRITICAL")  # resolve within 4 h
        live_app.settle()
        clock.move_to(OPENED + timedelta(minutes=5))
        ask_reporter(live_app, raised, "Since when?")
    for at in (OPENED + timedelta(hours=5), OPENED + timedelta(days=2)):  # waiting: the clock is stopped
        run_job(live_app.ctx, JOBS["sla"], now=at)
        run_job(live_app.ctx, JOBS["critical-tickets"], now=at)
    live_app.settle()
    texts = [m.text for m in live_app.fake.channel_messages(raised.card_channel, raised.card_ts)]
    assert not any(":hourglass:" in t or ":rotating_light:" in t for t in texts)


def test_auto_resolve_after_the_setting_with_a_dm_that_keeps_reopen(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    with live_app.db.transaction() as session:
        session.get_one(Workspace, live_app.slack.team_id).auto_resolve_minutes = 2 * 24 * 60
    with freeze_time(OPENED, tick=True):
        raised = raise_ticket(live_app)
        answered_meanwhile = raise_ticket(live_app, title="Second")
        live_app.settle()
        ask_reporter(live_app, raised, "Still happening?")
        ask_reporter(live_app, answered_meanwhile, "Which floor?")
    with freeze_time(OPENED + timedelta(days=1), tick=True):
        answer(live_app, answered_meanwhile, "Floor 2")
    job = JOBS["auto-resolve"]
    assert run_job(live_app.ctx, job, now=OPENED + timedelta(days=1, hours=23)).due == 0
    report = run_job(live_app.ctx, job, now=OPENED + timedelta(days=2, minutes=1))
    assert (report.due, report.claimed) == (1, 1)
    live_app.settle()
    resolved = ticket(live_app, raised.id)
    assert resolved.state is TicketState.RESOLVED and "No answer from the reporter" in resolved.resolution_note
    assert ticket(live_app, answered_meanwhile.id).state is TicketState.IN_PROGRESS
    dm = dms(live_app)[-1]
    assert "resolved automatically" in str(dm.blocks) and "ticket_reopen" in str(dm.blocks)
    thread = [m.text for m in live_app.fake.channel_messages(raised.card_channel, raised.card_ts)]
    assert "HireDesk resolved it" in thread[-1]
    assert run_job(live_app.ctx, job, now=OPENED + timedelta(days=2, minutes=10)).due == 0  # resolved: gone
    # The reporter reopens from the DM.
    click_in_dm(live_app, raised, "ticket_reopen", "UEMPLOYEE")
    live_app.settle()
    assert ticket(live_app, raised.id).state is TicketState.OPEN
