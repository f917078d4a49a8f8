"""Conversation (PRODUCT.md §3): the reporter's answer in the thread of a HireDesk DM about their ticket
is a comment — in the ticket's history, in the card's thread, DM'd to the assignee — and a ticket WAITING
on them goes back to IN_PROGRESS. Anything else in a DM is ignored. Over signed HTTP, on both databases."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.actors import load_actor
from bot.services.tickets import conversation, forms, lifecycle
from db.models import Role, TicketEvent, TicketState, TicketThread

from .helpers import click, grant, raise_ticket, ticket
from .test_waiting import ask_reporter


def comments(live_app, ticket_id: int) -> list[tuple[str, str]]:
    """(who, what) of the ticket's comments."""
    with live_app.db.transaction(readonly=True) as session:
        return list(
            session.execute(
                select(TicketEvent.actor_id, TicketEvent.body).where(
                    TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "comment"
                )
            ).tuples()
        )


def newest_dm(live_app, user: str = "UEMPLOYEE"):
    return [m for m in live_app.fake.channel_messages(live_app.fake.dm_channel(user)) if not m.thread_ts][-1]


def answer_in_thread(live_app, root, text: str, user: str = "UEMPLOYEE", **kwargs):
    """``user`` writes ``text`` in the thread of DM ``root``; Slack sends the app ``message.im``."""
    written = live_app.fake.add_message(root.channel, user, text, thread_ts=root.ts)
    response = live_app.slack.message_im(user, text, ts=written.ts, thread_ts=root.ts, **kwargs)
    assert response.status == 200, response.body
    return written


