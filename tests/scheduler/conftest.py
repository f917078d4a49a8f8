"""Running scheduler jobs in tests: the job's run against the live app's
database and the fake Slack, at a simulated instant."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.scheduler.jobs import JOBS
from bot.scheduler.runner import JobReport, run_job
from bot.slack_client import make_web_client


class JobRunner:
    def __init__(self, live_app) -> None:
        self.live_app = live_app
        self.client = make_web_client(live_app.ctx.settings)

    def __call__(self, name: str, now: datetime | None = None, **kwargs) -> JobReport:
        """Run job ``name`` once (at ``now``, default: the frozen clock)."""
        return run_job(self.live_app.ctx, self.client, JOBS[name], now=now, **kwargs)

    def posts(self, channel: str | None = None) -> list:
        """Successful chat.postMessage calls (optionally to one channel)."""
        return [c for c in self.live_app.fake.calls_to("chat.postMessage")
                if "_error" not in c.args and (channel is None or c.args.get("channel") == channel)]


@pytest.fixture
def run_job_at(live_app) -> JobRunner:
    return JobRunner(live_app)
