"""Demo rows get their cards in the sandbox's channels, once."""

from __future__ import annotations

from bot.sandbox import workspace
from bot.sandbox.demo_cards import post_missing_cards
from bot.sandbox.demo_data import seed_demo
from bot.slack_client import make_web_client


def test_every_ticket_and_booking_gets_one_card(sandbox):
    seed_demo(sandbox.ctx)  # as `python app.py seed-demo` does, with no Slack at hand
    client = make_web_client(sandbox.ctx.settings)
    assert post_missing_cards(sandbox.ctx, sandbox.fake, client) == 13
    triage = sandbox.fake.channel_messages(workspace.TRIAGE.channel_id)
    car_hire = sandbox.fake.channel_messages(workspace.CAR_HIRE.channel_id)
    assert len(triage) == 6 and "Card terminal at the front desk is down" in triage[0].text
    assert len(car_hire) == 7 and "B-1" in car_hire[0].text
    assert post_missing_cards(sandbox.ctx, sandbox.fake, client) == 0

    sandbox.fake.delete_message(triage[0].channel, triage[0].ts)  # a lost card comes back
    assert post_missing_cards(sandbox.ctx, sandbox.fake, client) == 1
