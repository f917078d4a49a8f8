"""End to end in the browser: an employee raises a ticket through the modal; a
technician assigns and resolves it with the card's buttons; the employee sees the DM."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.steps import modal, open_as, send

pytestmark = pytest.mark.browser


def test_a_ticket_from_the_modal_to_the_reporters_dm(page):
    open_as(page, "UEMPLOYEE")
    send(page, "/ticket Printer on floor 2 is jammed")
    dialog = modal(page)
    expect(dialog.get_by_label("Title")).to_have_value("Printer on floor 2 is jammed")
    dialog.get_by_label("Description").fill("Paper stuck in tray 3 <again>.")
    dialog.get_by_label("Category").select_option("hardware")
    dialog.get_by_label("Severity").select_option("MAJOR")
    dialog.get_by_role("button", name="Raise ticket").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    card = page.locator("#surface article.message", has_text="Printer on floor 2 is jammed").first
    expect(card).to_contain_text("MAJOR")
    expect(card.get_by_role("button", name="Assign to me")).to_be_visible()

    page.get_by_label("Acting as").select_option("UTECH")
    card = page.locator("#surface article.message", has_text="Printer on floor 2 is jammed").first
    card.get_by_role("button", name="Assign to me").click()
    expect(card).to_contain_text("Theo Technician")
    shoot(page, "sandbox-ticket-card")
    card.get_by_role("button", name="Resolve").click()
    dialog = modal(page)
    dialog.get_by_label("Resolution note").fill("Cleared the jam and replaced the roller.")
    shoot(page, "sandbox-resolve-modal")
    dialog.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(card).to_contain_text("RESOLVED")

    page.get_by_label("Acting as").select_option("UEMPLOYEE")
    page.get_by_role("link", name=re.compile(r"^HireDesk app \d+ new$")).click()  # news in the DM
    dm = page.locator("#surface article.message", has_text="Cleared the jam").last
    expect(dm).to_contain_text("Printer on floor 2 is jammed")
    expect(dm.get_by_role("button", name="Reopen")).to_be_visible()
    shoot(page, "sandbox-reporter-dm")


def test_the_app_home_tab_shows_my_tickets(page):
    open_as(page, "UEMPLOYEE")
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_role("status")).to_contain_text("Demo data loaded")
    page.get_by_role("link", name="HireDesk · Home").click()
    home = page.locator("#surface .home")
    expect(home.get_by_role("button", name="New ticket")).to_be_visible()
    expect(home).to_contain_text("Card terminal at the front desk is down")


def test_the_create_ticket_shortcut_on_a_message(page):
    open_as(page, "UEMPLOYEE", "CGENERAL")
    send(page, "The wifi in meeting room B keeps dropping")
    message = page.locator("#surface article.message").last
    message.hover()
    message.get_by_label("More actions on this message").click()
    message.get_by_role("menuitem", name="Create ticket").click()
    dialog = modal(page)
    expect(dialog.get_by_label("Title")).to_have_value("The wifi in meeting room B keeps dropping")
    expect(dialog).to_contain_text("this message")  # the permalink back to it
