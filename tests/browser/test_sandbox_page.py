"""The sandbox page in headless Chromium: commands, modals, Block Kit, threads,
ephemeral messages, switching users, the scheduler panel. The Block Kit gallery
(tests/harness/block_kit_gallery.py) stands in for a desk that uses every element."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.steps import fill_gallery, last_message, modal, open_as, send

pytestmark = pytest.mark.browser


def test_a_command_answer_is_ephemeral_and_can_be_dismissed(page):
    open_as(page, "UEMPLOYEE")
    send(page, "/hiredesk help")
    answer = last_message(page)
    expect(answer).to_contain_text("Only visible to you")
    expect(answer).to_contain_text("the IT help desk and the car hire desk")
    answer.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Only visible to you")).to_have_count(0)


def test_what_people_type_is_shown_as_text_never_as_markup(page):
    open_as(page, "UEMPLOYEE")
    send(page, "<img src=x onerror=alert(1)> *hello* @theo")
    message = last_message(page)
    expect(message).to_contain_text("<img src=x onerror=alert(1)>")
    expect(message.locator(".sb-text strong")).to_have_text("hello")
    expect(message.locator(".mention")).to_have_text("@Theo Technician")
    expect(message.locator("img")).to_have_count(0)


def test_switching_users_changes_who_acts(page):
    open_as(page, "UEMPLOYEE")
    send(page, "/hiredesk roles")
    expect(last_message(page)).to_contain_text("Only admins can see everyone's roles.")
    page.get_by_label("Acting as").select_option("UADMIN")
    expect(page.locator("#acting-as")).to_have_value("UADMIN")
    expect(page.get_by_text("Only admins can see")).to_have_count(0)  # Erin's ephemeral is hers alone
    send(page, "/hiredesk roles")
    expect(last_message(page)).to_contain_text("Roles in this workspace")


def test_a_modal_with_inline_errors_pushed_views_and_every_input(page):
    open_as(page, "UEMPLOYEE")
    send(page, "/gallery")
    dialog = modal(page)
    expect(dialog.get_by_role("heading", name="Block Kit gallery")).to_be_visible()
    expect(dialog.get_by_label("Title")).to_be_focused()

    dialog.get_by_role("button", name="Post it").click()  # Slack checks required fields itself
    expect(dialog.get_by_text("Please fill out this field.").first).to_be_visible()

    dialog.get_by_role("button", name="Push a view").click()
    expect(dialog.get_by_role("heading", name="Pushed")).to_be_visible()
    dialog.get_by_role("button", name="Back").click()
    expect(dialog.get_by_role("heading", name="Block Kit gallery")).to_be_visible()

    dialog.get_by_label("Title").fill("bad")
    dialog.get_by_label("Details").fill("Line one\nline two")
    dialog.get_by_label("Colour").select_option("blue")  # the app updates the view (dispatch_action) …
    expect(dialog.get_by_text("You chose blue.")).to_be_visible()
    expect(dialog.get_by_label("Title")).to_have_value("bad")  # … and what was typed stays
    expect(dialog.get_by_label("Colour")).to_have_value("blue")
    dialog.get_by_label("Person").select_option("UTECH")
    fruit = dialog.get_by_role("combobox", name="Fruit")
    fruit.fill("ap")
    dialog.get_by_role("option", name="Apricot").click()
    dialog.get_by_label("Day").fill("2026-12-01")
    dialog.get_by_label("When").fill("2026-12-01T09:30")
    dialog.get_by_label("Towbar").check()
    dialog.get_by_role("button", name="Post it").click()
    expect(dialog.get_by_text("“bad” is not a good title.")).to_be_visible()  # the app's inline error
    shoot(page, "modal-inline-error")

    dialog.get_by_label("Title").fill("Road trip")
    dialog.get_by_role("button", name="Post it").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    posted = last_message(page)
    expect(posted.get_by_role("heading", name="Gallery: Road trip")).to_be_visible()
    expect(posted).to_contain_text("blue")
    expect(posted).to_contain_text("@Theo Technician")
    expect(posted).to_contain_text("apricot")
    expect(posted).to_contain_text("Dec 1, 2026 09:30")
    expect(posted).to_contain_text("@channel is not pinged")


def test_message_buttons_selects_overflow_confirm_and_threads(page):
    open_as(page, "UEMPLOYEE")
    fill_gallery(page, "Clicks", "Cherry", by_keyboard=True)
    modal(page).get_by_role("button", name="Post it").click()
    card = last_message(page)

    card.get_by_role("button", name="Approve").click()
    expect(card.get_by_role("link", name="1 reply")).to_be_visible()

    card.get_by_role("button", name="Delete").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm.get_by_role("heading", name="Delete it?")).to_be_visible()
    confirm.get_by_role("button", name="Keep it").click()
    expect(card.get_by_role("link", name="1 reply")).to_be_visible()  # nothing was sent
    card.get_by_role("button", name="Delete").click()
    confirm.get_by_role("button", name="Delete").click()
    expect(card.get_by_role("link", name="2 replies")).to_be_visible()

    card.get_by_label("Severity").select_option("major")
    card.get_by_label("More options").click()
    card.get_by_role("menuitem", name="Copy").click()
    card.get_by_role("link", name="4 replies").click()
    thread = page.get_by_role("complementary", name="Thread")
    expect(thread).to_contain_text("UEMPLOYEE chose major")
    expect(thread).to_contain_text("UEMPLOYEE chose copy")
    thread.get_by_label("Reply in the thread").fill("Thanks!")
    thread.get_by_label("Reply in the thread").press("Enter")
    expect(thread).to_contain_text("Thanks!")
    shoot(page, "message-and-thread")


def test_the_scheduler_panel_moves_the_clock_and_loads_demo_data(page):
    open_as(page, "UMANAGER", "CMANAGERS")
    before = page.locator("#clock").inner_text()
    page.get_by_role("button", name="+1 day").click()
    expect(page.locator("#clock")).to_contain_text("+1 d")
    assert page.locator("#clock").inner_text() != before
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_role("status")).to_contain_text("Demo data loaded")


def test_a_modal_by_keyboard_alone(page):
    open_as(page, "UEMPLOYEE")
    send(page, "/gallery")
    dialog = modal(page)
    expect(dialog.get_by_label("Title")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Shift+Tab")  # focus stays in the modal: round to its last button …
    expect(dialog.get_by_role("button", name="Post it")).to_be_focused()
    page.keyboard.press("Tab")  # … and back to the first
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#composer-text")).to_be_focused()  # back where the person was


def test_keyboard_focus_stays_on_a_pressed_button(page):
    open_as(page, "UEMPLOYEE")
    fill_gallery(page, "Keys", "Banana")
    modal(page).get_by_role("button", name="Post it").press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#composer-text")).to_be_focused()  # back where the person was
    approve = last_message(page).get_by_role("button", name="Approve")
    approve.focus()
    page.keyboard.press("Enter")
    expect(last_message(page).get_by_role("link", name="1 reply")).to_be_visible()  # the card was redrawn …
    expect(last_message(page).get_by_role("button", name="Approve")).to_be_focused()  # … and focus kept its place
