"""Long lists and long histories page with buttons (PRODUCT.md §3 "Long lists"), over signed HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from bot.services.tickets import forms, lifecycle
from db.models import Role

from .helpers import grant

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_tickets(live_app, count: int, user: str = "UEMPLOYEE", title: str = "Printer {n} jammed") -> list[int]:
    """``count`` tickets raised straight through the service (their cards don't matter here)."""
    ids = []
    with live_app.db.transaction() as session:
        actor = live_app.ctx.actor(session, live_app.slack.team_id, user)
        for n in range(count):
            with freeze_time(T0 + timedelta(minutes=n)):
                form = forms.parse_ticket_form(title.format(n=n), "", "hardware", "MINOR")
                ids.append(lifecycle.create(session, actor, form).ticket.id)
    return ids


def answer(live_app, text: str, user: str) -> dict:
    response = live_app.slack.command("/ticket", text, user=user)
    assert response.status == 200, response.body
    return response.json


def pager(message: dict) -> dict[str, dict]:
    """The paging buttons of a message by action id."""
    for block in message["blocks"]:
        if block.get("block_id") == "ticket_pages":
            return {element["action_id"]: element for element in block["elements"]}
    return {}


def turn(live_app, button: dict, user: str) -> dict:
    """Click a paging button; the message is replaced (through the outbox) with the page it asks for."""
    before = len(live_app.fake.calls_to("response_url"))
    response = live_app.slack.block_action(
        {"action_id": button["action_id"], "block_id": "ticket_pages", "value": button["value"]},
        user=user,
        channel="C0GENERAL",
        message_ts=None,
    )
    assert response.status == 200 and not response.body, response.body
    call = live_app.fake.wait_for("response_url", count=before + 1)[-1]
    assert call.args["replace_original"] is True
    return call.args


def test_queue_pages_forward_and_back(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    make_tickets(live_app, 45)
    first = answer(live_app, "queue", "UTECH")
    assert "Printer 0 jammed" in str(first["blocks"]) and "Printer 20 jammed" not in str(first["blocks"])
    assert "1–20 of 45" in str(first["blocks"]) and set(pager(first)) == {"ticket_page_next"}

    second = turn(live_app, pager(first)["ticket_page_next"], "UTECH")
    assert "Printer 20 jammed" in str(second["blocks"]) and "Printer 19 jammed" not in str(second["blocks"])
    assert "21–40 of 45" in str(second["blocks"]) and set(pager(second)) == {"ticket_page_next", "ticket_page_previous"}

    third = turn(live_app, pager(second)["ticket_page_next"], "UTECH")
    assert "41–45 of 45" in str(third["blocks"]) and set(pager(third)) == {"ticket_page_previous"}
    back = turn(live_app, pager(third)["ticket_page_previous"], "UTECH")
    assert "21–40 of 45" in str(back["blocks"])


def test_list_and_search_page_and_keep_their_query(live_app):
    make_tickets(live_app, 25, title="Laptop {n} slow")
    make_tickets(live_app, 3, title="VPN {n} down")
    mine = answer(live_app, "list", "UEMPLOYEE")
    assert "1–20 of 28" in str(mine["blocks"])
    assert "21–28 of 28" in str(turn(live_app, pager(mine)["ticket_page_next"], "UEMPLOYEE")["blocks"])

    found = answer(live_app, "search laptop", "UEMPLOYEE")
    assert "1–20 of 25" in str(found["blocks"]) and "VPN" not in str(found["blocks"])
    assert json.loads(pager(found)["ticket_page_next"]["value"]) == {"list": "search", "q": "laptop", "offset": 20}
    following = turn(live_app, pager(found)["ticket_page_next"], "UEMPLOYEE")
    assert "21–25 of 25" in str(following["blocks"]) and "VPN" not in str(following["blocks"])


def test_a_short_list_has_no_buttons(live_app):
    make_tickets(live_app, 3)
    assert pager(answer(live_app, "list", "UEMPLOYEE")) == {}


def test_search_matches_keys_reporters_and_assignees(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    _, second = make_tickets(live_app, 2, user="UEMPLOYEE")
    make_tickets(live_app, 1, user="UOTHER", title="Monitor flickers")
    with live_app.db.transaction() as session:
        lifecycle.assign_to_me(session, live_app.ctx.actor(session, live_app.slack.team_id, "UTECH"), second)

    def found(words: str) -> str:
        return str(answer(live_app, f"search {words}", "UTECH")["blocks"])

    assert "Printer 0 jammed" in found("T-1") and "Printer 1 jammed" not in found("T-1")
    assert "Monitor flickers" in found("<@UOTHER|other>") and "Printer" not in found("<@UOTHER|other>")
    by_assignee = found("<@UTECH>")
    assert "Printer 1 jammed" in by_assignee and "Printer 0 jammed" not in by_assignee
    assert "Printer 1 jammed" in found("printer <@UTECH>") and "No tickets match" in found("monitor <@UTECH>")


def test_stale_or_forged_paging_buttons_change_nothing(live_app):
    for value in ("not json", '{"list": "secrets", "offset": 0}', '{"list": "queue", "offset": -1}',
                  '{"list": "queue", "offset": "٢"}', '{"list": "history", "offset": 0}'):  # fmt: skip
        response = live_app.slack.block_action(
            {"action_id": "ticket_page_next", "block_id": "ticket_pages", "value": value},
            user="UEMPLOYEE",
            channel="C0GENERAL",
        )
        assert response.status == 200
    live_app.settle()
    assert live_app.fake.calls_to("response_url") == [] or all(
        "out of date" in c.args.get("text", "") for c in live_app.fake.calls_to("response_url")
    )


def test_ticket_history_pages_through_every_event(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    (ticket_id,) = make_tickets(live_app, 1)
    with live_app.db.transaction() as session:
        tech = live_app.ctx.actor(session, live_app.slack.team_id, "UTECH")
        for n in range(69):
            lifecycle.add_note(session, tech, ticket_id, f"note number {n:02d}")
    newest = answer(live_app, "T-1", "UTECH")  # 70 events: created + 69 notes
    assert "41–70 of 70" in str(newest["blocks"]) and "note number 68" in str(newest["blocks"])
    assert "note number 38" not in str(newest["blocks"]) and set(pager(newest)) == {"ticket_page_previous"}
    older = turn(live_app, pager(newest)["ticket_page_previous"], "UTECH")
    assert "11–40 of 70" in str(older["blocks"]) and "note number 38" in str(older["blocks"])
    oldest = turn(live_app, pager(older)["ticket_page_previous"], "UTECH")
    assert "1–10 of 70" in str(oldest["blocks"]) and "raised the ticket" in str(oldest["blocks"])
    assert set(pager(oldest)) == {"ticket_page_next"}
    assert "11–40 of 70" in str(turn(live_app, pager(oldest)["ticket_page_next"], "UTECH")["blocks"])


def test_an_employee_cannot_page_through_someone_elses_history(live_app):
    make_tickets(live_app, 1, user="UOTHER")
    button = {"action_id": "ticket_page_next", "value": json.dumps({"list": "history", "ticket": 1, "offset": 0})}
    response = live_app.slack.block_action(
        {**button, "block_id": "ticket_pages"}, user="UEMPLOYEE", channel="C0GENERAL"
    )
    assert response.status == 200
    # A refusal is told after the answer (handlers/support.after_answer), not through the outbox: wait for it.
    live_app.fake.wait_for("response_url", lambda c: "Only the reporter of T-1" in str(c.args))
    live_app.settle()
    answers = [str(c.args) for c in live_app.fake.calls_to("response_url")]
    assert not any("Printer 0 jammed" in a for a in answers)
