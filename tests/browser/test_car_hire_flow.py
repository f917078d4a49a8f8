"""End to end in the browser: an agent books a car; a second, overlapping booking of
that car (made meanwhile by someone else) shows the inline error naming the first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from bot.sandbox import workspace
from bot.services.clock import utcnow
from tests.browser.conftest import shoot
from tests.browser.steps import modal, open_as, send

pytestmark = pytest.mark.browser


def local_input(days: int, hour: int) -> str:
    """A datetime-local value ``days`` from today at ``hour``:00, in the sandbox's time zone."""
    from zoneinfo import ZoneInfo

    day = (utcnow().astimezone(ZoneInfo(workspace.TIMEZONE)) + timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:00"


def fill_new_booking(page, customer: str, pickup: str, due: str, registration: str) -> None:
    send(page, "/booking")
    dialog = modal(page)
    dialog.get_by_role("combobox", name="Customer").fill(customer[:4])
    dialog.get_by_role("option", name=customer).click()
    dialog.get_by_label("Pickup").fill(pickup)
    expect(dialog.get_by_text("Choose the return date and time.")).to_be_visible()  # the app redrew the modal
    dialog.get_by_label("Return").fill(due)
    vehicle = dialog.get_by_label("Vehicle (free for the whole period)")
    expect(vehicle).to_be_visible()  # the app redrew the modal with the vehicles free then
    vehicle.select_option(vehicle.locator("option", has_text=registration).get_attribute("value"))
    expect(dialog.get_by_text("Quote:")).to_be_visible()


def test_a_booking_and_an_overlapping_one(page):
    open_as(page, "UAGENT", workspace.CAR_HIRE.channel_id)
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_role("status")).to_contain_text("Demo data loaded")
    # Alex starts booking the Fiesta for days 5–10 …
    fill_new_booking(page, "Olivia Brown", local_input(5, 10), local_input(10, 10), "AB12CDE")

    # … while Ada books it for days 7–8 in her own browser.
    other = page.context.browser.new_context(viewport={"width": 1280, "height": 860})
    ada = other.new_page()
    ada.sandbox_url = page.sandbox_url
    open_as(ada, "UADMIN", workspace.CAR_HIRE.channel_id)
    fill_new_booking(ada, "Sam Patel", local_input(7, 9), local_input(8, 9), "AB12CDE")
    modal(ada).get_by_role("button", name="Book").click()
    expect(modal(ada).get_by_role("heading", name="B-8 booked")).to_be_visible()
    other.close()

    modal(page).get_by_role("button", name="Book").click()
    error = modal(page).locator(".field-error:visible")
    expect(error).to_contain_text("AB12CDE is booked then (B-8")
    expect(error).to_contain_text("No other economy is free then.")  # the Yaris is in maintenance
    shoot(page, "sandbox-booking-overlap")
