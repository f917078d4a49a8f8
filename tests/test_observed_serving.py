"""Under gunicorn, with several worker processes: metrics add up across workers (and survive
one being killed), logs are one JSON object per line, probes stay out of the access log,
and no secret is ever printed."""

from __future__ import annotations

import json
import os
import signal

import pytest

from bot.sandbox.signed_requests import SignedSlackClient
from db.migrate import upgrade
from tests.harness.served import SIGNING_SECRET, ServedApp, children_of, get, wait_until
from tests.test_metrics import scrape_text, value

BOT_TOKEN = "xoxb-4242-4242-ObservedServing"
WORKERS = 2


@pytest.fixture
def served_app(tmp_path, fake_slack):
    database_url = f"sqlite:///{tmp_path / 'observed.db'}"
    upgrade(database_url)
    app = ServedApp(
        database_url,
        fake_slack,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        HIREDESK_LOG_FORMAT="json",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        WEB_CONCURRENCY=str(WORKERS),
    ).wait_until_serving()
    wait_until(lambda: len(children_of(app.process.pid)) == WORKERS, "the workers", app.process)
    yield app.process, app.url, fake_slack
    app.stop()


def scrape(url: str) -> dict:
    status, body = get(f"{url}/metrics")
    assert status == 200
    return scrape_text(body)


def test_workers_share_their_metrics_and_log_one_json_object_per_line(served_app):
    process, url, fake = served_app
    slack = SignedSlackClient(url, SIGNING_SECRET, fake)
    for _ in range(12):
        assert slack.command("/hiredesk", "help", user="UEMPLOYEE").status == 200
    for _ in range(3):
        assert slack.command("/hiredesk", "help", user="UEMPLOYEE", secret="not-the-secret").status == 401
    for _ in range(5):
        assert get(f"{url}/healthz")[0] == 200

    ok = {"kind": "slash_command", "outcome": "ok"}
    refused = {"kind": "unverified", "outcome": "unauthorized"}  # an unsigned body is never read
    for _ in range(4):  # whichever worker answers the scrape, it counts every worker's requests
        samples = scrape(url)
        assert value(samples, "hiredesk_slack_requests_total", **ok) == 12
        assert value(samples, "hiredesk_slack_requests_total", **refused) == 3
        assert value(samples, "hiredesk_slack_ack_seconds_count", **ok) == 12
    capacity = value(samples, "hiredesk_db_connections_max", pool="web")
    assert capacity > 0 and capacity % WORKERS == 0
    assert value(samples, "hiredesk_db_connections_in_use", pool="web") == 0

    # A worker dies: gunicorn replaces it; its counts stay, its live gauges go with it.
    victim = min(children_of(process.pid))
    os.kill(victim, signal.SIGKILL)
    wait_until(
        lambda: victim not in children_of(process.pid) and len(children_of(process.pid)) == WORKERS,
        "a new worker",
        process,
    )
    wait_until(
        lambda: value(scrape(url), "hiredesk_db_connections_max", pool="web") == capacity,
        "the pools' capacity",
        process,
    )
    assert value(scrape(url), "hiredesk_slack_requests_total", **ok) == 12

    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=30)[0]
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert not [line for line in access if line["path"] in ("/healthz", "/metrics")]
    events = [line for line in access if line["path"] == "/slack/events"]
    assert sorted(line["status"] for line in events) == [200] * 12 + [401] * 3
    requests = [line for line in lines if line["message"] == "slack request"]
    verified = [line for line in requests if line["outcome"] == "ok"]
    assert len(requests) == 15 and len(verified) == 12
    assert all(line["team"] == fake.team_id and line["action"] == "/hiredesk" for line in verified)
    # An unsigned request's body is never read: its log line names no team, user or action.
    assert all("team" not in line for line in requests if line["outcome"] == "unauthorized")
    assert {line["request_id"] for line in events} == {line["request_id"] for line in requests}
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output
