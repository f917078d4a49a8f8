"""Running scheduler jobs in tests: the job's run against the live app's
database and the fake Slack, at a simulated instant."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.scheduler.jobs import JOBS
from bot.scheduler.runner import JobReport, run_job
from bot.slack_client import make_web_client
from bot.views.reminders.messages import KINDS
from tests.harness.live_app import LiveServer, settings_for_tests


class JobRunner:
    def __init__(self, live_app) -> None:
        self.live_app = live_app
        self.client = make_web_client(live_app.ctx.settings)

    def __call__(self, name: str, now: datetime | None = None, **kwargs) -> JobReport:
        """Run job ``name`` once (at ``now``, default: the frozen clock)."""
        report = run_job(self.live_app.ctx, JOBS[name], now=now, **kwargs)
        self.live_app.settle()
        return report

    def posts(self, channel: str | None = None) -> list:
        """Successful chat.postMessage calls (optionally to one channel)."""
        return [
            c
            for c in self.live_app.fake.calls_to("chat.postMessage")
            if "_error" not in c.args and (channel is None or c.args.get("channel") == channel)
        ]


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_job_at(live_app) -> JobRunner:
    return JobRunner(live_app)


def _serve(database_url: str, fake):
    server = LiveServer(settings_for_tests(database_url, fake), fake)
    yield server.app
    server.stop()


@pytest.fixture
def pg_app(postgres_url, fake_slack):
    """The live app on PostgreSQL only: for races between processes."""
    yield from _serve(postgres_url, fake_slack)


@pytest.fixture
def sqlite_app(sqlite_databases, fake_slack):
    """The live app on SQLite only: for what does not depend on the database (the command line)."""
    url = sqlite_databases.new()
    yield from _serve(url, fake_slack)
    sqlite_databases.drop(url)


def job_environment(settings, **overrides: str) -> dict[str, str]:
    """Environment for ``python app.py job …`` as a subprocess: the live app's settings."""
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "SLACK_API_URL": settings.slack_api_url,
        "DATABASE_URL": settings.database_url,
        "HIREDESK_FLEET_CHANNEL": settings.fleet_channel,
        "HIREDESK_TRIAGE_CHANNEL": settings.triage_channel,
        "HIREDESK_MANAGERS_CHANNEL": settings.managers_channel,
        "HIREDESK_TIMEZONE": settings.timezone,
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def start_job(settings, name: str, *args: str, **env: str):
    """Start ``python app.py job <name> …`` in its own process."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "job", name, *args],
        cwd=ROOT,
        env=job_environment(settings, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def button_values(call, action_id: str) -> list[str]:
    return [value for _, value in listed(call, action_id)]


def listed(call, action_id: str) -> list[tuple[str, str]]:
    """(section kind, button value) of each item a reminder message lists."""
    items, kind = [], None
    for block in call.args["blocks"]:
        if block["type"] == "section" and block.get("block_id") in KINDS:
            kind = block["block_id"]
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == action_id:
                items.append((kind, element["value"]))
    return items
