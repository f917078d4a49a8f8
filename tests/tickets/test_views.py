"""Ticket views by structure, and property-based escaping: no title or
description, whatever it holds, pings anyone or breaks Slack's limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.actors import Actor
from bot.services.home import HomeOverview
from bot.services.tickets.access import Action
from bot.services.tickets.lifecycle import TicketChange
from bot.services.tickets.queries import TicketDetail, TicketList
from bot.services.tickets.sla import DEFAULT_TARGETS
from bot.services.workspace_settings import WorkspaceConfig
from bot.views.home import home_view
from bot.views.tickets import messages as views
from bot.views.tickets import modals as ticket_modals
from db.models import Category, Role, Severity, Ticket, TicketState

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TZ = ZoneInfo("Europe/London")
REPORTER = Actor("T1", "UREP", frozenset({Role.EMPLOYEE}))
TECHNICIAN = Actor("T1", "UTECH", frozenset({Role.EMPLOYEE, Role.TECHNICIAN}))
# What the app itself may put in angle brackets: its mentions, dates, channels and links.
OWN_MARKUP = re.compile(
    r"(?m)^> ?|<@(UREP|UTECH)>|<!date\^\d+\^[^|<>]*\|[^<>]*>|<#C[A-Z0-9]+>|<https://fake\.slack\.test/[^|<>]*\|a message>"
)
LIMITS = {"section": 3000, "button": 75, "option": 75, "header": 150, "confirm": 300}


def make_ticket(title="Printer jammed", description="Tray 3", state=TicketState.OPEN, assignee=None, **extra) -> Ticket:
    ticket = Ticket(
        id=7,
        team_id="T1",
        number=7,
        title=title,
        description=description,
        category=Category.HARDWARE,
        severity=Severity.MAJOR,
        state=state,
        reporter_id="UREP",
        assignee_id=assignee,
        created_at=NOW - timedelta(hours=3),
        updated_at=NOW,
        **extra,
    )
    ticket.events = []
    return ticket


def change_of(ticket: Ticket, actor: str, *events: tuple) -> TicketChange:
    change = TicketChange(ticket, actor)
    for kind, old, new, body in events:
        change.record(kind, old=old, new=new, body=body)
    return change


def element_ids(message: dict) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_status_follows_the_help_desk_convention():
    assert "*MAJOR* · Open" in str(views.card(make_ticket(), tz=TZ, now=NOW))
    assert "*RESOLVED*" in str(views.card(make_ticket(state=TicketState.RESOLVED), tz=TZ, now=NOW))


def test_card_buttons_follow_the_state():
    open_card = views.card(make_ticket(), tz=TZ, now=NOW)
    assert element_ids(open_card) == [
        "ticket_assign_me",
        "ticket_assign",
        "ticket_severity",
        "ticket_start",
        "ticket_wait",
        "ticket_resolve",
        "ticket_add_note",
        "ticket_reply",
        "ticket_delete",
    ]
    waiting = views.card(make_ticket(state=TicketState.WAITING, assignee="UTECH"), tz=TZ, now=NOW)
    assert "ticket_wait" not in element_ids(waiting) and "Waiting on reporter" in str(waiting["blocks"])
    started = views.card(make_ticket(state=TicketState.IN_PROGRESS, assignee="UTECH"), tz=TZ, now=NOW)
    assert "ticket_start" not in element_ids(started) and "ticket_assign_me" not in element_ids(started)
    resolved = views.card(make_ticket(state=TicketState.RESOLVED, resolution_note="Rebooted"), tz=TZ, now=NOW)
    assert element_ids(resolved) == ["ticket_reopen", "ticket_add_note", "ticket_reply", "ticket_delete"]
    assert "Rebooted" in str(resolved["blocks"])
    deleted = views.card(make_ticket(deleted_at=NOW, deleted_by="UADMIN"), tz=TZ, now=NOW)
    assert element_ids(deleted) == [] and "DELETED" in str(deleted["blocks"])


def test_delete_asks_for_confirmation():
    delete = next(
        e
        for b in views.card(make_ticket(), tz=TZ, now=NOW)["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "ticket_delete"
    )
    assert delete["confirm"]["confirm"]["text"] == "Delete" and delete["style"] == "danger"


def test_detail_shows_only_the_viewers_buttons_and_hides_internal_notes_from_the_reporter():
    ticket = make_ticket()
    detail = views.detail(TicketDetail(ticket, history=[], actions={Action.REPLY, Action.EDIT}), tz=TZ, now=NOW)
    assert element_ids(detail) == ["ticket_reply", "ticket_edit"]
    assert "*History*" in str(detail["blocks"])


def test_reporter_dm_only_for_news_and_with_reopen_after_resolve():
    ticket = make_ticket(state=TicketState.RESOLVED)
    resolved = views.reporter_dm(change_of(ticket, "UTECH", ("state", "IN_PROGRESS", "RESOLVED", "Swapped toner")))
    assert "Swapped toner" in resolved["text"] and element_ids(resolved) == [
        "ticket_reopen",
        "ticket_reply",
        *(f"ticket_csat_{score}" for score in range(1, 6)),  # How did we do? (CSAT)
    ]
    started = views.reporter_dm(change_of(make_ticket(), "UTECH", ("state", "OPEN", "IN_PROGRESS", None)))
    assert "started work" in started["text"] and element_ids(started) == ["ticket_reply"]
    assert views.reporter_dm(change_of(make_ticket(), "UTECH", ("severity", "MINOR", "MAJOR", None))) is None
    assert views.reporter_dm(change_of(make_ticket(), "UREP", ("state", "RESOLVED", "OPEN", None))) is None
    internal = change_of(make_ticket(), "UTECH", ("note", None, None, "reporter is grumpy"))
    internal.events[0].internal = True
    assert views.reporter_dm(internal) is None


def test_long_lists_say_which_part_they_show():
    listing = TicketList(tickets=[make_ticket()] * 3, total=45, offset=20)
    message = str(views.ticket_list("The queue", listing, empty="-", tz=TZ, pages={"list": "queue"}))
    assert "21–23 of 45" in message and "ticket_page_previous" in message and "ticket_page_next" in message


# Slack markup, entities and the characters around them, sometimes long enough to need cutting.
hostile_text = (
    st.lists(
        st.sampled_from(
            [
                "<!channel>",
                "<!here>",
                "<@U123>",
                "&amp;",
                "<https://x|y>",
                "<",
                ">",
                "&",
                " ",
                "a",
                "Z",
                "\n",
                "*",
                "|",
                "^",
            ]
        ),
        max_size=60,
    )
    .map("".join)
    .flatmap(lambda text: st.sampled_from([text, text * 60]))
)


def texts(node) -> list[str]:
    """Every string in a Block Kit dict, with the kind of object it belongs to."""
    if isinstance(node, dict):
        return [s for value in node.values() for s in texts(value)]
    if isinstance(node, list):
        return [s for value in node for s in texts(value)]
    return [node] if isinstance(node, str) else []


def text_objects(node, parent: str = "") -> list[tuple[str, str]]:
    """(container, text) of every text object; the container is the type of the
    object holding it, or the field name (``confirm``) for untyped objects."""
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text"):
            found.append((parent, node["text"]))
        for key, value in node.items():
            found += text_objects(value, node.get("type") or key)
    elif isinstance(node, list):
        for value in node:
            found += text_objects(value, parent)
    return found


def assert_safe(message: dict) -> None:
    for text in texts(message):
        leftover = OWN_MARKUP.sub("", text)
        assert "<" not in leftover and ">" not in leftover, leftover[:200]
    for container, text in text_objects(message):
        assert len(text) <= LIMITS.get(container, 3000), (container, len(text))
    assert len(message.get("text", "")) <= 3000


@settings(max_examples=60, deadline=None)
@given(title=hostile_text.map(lambda t: t[:150]), description=hostile_text.map(lambda t: t[:3000]), note=hostile_text)
def test_user_text_is_escaped_and_cut_everywhere_it_is_posted(title, description, note):
    ticket = make_ticket(
        title=title,
        description=description,
        state=TicketState.RESOLVED,
        resolution_note=note,
        assignee="UTECH",
        source_permalink="https://fake.slack.test/archives/C1/p1",
    )
    change = change_of(
        ticket,
        "UTECH",
        ("title", "old " + title, title, None),
        ("state", "OPEN", "RESOLVED", note),
        ("reply", None, None, note),
        ("comment", None, None, note),
    )
    listing = TicketList(tickets=[ticket], total=1)
    config = WorkspaceConfig(
        "T1", "CTRIAGE", None, None, "Europe/London", NOW.time(), *[timedelta(minutes=30)] * 4, DEFAULT_TARGETS
    )
    for message in (
        views.card(ticket, tz=TZ, now=NOW),
        views.detail(TicketDetail(ticket, history=change.events, actions=set(Action)), tz=TZ, now=NOW),
        views.thread_update(change),
        views.reporter_dm(change),
        views.ticket_list(f"Tickets matching “{title}”", listing, empty="-", tz=TZ),
        views.created_notice(views.headline(ticket), "CTRIAGE"),
        views.assignee_comment_dm(change),
        views.emoji_ticket_notice(ticket, "UTECH", None),
        views.emoji_ticket_reply(ticket, "UTECH"),
        home_view(HomeOverview(TECHNICIAN, config, my_open=listing, unassigned=listing, assigned_to_me=listing)),
    ):
        assert_safe(message)
    # Modals hold what the user typed, cut to the inputs' limits (Slack refuses longer initial values).
    modal = ticket_modals.new_ticket_modal(title=description, description=description * 2)
    assert all(
        len(b["element"].get("initial_value", "")) <= b["element"].get("max_length", 3000)
        for b in modal["blocks"]
        if b["type"] == "input"
    )
