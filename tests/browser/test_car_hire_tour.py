"""docs/car-hire.md's tour of the sandbox, step by step in the browser, on the demo data: a
booking's damage and charges, the customer view and its history, searches and paging, the
No-show button once the pickup time has passed, and the morning manifest."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from bot.sandbox import workspace
from bot.services.clock import utcnow
from tests.browser.conftest import shoot
from tests.browser.hire_steps import book, booking_message, load_demo_as_agent, move_clock, shows
from tests.browser.steps import last_message, modal, send

pytestmark = pytest.mark.browser
LONDON = ZoneInfo(workspace.TIMEZONE)


def test_lookups_history_searches_and_paging(page):
    load_demo_as_agent(page)

    send(page, "/booking B-7")  # the return with damage and a refuel charge
    shows(
        last_message(page),
        "Only visible to you",
        "Damage at pick-up: Scuff on the rear bumper",
        "New damage: Chipped windscreen",
        "Refuel charge",
        "30.00",
    )
    send(page, "/booking B-6")  # marked by the no-shows job
    shows(last_message(page), "NO SHOW", "by HireDesk")

    send(page, "/customer sam")  # one match: the customer, their bookings latest first, their history
    sam = last_message(page)
    shows(sam, "Sam Patel", "+44 7700 900456 → +44 7700 900457")
    expect(sam).to_contain_text(re.compile(r"B-6.*B-2", re.DOTALL))
    shoot(page, "sandbox-customer-view")

    sam.get_by_role("button", name="Edit").click()  # an edit of his goes to the same history
    form = modal(page)
    form.get_by_label("Notes").fill("Prefers automatics. Child seat.")
    form.get_by_role("button", name="Save").click()
    expect(form).to_contain_text("Sam Patel")
    form.get_by_role("button", name="Close").click()
    send(page, "/customer sam")
    expect(last_message(page)).to_contain_text(
        "Notes Prefers automatics. → Prefers automatics. Child seat. by @Alex Agent"
    )

    send(page, "/customer brown")  # one match
    expect(last_message(page)).to_contain_text("Olivia Brown")
    send(page, "/customer an")  # several: each with View
    several = last_message(page)
    expect(several.get_by_role("button", name="View")).not_to_have_count(0)
    several.locator("section, div", has_text="Aisha Khan").get_by_role("button", name="View").first.click()
    expect(last_message(page)).to_contain_text("Licence expires")  # her own view

    send(page, "/customer list")  # 28 customers, 25 a page
    listing = last_message(page)
    expect(listing).to_contain_text("Aisha Khan")
    listing.get_by_role("button", name="Next").click()
    expect(last_message(page)).to_contain_text("Zoe Taylor")
    last_message(page).get_by_role("button", name="Previous").click()
    expect(last_message(page)).to_contain_text("Aisha Khan")

    send(page, "/booking kx21 lmn")  # the Golf's bookings, latest first
    expect(last_message(page)).to_contain_text(re.compile(r"B-3.*B-6", re.DOTALL))
    send(page, "/booking olivia")
    expect(last_message(page)).to_contain_text(re.compile(r"B-3.*B-7.*B-5", re.DOTALL))
    send(page, "/vehicle MA68YRS")  # its history: sent to maintenance
    expect(last_message(page)).to_contain_text("AVAILABLE → MAINTENANCE")


def test_no_show_button_once_the_pickup_time_has_passed_and_the_morning_manifest(page):
    load_demo_as_agent(page)
    soon = (utcnow() + timedelta(minutes=10)).astimezone(LONDON)
    pickup = soon.strftime("%Y-%m-%dT%H:%M")
    due = (soon + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    book(page, "Jane Doe", pickup, due, "VN19TRN", "B-8")
    book(page, "Sam Patel", pickup, (soon + timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M"), "PR22BMW", "B-9")
    transit = booking_message(page, "B-8")
    expect(transit.get_by_role("button", name="No-show")).to_have_count(0)  # not before the pickup time

    move_clock(page, "+30 min")  # the no-shows job redraws the message
    transit = booking_message(page, "B-8")
    expect(transit.get_by_role("button", name="No-show")).to_be_visible()
    transit.get_by_role("button", name="No-show").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm.get_by_role("heading", name="Mark B-8 a no-show?")).to_be_visible()
    confirm.get_by_role("button", name="Mark no-show").click()
    expect(booking_message(page, "B-8")).to_contain_text("NO SHOW")
    shoot(page, "sandbox-no-show")

    for _ in range(2):  # B-9 left alone: past the grace (2 h), the job marks it and says so once
        move_clock(page, "+1 hour")
    notice = page.locator("#surface article.message", has_text="not picked up, the car is free again")
    expect(notice).to_have_count(1)
    shows(notice, "B-9")
    expect(booking_message(page, "B-9")).to_contain_text("Marked a no-show by HireDesk")

    local_now = utcnow().astimezone(LONDON)
    if local_now.hour < 8:  # the demo's returns will be overdue by 08:00 (the overdue list's, not the manifest's)
        noon = local_now.replace(hour=12, minute=0)
        book(
            page,
            "Olivia Brown",
            f"{noon:%Y-%m-%dT%H:%M}",
            f"{noon + timedelta(hours=6):%Y-%m-%dT%H:%M}",
            "VN19TRN",
            "B-10",
        )
    while utcnow().astimezone(LONDON).hour < 8:  # the manifest is posted from 08:00
        move_clock(page, "+1 hour")
    manifest = page.locator("#surface article.message", has_text=re.compile("Pickups today|Returns due today"))
    expect(manifest.first).to_be_visible()  # posted by the clock's move (it runs every job) …
    page.get_by_role("button", name="Run due-returns").click()  # … once: running it again claims nothing
    expect(page.get_by_role("status")).to_contain_text("due-returns:")
    expect(page.get_by_role("status")).to_contain_text("0 claimed by this run, 0 message(s) queued")
    shoot(page, "sandbox-morning-manifest")
