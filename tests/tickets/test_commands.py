"""/ticket's subcommands, the New ticket modal's inline errors, the message
shortcut, notes, replies, edit and delete — over signed HTTP, both databases."""

from __future__ import annotations

import json

from db.models import Role, Ticket, TicketState

from .helpers import click, form_values, grant, latest_view, open_modal, raise_ticket, submit_note, ticket


def ticket_command(live_app, text: str, user: str = "UEMPLOYEE") -> dict:
    body = live_app.slack.command("/ticket", text, user=user).json
    assert body["response_type"] == "ephemeral"
    return body


def test_help_usage_and_unknown_tickets(live_app):
    assert "/ticket queue" in ticket_command(live_app, "help")["text"]
    assert "Tell me what to search for" in ticket_command(live_app, "search")["text"]
    assert "There is no ticket T-99" in ticket_command(live_app, "T-99")["text"]
    assert "Search for at least 2 characters" in ticket_command(live_app, "search x")["text"]


def test_ticket_text_fills_in_the_title_and_bad_values_are_inline_errors(live_app):
    view = open_modal(live_app, "UEMPLOYEE", "Laptop &amp; dock &lt;dead&gt;")
    assert view["blocks"][0]["element"]["initial_value"] == "Laptop & dock <dead>"
    bad = live_app.slack.view_submission(
        view, form_values(title="  ", category=None, description="x" * 3001), user="UEMPLOYEE"
    )
    assert bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {"title", "category", "description"}
    too_long = live_app.slack.view_submission(view, form_values(title="t" * 151), user="UEMPLOYEE")
    assert "150 characters" in too_long.json["errors"]["title"]
    with live_app.db.transaction() as session:
        assert session.query(Ticket).count() == 0


def test_lists_queue_search_and_history(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    first = raise_ticket(live_app, title="Printer jammed", severity="MINOR")
    second = raise_ticket(live_app, user="UAGENT", title="Email down", severity="CRITICAL")
    third = raise_ticket(live_app, user="UAGENT", title="Slow wifi", severity="MAJOR")
    click(live_app, first, "ticket_assign_me", "UTECH")
    live_app.fake.wait_for("chat.update")

    mine = ticket_command(live_app, "list")["text"]
    assert mine == "Your tickets: 1"
    queue = str(ticket_command(live_app, "queue", user="UTECH")["blocks"])
    # Unassigned first (by severity), then the assigned one.
    assert queue.index(second.key) < queue.index(third.key) < queue.index(first.key)
    assert "Email down" in str(ticket_command(live_app, "search EMAIL", user="UTECH")["blocks"])
    assert ticket_command(live_app, "search email")["text"] == "No tickets match."  # employees search their own

    # An internal note and a reply: the reporter gets the reply, never the note.
    click(live_app, first, "ticket_add_note", "UTECH")
    live_app.fake.wait_for("views.open", lambda c: "Internal note" in str(c.args["view"]))
    assert submit_note(live_app, "UTECH", "User is on the old driver").status == 200
    click(live_app, first, "ticket_reply", "UTECH")
    live_app.fake.wait_for("views.open", lambda c: "Reply to the reporter" in str(c.args["view"]))
    assert submit_note(live_app, "UTECH", "Try tray 2 meanwhile").status == 200
    live_app.fake.wait_for(
        "chat.postMessage", lambda c: c.args.get("channel") == "UEMPLOYEE" and "Try tray 2" in c.args["text"]
    )
    thread = live_app.fake.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == first.card_ts, count=3)
    assert ":lock:" in thread[1].args["text"] and "old driver" in thread[1].args["text"]
    assert not any(
        "old driver" in c.args.get("text", "")
        for c in live_app.fake.calls_to("chat.postMessage")
        if c.args.get("channel") == "UEMPLOYEE"
    )

    as_reporter = str(ticket_command(live_app, "T-1")["blocks"])
    as_technician = str(ticket_command(live_app, "1", user="UTECH")["blocks"])
    assert "Try tray 2" in as_reporter and "old driver" not in as_reporter
    assert "old driver" in as_technician and "ticket_resolve" in as_technician and "ticket_resolve" not in as_reporter


def test_reporter_edits_and_comments(live_app):
    raised = raise_ticket(live_app)
    body = ticket_command(live_app, raised.key)
    assert "ticket_edit" in str(body["blocks"])
    click(live_app, raised, "ticket_edit", "UEMPLOYEE")
    live_app.fake.wait_for("views.open", lambda c: "Edit T-1" in str(c.args["view"]))
    form = latest_view(live_app)
    assert json.loads(form["private_metadata"]) == {"ticket_id": raised.id}
    values = form_values(title="Printer on floor 3 is jammed", category="other")
    del values["severity"]
    assert live_app.slack.view_submission(form, values, user="UEMPLOYEE").status == 200
    live_app.fake.wait_for(
        "chat.postMessage", lambda c: c.args.get("thread_ts") == raised.card_ts and "renamed it" in c.args["text"]
    )
    edited = ticket(live_app, raised.id)
    assert edited.title == "Printer on floor 3 is jammed" and edited.category.value == "other"
    assert [e.kind for e in edited.events] == ["created", "title", "category"]

    # A description edit keeps the old text in the history, shown old → new.
    click(live_app, edited, "ticket_edit", "UEMPLOYEE")
    live_app.fake.wait_for("views.open", lambda c: "Edit T-1" in str(c.args["view"]), count=2)
    values = form_values(title=edited.title, description="Paper stuck in tray 4", category="other")
    del values["severity"]
    assert live_app.slack.view_submission(latest_view(live_app), values, user="UEMPLOYEE").status == 200
    logged = live_app.fake.wait_for(
        "chat.postMessage", lambda c: c.args.get("thread_ts") == raised.card_ts and "description" in c.args["text"]
    )[0]
    assert "> Paper stuck in tray 3\nto\n> Paper stuck in tray 4" in logged.args["text"]
    event = ticket(live_app, raised.id).events[-1]
    assert (event.kind, event.old_body, event.body) == ("description", "Paper stuck in tray 3", "Paper stuck in tray 4")
    assert "tray 3" in str(ticket_command(live_app, raised.key)["blocks"])


