"""``/ticket export`` and ``/booking export`` (PRODUCT.md §3, §4): over signed HTTP, on both databases,
against the fake Slack's file upload (files.getUploadURLExternal → upload URL → completeUploadExternal)."""

from __future__ import annotations

import csv
import io
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select

from bot.services import export
from bot.services.clock import utcnow
from bot.services.hire.export import DESK as BOOKINGS
from bot.services.tickets.export import DESK as TICKETS
from bot.services.tickets.sla import DEFAULT_TARGETS
from bot.services.workspaces import ensure_workspace
from db.models import (
    Booking,
    BookingStatus,
    Category,
    Customer,
    Delivery,
    DeliveryStatus,
    Role,
    Severity,
    Ticket,
    TicketState,
    Vehicle,
    VehicleCategory,
    VehicleStatus,
)
from db.session import Database
from fakeslack import FakeSlack
from tests.outbox.test_guarantees import settle_hurrying
from tests.tickets.helpers import grant

TEAM, OTHER_TEAM = "T0001", "T0002"
LONDON = ZoneInfo("Europe/London")
OCTOBER = datetime(2026, 10, 1, tzinfo=UTC)
MANY = 10_000
FORMULA = '=HYPERLINK("http://x")'


# --- building rows fast ------------------------------------------------------------------------


def add_tickets(db: Database, team: str, count: int, *, first_number: int = 1, title: str = "Printer jammed") -> None:
    """``count`` tickets raised through October 2026 (London: BST, then GMT from the 25th)."""
    step = timedelta(days=30) / count
    with db.transaction() as session:
        ensure_workspace(session, team)
        rows = []
        for i in range(count):
            created = OCTOBER + timedelta(hours=1) + step * i
            resolved = i % 2 == 0
            rows.append(
                {
                    "team_id": team,
                    "number": first_number + i,
                    "title": f"{title} {i}",
                    "description": "",
                    "category": Category.HARDWARE,
                    "severity": Severity.MINOR,
                    "state": TicketState.RESOLVED if resolved else TicketState.OPEN,
                    "reporter_id": "UEMPLOYEE",
                    "assignee_id": "UTECH" if resolved else None,
                    "created_at": created,
                    "updated_at": created,
                    "first_response_at": created + timedelta(minutes=30) if resolved else None,
                    "resolved_at": created + timedelta(hours=2) if resolved else None,
                    "paused_seconds": 0,
                }
            )
        session.execute(insert(Ticket), rows)


def add_bookings(db: Database, team: str, count: int, *, name: str = "Ada Lovelace") -> None:
    """``count`` returned bookings picked up through October 2026, one customer, one car."""
    step = timedelta(days=30) / count
    with db.transaction() as session:
        ensure_workspace(session, team)
        customer = Customer(
            team_id=team, name=name, licence_number=f"LIC{team}", licence_expiry=date(2030, 1, 1),
            created_at=OCTOBER, created_by="UAGENT",
        )  # fmt: skip
        vehicle = Vehicle(
            team_id=team, registration=f"AB12{team}", make="Toyota", model="Yaris", category=VehicleCategory.ECONOMY,
            seats=5, daily_rate=Decimal("40.00"), status=VehicleStatus.AVAILABLE, created_at=OCTOBER,
        )  # fmt: skip
        session.add_all([customer, vehicle])
        session.flush()
        rows = []
        for i in range(count):
            pickup = OCTOBER + timedelta(hours=1) + step * i
            rows.append(
                {
                    "team_id": team,
                    "number": i + 1,
                    "customer_id": customer.id,
                    "vehicle_id": vehicle.id,
                    "pickup_at": pickup,
                    "return_due_at": pickup + timedelta(days=1),
                    "status": BookingStatus.RETURNED,
                    "quoted_price": Decimal("40.00"),
                    "picked_up_at": pickup,
                    "returned_at": pickup + timedelta(days=2),
                    "late_fee": Decimal("40.00"),
                    "refuel_charge": Decimal("12.50") if i % 2 else None,
                    "created_by": "UAGENT",
                    "created_at": OCTOBER,
                    "updated_at": OCTOBER,
                }
            )
        session.execute(insert(Booking), rows)


