"""Emoji to ticket (PRODUCT.md §3): the ticket emoji on a message in a channel raises one ticket for
its author — however many reactions and Slack retries — titled from it, with its permalink and files;
HireDesk answers in the message's thread with the key. Over signed HTTP on both databases; the rules
directly too (another workspace, two deliveries racing)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.services.actors import load_actor
from bot.services.tickets import emoji
from db.models import Delivery, Ticket
from tests.scheduler.test_settings_and_digest_now import open_settings, submit


def tickets(live_app) -> list[Ticket]:
    with live_app.db.transaction(readonly=True) as session:
        rows = session.scalars(select(Ticket).order_by(Ticket.id)).all()
        session.expunge_all()
        return list(rows)


def tasks_queued(live_app) -> int:
    with live_app.db.transaction(readonly=True) as session:
        return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.method == "task"))


def react(live_app, message, user: str = "UTECH", reaction: str = "ticket", **kwargs) -> None:
    response = live_app.slack.reaction_added(user, reaction, channel=message.channel, ts=message.ts, **kwargs)
    assert response.status == 200, response.body


def test_one_ticket_per_message_however_often_it_is_reacted_to(live_app):
    fake = live_app.fake
    message = fake.add_message(
        "C0GENERAL", "UEMPLOYEE", "Printer on floor 2 is jammed &lt;again&gt;\nSince this morning", files=["jam.jpg"]
    )
    react(live_app, message, "UTECH", event_id="Ev0EMOJI1")
    for retry in (1, 2, 3):  # Slack's retries of that event
        react(live_app, message, "UTECH", event_id="Ev0EMOJI1", retry_num=retry)
    react(live_app, message, "UADMIN")
    react(live_app, message, "UTECH2", reaction="ticket::skin-tone-3")
    live_app.settle()
    react(live_app, message, "UAGENT")  # after the ticket exists
    live_app.settle()

    [raised] = tickets(live_app)
    assert raised.reporter_id == "UEMPLOYEE" and raised.title == "Printer on floor 2 is jammed <again>"
    permalink = f"https://fake.slack.test/archives/C0GENERAL/p{message.ts.replace('.', '')}"
    assert raised.source_permalink == permalink and (raised.source_channel, raised.source_ts) == (
        "C0GENERAL",
        message.ts,
    )
    assert "Since this morning" in raised.description and f"Message: {permalink}" in raised.description
    assert "• jam.jpg: https://fake.slack.test/files/UEMPLOYEE/" in raised.description
    assert tasks_queued(live_app) == 1
    # HireDesk answers in the message's thread with the key, once.
    [answer] = fake.channel_messages("C0GENERAL", message.ts)
    assert "T-1" in answer.text and "<@UTECH> raised" in answer.text and "<@UEMPLOYEE>" in answer.text
    # The card is in the triage channel; the author is told by DM (a thread they can answer in).
    assert raised.card_channel == "CTRIAGE"
    [notice] = fake.channel_messages(fake.dm_channel("UEMPLOYEE"))
    assert "raised *T-1*" in notice.text and "for you" in notice.text
    with live_app.db.transaction(readonly=True) as session:
        history = [(e.kind, e.actor_id) for e in session.get(Ticket, raised.id).events]
    assert history == [("created", "UTECH")]
    # The message was read once: history first (not a thread reply), its permalink once.
    assert [c.args.get("latest") for c in fake.calls_to("conversations.history")] == [message.ts]
    assert len(fake.calls_to("chat.getPermalink")) == 1


def test_other_emoji_bots_and_hiredesks_own_messages_raise_nothing(live_app):
    fake = live_app.fake
    message = fake.add_message("C0GENERAL", "UEMPLOYEE", "VPN is down")
    react(live_app, message, reaction="eyes")
    react(live_app, message, reaction="tickets")
    react(live_app, message, user=fake.BOT_USER)  # HireDesk itself
    ours = fake.add_message("C0GENERAL", fake.BOT_USER, "A message of HireDesk's")
    react(live_app, ours)
    in_dm = fake.add_message(fake.dm_channel("UEMPLOYEE"), "UEMPLOYEE", "in a DM")
    react(live_app, in_dm)
    live_app.settle()
    assert tickets(live_app) == [] and tasks_queued(live_app) == 0
    assert fake.calls_to("conversations.history") == []


def test_a_bots_message_or_a_deleted_one_raises_nothing(live_app):
    fake = live_app.fake
    # A bot's message read from Slack (its bot_id), even when the event does not say whose it is.
    ours = fake.add_message("C0GENERAL", fake.BOT_USER, "deploy finished")
    event = {"type": "reaction_added", "user": "UTECH", "reaction": "ticket",
             "item": {"type": "message", "channel": "C0GENERAL", "ts": ours.ts}}  # fmt: skip
    assert live_app.slack.event(event).status == 200
    gone = fake.add_message("C0GENERAL", "UEMPLOYEE", "deleted before it was read")
    fake.delete_message("C0GENERAL", gone.ts)
    react(live_app, gone)
    live_app.settle()
    assert tickets(live_app) == [] and tasks_queued(live_app) == 2  # both read, neither a ticket
    assert fake.channel_messages("C0GENERAL", gone.ts) == [] and fake.calls_to("chat.getPermalink") == []


def test_the_setting_names_the_emoji(live_app):
    view = open_settings(live_app)
    assert any(
        b.get("block_id") == "ticket_emoji" and b["element"]["initial_value"] == ":ticket:" for b in view["blocks"]
    )
    refused = submit(live_app, view, ticket_emoji=":two words:")
    assert refused.json["response_action"] == "errors" and set(refused.json["errors"]) == {"ticket_emoji"}
    saved = submit(live_app, view, ticket_emoji=":Fire:")
    assert "Emoji to ticket: :fire:" in str(saved.json["view"])
    message = live_app.fake.add_message("C0GENERAL", "UEMPLOYEE", "Server room is hot")
    react(live_app, message, reaction="ticket")
    live_app.settle()
    assert tickets(live_app) == []
    react(live_app, message, reaction="fire")
    live_app.settle()
    assert [t.title for t in tickets(live_app)] == ["Server room is hot"]


def test_a_thread_reply_gets_its_ticket_and_the_answer_in_its_thread(live_app):
    fake = live_app.fake
    parent = fake.add_message("C0GENERAL", "UAGENT", "Anyone else without wifi?")
    reply = fake.add_message("C0GENERAL", "UEMPLOYEE", "", thread_ts=parent.ts, files=["trace.txt"])
    react(live_app, reply)
    live_app.settle()
    [raised] = tickets(live_app)
    assert raised.reporter_id == "UEMPLOYEE" and (raised.source_ts, raised.source_channel) == (reply.ts, "C0GENERAL")
    day = datetime.fromtimestamp(float(reply.ts), UTC).strftime("%Y-%m-%d")
    assert raised.title == f"Message from {day}"
    assert f"?thread_ts={parent.ts}&cid=C0GENERAL" in (raised.source_permalink or "")
    assert "trace.txt" in raised.description
    answers = [m for m in fake.channel_messages("C0GENERAL", parent.ts) if m.user == fake.BOT_USER]
    assert len(answers) == 1 and "T-1" in answers[0].text
    assert fake.calls_to("conversations.replies")[-1].args.get("ts") == reply.ts


def test_another_workspaces_reaction_is_refused_at_the_door(live_app):
    message = live_app.fake.add_message("C0GENERAL", "UEMPLOYEE", "Not our workspace")
    live_app.slack.team_id = "T0OTHER"
    try:
        react(live_app, message)
    finally:
        live_app.slack.team_id = "T0001"
    live_app.settle()
    assert tickets(live_app) == [] and tasks_queued(live_app) == 0


def source(channel: str = "C1", ts: str = "1700000000.000100", text: str = "Laptop won't boot") -> emoji.SourceMessage:
    return emoji.SourceMessage(
        channel=channel, ts=ts, author="UEMPLOYEE", text=text, permalink="https://x.slack.com/archives/C1/p1"
    )


def test_the_same_message_is_one_ticket_per_workspace(database):
    with database.transaction() as session:
        first = emoji.raise_from_message(session, load_actor(session, "T1", "UTECH"), source())
        again = emoji.raise_from_message(session, load_actor(session, "T1", "UADMIN"), source())
        other = emoji.raise_from_message(session, load_actor(session, "T2", "UTECH"), source())
        assert first is not None and again is None and other is not None
        assert (first.ticket.team_id, first.ticket.number) == ("T1", 1)
        assert (other.ticket.team_id, other.ticket.number) == ("T2", 1)


def test_two_deliveries_racing_for_one_message_make_one_ticket(database):
    changes = race(
        database, lambda session, actor: emoji.raise_from_message(session, actor, source(text=actor.user_id))
    )
    assert [change is None for change in changes].count(True) == 1  # the loser changed nothing
    with database.transaction(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1


def race(database, work, users=("UTECH", "UADMIN")) -> list:
    """``work(session, actor)`` for each of ``users`` at once, each in its own transaction."""
    with database.transaction() as session:
        load_actor(session, "T1", users[0])  # the workspace exists
    barrier, results, errors = threading.Barrier(len(users)), [], []

    def run(user: str) -> None:
        try:
            barrier.wait(timeout=10)
            with database.transaction() as session:
                results.append(work(session, load_actor(session, "T1", user)))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(results) == len(users)
    return results


def test_two_reactions_at_once_queue_one_task(database):
    queued = race(
        database, lambda session, actor: emoji.request_ticket(session, actor, "ticket", "C1", "1.000100", "ticket")
    )
    assert sorted(queued) == [False, True]
    with database.transaction(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 1


def test_titles_and_descriptions_from_slack_text():
    form = emoji.ticket_form(
        source(text="  \n<@U1|maria> says <https://status.example.com|the status page> is *down* " + "x" * 200)
    )
    assert form.title.startswith("@maria says the status page is *down* x") and len(form.title) == 150
    assert form.title.endswith("…")
    long = emoji.ticket_form(source(text="y" * 5000))
    assert len(long.description) <= 3000 and long.description.endswith("Message: https://x.slack.com/archives/C1/p1")
    assert emoji.parse_emoji(":Ticket:") == "ticket" and emoji.parse_emoji("no spaces") is None


def test_slack_failing_to_answer_is_retried_and_a_refusal_is_told_to_who_reacted(live_app):
    fake = live_app.fake
    message = fake.add_message("C0GENERAL", "UEMPLOYEE", "Monitor flickers")
    fake.rate_limit("conversations.history", retry_after=0, times=1)
    fake.fail("chat.getPermalink", "internal_error", times=1)
    react(live_app, message)
    live_app.settle()
    assert [t.title for t in tickets(live_app)] == ["Monitor flickers"]

    private = fake.add_message("C0GENERAL", "UEMPLOYEE", "Keyboard missing keys")
    fake.fail("conversations.history", "not_in_channel", times=1)
    react(live_app, private, user="UTECH2")
    live_app.settle()
    assert len(tickets(live_app)) == 1
    [notice] = fake.channel_messages(fake.dm_channel("UTECH2"))
    assert "could not post the ticket for the message you reacted to with :ticket: in <#C0GENERAL>" in notice.text
    assert "HireDesk is not a member of <#C0GENERAL>" in notice.text


def test_the_messages_slack_markup_reads_as_people_see_it_and_mentions_nobody(live_app):
    """The message arrives in Slack's markup: special mentions, user groups and dates read as their
    labels (no doubled ``@``, no ``@`` before a date); posted back, nothing notifies or links."""
    fake = live_app.fake
    message = fake.add_message(
        "C0GENERAL",
        "UEMPLOYEE",
        "<!here|@here> VPN down since <!date^1392734382^{date}|Feb 18> for <!subteam^S1|@it-team> and <@UTECH>\n"
        "See <https://status.example.test/vpn?a=1&amp;b=2|the status page> &lt;urgent&gt; <!channel>",
    )
    react(live_app, message)
    live_app.settle()
    [raised] = tickets(live_app)
    assert raised.title == "@here VPN down since Feb 18 for @it-team and @UTECH"
    assert "See the status page <urgent> @channel" in raised.description
    posted = " ".join(
        str(m.blocks) + m.text for m in fake.messages if m.user == fake.BOT_USER and "VPN" in str(m.blocks) + m.text
    )
    assert posted and not any(
        token in posted for token in ("<!here", "<!channel", "<!subteam", "and <@UTECH>", "<https://status")
    )


def test_once_hiredesk_is_invited_a_new_reaction_raises_the_ticket_the_refusal_asked_for(live_app):
    """The refusal says "invite HireDesk there": after that, reacting again works (once), instead of
    the failed task of the first reaction swallowing every later one."""
    fake = live_app.fake
    message = fake.add_message("C0GENERAL", "UEMPLOYEE", "Projector in room 4 is dead")
    fake.fail("conversations.history", "not_in_channel", times=1)
    react(live_app, message, user="UTECH2")
    live_app.settle()
    assert tickets(live_app) == [] and "/invite" in fake.channel_messages(fake.dm_channel("UTECH2"))[-1].text

    react(live_app, message, user="UTECH2", reaction="ticket::skin-tone-2")  # invited now; reacted again
    react(live_app, message, user="UADMIN")  # and someone else at the same time
    live_app.settle()
    [raised] = tickets(live_app)
    assert raised.title == "Projector in room 4 is dead" and raised.reporter_id == "UEMPLOYEE"
    assert tasks_queued(live_app) == 2  # the failed one, and one more for both new reactions
    assert len([m for m in fake.channel_messages("C0GENERAL", message.ts) if m.user == fake.BOT_USER]) == 1
