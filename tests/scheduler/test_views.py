"""Reminder and digest messages, by structure (no database)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.services.digest import Digest, TargetShare
from bot.services.reminders.claims import Reminder
from bot.services.reminders.snapshots import BookingLine, TicketLine
from bot.services.tickets.critical import StaleTicket
from bot.services.tickets.csat import CsatSummary
from bot.views.digest import digest_message
from bot.views.reminders.messages import reminder_message
from bot.views.when import duration
from db.models import BookingStatus, Severity, TicketState

from .factories import utc

DUE = utc(2026, 11, 25, 16)


def booking_reminder(i: int, kind: str = "due-soon", customer: str = "Jane Doe") -> Reminder:
    line = BookingLine(
        id=i,
        key=f"B-{i}",
        customer=customer,
        vehicle="AB12CDE Ford Focus",
        pickup_at=DUE - timedelta(days=1),
        return_due_at=DUE,
        status=BookingStatus.ACTIVE,
    )
    return Reminder(
        team_id="T1",
        job="due-returns",
        subject=f"booking:{i}",
        slot="s",
        kind=kind,
        channel="CFLEET",
        item=line,
        timezone="Europe/London",
    )


def ticket_reminder(kind: str, notify=("UTECH",), assignee=None, thread_ts="1.2") -> Reminder:
    line = TicketLine(
        id=7,
        key="T-7",
        title="Mail <!channel> down",
        severity=Severity.CRITICAL,
        state=TicketState.OPEN,
        assignee_id=assignee,
        created_at=DUE,
        updated_at=DUE,
        card_channel="CTRIAGE",
        card_ts=thread_ts,
    )
    return Reminder(
        team_id="T1",
        job="critical-tickets",
        subject="ticket:7",
        slot="s",
        kind=kind,
        channel="CTRIAGE",
        thread_ts=thread_ts,
        item=StaleTicket(line, timedelta(minutes=95), notify),
        timezone="Europe/London",
    )


@pytest.mark.parametrize("count", [1, 10, 11, 500])
def test_busy_days_stay_within_block_kit_limits(count):
    reminders = [booking_reminder(i, "today") for i in range(count)] + [
        booking_reminder(i, "due-soon") for i in range(count)
    ]
    message = reminder_message(reminders)
    assert len(message["blocks"]) <= 50
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    listed = min(count, 10)
    assert len(buttons) == 2 * 2 * listed
    assert {(b["action_id"], b["text"]["text"]) for b in buttons} == {
        ("booking_returned", "Returned"),
        ("booking_extend", "Extend"),
    }
    more = [b for b in message["blocks"] if b["type"] == "context"]
    assert len(more) == (2 if count > 10 else 0)
    if more:
        assert more[0]["elements"][0]["text"].startswith(f"…and {count - 10} more.")


def test_user_text_is_escaped_and_cut():
    message = reminder_message([booking_reminder(1, customer="<!channel> " + "x" * 5000)])
    text = str(message["blocks"])
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"] if b["type"] == "section")
    # Each reader sees their own time; the fallback is the workspace's (London is on UTC in November).
    assert "due back <!date^" in text and ", 16:00>" in text


def test_critical_reminder_in_a_thread_mentions_who_should_act():
    message = reminder_message([ticket_reminder("critical", notify=("UTECH", "UTECH2"))])
    assert message["text"].startswith(":rotating_light: <@UTECH> <@UTECH2> *T-7* Mail &lt;!channel&gt; down")
    assert "unassigned for 1 h 35 min" in message["text"]
    assert message["blocks"][-1]["elements"][0]["action_id"] == "ticket_assign_me"
    nobody = reminder_message([ticket_reminder("critical", notify=())])
    assert "Nobody has the technician role yet" in nobody["text"]


def test_escalation_names_the_assignee():
    message = reminder_message([ticket_reminder("escalation", assignee="UTECH", thread_ts=None)])
    assert message["text"] == ":sos: *Escalated: 1 critical ticket without progress*"
    assert "assigned to <@UTECH>, no update for 1 h 35 min" in str(message["blocks"])


def test_digest_numbers_first_and_names_the_oldest_and_overdue():
    ticket = TicketLine(
        id=1,
        key="T-1",
        title="Old",
        severity=Severity.MAJOR,
        state=TicketState.OPEN,
        assignee_id=None,
        created_at=DUE,
        updated_at=DUE,
        card_channel=None,
        card_ts=None,
    )
    booking = booking_reminder(3).item
    digest = Digest(
        weekly=True,
        day=DUE.date(),
        timezone="Europe/London",
        since=DUE - timedelta(days=7),
        until=DUE,
        tickets_opened=4,
        tickets_resolved=2,
        open_by_severity={Severity.CRITICAL: 1, Severity.MAJOR: 2, Severity.MINOR: 0},
        oldest_open=[ticket],
        mean_time_to_resolve=timedelta(hours=5, minutes=30),
        sla_response=TargetShare(met=3, decided=4),
        sla_resolution=TargetShare(met=0, decided=0),
        csat=CsatSummary(count=3, average=4.0),
        pickups_today=3,
        returns_today=2,
        overdue_count=9,
        overdue=[booking],
        vehicles_on_hire=3,
        fleet_size=4,
        revenue_week=Decimal("1234.5"),
    )
    message = digest_message(digest)
    blocks = message["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Weekly digest — Wed 25 Nov 2026", "emoji": True},
    }
    fields = [field["text"] for block in blocks if "fields" in block for field in block["fields"]]
    assert "*Mean time to resolve*\n5 h 30 min" in fields and "*Fleet utilisation*\n75% (3 of 4 on hire)" in fields
    assert "*Revenue, last 7 days*\n1,234.50" in fields
    assert "*First response on time*\n75% (3 of 4)" in fields and "*Resolved on time*\n— (none due)" in fields
    assert "*Satisfaction*\n4.0/5 (3 ratings)" in fields
    text = str(blocks)
    assert "*T-1* Old" in text and "*B-3*" in text and "…and 8 more" in text


@pytest.mark.parametrize(
    "minutes, text",
    [(0, "0 min"), (45, "45 min"), (90, "1 h 30 min"), (120, "2 h"), (60 * 24, "1 day"), (60 * 51, "2 days 3 h")],
)
def test_durations_read_naturally(minutes, text):
    assert duration(timedelta(minutes=minutes)) == text
