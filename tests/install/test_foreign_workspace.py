"""One bot token serves one workspace: the token's own (auth.test). Another team's or enterprise's
signed request gets nothing — no row, no delivery, no Web API call, no admin."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.sandbox.signed_requests import SignedSlackClient
from db.models import Delivery, Ticket, UserRole, Workspace
from tests.harness.live_app import SIGNING_SECRET
from tests.tickets.helpers import form_values, open_modal

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def foreign(live_app, team_id: str = "TEVIL") -> SignedSlackClient:
    return SignedSlackClient(live_app.url, SIGNING_SECRET, live_app.fake, team_id=team_id)


def rows_of(live_app, team_id: str) -> dict[str, int]:
    with live_app.db.transaction(readonly=True) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).where(model.team_id == team_id))
            for model in (Workspace, Delivery, Ticket, UserRole)
        }


def test_a_foreign_team_gets_nothing(live_app):
    view = open_modal(live_app, "UEMPLOYEE")  # the home workspace works (and auth.test is asked once)
    calls_before = len(live_app.fake.calls)
    evil = foreign(live_app)

    answer = evil.command("/hiredesk", "role <@UEVIL> admin", user="UADMIN")
    assert answer.status == 200 and answer.json == {
        "response_type": "ephemeral",
        "text": "HireDesk is not installed in this workspace.",
    }
    assert evil.command("/ticket", "Printer on fire", user="UADMIN").json["text"].endswith("in this workspace.")
    assert evil.view_submission(view, form_values(title="Posted with your token"), user="UEMPLOYEE").body == ""
    assert evil.app_home_opened("UADMIN").status == 200
    assert evil.event({"type": "app_uninstalled"}).status == 200

    assert rows_of(live_app, "TEVIL") == {"workspaces": 0, "deliveries": 0, "tickets": 0, "user_roles": 0}
    assert rows_of(live_app, "T0001")["tickets"] == 0
    assert live_app.fake.calls[calls_before:] == []  # not even auth.test again: it is kept
    with live_app.db.transaction(readonly=True) as session:
        assert session.get(Workspace, "T0001").uninstalled_at is None


def test_another_enterprise_is_refused_even_with_our_team_id(live_app):
    fields = {
        "team_id": "T0001",
        "enterprise_id": "EEVIL",
        "user_id": "UADMIN",
        "command": "/hiredesk",
        "text": "roles",
        "channel_id": "C0GENERAL",
        "response_url": live_app.fake.response_url_for("C0GENERAL", "UADMIN"),
        "trigger_id": live_app.fake.issue_trigger(),
    }
    answer = live_app.slack.post_form(fields)
    assert answer.json["text"] == "HireDesk is not installed in this workspace."
    assert live_app.slack.command("/hiredesk", "roles", user="UADMIN").json["text"] != answer.json["text"]
