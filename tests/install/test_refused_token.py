"""One bot token that Slack refuses (revoked, its app uninstalled, its workspace deactivated) means
"installed nowhere", not an outage: once the background check finds it, requests get the
not-installed answer, deliveries fail as workspace_gone instead of being retried for ever, jobs
run for nobody, and Slack is asked again each minute, so a token put right is served without a
restart. No request asks Slack itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.identity import RECHECK_REFUSED
from bot.services import outbox, workspaces
from db.models import Delivery, DeliveryStatus
from handlers.support import NOT_INSTALLED

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.mark.parametrize("refusal", ["token_revoked", "invalid_auth", "account_inactive"])
def test_a_refused_token_serves_nothing_until_slack_accepts_it_again(live_app, refusal):
    fake, identity = live_app.fake, live_app.ctx.tenancy.identity
    with freeze_time(datetime.now(UTC)) as clock:
        fake.fail("auth.test", refusal)
        calls_before = len(fake.calls)
        assert "UADMIN" in live_app.slack.command("/hiredesk", "roles", user="UADMIN").json["text"]
        assert fake.calls[calls_before:] == []  # a request never asks Slack who the token is

        clock.tick(timedelta(minutes=10))
        identity.refresh_if_due()  # the background check finds the token refused
        answer = live_app.slack.command("/hiredesk", "roles", user="UADMIN")
        assert answer.status == 200 and answer.json["text"] == NOT_INSTALLED
        with live_app.db.transaction() as session:  # a message queued (before the token was revoked)
            workspaces.ensure_workspace(session, "T0001")
            outbox.post(session, "T0001", "test:refused", "CTRIAGE", {"text": "Hello"}, label="a test message")
        live_app.settle()
        with live_app.db.transaction(readonly=True) as session:
            delivery = session.scalars(select(Delivery).where(Delivery.key == "test:refused")).one()
            assert (delivery.status, delivery.error) == (DeliveryStatus.FAILED, "workspace_gone")
        assert fake.calls_to("chat.postMessage") == []
        assert live_app.ctx.tenancy.scheduled_teams() == frozenset()  # the jobs post nowhere

        clock.tick(RECHECK_REFUSED - timedelta(seconds=1))  # within the minute: Slack is not asked again
        identity.refresh_if_due()
        assert live_app.slack.command("/hiredesk", "roles", user="UADMIN").json["text"] == NOT_INSTALLED
        assert len(fake.calls_to("auth.test")) == 1  # the check that found it refused (start-up's is forgotten)

        clock.tick(timedelta(seconds=2))  # the token was put right (the fake accepts it again)
        identity.refresh_if_due()
        assert "UADMIN" in live_app.slack.command("/hiredesk", "roles", user="UADMIN").json["text"]
        assert live_app.ctx.tenancy.scheduled_teams() == frozenset({"T0001"})
