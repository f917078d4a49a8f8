"""The fake Slack's side of emoji to ticket and conversation: reactions and files as Slack lists them
in a message, one message read by its ts, a thread reply's permalink."""

from __future__ import annotations

from slack_sdk import WebClient


def client(fake) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=fake.api_url, retry_handlers=[])


def test_one_message_read_by_its_ts_with_its_reactions_and_files(fake_slack):
    before = fake_slack.add_message("C0GENERAL", "UTECH", "earlier")
    message = fake_slack.add_message("C0GENERAL", "UEMPLOYEE", "Printer jammed", files=["jam.jpg"])
    fake_slack.add_message("C0GENERAL", "UTECH", "later")
    assert fake_slack.add_reaction("C0GENERAL", message.ts, "UTECH", "ticket") is True
    assert fake_slack.add_reaction("C0GENERAL", message.ts, "UTECH", "ticket") is False  # already_reacted
    assert fake_slack.add_reaction("C0GENERAL", message.ts, "UADMIN", "ticket") is True

    page = client(fake_slack).conversations_history(
        channel="C0GENERAL", latest=message.ts, oldest=message.ts, inclusive=True, limit=1
    )
    [read] = page["messages"]
    assert read["ts"] == message.ts and read["user"] == "UEMPLOYEE" and "bot_id" not in read
    assert read["reactions"] == [{"name": "ticket", "users": ["UTECH", "UADMIN"], "count": 2}]
    [file] = read["files"]
    assert file["name"] == "jam.jpg" and file["permalink"].startswith("https://fake.slack.test/files/UEMPLOYEE/F")
    # Not inclusive: the bounds themselves are left out.
    assert (
        client(fake_slack).conversations_history(channel="C0GENERAL", latest=message.ts, oldest=before.ts)["messages"]
        == []
    )


def test_a_thread_reply_is_read_from_its_thread_and_its_permalink_names_the_thread(fake_slack):
    parent = fake_slack.add_message("C0GENERAL", "UAGENT", "wifi?")
    reply = fake_slack.add_message("C0GENERAL", "UEMPLOYEE", "mine too", thread_ts=parent.ts)
    api = client(fake_slack)
    window = {"channel": "C0GENERAL", "latest": reply.ts, "oldest": reply.ts, "inclusive": True}
    assert api.conversations_history(limit=1, **window)["messages"] == []  # not in the channel's history
    replies = api.conversations_replies(ts=reply.ts, limit=2, **window)["messages"]
    assert reply.ts in [m["ts"] for m in replies]
    assert api.chat_getPermalink(channel="C0GENERAL", message_ts=reply.ts)["permalink"] == (
        f"https://fake.slack.test/archives/C0GENERAL/p{reply.ts.replace('.', '')}?thread_ts={parent.ts}&cid=C0GENERAL"
    )
    assert "?" not in api.chat_getPermalink(channel="C0GENERAL", message_ts=parent.ts)["permalink"]
