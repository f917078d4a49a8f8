"""The outbox on both databases, sent to the fake Slack over real HTTP (PRODUCT.md §8).

Each fault Slack can produce — a lost answer after it accepted the post, a
stall past the client's time-out, 429s, 5xx — still gives exactly one message.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.delivery.worker import DeliveryWorker
from bot.services import outbox
from bot.services.outbox import METADATA_EVENT_TYPE
from bot.services.workspaces import ensure_workspace
from bot.settings import load_settings
from bot.slack_client import make_web_client
from db.models import Delivery, DeliveryStatus

TEAM = "T0001"


@pytest.fixture
def client(fake_slack):
    settings = load_settings({"SLACK_API_URL": fake_slack.api_url, "SLACK_BOT_TOKEN": "xoxb-test-token"})
    return make_web_client(settings, timeout=2)


@pytest.fixture
def worker(database, client):
    w = DeliveryWorker(database, lambda team_id: client, threads=4, lease=timedelta(seconds=60))
    yield w
    w.stop(grace=0)


def queue(database, *posts: tuple[str, str], lane: str | None = "T0001:ticket:1", **kwargs) -> None:
    with database.transaction() as session:
        ensure_workspace(session, TEAM)
        for key, text in posts:
            outbox.post(session, TEAM, key, "CTRIAGE", {"text": text}, label=text, lane=lane, **kwargs)


def statuses(database) -> dict[str, DeliveryStatus]:
    with database.transaction(readonly=True) as session:
        return dict(session.execute(select(Delivery.key, Delivery.status)).tuples().all())


def drain_until_done(worker, database, rounds: int = 20) -> None:
    """Drain, letting retries come due (the test moves their next attempt to now)."""
    for _ in range(rounds):
        worker.drain(timeout=20)
        with database.transaction() as session:
            open_rows = session.scalars(select(Delivery).where(Delivery.status.in_(outbox.OPEN_STATUSES))).all()
            if not open_rows:
                return
            for row in open_rows:
                row.next_attempt_at = row.created_at  # due now: no real waiting in tests
    raise AssertionError("deliveries still open")


def posted_texts(fake_slack, channel: str = "CTRIAGE") -> list[str]:
    return [m.text for m in fake_slack.channel_messages(channel)]


def test_a_lane_is_sent_in_order_and_each_message_once(database, worker, fake_slack):
    queue(database, *[(f"k{i}", f"message {i}") for i in range(6)])
    drain_until_done(worker, database)
    assert posted_texts(fake_slack) == [f"message {i}" for i in range(6)]
    assert set(statuses(database).values()) == {DeliveryStatus.POSTED}
    tagged = fake_slack.messages_with_metadata(METADATA_EVENT_TYPE)
    assert sorted(m.metadata["event_payload"]["key"] for m in tagged) == [f"k{i}" for i in range(6)]


def test_a_post_whose_answer_was_lost_is_found_in_the_channel_not_posted_again(database, worker, fake_slack):
    fake_slack.accept_then_drop("chat.postMessage", times=1, mode="reset")
    queue(database, ("lost-answer", "hello"))
    drain_until_done(worker, database)
    assert posted_texts(fake_slack) == ["hello"]
    assert fake_slack.calls_to("conversations.history"), "the worker looked before posting again"
    assert statuses(database) == {"lost-answer": DeliveryStatus.POSTED}


def test_a_post_answered_after_the_time_out_is_adopted(database, worker, fake_slack):
    fake_slack.accept_then_drop("chat.postMessage", times=1, mode="hang", seconds=4)  # client gives up after 2 s
    queue(database, ("slow-answer", "hello"))
    drain_until_done(worker, database)
    assert posted_texts(fake_slack) == ["hello"]


@pytest.mark.parametrize("fault", ["429x3", "500x5"])
def test_rate_limits_and_server_errors_are_retried_until_posted_once(database, worker, fake_slack, fault):
    if fault == "429x3":
        fake_slack.rate_limit("chat.postMessage", retry_after=0, times=3)
    else:
        fake_slack.fail("chat.postMessage", "internal_error", status=500, times=5)
    queue(database, ("flaky", "hello"))
    drain_until_done(worker, database)
    assert posted_texts(fake_slack) == ["hello"]


def test_a_permanent_error_is_recorded_cancels_its_thread_and_tells_the_actor_once(database, worker, fake_slack):
    fake_slack.fail("chat.postMessage", "not_in_channel", times=1)
    with database.transaction() as session:
        ensure_workspace(session, TEAM)
        lane = "T0001:ticket:9"
        outbox.post(
            session, TEAM, "card", "CTRIAGE", {"text": "card"}, label="the card of T-9", lane=lane, notify_user="UTECH"
        )
        outbox.post(session, TEAM, "reply", "CTRIAGE", {"text": "reply"}, label="reply", lane=lane, thread_of="card")
    drain_until_done(worker, database)
    assert statuses(database)["card"] == DeliveryStatus.FAILED
    assert statuses(database)["reply"] == DeliveryStatus.CANCELLED
    notices = [m for m in fake_slack.channel_messages(fake_slack.dm_channel("UTECH"))]
    assert len(notices) == 1
    assert "not a member" in notices[0].text and "invite" in notices[0].text.lower()
    assert posted_texts(fake_slack) == []


def test_an_edit_supersedes_a_pending_edit_of_the_same_message(database, worker, fake_slack):
    queue(database, ("card", "v1"))
    drain_until_done(worker, database)
    with database.transaction() as session:
        for version in ("v2", "v3", "v4"):
            outbox.edit(
                session,
                TEAM,
                f"edit-{version}",
                {"text": version},
                label="the card",
                of="card",
                supersede="card",
                lane="T0001:ticket:1",
            )
    drain_until_done(worker, database)
    assert [c.args.get("text") for c in fake_slack.calls_to("chat.update")] == ["v4"]
    assert posted_texts(fake_slack) == ["v4"]


def test_a_thread_reply_waits_for_its_card_and_goes_under_it(database, worker, fake_slack):
    fake_slack.rate_limit("chat.postMessage", retry_after=0, times=1)
    with database.transaction() as session:
        ensure_workspace(session, TEAM)
        outbox.post(session, TEAM, "card", "CTRIAGE", {"text": "card"}, label="card", lane="L")
        outbox.post(session, TEAM, "reply", "CTRIAGE", {"text": "reply"}, label="reply", lane="L", thread_of="card")
    drain_until_done(worker, database)
    card = fake_slack.channel_messages("CTRIAGE")[0]
    assert [m.text for m in fake_slack.channel_messages("CTRIAGE", thread_ts=card.ts)][-1] == "reply"


def test_a_claim_abandoned_by_a_dead_process_is_looked_up_then_adopted(database, client, fake_slack):
    queue(database, ("orphan", "hello"))
    dead = DeliveryWorker(database, lambda team_id: client, lease=timedelta(seconds=0), call_timeout=0)
    with database.transaction() as session:
        (_claimed,) = outbox.claim(session, dead.name, limit=1, lease=timedelta(seconds=0))
    client.chat_postMessage(channel="CTRIAGE", text="hello", metadata=outbox.metadata_for("orphan"))  # then it died
    heir = DeliveryWorker(database, lambda team_id: client, lease=timedelta(seconds=0), call_timeout=0)
    heir.drain(timeout=10)
    assert posted_texts(fake_slack) == ["hello"]
    assert statuses(database) == {"orphan": DeliveryStatus.POSTED}


def test_a_claim_is_never_taken_over_while_its_web_api_call_may_still_be_in_flight(database, client, fake_slack):
    """A live process starved of CPU for longer than the lease can't renew its claim; its post may
    still land. The lease (here 0) can't shorten the wait below 1.5 x the call's time-out (10 s)."""
    claimed_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    starved = DeliveryWorker(database, lambda team_id: client, lease=timedelta(seconds=0), call_timeout=10)
    with freeze_time(claimed_at):
        queue(database, ("starved", "hello"))
        with database.transaction() as session:
            (_claimed,) = outbox.claim(session, starved.name, limit=1, lease=starved.takeover)
    heir = DeliveryWorker(database, lambda team_id: client, lease=timedelta(seconds=0), call_timeout=10)
    assert heir.takeover == timedelta(seconds=15)
    with freeze_time(claimed_at + timedelta(seconds=14)):
        assert heir.drain(timeout=5) == 0  # its call may still be in flight
    assert statuses(database) == {"starved": DeliveryStatus.SENDING} and posted_texts(fake_slack) == []
    with freeze_time(claimed_at + timedelta(seconds=16)):
        assert heir.drain(timeout=5) == 1  # surely over: looked up (not there), then posted
    assert statuses(database) == {"starved": DeliveryStatus.POSTED} and posted_texts(fake_slack) == ["hello"]
    assert fake_slack.calls_to("conversations.history")


def test_a_live_worker_keeps_its_claim_while_slack_is_slow(database, client, fake_slack):
    """A lease shorter than a Slack call must not hand a post still in flight to another
    process: the live worker renews its claim until the call ends."""
    fake_slack.slow("chat.postMessage", 1.5, times=1)
    queue(database, ("slow-post", "hello"))
    live = DeliveryWorker(database, lambda team_id: client, lease=timedelta(seconds=0.6), call_timeout=0).start()
    try:
        other = DeliveryWorker(database, lambda team_id: client, lease=timedelta(seconds=0.6), call_timeout=0)
        deadline = time.monotonic() + 10
        while statuses(database)["slow-post"] != DeliveryStatus.POSTED:
            other.drain(timeout=1)  # never takes the live worker's claim
            assert time.monotonic() < deadline
    finally:
        live.stop(grace=1)
    assert posted_texts(fake_slack) == ["hello"]
    assert not fake_slack.calls_to("conversations.history")  # nobody thought it lost


def _broken_export(database) -> None:
    """An export whose payload the sender can't read: it raises (a bug, not Slack)."""
    with database.transaction() as session:
        ensure_workspace(session, TEAM)
        outbox.upload(
            session, TEAM, "broken-export", "UTECH", {"desk": "tickets"}, label="an export"
        )  # no range, no zone, no file name


def test_a_delivery_that_raises_is_retried_later_not_at_once(database, worker, fake_slack):
    _broken_export(database)
    worker.drain(timeout=10)
    with database.transaction(readonly=True) as session:
        row = session.scalars(select(Delivery).where(Delivery.key == "broken-export")).one()
        assert row.status == DeliveryStatus.PENDING and row.error.endswith("Error")
        assert row.next_attempt_at > row.created_at  # backed off, not spinning on the lease
    assert not fake_slack.calls_to("files.completeUploadExternal")


def test_a_delivery_that_keeps_raising_fails_for_good_and_is_told_once(database, worker, fake_slack):
    from bot.delivery.worker import MAX_UNEXPECTED

    _broken_export(database)
    with database.transaction() as session:
        session.scalars(select(Delivery).where(Delivery.key == "broken-export")).one().attempts = MAX_UNEXPECTED - 1
    drain_until_done(worker, database)
    assert statuses(database)["broken-export"] == DeliveryStatus.FAILED
    (notice,) = [m for m in fake_slack.channel_messages(fake_slack.dm_channel("UTECH"))]
    assert "export" in notice.text
