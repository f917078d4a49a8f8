"""In the browser: a technician reacts with :ticket: to an employee's message in #general; HireDesk
raises the ticket, answers in the message's thread with its key and DMs the author, who answers in
that DM's thread — a comment on the ticket's card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.steps import open_as, send

pytestmark = pytest.mark.browser


def test_a_ticket_from_an_emoji_reaction_and_the_reporters_answer(page):
    open_as(page, "UEMPLOYEE", "CGENERAL")
    send(page, "The wifi on floor 3 keeps dropping")
    message = page.locator("#surface article.message", has_text="The wifi on floor 3 keeps dropping").last
    expect(message).to_be_visible()

    page.get_by_label("Acting as").select_option("UTECH")
    message = page.locator("#surface article.message", has_text="The wifi on floor 3 keeps dropping").last
    message.hover()
    message.get_by_label("More actions on this message").click()
    message.get_by_role("menuitem", name=re.compile("React with .* :ticket:")).click()
    expect(message.get_by_role("button", name=":ticket: 1")).to_be_visible()
    # HireDesk answers in the message's thread with the key (after the delivery worker read the message).
    replies = message.get_by_role("link", name="1 reply")
    expect(replies).to_be_visible(timeout=15_000)
    replies.click()
    thread = page.locator("#thread")
    expect(thread).to_contain_text("Theo Technician raised T-1")
    shoot(page, "sandbox-emoji-ticket")

    # The author finds the ticket in their DM and answers in its thread.
    page.get_by_label("Acting as").select_option("UEMPLOYEE")
    page.get_by_role("link", name=re.compile(r"^HireDesk app \d+ new$")).click()
    notice = page.locator("#surface article.message", has_text="raised T-1").last
    expect(notice).to_contain_text("The wifi on floor 3 keeps dropping")
    notice.hover()
    notice.get_by_label("More actions on this message").click()
    notice.get_by_role("menuitem", name="Reply in thread").click()
    page.wait_for_url(re.compile(r"thread=\d"))  # the link opens the page with the thread beside it
    expect(page.locator("#thread")).to_contain_text("answer in this thread")
    composer = page.locator("#thread-text")
    composer.fill("It drops every 10 minutes, near the kitchen")
    composer.press("Enter")
    expect(page.locator("#thread")).to_contain_text("near the kitchen")

    # The comment is in the card's thread in #it-triage.
    open_as(page, "UTECH", "CTRIAGE")
    card = page.locator("#surface article.message", has_text="The wifi on floor 3 keeps dropping").first
    expect(card.get_by_role("link", name=re.compile(r"\d+ repl"))).to_be_visible(timeout=15_000)
    card.get_by_role("link", name=re.compile(r"\d+ repl")).click()
    expect(page.locator("#thread")).to_contain_text("Erin Employee commented", timeout=15_000)
    expect(page.locator("#thread")).to_contain_text("near the kitchen")
