"""End to end in the browser: the sandbox clock moves forward and the overdue alert
(car hire channel) and the managers' digest arrive."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from bot.sandbox import workspace
from bot.services import clock
from tests.browser.conftest import shoot
from tests.browser.steps import open_as

pytestmark = pytest.mark.browser


def start_at_local_noon(sandbox, monkeypatch) -> None:
    """The sandbox's day starts at noon, local time: a day later the daily digest (due from its
    morning hour until midnight) is due whatever the time of day the test runs."""
    local = datetime.now(UTC).astimezone(ZoneInfo(sandbox.ctx.settings.timezone))
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(clock, "_sandbox_offset", noon - local + (timedelta(days=1) if noon < local else timedelta(0)))


def test_moving_the_clock_brings_the_overdue_alert_and_the_digest(page, sandbox, monkeypatch):
    start_at_local_noon(sandbox, monkeypatch)
    open_as(page, "UMANAGER", workspace.MANAGERS.channel_id)
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_role("status")).to_contain_text("Demo data loaded")

    page.get_by_role("button", name="+1 day").click()
    expect(page.locator("#clock")).to_contain_text("+1 d")
    digest = page.locator("#surface article.message", has_text=re.compile("digest", re.IGNORECASE))
    expect(digest).to_have_count(1)
    expect(page.locator("#surface")).to_contain_text("Escalated")  # and the critical tickets went up
    shoot(page, "sandbox-digest")

    page.get_by_role("link", name="# car-hire").click()
    alert = page.locator("#surface article.message", has_text="Overdue returns").first
    expect(alert).to_contain_text("B-2")
    shoot(page, "sandbox-overdue-alert")