def test_admin_deletes_softly(live_app):
    raised = raise_ticket(live_app)
    assert click(live_app, raised, "ticket_delete", "UADMIN").status == 200
    live_app.fake.wait_for("chat.update")
    card = live_app.fake.message("CTRIAGE", raised.card_ts)
    assert "DELETED" in str(card.blocks) and not any(b["type"] == "actions" for b in card.blocks)
    kept = ticket(live_app, raised.id)
    assert kept.deleted_by == "UADMIN" and [e.kind for e in kept.events] == ["created", "deleted"]
    assert "was deleted" in ticket_command(live_app, raised.key)["text"]
    assert "Deleted by" in str(ticket_command(live_app, raised.key, user="UADMIN")["blocks"])  # kept for audit
    assert ticket_command(live_app, "list")["text"].startswith("You haven't raised")


def test_without_a_triage_channel_the_ticket_is_still_raised(live_app_without_triage):
    live_app = live_app_without_triage
    view = open_modal(live_app, "UEMPLOYEE")
    assert live_app.slack.view_submission(view, form_values(), user="UEMPLOYEE").status == 200
    notice = live_app.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "UEMPLOYEE")[0]
    assert "No triage channel is set" in str(notice.args["blocks"]) and "ask an admin" in str(notice.args["blocks"])
    with live_app.db.transaction() as session:
        assert session.query(Ticket).one().card_ts is None


def test_reporter_is_told_once_and_rightly_when_the_card_cannot_be_posted(live_app):
    live_app.fake.fail("chat.postMessage", "not_in_channel")  # the first post is the card
    view = open_modal(live_app, "UEMPLOYEE")
    assert live_app.slack.view_submission(view, form_values(), user="UEMPLOYEE").status == 200
    live_app.settle()
    to_reporter = [
        str(c.args.get("blocks") or c.args.get("text"))
        for c in live_app.fake.calls_to("chat.postMessage")
        if c.args.get("channel") == "UEMPLOYEE" and "_error" not in c.args
    ]
    problems = [text for text in to_reporter if "could not post" in text]
    assert len(problems) == 1
    assert "not a member of <#CTRIAGE>" in problems[0] and "/invite @HireDesk" in problems[0]
    with live_app.db.transaction() as session:
        assert session.query(Ticket).one().card_ts is None


def test_create_ticket_from_a_message(live_app):
    message = {
        "type": "message",
        "ts": "1700000000.000100",
        "user": "UAGENT",
        "text": "Till 3 shows &lt;error 42&gt;\nsince this morning",
    }
    assert (
        live_app.slack.message_shortcut(
            "create_ticket_from_message", user="UEMPLOYEE", channel="C0GENERAL", message=message
        ).status
        == 200
    )
    updated = live_app.fake.wait_for("views.update")[0]
    assert live_app.fake.calls_to("views.open")[0].at <= live_app.fake.calls_to("chat.getPermalink")[0].at
    view = latest_view(live_app)
    assert view["blocks"][0]["element"]["initial_value"] == "Till 3 shows <error 42>"
    permalink = json.loads(view["private_metadata"])["permalink"]
    assert permalink.startswith("https://fake.slack.test/archives/C0GENERAL/") and permalink in str(
        updated.args["view"]
    )
    assert live_app.slack.view_submission(view, form_values(title="Till 3 error"), user="UEMPLOYEE").status == 200
    card = live_app.fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "CTRIAGE")[0]
    assert permalink in str(card.args["blocks"])
    with live_app.db.transaction() as session:
        assert session.query(Ticket).one().source_permalink == permalink


def test_severity_cannot_change_after_resolution(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    raised = raise_ticket(live_app)
    click(live_app, raised, "ticket_resolve", "UTECH")
    live_app.fake.wait_for("views.open", count=2)
    submit_note(live_app, "UTECH", "Fixed")
    live_app.fake.wait_for("chat.update")
    click(live_app, raised, "ticket_severity", "UTECH", selected_option={"value": "CRITICAL"})
    refusal = live_app.fake.wait_for("response_url", lambda c: ".UTECH." in c.args["key"])[0]
    assert "T-1 is resolved: reopen it first." in refusal.args["text"]
    assert ticket(live_app, raised.id).state is TicketState.RESOLVED


def test_a_message_in_slacks_markup_fills_the_form_as_people_read_it(live_app):
    """*Create ticket* on a message with mentions and links: the form shows ``@here``, ``@sam`` and the
    link's label with its address, not Slack's ``<!here>`` / ``<@U…|sam>`` markup."""
    message = {
        "type": "message",
        "ts": "1700000000.000200",
        "user": "UAGENT",
        "text": "<!here> till 3 down, ask <@UTECH|sam>\nsee <https://wiki.example.test/till|the wiki> &amp; retry",
    }
    response = live_app.slack.message_shortcut(
        "create_ticket_from_message", user="UEMPLOYEE", channel="C0GENERAL", message=message
    )
    assert response.status == 200
    live_app.fake.wait_for("views.update")
    values = [b.get("element", {}).get("initial_value") for b in latest_view(live_app)["blocks"]]
    assert "@here till 3 down, ask @sam" in values
    assert "@here till 3 down, ask @sam\nsee the wiki (https://wiki.example.test/till) & retry" in values
