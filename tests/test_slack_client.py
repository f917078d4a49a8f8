"""The Web API client reports errors as Slack gives them and never retries by itself, over real HTTP."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from bot.settings import load_settings
from bot.slack_client import make_web_client


@pytest.fixture
def client(fake_slack):
    return make_web_client(
        load_settings(
            {"SLACK_API_URL": fake_slack.api_url, "SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "s"}
        )
    )


def test_the_client_never_resends_on_its_own(client, fake_slack):
    """A lost answer must not become a second post: retrying is the delivery worker's job
    (it looks the post up first), so the client itself never repeats a call."""
    fake_slack.accept_then_drop("chat.postMessage", mode="reset")
    with pytest.raises(OSError):
        client.chat_postMessage(channel="CTRIAGE", text="hello")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=1)
    with pytest.raises(SlackApiError, match="ratelimited"):
        client.chat_postMessage(channel="CTRIAGE", text="hello")


def test_slack_errors_raise_with_slacks_error_code(client, fake_slack):
    fake_slack.fail("chat.postMessage", "channel_not_found")
    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="CNOPE", text="x")
    assert error.value.response["error"] == "channel_not_found"


def test_calls_are_recorded_with_their_token(client, fake_slack):
    client.chat_postMessage(channel="CTRIAGE", text="hi", blocks=[{"type": "divider"}])
    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.token == "xoxb-test-token" and call.args["channel"] == "CTRIAGE"


def test_wrong_token_is_invalid_auth(fake_slack):
    client = make_web_client(
        load_settings(
            {"SLACK_API_URL": fake_slack.api_url, "SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_SIGNING_SECRET": "s"}
        )
    )
    with pytest.raises(SlackApiError, match="invalid_auth"):
        client.auth_test()


def test_views_update_replaces_the_view_whole_as_slack_does(client, fake_slack):
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "A"},
        "submit": {"type": "plain_text", "text": "Go"},
        "callback_id": "x",
        "blocks": [],
    }
    opened = client.views_open(trigger_id=fake_slack.issue_trigger(), view=modal)["view"]
    updated = client.views_update(
        view_id=opened["id"], view={"type": "modal", "title": {"type": "plain_text", "text": "B"}, "blocks": []}
    )["view"]
    assert updated["id"] == opened["id"] and "submit" not in updated and updated["callback_id"] == ""
