"""What reaches /slack/events: signatures, malformed bodies, health checks."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def command_fields(live_app, text="roles", user="UADMIN"):
    return {
        "team_id": live_app.slack.team_id,
        "user_id": user,
        "command": "/hiredesk",
        "text": text,
        "channel_id": "C0GENERAL",
        "response_url": live_app.fake.response_url_for("C0GENERAL", user),
        "trigger_id": live_app.fake.issue_trigger(),
    }


def test_signed_request_is_answered(live_app):
    assert live_app.slack.post_form(command_fields(live_app)).status == 200


@pytest.mark.parametrize(
    "tamper",
    [
        {"signature": ""},
        {"signature": "v0=" + "0" * 64},
        {"secret": "someone-elses-secret"},
        {"timestamp_offset": -6 * 60},  # stale: replayed after more than 5 minutes
        {"timestamp_offset": +6 * 60},
    ],
)
def test_bad_signatures_get_401_and_change_nothing(live_app, tamper):
    if "timestamp_offset" in tamper:  # relative to when the test runs, not when it was collected
        tamper = {"timestamp": int(time.time()) + tamper["timestamp_offset"]}
    response = live_app.slack.post_form(command_fields(live_app, "role <@UTECH> technician"), **tamper)
    assert response.status == 401
    assert "UTECH" not in live_app.slack.command("/hiredesk", "roles", user="UADMIN").json["text"]


def test_unsigned_request_gets_401(live_app):
    request = urllib.request.Request(live_app.slack.app_url, data=b"command=%2Fhiredesk", method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    assert error.value.code == 401


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        ("just some text", "application/x-www-form-urlencoded"),
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_bodies_get_400(live_app, body, content_type):
    assert live_app.slack.post(body, content_type).status == 400


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions"},  # no team, no user, no actions
        {"type": "view_submission", "team": {"id": "T0001"}},
        {"type": "something_new", "team": {"id": "T0001"}, "user": {"id": "U1"}},
    ],
)
def test_well_formed_but_incomplete_payloads_never_500(live_app, payload):
    assert live_app.slack.post_payload(payload).status < 500


def test_url_verification_challenge(live_app):
    response = live_app.slack.post_json({"type": "url_verification", "challenge": "abc123", "token": "x"})
    assert response.status == 200 and "abc123" in response.body


def test_health_and_readiness(live_app):
    with urllib.request.urlopen(f"{live_app.url}/healthz", timeout=5) as response:
        assert json.load(response) == {"status": "ok"}
    with urllib.request.urlopen(f"{live_app.url}/readyz", timeout=5) as response:
        assert json.load(response) == {"status": "ok", "database": "ok"}
