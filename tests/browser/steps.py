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