# --- reading what arrived ---------------------------------------------------------------------


def the_file(fake: FakeSlack, user: str) -> list[list[str]]:
    """The one CSV shared in ``user``'s DM, read as a spreadsheet would."""
    (shared,) = fake.shared_files(fake.dm_channel(user))
    (message,) = [m for m in fake.channel_messages(fake.dm_channel(user)) if m.files]
    assert [f["id"] for f in message.files] == [shared.id]
    data = fake.uploaded(shared.id)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with its byte-order mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export_command(live_app, command: str, text: str, user: str) -> str:
    response = live_app.slack.command(command, text, user=user)
    assert response.status == 200, response.body
    assert response.json["response_type"] == "ephemeral"
    return response.json["text"]


# --- the big exports ---------------------------------------------------------------------------


def exported(live_app, command: str, user: str, answered: str) -> list[list[str]]:
    """Export October 2026: the answer, then the file in the DM, within a minute."""
    started = time.monotonic()
    assert answered in export_command(live_app, command, "export 2026-10-01 2026-10-31", user)
    live_app.settle(timeout=120)
    assert time.monotonic() - started < 60
    return the_file(live_app.fake, user)


def test_ten_thousand_tickets_arrive_as_one_csv_in_the_dm(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    add_tickets(live_app.db, TEAM, MANY)
    add_tickets(live_app.db, OTHER_TEAM, 5, title="Another workspace's secret")
    with live_app.db.transaction() as session:  # the edges of the range, in London time
        session.execute(
            insert(Ticket),
            [
                _ticket(MANY + 1, datetime(2026, 9, 30, 23, 30, tzinfo=UTC), FORMULA),  # 1 Oct 00:30 BST
                _ticket(MANY + 2, datetime(2026, 10, 31, 23, 59, tzinfo=UTC), "@SUM(A1)"),  # 31 Oct 23:59 GMT
                _ticket(MANY + 3, datetime(2026, 11, 1, 0, 0, tzinfo=UTC), "November"),  # outside
                _ticket(MANY + 4, datetime(2026, 9, 30, 22, 59, tzinfo=UTC), "September"),  # 30 Sep 23:59 BST
            ],
        )

    rows = exported(live_app, "/ticket", "UTECH", "Preparing your tickets export (2026-10-01 to 2026-10-31)")
    assert rows[0] == list(TICKETS.header)
    body = {row[0]: row for row in rows[1:]}
    assert len(rows) == 1 + MANY + 2 and len(body) == MANY + 2
    assert body["T-1"] == [
        "T-1", "Printer jammed 0", "hardware", "MINOR", "RESOLVED", "UEMPLOYEE", "UTECH",
        "2026-10-01T02:00:00+01:00", "2026-10-01T02:30:00+01:00", "2026-10-01T04:00:00+01:00", "yes", "yes", "",
    ]  # fmt: skip
    assert body["T-2"][4:7] == ["OPEN", "UEMPLOYEE", ""] and body["T-2"][8:12] == ["", "", "no", "no"]
    assert body[f"T-{MANY + 1}"][1] == "'" + FORMULA
    assert body[f"T-{MANY + 1}"][7] == "2026-10-01T00:30:00+01:00"
    assert body[f"T-{MANY + 2}"][1] == "'@SUM(A1)" and body[f"T-{MANY + 2}"][7] == "2026-10-31T23:59:00+00:00"
    assert not any("secret" in cell or "November" in cell or "September" in cell for row in rows for cell in row)
    (message,) = [m for m in live_app.fake.channel_messages("DUTECH") if m.files]
    assert f"{MANY + 2} rows" in message.text and "Europe/London" in message.text
    (completed,) = live_app.fake.calls_to("files.completeUploadExternal")
    assert completed.args["channel_id"] == "DUTECH"


def _ticket(number: int, created: datetime, title: str) -> dict:
    return {
        "team_id": TEAM, "number": number, "title": title, "description": "", "category": Category.OTHER,
        "severity": Severity.MAJOR, "state": TicketState.OPEN, "reporter_id": "UEMPLOYEE", "created_at": created,
        "updated_at": created, "paused_seconds": 0,
    }  # fmt: skip


def test_ten_thousand_bookings_arrive_as_one_csv_in_the_dm(live_app):
    grant(live_app, "UAGENT", Role.AGENT)
    add_bookings(live_app.db, TEAM, MANY, name="-2+3 Ltd")
    add_bookings(live_app.db, OTHER_TEAM, 5, name="Another workspace's customer")

    rows = exported(live_app, "/booking", "UAGENT", "Preparing your bookings export")
    assert rows[0] == list(BOOKINGS.header)
    assert len(rows) == 1 + MANY
    assert rows[1] == [
        "B-1", "'-2+3 Ltd", "AB12T0001", "2026-10-01T02:00:00+01:00", "2026-10-02T02:00:00+01:00",
        "2026-10-01T02:00:00+01:00", "2026-10-03T02:00:00+01:00", "RETURNED", "40.00", "40.00", "",
    ]  # fmt: skip
    assert rows[2][-1] == "12.50"
    assert not any("Another workspace" in cell for row in rows for cell in row)


SLA_OPTIONS = {
    "sla": {
        s.value: [t.response // timedelta(minutes=1), t.resolution // timedelta(minutes=1)]
        for s, t in DEFAULT_TARGETS.items()
    }
}


@pytest.mark.parametrize(
    ("desk", "add", "options"), [(TICKETS, add_tickets, SLA_OPTIONS), (BOOKINGS, add_bookings, {})]
)
def test_ten_thousand_rows_are_written_in_little_memory(database, desk, add, options):
    """Constant memory: rows are read a batch at a time and written to the file as they come, so
    10,000 take a few MB (all of them at once would take about five times as much)."""
    add(database, TEAM, MANY)
    with tempfile.TemporaryFile() as out, database.transaction(readonly=True) as session:
        tracemalloc.start()
        try:
            count = export.write_csv(
                out, desk.header, desk.rows(session, export.Query(TEAM, None, None, LONDON, options))
            )
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert count == MANY and out.tell() > 100 * MANY
        assert len(session.identity_map) <= export.BATCH
    assert peak < 8_000_000, f"{peak / 1e6:.1f} MB"


# --- who may, and what they may ask ------------------------------------------------------------


@pytest.mark.parametrize(("command", "role"), [("/ticket", "tickets"), ("/booking", "bookings")])
def test_an_employee_is_refused_and_slack_is_not_called(live_app, command, role):
    before = len(live_app.fake.calls)
    answer = export_command(live_app, command, "export", "UEMPLOYEE")
    assert f"can export {role}" in answer
    live_app.settle()
    # Bolt asks auth.test who the token is; nothing else is called
    assert [c.method for c in live_app.fake.calls[before:] if c.method != "auth.test"] == []
    with live_app.db.transaction(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_agents_cannot_export_tickets_nor_technicians_bookings(live_app):
    grant(live_app, "UAGENT", Role.AGENT)
    grant(live_app, "UTECH", Role.TECHNICIAN)
    assert "Only technicians, managers or admins can export tickets" in export_command(
        live_app, "/ticket", "export", "UAGENT"
    )
    assert "Only agents, managers or admins can export bookings" in export_command(
        live_app, "/booking", "export", "UTECH"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("export 2026-13-01", "is not a date"),
        ("export 1/10/2026", "is not a date"),
        ("export 2026-10-31 2026-10-01", "ends (2026-10-01) before it starts (2026-10-31)"),
        ("export 2026-10-01 2026-10-02 2026-10-03", "Too many words"),
        ("export 9999-12-31", "“9999-12-31” is out of range"),  # no next day: the export never came
        ("export 0001-01-01 2026-10-01", "“0001-01-01” is out of range"),  # before year 1 in UTC east of it
        ("export <!channel>", "That is not a date"),  # user text is not echoed into Slack's markup
        (
            "export \u0662\u0660\u0662\u0666-\u0661\u0660-\u0660\u0661",
            "is not a date",
        ),  # Arabic-Indic digits: date.fromisoformat would take them
    ],
)
def test_a_bad_range_is_an_ephemeral_error_and_nothing_is_queued(live_app, text, problem):
    answer = export_command(live_app, "/ticket", text, "UADMIN")
    assert problem in answer
    with live_app.db.transaction(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_an_empty_range_still_sends_the_header(live_app):
    export_command(live_app, "/booking", "export 2020-01-01", "UADMIN")
    live_app.settle()
    assert the_file(live_app.fake, "UADMIN") == [list(BOOKINGS.header)]
    (message,) = [m for m in live_app.fake.channel_messages("DUADMIN") if m.files]
    assert "nothing in that range" in message.text


# --- Slack misbehaving: the file arrives once --------------------------------------------------

FAULTS: dict[str, Callable[[FakeSlack], None]] = {
    "share's answer lost": lambda fake: fake.accept_then_drop("files.completeUploadExternal", mode="reset"),
    "share times out": lambda fake: fake.accept_then_drop("files.completeUploadExternal", mode="hang", seconds=12),
    "share 500": lambda fake: fake.fail("files.completeUploadExternal", "internal_error", status=500),
    "upload URL 503": lambda fake: fake.fail("files.getUploadURLExternal", "service_unavailable", status=503),
    "bytes refused (500)": lambda fake: fake.fail("files.upload", "internal_error", status=500, times=2),
    "rate limited": lambda fake: fake.rate_limit("files.completeUploadExternal", retry_after=1),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_whatever_slack_does_the_file_arrives_exactly_once(live_app, fault):
    add_tickets(live_app.db, TEAM, 30)
    FAULTS[fault](live_app.fake)
    export_command(live_app, "/ticket", "export 2026-10-01 2026-10-31", "UADMIN")
    settle_hurrying(live_app, timeout=60)

    rows = the_file(live_app.fake, "UADMIN")  # exactly one file shared, in one message
    assert len(rows) == 31
    with live_app.db.transaction(readonly=True) as session:
        (delivery,) = session.scalars(select(Delivery)).all()
        assert delivery.status is DeliveryStatus.POSTED and delivery.attempts >= 2
        assert delivery.posted_channel == "DUADMIN"
    if "share's answer" in fault or "times out" in fault:  # shared, unheard: found in the DM, not shared again
        (share,) = live_app.fake.calls_to("files.completeUploadExternal")
        assert share.dropped and live_app.fake.calls_to("conversations.history")


def test_a_share_slack_refuses_for_good_is_told_once(live_app):
    live_app.fake.fail("files.completeUploadExternal", "invalid_channel")
    export_command(live_app, "/ticket", "export", "UADMIN")
    settle_hurrying(live_app)
    assert live_app.fake.shared_files() == []
    (notice,) = live_app.fake.channel_messages("DUADMIN")
    assert "export" in notice.text
    with live_app.db.transaction(readonly=True) as session:
        statuses = sorted(s.value for s in session.scalars(select(Delivery.status)))
    assert statuses == ["failed", "posted"]


# --- the pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-5", "'-5"), ("@me", "'@me"), ("\tx", "'\tx"), ("\rx", "'\rx"),
        ("plain", "plain"), ("a=b", "a=b"), (None, ""), (Decimal("1.50"), "1.50"),
    ],
)  # fmt: skip
def test_cells_are_safe_in_a_spreadsheet(value, cell):
    assert export.safe_cell(value) == cell


def test_ranges_are_local_days_both_ends_included():
    today = date(2026, 11, 29)
    assert export.parse_range("", today) == export.DateRange()
    assert export.parse_range("2026-11-01", today) == export.DateRange(date(2026, 11, 1), today)
    assert export.parse_range("2026-12-05", today) == export.DateRange(date(2026, 12, 5), date(2026, 12, 5))
    start, end = export.DateRange(date(2026, 10, 1), date(2026, 10, 31)).bounds(LONDON)
    assert start == datetime(2026, 9, 30, 23, 0, tzinfo=UTC) and end == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    assert export.local_iso(utcnow().replace(month=7, day=1, hour=12, minute=0, second=0), LONDON).endswith("+01:00")
