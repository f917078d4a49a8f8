"""A request's messages, sent by its own thread once its answer is out (bot/delivery/after_answer.py):
in the thread itself, in lane order, at most so many at once, and otherwise by the worker."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.delivery import after_answer
from bot.delivery.worker import DeliveryWorker
from bot.services import outbox
from bot.services.workspaces import ensure_workspace
from bot.settings import load_settings
from bot.slack_client import make_web_client
from db.models import Delivery, DeliveryStatus

TEAM = "T0001"


class RecordingSender:
    def __init__(self, fails: bool = False) -> None:
        self.calls: list[tuple] = []
        self.fails = fails

    def send_claimed(self, claimed: list, delivery_ids: list[int]) -> None:
        self.calls.append(("send_claimed", list(delivery_ids)))
        if self.fails:
            raise RuntimeError("a bug")

    def hand_over(self, claimed: list, delivery_ids: list[int]) -> None:
        self.calls.append(("hand_over", list(delivery_ids)))


def test_outside_a_request_the_worker_sends():
    assert after_answer.collecting_now() is False
    assert after_answer.note(RecordingSender(), [1], []) is False


def test_the_request_thread_sends_what_it_queued_after_the_answer():
    sender = RecordingSender()
    with after_answer.collecting() as queued:
        assert after_answer.collecting_now()
        assert after_answer.note(sender, [1, 2], []) is True
        assert after_answer.note(sender, [3], []) is True
    assert sender.calls == []  # nothing before the answer
    after_answer.send(queued)
    assert sender.calls == [("send_claimed", [1, 2, 3])]


def test_behind_the_server_it_sends_once_the_request_is_finished():
    sender = RecordingSender()
    with after_answer.after_service():
        with after_answer.collecting() as queued:
            after_answer.note(sender, [7], [])
        after_answer.send(queued)  # the response's close: waitress has not finished the request yet
        assert sender.calls == []
    assert sender.calls == [("send_claimed", [7])]


def test_a_request_that_fails_after_its_commit_leaves_them_to_the_worker_at_once():
    sender = RecordingSender()
    with pytest.raises(KeyError), after_answer.collecting():
        after_answer.note(sender, [5], [])
        raise KeyError("a bug after the commit")
    assert sender.calls == [("hand_over", [5])]


def test_at_most_limit_requests_send_at_once_the_rest_wait_briefly_then_go_to_the_worker(monkeypatch):
    monkeypatch.setattr(after_answer, "senders", after_answer._Senders(limit=1))
    monkeypatch.setattr(after_answer, "WAIT_SECONDS", 0.01)
    inner, outer = RecordingSender(), RecordingSender()

    def send_while_another_waits(claimed: list, delivery_ids: list[int]) -> None:
        outer.calls.append(("send_claimed", delivery_ids))
        with after_answer.collecting() as second:
            after_answer.note(inner, [2], [])
        after_answer.send(second)  # the one sending thread is busy: the worker sends this one

    outer.send_claimed = send_while_another_waits  # type: ignore[method-assign]
    with after_answer.collecting() as first:
        after_answer.note(outer, [1], [])
    after_answer.send(first)
    assert outer.calls == [("send_claimed", [1])]
    assert inner.calls == [("hand_over", [2])]
    with after_answer.collecting() as third:  # the slot is free again
        after_answer.note(inner, [3], [])
    after_answer.send(third)
    assert inner.calls[-1] == ("send_claimed", [3])


def test_a_failure_while_sending_is_logged(caplog):
    sender = RecordingSender(fails=True)
    with after_answer.collecting() as queued:
        after_answer.note(sender, [1], [])
    with caplog.at_level(logging.ERROR, logger="hiredesk.delivery"):
        after_answer.send(queued)
    assert sender.calls == [("send_claimed", [1])]
    assert "the delivery worker will" in caplog.text
    assert after_answer.senders.admit()  # its sending slot was given back
    after_answer.senders.done()


@pytest.fixture
def worker(database, fake_slack):
    settings = load_settings({"SLACK_API_URL": fake_slack.api_url, "SLACK_BOT_TOKEN": "xoxb-test-token"})
    client = make_web_client(settings, timeout=2)
    # A poll of an hour: only the request's own thread can send in this test.
    w = DeliveryWorker(database, lambda team_id: client, threads=2, lease=timedelta(seconds=60), poll=3600).start()
    yield w
    w.stop(grace=0)


def test_a_card_and_its_thread_reply_go_out_in_order_from_the_request_thread(database, fake_slack, worker):
    with after_answer.collecting() as queued, database.transaction() as session:
        ensure_workspace(session, TEAM)
        card = outbox.post(
            session,
            TEAM,
            "T0001:ticket:1:card",
            "C0TRIAGE",
            {"text": "card"},
            label="the card",
            lane="T0001:ticket:1",
        )
        outbox.post(
            session, TEAM, "T0001:ticket:1:reply", "C0TRIAGE", {"text": "reply"}, label="the reply",
            lane="T0001:ticket:1", thread_of=card,
        )  # fmt: skip
    assert len(queued.ids) == 2
    assert [d.key for d in queued.claimed] == [
        "T0001:ticket:1:card"
    ]  # claimed in the transaction; the reply follows it
    with database.transaction() as session:  # committed as claimed: the loop could not take it
        assert outbox.claim(session, "another-worker", limit=10) == []
    assert fake_slack.calls_to("chat.postMessage") == []
    after_answer.send(queued)  # returns once both are sent: no waiting for the worker's loop
    posts = fake_slack.calls_to("chat.postMessage")
    assert [call.args["text"] for call in posts] == ["card", "reply"]
    with database.transaction() as session:
        rows = session.execute(select(Delivery.status, Delivery.posted_ts).order_by(Delivery.id)).all()
    assert [status for status, _ in rows] == [DeliveryStatus.POSTED, DeliveryStatus.POSTED]
    assert posts[1].args["thread_ts"] == rows[0].posted_ts
