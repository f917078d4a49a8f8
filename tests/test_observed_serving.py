"""Under gunicorn, with several worker processes: metrics add up across workers (and survive
one being killed), logs are one JSON object per line, probes stay out of the access log,
and no secret is ever printed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.sandbox.signed_requests import SignedSlackClient
from db.migrate import upgrade
from tests.harness.postgres import free_port
from tests.test_metrics import scrape_text, value

ROOT = Path(__file__).resolve().parent.parent
BOT_TOKEN = "xoxb-4242-4242-ObservedServing"
SIGNING_SECRET = "c9f0f895fb98ab9159f51fd0297e236d"
WORKERS = 2


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def wait_until(condition, what: str, process: subprocess.Popen, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
            if result:
                return result
        except OSError:
            pass
        assert process.poll() is None, f"gunicorn exited while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)  # polling a starting server, not testing time


@pytest.fixture
def observed_gunicorn(tmp_path, fake_slack):
    database_url = f"sqlite:///{tmp_path / 'observed.db'}"
    upgrade(database_url)
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREDESK_", "DATABASE_URL", "PROMETHEUS_"))
    }
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
        HIREDESK_LOG_FORMAT="json",
        HIREDESK_SCHEDULER="off",
        HIREDESK_ADMINS="UADMIN",
        HOST="127.0.0.1",
        PORT=str(port),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.harness.observed_gunicorn", str(WORKERS)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: get(f"{url}/healthz")[0] == 200, "gunicorn to serve", process)
        wait_until(lambda: len(children_of(process.pid)) == WORKERS, "the workers", process)
        yield process, url, fake_slack
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)


def scrape(url: str) -> dict:
    status, body = get(f"{url}/metrics")
    assert status == 200
    return scrape_text(body)


def test_workers_share_their_metrics_and_log_one_json_object_per_line(observed_gunicorn):
    process, url, fake = observed_gunicorn
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
