"""One bot token that Slack refuses at start-up (revoked, its app uninstalled, its workspace
deactivated) means "installed nowhere", not an outage: requests get the not-installed answer,
deliveries fail as workspace_gone instead of being retried for ever, and Slack is asked again at
most every minute, so a token put right is served without a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.services import outbox, workspaces
from bot.tenancy import AUTH_RECHECK_SECONDS
from db.models import Delivery, DeliveryStatus
from handlers.support import NOT_INSTALLED

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.mark.parametrize("refusal", ["token_revoked", "invalid_auth", "account_inactive"])
def test_a_refused_token_serves_nothing_until_slack_accepts_it_again(live_app, refusal):
    fake = live_app.fake
    with freeze_time(datetime.now(UTC)) as clock:
        fake.fail("auth.test", refusal)

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

        clock.tick(timedelta(seconds=AUTH_RECHECK_SECONDS - 1))  # within the minute: Slack is not asked again
        assert live_app.slack.command("/hiredesk", "roles", user="UADMIN").json["text"] == NOT_INSTALLED
        assert len(fake.calls_to("auth.test")) == 1

        clock.tick(timedelta(seconds=2))  # the token was put right (the fake accepts it again)
        assert "UADMIN" in live_app.slack.command("/hiredesk", "roles", user="UADMIN").json["text"]
