"""What an agent does on the sandbox's car hire desk, in words a test reads like a story."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from bot.sandbox import workspace
from bot.services.clock import utcnow
from tests.browser.steps import modal, open_as, send


def local_input(days: int, hour: int) -> str:
    """A datetime-local value ``days`` from today at ``hour``:00, in the sandbox's time zone."""
    day = (utcnow().astimezone(ZoneInfo(workspace.TIMEZONE)) + timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:00"


def load_demo_as_agent(page: Page) -> None:
    open_as(page, "UAGENT", workspace.CAR_HIRE.channel_id)
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_role("status")).to_contain_text("Demo data loaded")


def fill_new_booking(page: Page, customer: str, pickup: str, due: str, registration: str) -> None:
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


def book(page: Page, customer: str, pickup: str, due: str, registration: str, key: str) -> None:
    """Book through the New booking modal and close its confirmation (which names ``key``)."""
    fill_new_booking(page, customer, pickup, due, registration)
    modal(page).get_by_role("button", name="Book").click()
    expect(modal(page).get_by_role("heading", name=f"{key} booked")).to_be_visible()
    modal(page).get_by_role("button", name="Close").click()


def ada_books_meanwhile(page: Page, customer: str, pickup: str, due: str, registration: str, key: str) -> None:
    """Ada Admin books in her own browser while ``page`` keeps its modal open."""
    other = page.context.browser.new_context(viewport={"width": 1280, "height": 860})
    ada = other.new_page()
    ada.sandbox_url = page.sandbox_url
    open_as(ada, "UADMIN", workspace.CAR_HIRE.channel_id)
    fill_new_booking(ada, customer, pickup, due, registration)
    modal(ada).get_by_role("button", name="Book").click()
    expect(modal(ada).get_by_role("heading", name=f"{key} booked")).to_be_visible()
    other.close()


def booking_message(page: Page, key: str):
    """The booking's own message in #car-hire (its header reads ``B-3 · STATUS``)."""
    return page.locator("#surface article.message", has_text=re.compile(rf"{key} · [A-Z]")).first


def shows(locator, *texts: str) -> None:
    for text in texts:
        expect(locator).to_contain_text(text)


def move_clock(page: Page, button: str) -> None:
    """Click a Scheduler button and wait until the sandbox has moved its clock and run every job."""
    with page.expect_response(lambda response: "/sandbox/clock" in response.url):
        page.get_by_role("button", name=button).click()
