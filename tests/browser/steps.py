"""What a person does on the sandbox page, in words a test reads like a story."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def open_as(page: Page, user: str, channel: str = "CTRIAGE") -> None:
    page.goto(f"{page.sandbox_url}/?as={user}&c={channel}")
    expect(page.locator("#acting-as")).to_have_value(user)


def send(page: Page, text: str) -> None:
    """Type into the channel's composer and press Enter."""
    composer = page.locator("#composer-text")
    composer.fill(text)
    composer.press("Enter")


def modal(page: Page):
    return page.get_by_role("dialog")


def last_message(page: Page):
    return page.locator("#surface article.message").last


def fill_gallery(page: Page, title: str, fruit: str, *, by_keyboard: bool = False) -> None:
    """Open the Block Kit gallery's modal and fill its required inputs (the fruit from the app's suggestions)."""
    send(page, "/gallery")
    dialog = modal(page)
    dialog.get_by_label("Title").fill(title)
    dialog.get_by_label("Colour").select_option("red")
    # The app redraws the modal for the colour (views.update): typing on before it lands would race
    # the redraw, which replaces the suggestions list under the cursor.
    expect(dialog.get_by_text("You chose")).to_be_visible()
    dialog.get_by_label("Person").select_option("UTECH")
    dialog.get_by_role("combobox", name="Fruit").fill(fruit[:2].lower())
    expect(dialog.get_by_role("option", name=fruit)).to_be_visible()
    if by_keyboard:  # down into the suggestions, Enter on the first
        dialog.get_by_role("combobox", name="Fruit").press("ArrowDown")
        page.keyboard.press("Enter")
    else:
        dialog.get_by_role("option", name=fruit).click()
    dialog.get_by_label("Day").fill("2026-12-01")
    dialog.get_by_label("When").fill("2026-12-01T09:30")
