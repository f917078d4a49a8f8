"""Service levels (PRODUCT.md §3): targets per severity, first response, the card's deadlines and breaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from bot.services.clock import utcnow
from bot.services.tickets import forms, lifecycle, sla
from bot.services.workspace_settings import workspace_config
from bot.views.tickets import messages as ticket_views
from db.models import Role, Severity, Ticket, Workspace

from .helpers import click, grant, raise_ticket, ticket

LONDON = ZoneInfo("Europe/London")


def raise_in(live_app, at: datetime, severity: str = "MINOR") -> int:
    with freeze_time(at), live_app.db.transaction() as session:
        actor = live_app.ctx.actor(session, live_app.slack.team_id, "UEMPLOYEE")
        form = forms.parse_ticket_form("Printer jammed", "", "hardware", severity)
        return lifecycle.create(session, actor, form).ticket.id


def card_at(live_app, ticket_id: int, at: datetime) -> str:
    with freeze_time(at), live_app.db.transaction(readonly=True) as session:
        config = workspace_config(session, live_app.slack.team_id, live_app.ctx.settings)
        ticket_ = session.get_one(Ticket, ticket_id)
        status = sla.status(ticket_, config.sla, utcnow())
        return str(ticket_views.card(ticket_, tz=config.tz, now=utcnow(), sla=status)["blocks"])


def test_defaults_and_workspace_targets(live_app):
    with live_app.db.transaction() as session:
        config = workspace_config(session, live_app.slack.team_id, live_app.ctx.settings)
        assert config.sla[Severity.CRITICAL] == sla.Targets(timedelta(minutes=15), timedelta(hours=4))
        assert config.sla[Severity.MAJOR] == sla.Targets(timedelta(hours=1), timedelta(days=1))
        assert config.sla[Severity.MINOR] == sla.Targets(timedelta(hours=4), timedelta(days=3))
        session.get_one(Workspace, live_app.slack.team_id).sla_major_response_minutes = 30
    with live_app.db.transaction() as session:
        assert workspace_config(session, live_app.slack.team_id, live_app.ctx.settings).sla[
            Severity.MAJOR
        ].response == timedelta(minutes=30)


def test_a_response_target_missed_across_midnight(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    opened = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 23:30 in London (BST)
    ticket_id = raise_in(live_app, opened, "MAJOR")
    before = card_at(live_app, ticket_id, opened + timedelta(minutes=59))
    assert "*Respond by* <!date^" in before and "02 Jun 2026 00:30 BST" in before and "SLA breached" not in before
    late = card_at(live_app, ticket_id, opened + timedelta(minutes=61))
    assert (
        "*SLA breached* (response)" in late and "*Resolve by*" in late and "Respond by" not in late.split("Resolve")[1]
    )
    with freeze_time(opened + timedelta(minutes=70)), live_app.db.transaction() as session:
        lifecycle.assign_to_me(session, live_app.ctx.actor(session, live_app.slack.team_id, "UTECH"), ticket_id)
    answered = card_at(live_app, ticket_id, opened + timedelta(hours=2))
    assert "*SLA breached* (response)" in answered and "Respond by" not in answered  # a late response stays late
    assert ticket(live_app, ticket_id).first_response_at == opened + timedelta(minutes=70)


def test_targets_are_elapsed_time_across_a_dst_change(live_app):
    # London springs forward at 01:00 UTC on 29 March 2026: four hours after 00:00 GMT is 05:00 BST.
    opened = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    ticket_id = raise_in(live_app, opened)
    shown = card_at(live_app, ticket_id, opened)
    assert "29 Mar 2026 05:00 BST" in shown and "01 Apr 2026 01:00 BST" in shown
    assert "SLA breached" not in card_at(live_app, ticket_id, opened + timedelta(hours=3, minutes=59))
    assert "*SLA breached* (response)" in card_at(live_app, ticket_id, opened + timedelta(hours=4, minutes=1))


def test_first_response_is_the_first_assignment_or_reply_and_resolving_in_time_meets_it(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    opened = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    ticket_id = raise_in(live_app, opened, "CRITICAL")
    with live_app.db.transaction() as session:
        tech = live_app.ctx.actor(session, live_app.slack.team_id, "UTECH")
        reporter = live_app.ctx.actor(session, live_app.slack.team_id, "UEMPLOYEE")
        with freeze_time(opened + timedelta(minutes=5)):
            lifecycle.reply(session, reporter, ticket_id, "any news?")  # the reporter's comment is no response
        with freeze_time(opened + timedelta(minutes=10)):
            lifecycle.reply(session, tech, ticket_id, "looking")
        with freeze_time(opened + timedelta(minutes=20)):
            lifecycle.assign_to_me(session, tech, ticket_id)
        with freeze_time(opened + timedelta(hours=3)):
            lifecycle.resolve(session, tech, ticket_id, "fixed")
    assert ticket(live_app, ticket_id).first_response_at == opened + timedelta(minutes=10)
    shown = card_at(live_app, ticket_id, opened + timedelta(days=2))
    assert "SLA breached" not in shown and "Respond by" not in shown and "Resolve by" not in shown


def test_the_card_over_http_shows_the_deadline_then_the_breach(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    with freeze_time(datetime(2026, 6, 1, 9, 0, tzinfo=UTC), tick=True) as clock:
        raised = raise_ticket(live_app, severity="CRITICAL")
        live_app.settle()
        assert "*Respond by*" in str(live_app.fake.message(raised.card_channel, raised.card_ts).blocks)
        clock.tick(timedelta(minutes=20))
        click(live_app, raised, "ticket_assign_me", "UTECH")
        live_app.settle()
    card = str(live_app.fake.message(raised.card_channel, raised.card_ts).blocks)
    assert "*SLA breached* (response)" in card and "*Resolve by*" in card
