"""The front door (PRODUCT.md §8): what reaches /slack/events before Bolt does, over real HTTP.

Every refusal here changes nothing: no row written, no Web API call made."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlencode, urlparse

import pytest

from bot.sandbox.signed_requests import sign
from bot.web import MAX_BODY_BYTES
from tests.faults.conftest import row_counts
from tests.harness.live_app import SIGNING_SECRET


def command_body(live_app, text: str = "role <@UTECH> technician", user: str = "UADMIN") -> str:
    return urlencode(
        {
            "team_id": live_app.slack.team_id,
            "user_id": user,
            "command": "/hiredesk",
            "text": text,
            "channel_id": "C0GENERAL",
            "response_url": live_app.fake.response_url_for("C0GENERAL", user),
            "trigger_id": live_app.fake.issue_trigger(user),
        }
    )


def raw_request(url: str, head: dict[str, str], body: bytes = b"", *, timeout: float = 5.0) -> tuple[int, float]:
    """POST /slack/events with exactly these headers and bytes; the status and how long it took."""
    address = urlparse(url)
    lines = ["POST /slack/events HTTP/1.1", f"Host: {address.netloc}", *(f"{k}: {v}" for k, v in head.items())]
    started = time.monotonic()
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)  # UTF-8 in a header: a hostile client may
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1]), time.monotonic() - started


def signed_headers(body: str, *, timestamp: str | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    timestamp = timestamp or str(int(time.time()))
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(secret, timestamp, body),
    }


def no_effects(live_app, before: dict[str, int]) -> None:
    assert row_counts(live_app.db) == before
    assert live_app.fake.calls == []


def _now(offset: int = 0) -> str:
    return str(int(time.time()) + offset)


SIGNATURE_FAULTS = {
    "wrong secret": lambda body: signed_headers(body, secret="someone-elses-secret"),
    "missing signature": lambda body: {k: v for k, v in signed_headers(body).items() if k != "X-Slack-Signature"},
    "missing timestamp": lambda body: {
        k: v for k, v in signed_headers(body).items() if k != "X-Slack-Request-Timestamp"
    },
    "no Slack headers": lambda body: {"Content-Type": "application/x-www-form-urlencoded"},
    "stale by 301 s": lambda body: signed_headers(body, timestamp=_now(-301)),
    "301 s in the future": lambda body: signed_headers(body, timestamp=_now(+301)),
    "a day in the future": lambda body: signed_headers(body, timestamp=_now(+86400)),
    "non-numeric timestamp": lambda body: signed_headers(body, timestamp="yesterday"),
    "Arabic-Indic timestamp": lambda body: signed_headers(body, timestamp="\u0661\u0667" + "\u0660" * 8),
    "huge timestamp": lambda body: signed_headers(body, timestamp="9" * 40),
    "negative timestamp": lambda body: signed_headers(body, timestamp="-" + _now()),
    "signature not hex": lambda body: {**signed_headers(body), "X-Slack-Signature": "v0=" + "z" * 64},
    "signature v1": lambda body: {**signed_headers(body), "X-Slack-Signature": "v1=" + "0" * 64},
    "signature truncated": lambda body: {
        **signed_headers(body),
        "X-Slack-Signature": signed_headers(body)["X-Slack-Signature"][:-2],
    },
}


@pytest.mark.parametrize("fault", SIGNATURE_FAULTS)
def test_bad_signatures_get_401_and_change_nothing(live_app, fault):
    body = command_body(live_app)
    live_app.fake.reset()
    before = row_counts(live_app.db)
    head = SIGNATURE_FAULTS[fault](body)
    status, _ = raw_request(live_app.url, {**head, "Content-Length": str(len(body))}, body.encode())
    assert status == 401
    no_effects(live_app, before)


def test_tampered_body_gets_401_and_changes_nothing(live_app):
    body = command_body(live_app, "roles")
    head = signed_headers(body)
    tampered = command_body(live_app, "role <@UTECH> technician")
    live_app.fake.reset()
    before = row_counts(live_app.db)
    status, _ = raw_request(live_app.url, {**head, "Content-Length": str(len(tampered))}, tampered.encode())
    assert status == 401
    no_effects(live_app, before)


def test_unsigned_huge_body_is_refused_before_it_is_sent(live_app):
    """300 MB declared, not a byte of it sent: the answer comes at once, so nothing waited for the body."""
    head = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(300 * 1024 * 1024)}
    status, took = raw_request(live_app.url, head)
    assert status == 401
    assert took < 0.5


def test_signed_body_over_the_limit_is_refused_before_it_is_sent(live_app):
    body = "x" * (MAX_BODY_BYTES + 1)
    head = {**signed_headers(body), "Content-Length": str(len(body))}
    status, took = raw_request(live_app.url, head)  # headers only
    assert status == 413
    assert took < 0.5


def test_chunked_body_over_the_limit_is_cut_off(live_app):
    chunk = b"a" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(MAX_BODY_BYTES // len(chunk) + 2))
    head = {**signed_headers("whatever"), "Transfer-Encoding": "chunked"}
    status, _ = raw_request(live_app.url, head, chunks + b"0\r\n\r\n")
    assert status == 413


def test_a_large_signed_request_within_the_limit_is_answered(live_app):
    body = command_body(live_app, "roles " + "é" * 150_000)
    assert len(body) < MAX_BODY_BYTES
    status, _ = raw_request(live_app.url, {**signed_headers(body), "Content-Length": str(len(body))}, body.encode())
    assert status == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"view": {"id": "V1", "callback_id": "ticket_new", "state": {"values": {}}}},  # a view without `type`
        {"type": 7, "team": {"id": "T0001"}, "user": {"id": "UADMIN"}},
        {"type": "view_submission", "team": {"id": "T0001"}, "user": "UADMIN", "view": {}},
        {"type": "view_submission", "team": {"id": "T0001"}, "user": {"id": "UADMIN"}, "view": ["not", "a", "view"]},
        {"type": "view_submission", "team": {"id": "T0001"}, "user": {"id": "UADMIN"}, "view": {"state": "x"}},
        {"type": "block_actions", "team": {"id": "T0001"}, "user": {"id": "UADMIN"}, "actions": {"a": 1}},
        {"type": "block_actions", "team": {"id": "T0001"}, "user": {"id": "UADMIN"}, "actions": [1, 2]},
        {"type": "block_actions", "team": "T0001", "user": {"id": "UADMIN"}, "actions": []},
        {"type": "shortcut", "team": {"id": "T0001"}, "user": {"id": "UADMIN"}, "callback_id": ["x"]},
    ],
)
def test_structurally_wrong_payloads_get_400(live_app, payload):
    before = row_counts(live_app.db)
    assert live_app.slack.post_payload(payload).status == 400
    no_effects(live_app, before)


@pytest.mark.parametrize(
    "body",
    [
        json.dumps([1, 2]),
        json.dumps("event"),
        json.dumps({"type": "event_callback", "team_id": "T0001", "event": {"user": "U1"}}),  # an event without type
        json.dumps({"type": "event_callback", "team_id": ["T0001"], "event": {"type": "app_home_opened"}}),
    ],
)
def test_structurally_wrong_events_get_400(live_app, body):
    assert live_app.slack.post(body, "application/json").status == 400