def assigned_ticket(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    raised = raise_ticket(live_app)
    assert click(live_app, raised, "ticket_assign_me", "UTECH").status == 200
    live_app.settle()
    return ticket(live_app, raised.id)


def test_an_answer_in_the_thread_of_a_dm_is_a_comment_the_card_and_the_assignee_hear_of(live_app):
    raised = assigned_ticket(live_app)
    dm = newest_dm(live_app)  # "T-1 is assigned to UTECH"
    with live_app.db.transaction(readonly=True) as session:
        assert session.get(TicketThread, ("T0001", dm.channel, dm.ts)).ticket_id == raised.id

    answer_in_thread(live_app, dm, "It's the printer by the lift &amp; it beeps")
    live_app.settle()

    assert comments(live_app, raised.id) == [("UEMPLOYEE", "It's the printer by the lift & it beeps")]
    thread = [m.text for m in live_app.fake.channel_messages(raised.card_channel, raised.card_ts)]
    assert any("<@UEMPLOYEE> commented" in text and "by the lift &amp; it beeps" in text for text in thread), thread
    [told] = [m for m in live_app.fake.channel_messages(live_app.fake.dm_channel("UTECH")) if "commented" in m.text]
    assert "T-1" in told.text and "by the lift" in told.text
    assert ticket(live_app, raised.id).state is TicketState.OPEN  # not waiting: the state stays
    # The reporter is not told of their own comment.
    assert not [m for m in live_app.fake.channel_messages(dm.channel) if "commented" in m.text]


def test_the_created_notice_is_a_thread_to_answer_in_too(live_app):
    raised = raise_ticket(live_app)
    live_app.settle()
    notice = newest_dm(live_app)
    assert "is raised" in notice.text
    answer_in_thread(live_app, notice, "Forgot to say: it's floor 2")
    live_app.settle()
    assert comments(live_app, raised.id) == [("UEMPLOYEE", "Forgot to say: it's floor 2")]
    # Nobody is assigned: nobody is DM'd, the card's thread has it.
    thread = [m.text for m in live_app.fake.channel_messages(raised.card_channel, raised.card_ts)]
    assert any("floor 2" in text for text in thread)


def test_the_reporters_answer_to_waiting_moves_the_ticket_back_in_progress(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    raised = raise_ticket(live_app)
    live_app.settle()
    ask_reporter(live_app, raised, "Which floor?")
    assert ticket(live_app, raised.id).state is TicketState.WAITING
    question = newest_dm(live_app)
    assert "Which floor?" in str(question.blocks)

    answer_in_thread(live_app, question, "Floor 2")
    live_app.settle()

    answered = ticket(live_app, raised.id)
    assert answered.state is TicketState.IN_PROGRESS and answered.waiting_since is None
    thread = str([m.text for m in live_app.fake.channel_messages(raised.card_channel, raised.card_ts)])
    assert "Floor 2" in thread and "answered: back in progress" in thread
    assert [m for m in live_app.fake.channel_messages(live_app.fake.dm_channel("UTECH")) if "Floor 2" in m.text]


def test_what_is_not_the_reporters_answer_in_a_ticket_thread_is_ignored(live_app):
    raised = assigned_ticket(live_app)
    dm = newest_dm(live_app)
    fake, slack = live_app.fake, live_app.slack
    own = fake.add_message(dm.channel, "UEMPLOYEE", "a message of their own")
    cases = [
        # HireDesk's own message in the thread (as Slack sends it: a bot_id)
        {"user": fake.BOT_USER, "bot_id": fake.BOT_ID, "thread_ts": dm.ts},
        # an edit of an answer
        {
            "subtype": "message_changed",
            "hidden": True,
            "message": {"text": "edited", "user": "UEMPLOYEE"},
            "thread_ts": dm.ts,
        },
        {"subtype": "message_deleted", "hidden": True, "thread_ts": dm.ts},
        {"subtype": "bot_message", "bot_id": "BOTHER", "username": "bot", "thread_ts": dm.ts},
        # not in a thread
        {"user": "UEMPLOYEE"},
        # the thread of a message that is not HireDesk's DM about a ticket
        {"user": "UEMPLOYEE", "thread_ts": own.ts},
        # someone else (not the reporter)
        {"user": "UTECH2", "thread_ts": dm.ts},
        # not a DM
        {"user": "UEMPLOYEE", "thread_ts": dm.ts, "channel_type": "channel", "channel": "C0GENERAL"},
    ]
    for number, case in enumerate(cases):
        event = {
            "type": "message", "channel": dm.channel, "channel_type": "im", "text": f"case {number}",
            "ts": f"1900000000.{number:06d}", **case,
        }  # fmt: skip
        assert slack.event(event).status == 200, case
    live_app.settle()
    assert comments(live_app, raised.id) == []
    thread = str([m.text for m in fake.channel_messages(raised.card_channel, raised.card_ts)])
    assert "case " not in thread


def test_slacks_retries_of_one_answer_add_one_comment(live_app):
    raised = assigned_ticket(live_app)
    dm = newest_dm(live_app)
    written = live_app.fake.add_message(dm.channel, "UEMPLOYEE", "Still broken", thread_ts=dm.ts)
    for retry in (None, 1, 2, 3):
        response = live_app.slack.message_im(
            "UEMPLOYEE", "Still broken", ts=written.ts, thread_ts=dm.ts, event_id="Ev0CONVO1", retry_num=retry
        )
        assert response.status == 200
    live_app.settle()
    assert len(comments(live_app, raised.id)) == 1
    told = [m for m in live_app.fake.channel_messages(live_app.fake.dm_channel("UTECH")) if "Still broken" in m.text]
    assert len(told) == 1


def test_a_dm_thread_is_only_ever_its_own_workspaces(database):
    with database.transaction() as session:
        reporter = load_actor(session, "T1", "UEMPLOYEE")
        form = forms.parse_ticket_form("VPN down", "", "network", "MINOR")
        ticket_id = lifecycle.create(session, reporter, form).ticket.id
        session.add(TicketThread(team_id="T1", channel="DUEMPLOYEE", ts="1700000000.000100", ticket_id=ticket_id))
    with database.transaction() as session:
        stranger = load_actor(session, "T2", "UEMPLOYEE")  # the same ids in another workspace
        assert conversation.comment_from_dm(session, stranger, "DUEMPLOYEE", "1700000000.000100", "hi") is None
        mine = load_actor(session, "T1", "UEMPLOYEE")
        change = conversation.comment_from_dm(session, mine, "DUEMPLOYEE", "1700000000.000100", "x" * 4000)
        assert change is not None and len(change.events[0].body) == 3000 and change.events[0].body.endswith(" …")


def test_a_file_shared_in_the_thread_is_part_of_the_comment(live_app):
    raised = assigned_ticket(live_app)
    dm = newest_dm(live_app)
    shared = {"id": "F1", "name": "error.png", "permalink": "https://fake.slack.test/files/UEMPLOYEE/F1/error.png"}
    event = {
        "type": "message", "subtype": "file_share", "channel": dm.channel, "channel_type": "im", "user": "UEMPLOYEE",
        "text": "", "ts": "1900000001.000100", "thread_ts": dm.ts, "files": [shared],
    }  # fmt: skip
    assert live_app.slack.event(event).status == 200
    live_app.settle()
    assert comments(live_app, raised.id) == [("UEMPLOYEE", f"• error.png: {shared['permalink']}")]


def test_an_answer_in_slacks_markup_is_a_comment_people_can_read_that_pings_nobody(live_app):
    """Slack sends the answer in its markup (``<!here>``, ``<@U…>``, links): the comment reads as the
    reporter saw it, and the card's thread and the assignee's DM show it without any mention or link."""
    raised = assigned_ticket(live_app)
    dm = newest_dm(live_app)
    answer_in_thread(
        live_app,
        dm,
        "<!here> ask <@UTECH2|sam>, see <https://wiki.example.test/vpn?a=1&amp;b=2|the wiki> &lt;3 <!channel>",
    )
    live_app.settle()
    written = "@here ask @sam, see the wiki (https://wiki.example.test/vpn?a=1&b=2) <3 @channel"
    assert comments(live_app, raised.id) == [("UEMPLOYEE", written)]
    thread = [m.text for m in live_app.fake.channel_messages(raised.card_channel, raised.card_ts) if "ask" in m.text]
    [told] = [m for m in live_app.fake.channel_messages(live_app.fake.dm_channel("UTECH")) if "ask" in m.text]
    for posted in (*thread, told.text):
        # a plain @here/@channel keeps a word joiner after its "@" (bot/views/text.py: escape)
        assert (
            "@\u2060here ask @sam, see the wiki (https://wiki.example.test/vpn?a=1&amp;b=2) &lt;3 @\u2060channel"
            in posted
        )
        assert not any(token in posted for token in ("<!here", "<!channel", "<@UTECH2", "<https://wiki"))
