"""The one Slack payload reader (handlers/payloads.py): a stale or malformed form gets one answer on
every desk, and ids in buttons are ASCII digits only. Over signed HTTP on both databases, plus the
reader's own rules without HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.errors import DomainError
from bot.services.ids import parse_id
from bot.services.workspace_settings import workspace_config
from db.models import BookingStatus, Customer, Role, Ticket, TicketState
from handlers.payloads import STALE_BUTTON, STALE_FORM, FormState, Metadata, clicked_id
from tests.hire.helpers import (
    add_customer,
    add_vehicle,
    book,
    hours_from_now,
    make_agent,
    opened_modal,
    press,
    stored_bookings,
    wait_for_card,
)
from tests.tickets.helpers import click, grant, latest_view, raise_ticket

ARABIC_INDIC_ONE = "\u0661"  # str.isdigit() says yes and int() reads it as 1


def stale_metadata(key: str) -> list[str]:
    """private_metadata the app never writes, for a modal that must carry an id as ``key``."""
    return [
        "{not json",
        "[1]",
        "{}",
        json.dumps({key: None}),
        json.dumps({key: ARABIC_INDIC_ONE}),
        json.dumps({key: True}),
        json.dumps({key: [1]}),
        json.dumps({key: "1 OR 1=1"}),
    ]


def refusal(live_app, user: str) -> str:
    """The text of the last ephemeral answer sent to ``user`` through a response_url."""
    call = live_app.fake.wait_for("response_url", lambda c: f".{user}." in c.args["key"])[-1]
    return call.args["text"]


# ---- a stale form gets one answer, on every desk ---------------------------------------------


def test_a_stale_ticket_modal_is_answered_and_changes_nothing(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    raised = raise_ticket(live_app)
    click(live_app, raised, "ticket_resolve", "UTECH")
    live_app.fake.wait_for("views.open", lambda c: "Resolve T-1" in json.dumps(c.args["view"]))
    view = latest_view(live_app)
    note = {"note": {"note": {"type": "plain_text_input", "value": "Replaced the toner"}}}
    for metadata in stale_metadata("ticket_id"):
        answer = live_app.slack.view_submission({**view, "private_metadata": metadata}, note, user="UTECH")
        assert answer.json == {"response_action": "errors", "errors": {"note": STALE_FORM}}, metadata
    with live_app.db.transaction() as session:
        ticket = session.get(Ticket, raised.id)
        assert ticket.state is TicketState.OPEN and [e.kind for e in ticket.events] == ["created"]
    # The modal as the app wrote it still works.
    assert live_app.slack.view_submission(view, note, user="UTECH").status == 200
    with live_app.db.transaction() as session:
        assert session.get(Ticket, raised.id).state is TicketState.RESOLVED


def test_a_stale_booking_modal_is_answered_not_with_a_booking_key_error(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    ten = hours_from_now(48)
    book(live_app, ada, car, ten, ten + timedelta(days=1))
    (booking,) = wait_for_card(live_app.db)
    press(live_app, "booking_extend", booking.id, booking.card_ts)
    view = opened_modal(live_app, "booking_extend")
    later = {
        "return_due": {
            "return_due": {"type": "datetimepicker", "selected_date_time": int((ten + timedelta(days=2)).timestamp())}
        }
    }
    for metadata in stale_metadata("booking_id"):
        answer = live_app.slack.view_submission({**view, "private_metadata": metadata}, later, user="UAGENT")
        assert answer.json == {"response_action": "errors", "errors": {"return_due": STALE_FORM}}, metadata
    wrong_type = {"return_due": {"return_due": {"type": "datetimepicker", "selected_date_time": "tomorrow"}}}
    answer = live_app.slack.view_submission(view, wrong_type, user="UAGENT")
    assert answer.json == {"response_action": "errors", "errors": {"return_due": STALE_FORM}}
    (after,) = stored_bookings(live_app.db)
    assert after.return_due_at == ten + timedelta(days=1) and [e.kind for e in after.events] == ["created"]


def test_a_stale_customer_form_is_answered_and_saves_nothing(live_app):
    make_agent(live_app.db)
    ada = add_customer(live_app.db)
    press(live_app, "customer_edit", ada, user="UAGENT", channel="C0GENERAL")
    view = opened_modal(live_app, "customer_form")
    values = {
        "name": {"name": {"type": "plain_text_input", "value": "Ada King"}},
        "licence_number": {"licence_number": {"type": "plain_text_input", "value": "LOVEL815AD9"}},
        "licence_expiry": {"licence_expiry": {"type": "datepicker", "selected_date": "2099-01-01"}},
    }
    for metadata in ["{not json", json.dumps({"customer_id": ARABIC_INDIC_ONE}), json.dumps({"customer_id": "x"})]:
        answer = live_app.slack.view_submission({**view, "private_metadata": metadata}, values, user="UAGENT")
        assert answer.json == {"response_action": "errors", "errors": {"name": STALE_FORM}}, metadata
    for malformed in (
        {"type": "datepicker", "selected_date": 20990101},
        {"type": "datepicker", "selected_date": "someday"},
    ):
        answer = live_app.slack.view_submission(
            view, {**values, "licence_expiry": {"licence_expiry": malformed}}, user="UAGENT"
        )
        assert answer.json == {"response_action": "errors", "errors": {"name": STALE_FORM}}, malformed
    with live_app.db.transaction() as session:
        assert [c.name for c in session.query(Customer)] == ["Ada Lovelace"]


def test_a_stale_settings_modal_is_answered_and_saves_nothing(live_app):
    live_app.slack.command("/hiredesk", "settings", user="UADMIN")
    live_app.fake.wait_for("views.open")
    view = latest_view(live_app)
    values = {
        "triage_channel": {"value": {"type": "conversations_select", "selected_conversation": "CTRIAGE"}},
        "fleet_channel": {"value": {"type": "conversations_select", "selected_conversation": "CFLEET"}},
        "managers_channel": {"value": {"type": "conversations_select", "selected_conversation": None}},
        "timezone": {"value": {"type": "plain_text_input", "value": "America/New_York"}},
        "digest_time": {"value": {"type": "timepicker", "selected_time": "07:45"}},
        "due_soon_minutes": {"value": {"type": "number_input", "value": "90"}},
        "return_grace_minutes": {"value": {"type": "number_input", "value": "30"}},
        "critical_reminder_minutes": {"value": {"type": "number_input", "value": "15"}},
        "critical_escalation_minutes": {"value": {"type": "number_input", "value": "60"}},
    }
    older_modal = {k: v for k, v in values.items() if k != "critical_escalation_minutes"}  # before a setting was added
    wrong_type = {**values, "fleet_channel": {"value": {"type": "conversations_select", "selected_conversation": 42}}}
    for submitted in (older_modal, wrong_type):
        answer = live_app.slack.view_submission(view, submitted, user="UADMIN")
        assert answer.json == {"response_action": "errors", "errors": {"triage_channel": STALE_FORM}}
    with live_app.db.transaction() as session:
        assert workspace_config(session, "T0001", live_app.ctx.settings).timezone == "Europe/London"
    assert live_app.slack.view_submission(view, values, user="UADMIN").json["response_action"] == "update"


# ---- ids in buttons: ASCII digits only --------------------------------------------------------


def test_an_arabic_indic_digit_in_a_ticket_button_is_refused(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    raised = raise_ticket(live_app)
    assert raised.id == 1
    where = {"user": "UTECH", "channel": raised.card_channel, "message_ts": raised.card_ts}
    live_app.slack.block_action(
        {"action_id": "ticket_assign_me", "block_id": f"ticket_actions:{ARABIC_INDIC_ONE}", "value": ARABIC_INDIC_ONE},
        **where,
    )
    assert STALE_BUTTON in refusal(live_app, "UTECH")
    live_app.slack.block_action(
        {
            "action_id": "ticket_severity",
            "block_id": f"ticket_actions:{ARABIC_INDIC_ONE}",
            "selected_option": {"value": "CRITICAL"},
        },
        **where,
    )
    live_app.fake.wait_for("response_url", lambda c: STALE_BUTTON in c.args["text"], count=2)
    with live_app.db.transaction() as session:
        ticket = session.get(Ticket, raised.id)
        assert ticket.assignee_id is None and ticket.severity.value == "MINOR" and len(ticket.events) == 1


def test_an_arabic_indic_digit_in_a_booking_or_record_button_is_refused(live_app):
    make_agent(live_app.db)
    ada, car = add_customer(live_app.db), add_vehicle(live_app.db)
    ten = hours_from_now(48)
    book(live_app, ada, car, ten, ten + timedelta(days=1))
    (booking,) = wait_for_card(live_app.db)
    assert booking.id == ada == 1
    live_app.slack.block_action(
        {"action_id": "booking_cancel", "block_id": "b", "type": "button", "value": ARABIC_INDIC_ONE},
        user="UAGENT",
        channel="CFLEET",
        message_ts=booking.card_ts,
    )
    assert STALE_BUTTON in refusal(live_app, "UAGENT")
    live_app.slack.block_action(
        {"action_id": "customer_remove", "block_id": "b", "type": "button", "value": ARABIC_INDIC_ONE},
        user="UADMIN",
        channel="C0GENERAL",
    )
    assert STALE_BUTTON in refusal(live_app, "UADMIN")
    (after,) = stored_bookings(live_app.db)
    assert after.status is BookingStatus.RESERVED and len(after.events) == 1
    with live_app.db.transaction() as session:
        assert session.query(Customer).count() == 1


def test_ids_are_ascii_digits_of_a_32_bit_id():
    assert parse_id("12") == 12 and parse_id(12) == 12 and parse_id(str(2**31 - 1)) == 2**31 - 1
    for not_an_id in [
        ARABIC_INDIC_ONE,
        "\u00b2",
        "\uff11",
        " 12",
        "12\n",
        "+12",
        "-1",
        "0",
        0,
        "1_000",
        "1e3",
        "",
        None,
        True,
        1.0,
        [1],
        str(2**31),
        2**31,
    ]:
        assert parse_id(not_an_id) is None, repr(not_an_id)


# ---- the reader's rules, without HTTP -----------------------------------------------------------


def test_metadata_reads_what_the_app_wrote_and_refuses_the_rest():
    meta = Metadata(
        {"private_metadata": json.dumps({"ticket_id": 7, "kind": "reply", "from_home": True, "permalink": "https://x"})}
    )
    assert (meta.id("ticket_id"), meta.choice("kind", {"note", "reply"}), meta.flag("from_home")) == (7, "reply", True)
    assert meta.text("permalink") == "https://x" and meta.optional_id("other") is None and not meta.flag("other")
    assert Metadata({}).optional_id("ticket_id") is None  # a new-ticket form carries no id
    refusals = [
        lambda: meta.choice("kind", {"note"}),
        lambda: meta.id("other"),
        lambda: Metadata({"private_metadata": json.dumps({"from_home": "yes"})}).flag("from_home"),
        lambda: Metadata({"private_metadata": json.dumps({"permalink": 5})}).text("permalink"),
        lambda: Metadata({"private_metadata": 5}),
    ]
    for refused in refusals:
        with pytest.raises(DomainError, match=STALE_FORM):
            refused()


def test_form_state_reads_each_element_and_refuses_malformed_state():
    state = FormState(
        {
            "state": {
                "values": {
                    "name": {"a": {"type": "plain_text_input", "value": "Ada"}},
                    "empty": {"a": {"type": "plain_text_input", "value": None}},
                    "pick": {
                        "a": {
                            "type": "static_select",
                            "selected_option": {"text": {"type": "plain_text", "text": "X"}, "value": "x"},
                        }
                    },
                    "who": {"a": {"type": "users_select", "selected_user": "U1"}},
                    "when": {"a": {"type": "datetimepicker", "selected_date_time": 1_800_000_000}},
                    "day": {"a": {"type": "datepicker", "selected_date": "2030-01-31"}},
                    "ok": {"a": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}},
                }
            }
        }
    )
    assert (state.text("name"), state.text("empty"), state.text("absent"), state.selected("pick")) == (
        "Ada",
        "",
        "",
        "x",
    )
    assert state.user("who") == "U1" and state.moment("when").timestamp() == 1_800_000_000
    assert state.day("day").isoformat() == "2030-01-31" and state.checked("ok") and not state.checked("absent")
    for view in [{}, {"state": []}, {"state": {"values": {"b": []}}}, {"state": {"values": {"b": {"a": "x"}}}}]:
        with pytest.raises(DomainError, match=STALE_FORM):
            FormState(view)
    malformed = FormState(
        {"state": {"values": {"b": {"a": {"value": 5, "selected_option": "x", "selected_date_time": True}}}}}
    )
    for read in (malformed.text, malformed.selected, malformed.moment):
        with pytest.raises(DomainError, match=STALE_FORM):
            read("b")


def test_a_click_names_its_record_by_value_or_by_block_id():
    assert clicked_id({"value": "12"}) == 12
    assert clicked_id({"block_id": "ticket_actions:12", "selected_option": {"value": "MAJOR"}}) == 12
    for action in [{"value": ARABIC_INDIC_ONE}, {"block_id": "ticket_actions:"}, {"value": ""}, {}]:
        with pytest.raises(DomainError, match=STALE_BUTTON):
            clicked_id(action)
