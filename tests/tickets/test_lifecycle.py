"""The whole life of a ticket over signed HTTP: /ticket → card → assign → start
→ resolve → reopen, seen on the card, in its thread and in the reporter's DMs."""

from __future__ import annotations

from db.models import Role, Severity, TicketState
from fakeslack import Call

from .helpers import click, grant, latest_view, raise_ticket, ticket


def to_reporter(call: Call) -> bool:
    return call.args.get("channel") == "UEMPLOYEE"


def test_a_ticket_from_raise_to_reopen(live_app):
    fake = live_app.fake
    grant(live_app, "UTECH", Role.TECHNICIAN)

    raised = raise_ticket(live_app, title="VPN drops every hour")
    assert raised.key == "T-1" and raised.state is TicketState.OPEN and raised.severity is Severity.MINOR
    card_post = fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "CTRIAGE")[0]
    assert "VPN drops every hour" in str(card_post.args["blocks"])
    assert raised.card_channel == "CTRIAGE" and raised.card_ts

    steps = [
        ("ticket_assign_me", {}, "<@UTECH> took it"),  # self-assignment
        ("ticket_severity", {"selected_option": {"value": "MAJOR"}}, "changed severity MINOR → MAJOR"),
        ("ticket_start", {}, "started work"),
    ]
    for action_id, state, thread_text in steps:
        updates = len(fake.calls_to("chat.update"))
        assert click(live_app, raised, action_id, "UTECH", **state).status == 200
        fake.wait_for("chat.update", count=updates + 1)
        fake.wait_for(
            "chat.postMessage",
            lambda c, t=thread_text: c.args.get("thread_ts") == raised.card_ts and t in c.args["text"],
        )

    # Resolve: the button opens a modal; the note is required.
    click(live_app, raised, "ticket_resolve", "UTECH")
    fake.wait_for("views.open", lambda c: "ticket_resolve" in str(c.args.get("view")))
    resolve_form = latest_view(live_app)
    empty = live_app.slack.view_submission(
        resolve_form, {"note": {"note": {"type": "plain_text_input", "value": " "}}}, user="UTECH"
    )
    assert empty.json["response_action"] == "errors" and "note" in empty.json["errors"]
    assert ticket(live_app, raised.id).state is TicketState.IN_PROGRESS
    done = live_app.slack.view_submission(
        resolve_form, {"note": {"note": {"type": "plain_text_input", "value": "Replaced the router"}}}, user="UTECH"
    )
    assert done.status == 200 and not done.body
    resolved_dm = fake.wait_for("chat.postMessage", lambda c: to_reporter(c) and "resolved it" in c.args["text"])[0]
    assert "Replaced the router" in resolved_dm.args["text"] and "ticket_reopen" in str(resolved_dm.args["blocks"])

    # The reporter reopens from the DM.
    dm = fake.message("DUEMPLOYEE", resolved_dm_ts(live_app))
    reopen = {"action_id": "ticket_reopen", "block_id": f"ticket_actions:{raised.id}", "value": str(raised.id)}
    assert live_app.slack.block_action(reopen, user="UEMPLOYEE", channel="DUEMPLOYEE", message_ts=dm.ts).status == 200
    fake.wait_for(
        "chat.postMessage", lambda c: c.args.get("thread_ts") == raised.card_ts and "reopened it" in c.args["text"]
    )

    final = ticket(live_app, raised.id)
    assert final.state is TicketState.OPEN and final.resolved_at is None and final.assignee_id == "UTECH"
    assert [e.kind for e in final.events] == ["created", "assigned", "severity", "state", "state", "state"]
    card = fake.message("CTRIAGE", raised.card_ts)
    assert "MAJOR" in str(card.blocks) and "Open" in str(card.blocks) and "ticket_resolve" in str(card.blocks)

    # The reporter got exactly one DM per change: raised, assigned, started, resolved (not their own reopen).
    reporter_dms = [c.args["text"] for c in fake.calls_to("chat.postMessage") if to_reporter(c)]
    assert len(reporter_dms) == 4, reporter_dms
    assert ["is raised" in reporter_dms[0], "took it" in reporter_dms[1], "started work" in reporter_dms[2]] == [
        True
    ] * 3


def resolved_dm_ts(live_app) -> str:
    return next(m.ts for m in live_app.fake.messages if m.channel == "DUEMPLOYEE" and "resolved it" in m.text)
