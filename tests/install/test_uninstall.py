"""Uninstall: app_uninstalled / tokens_revoked stop all posting to the workspace at once;
`python app.py purge-workspace` deletes every row it has, in every table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from bot.delivery.worker import KEEP_HANDLED, PRUNE_EVERY, DeliveryWorker
from bot.services import handled, workspaces
from bot.services.clock import utcnow
from db.models import (
    Base,
    Delivery,
    DeliveryStatus,
    HandledRequest,
    RecordEvent,
    ReminderClaim,
    TicketEvent,
    TicketRating,
    Workspace,
    slack_bots,
    slack_installations,
    slack_oauth_states,
)
from tests.hire.helpers import add_customer, add_vehicle, book, hours_from_now, make_agent
from tests.test_cli import app_env, run_app
from tests.tickets.helpers import form_values, open_modal, raise_ticket

STORED_TOKEN = {
    "team_id": "T0001",
    "bot_token": "xoxb-stored",
    "is_enterprise_install": False,
    "installed_at": utcnow(),
}


def deliveries(live_app) -> list[tuple[str, DeliveryStatus, str | None]]:
    with live_app.db.transaction(readonly=True) as session:
        return [(d.key, d.status, d.error) for d in session.scalars(select(Delivery).order_by(Delivery.id))]


@pytest.mark.parametrize("event", [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"bot": ["U1"]}}])
def test_leaving_cancels_what_is_queued_and_nothing_is_posted_after(live_app, event):
    raise_ticket(live_app)
    live_app.settle()
    live_app.fake.rate_limit("chat.postMessage", retry_after=30, times=1)  # the next card waits to be retried
    view = open_modal(live_app, "UEMPLOYEE")
    live_app.slack.view_submission(view, form_values(title="Queued when they left"), user="UEMPLOYEE")
    live_app.fake.wait_for("chat.postMessage", lambda c: c.args.get("_error") == "ratelimited")
    posts_before = len(live_app.fake.calls_to("chat.postMessage"))

    assert live_app.slack.event(event).status == 200

    live_app.settle()
    waiting = [d for d in deliveries(live_app) if d[1] != DeliveryStatus.POSTED]
    assert waiting and all(status == DeliveryStatus.CANCELLED for _, status, _ in waiting), waiting
    with live_app.db.transaction(readonly=True) as session:
        assert session.get(Workspace, "T0001").uninstalled_at is not None

    # A message queued after it left (a late request, a reminder) is not posted either.
    view = open_modal(live_app, "UEMPLOYEE")
    live_app.slack.view_submission(view, form_values(title="After they left"), user="UEMPLOYEE")
    live_app.settle()
    assert len(live_app.fake.calls_to("chat.postMessage")) == posts_before
    assert {error for _, status, error in deliveries(live_app) if status == DeliveryStatus.FAILED} == {"workspace_gone"}


def test_revoking_only_user_tokens_changes_nothing(live_app):
    live_app.slack.event({"type": "tokens_revoked", "tokens": {"oauth": ["UADMIN"]}})
    raise_ticket(live_app)
    live_app.settle()
    with live_app.db.transaction(readonly=True) as session:
        assert session.get(Workspace, "T0001").uninstalled_at is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_purge_workspace_deletes_every_row_of_that_workspace(live_app, tmp_path):
    raised = raise_ticket(live_app)
    make_agent(live_app.db)
    customer_id = add_customer(live_app.db)
    book(live_app, customer_id, add_vehicle(live_app.db), hours_from_now(2), hours_from_now(26))
    with live_app.db.transaction() as session:
        session.add(
            RecordEvent(
                team_id="T0001", customer_id=customer_id, actor_id="UAGENT", at=utcnow(), field="phone", new_value="1"
            )
        )
        session.add(
            ReminderClaim(
                team_id="T0001", job="digest", subject="digest", slot="x", claimed_at=utcnow(), claimed_by="t"
            )
        )
        event = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == raised.id)).first()
        session.add(
            TicketRating(
                team_id="T0001",
                ticket_id=raised.id,
                resolution_event_id=event.id,
                rating=5,
                rated_by="U1",
                rated_at=utcnow(),
            )
        )
        session.execute(slack_bots.insert().values(**STORED_TOKEN, client_id="1.2", app_id="A1"))
        session.execute(slack_installations.insert().values(**STORED_TOKEN, client_id="1.2", app_id="A1", user_id="U1"))
    live_app.settle()
    tables = [table for table in Base.metadata.sorted_tables if "team_id" in table.columns]
    with live_app.db.transaction(readonly=True) as session:
        before = {
            t.name: session.scalar(select(func.count()).select_from(t).where(t.c.team_id == "T0001")) for t in tables
        }
    assert all(before.values()), f"every table should hold a row of the workspace first: {before}"

    result = run_app("purge-workspace", "T0001", env=app_env(tmp_path, DATABASE_URL=str(live_app.db.engine.url)))
    assert result.returncode == 0, result.stderr
    assert "workspace T0001 purged" in result.stdout

    with live_app.db.transaction(readonly=True) as session:
        for table in tables:
            assert session.scalar(select(func.count()).select_from(table).where(table.c.team_id == "T0001")) == 0
        untouched = set(Base.metadata.tables) - {t.name for t in tables}
        # No team column: handled_requests is checked by its keys; an OAuth state is a random
        # string that lasts minutes, before anyone knows which workspace will install.
        assert untouched == {HandledRequest.__tablename__, slack_oauth_states.name}
        assert session.scalar(select(func.count()).where(HandledRequest.key.like("view:T0001:%"))) == 0


def test_repeat_keys_purge_cannot_attribute_are_forgotten_within_the_hour(database):
    """``purge-workspace`` deletes the repeat keys naming the workspace (a modal's); the others
    (an event id, a signature's hash, an envelope id) name none and are pruned by the delivery worker."""
    start = datetime(2026, 11, 25, 12, tzinfo=UTC)
    keys = ["view:T0001:V1:h1", "view:TKEEP:V2:h2", "event:Ev1", "sig:0123", "envelope:abc"]
    with freeze_time(start):
        with database.transaction() as session:
            for key in keys:
                assert handled.first_time(session, key)
            workspaces.purge(session, "T0001")
        worker = DeliveryWorker(database, lambda team_id: None)  # not started: only its pruning is used
    assert stored_keys(database) == set(keys) - {"view:T0001:V1:h1"}

    with freeze_time(start + KEEP_HANDLED - timedelta(minutes=1)):
        worker._maybe_prune()
    assert stored_keys(database) == set(keys) - {"view:T0001:V1:h1"}
    with freeze_time(start + KEEP_HANDLED + PRUNE_EVERY):
        worker._maybe_prune()
    assert stored_keys(database) == set()


def stored_keys(database) -> set[str]:
    with database.transaction(readonly=True) as session:
        return set(session.scalars(select(HandledRequest.key)))
