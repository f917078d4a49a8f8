"""In the browser: the reporter rates the resolution from the resolve DM (CSAT), changes it and adds
a comment; a manager's App Home and its *Digest now* button."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.steps import modal, open_as, send

pytestmark = pytest.mark.browser


def test_the_reporter_rates_the_resolution_from_the_dm(page):
    open_as(page, "UEMPLOYEE")
    send(page, "/ticket Monitor flickers")
    dialog = modal(page)
    dialog.get_by_label("Category").select_option("hardware")
    dialog.get_by_label("Severity").select_option("MINOR")
    dialog.get_by_role("button", name="Raise ticket").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.get_by_label("Acting as").select_option("UTECH")
    card = page.locator("#surface article.message", has_text="Monitor flickers").first
    card.get_by_role("button", name="Resolve").click()
    dialog = modal(page)
    dialog.get_by_label("Resolution note").fill("Replaced the cable.")
    dialog.get_by_role("button", name="Resolve").click()
    expect(card).to_contain_text("RESOLVED")

    page.get_by_label("Acting as").select_option("UEMPLOYEE")
    page.get_by_role("link", name=re.compile(r"^HireDesk app \d+ new$")).click()
    dm = page.locator("#surface article.message", has_text="Replaced the cable").last
    expect(dm).to_contain_text("How did we do?")
    dm.get_by_role("button", name="4").click()
    expect(dm).to_contain_text("You rated 4/5 — thanks")
    dm.get_by_role("button", name="5 · great").click()
    expect(dm).to_contain_text("You rated 5/5 — thanks")

    dm.get_by_role("button", name="Add a comment").click()
    dialog = modal(page)
    dialog.get_by_label("Comment").fill("Fast and friendly <3")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_contain_text("your comment on")
    page.keyboard.press("Escape")
    expect(dm).to_contain_text("Fast and friendly <3")
    expect(dm.get_by_role("button", name="Edit your comment")).to_be_visible()
    shoot(page, "sandbox-csat-dm")


def test_a_managers_home_and_digest_now(page):
    open_as(page, "UMANAGER", "CMANAGERS")
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_role("status")).to_contain_text("Demo data loaded")
    page.get_by_role("link", name="HireDesk · Home").click()
    home = page.locator("#surface .home")
    expect(home).to_contain_text("SLA breaches")
    expect(home).to_contain_text("Oldest open tickets")
    expect(home).to_contain_text("Pickups today")
    shoot(page, "sandbox-managers-home")
    home.get_by_role("button", name="Digest now").click()
    page.get_by_role("link", name=re.compile(r"^HireDesk app")).click()
    expect(page.locator("#surface article.message", has_text="Daily digest").last).to_contain_text("Satisfaction")
