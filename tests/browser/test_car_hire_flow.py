"""End to end in the browser: an agent books a car; a second, overlapping booking of
that car (made meanwhile by someone else) shows the inline error naming the first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bot.sandbox import workspace
from tests.browser.conftest import shoot
from tests.browser.hire_steps import ada_books_meanwhile, fill_new_booking, local_input
from tests.browser.steps import modal, open_as

pytestmark = pytest.mark.browser


def test_a_booking_and_an_overlapping_one(page):
    open_as(page, "UAGENT", workspace.CAR_HIRE.channel_id)
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_role("status")).to_contain_text("Demo data loaded")
    # Alex starts booking the Fiesta for days 5–10 …
    fill_new_booking(page, "Olivia Brown", local_input(5, 10), local_input(10, 10), "AB12CDE")

    # … while Ada books it for days 7–8 in her own browser.
    ada_books_meanwhile(page, "Sam Patel", local_input(7, 9), local_input(8, 9), "AB12CDE", "B-8")

    modal(page).get_by_role("button", name="Book").click()
    error = modal(page).locator(".field-error:visible")
    expect(error).to_contain_text("AB12CDE is booked then (B-8")
    expect(error).to_contain_text("No other economy is free then.")  # the Yaris is in maintenance
    shoot(page, "sandbox-booking-overlap")
