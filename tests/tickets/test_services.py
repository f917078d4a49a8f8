"""The help-desk rules, called directly (no Slack), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from bot.errors import DomainError, FormErrors, NotFound, PermissionDenied
from bot.services import roles as role_service
from bot.services.actors import load_actor
from bot.services.tickets import forms, lifecycle, queries
from db.models import Role, Severity, TicketState

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def desk(database):
    """A workspace with a reporter, two technicians and an admin; ``desk.actor(user)`` loads one."""
    with database.transaction() as session:
        admin = load_actor(session, "T1", "UADMIN", ["UADMIN"])
        role_service.grant(session, admin, "UTECH", Role.TECHNICIAN)
        role_service.grant(session, admin, "UTECH2", Role.TECHNICIAN)

    class Desk:
        db = database

        @staticmethod
        def actor(session, user, team="T1"):
            return load_actor(session, team, user, ["UADMIN"])

        @staticmethod
        def raise_ticket(title="Printer jammed", severity="MINOR", user="UEMPLOYEE", description=""):
            with database.transaction() as session:
                form = forms.parse_ticket_form(title, description, "hardware", severity)
                return lifecycle.create(session, Desk.actor(session, user), form).ticket.id

        @staticmethod
        def do(user, change, *args):
            with database.transaction() as session:
                return change(session, Desk.actor(session, user), *args)

    return Desk


def test_state_machine_times_and_history(desk):
    with freeze_time(T0):
        ticket_id = desk.raise_ticket()
    with freeze_time(T0 + timedelta(minutes=5)):
        started = desk.do("UTECH", lifecycle.start, ticket_id)
    assert started.ticket.assignee_id == "UTECH" and started.kinds == {"assigned", "state"}
    with freeze_time(T0 + timedelta(hours=2)):
        resolved = desk.do("UTECH", lifecycle.resolve, ticket_id, "New toner").ticket
    assert resolved.state is TicketState.RESOLVED and resolved.resolved_at == T0 + timedelta(hours=2)
    with pytest.raises(DomainError, match="is resolved: reopen it first"):
        desk.do("UTECH", lifecycle.set_severity, ticket_id, Severity.CRITICAL)
    with freeze_time(T0 + timedelta(hours=3)):
        reopened = desk.do("UEMPLOYEE", lifecycle.reopen, ticket_id)
    assert not reopened.notify_reporter  # the reporter reopened it themselves
    with desk.db.transaction() as session:
        detail = queries.get(session, desk.actor(session, "UEMPLOYEE"), 1)
        history = [(e.kind, e.old_value, e.new_value, e.at) for e in detail.history]
        assert detail.ticket.resolved_at is None and detail.ticket.updated_at == T0 + timedelta(hours=3)
    assert history == [
        ("created", None, "T-1", T0),
        ("assigned", None, "UTECH", T0 + timedelta(minutes=5)),
        ("state", "OPEN", "IN_PROGRESS", T0 + timedelta(minutes=5)),
        ("state", "IN_PROGRESS", "RESOLVED", T0 + timedelta(hours=2)),
        ("state", "RESOLVED", "OPEN", T0 + timedelta(hours=3)),
    ]


def test_assignment_is_for_technicians_only(desk):
    ticket_id = desk.raise_ticket()
    with pytest.raises(DomainError, match="not a technician"):
        desk.do("UTECH", lifecycle.assign, ticket_id, "UAGENT")
    change = desk.do("UTECH", lifecycle.assign, ticket_id, "UTECH2")
    assert change.ticket.assignee_id == "UTECH2" and change.notify_reporter
    with pytest.raises(DomainError, match="already assigned to <@UTECH2>"):
        desk.do("UTECH", lifecycle.assign_to_me, ticket_id)
    reassigned = desk.do("UADMIN", lifecycle.assign, ticket_id, "UTECH")
    assert (reassigned.events[0].old_value, reassigned.events[0].new_value) == ("UTECH2", "UTECH")


def test_refusals_change_nothing_and_other_workspaces_see_nothing(desk):
    ticket_id = desk.raise_ticket()
    with pytest.raises(PermissionDenied, match=re.escape("Only technicians or admins can resolve tickets.")):
        desk.do("UEMPLOYEE", lifecycle.resolve, ticket_id, "fixed myself")
    with pytest.raises(PermissionDenied, match=re.escape("Only admins can delete tickets.")):
        desk.do("UTECH", lifecycle.delete, ticket_id)
    with pytest.raises(NotFound), desk.db.transaction() as session:
        lifecycle.delete(session, load_actor(session, "T2", "UADMIN", ["UADMIN"]), ticket_id)
    with desk.db.transaction() as session:
        detail = queries.get(session, desk.actor(session, "UTECH"), 1)
        assert len(detail.history) == 1 and detail.ticket.deleted_at is None


def test_queue_order_search_and_soft_delete(desk):
    with freeze_time(T0):
        old_minor = desk.raise_ticket("Old minor")
    with freeze_time(T0 + timedelta(hours=1)):
        critical = desk.raise_ticket("Mail is down", "CRITICAL", description="100% of users")
        assigned = desk.raise_ticket("Assigned major", "MAJOR")
        deleted = desk.raise_ticket("Spam ticket", "CRITICAL")
        desk.raise_ticket("Another minor")
    desk.do("UTECH", lifecycle.assign_to_me, assigned)
    desk.do("UADMIN", lifecycle.delete, deleted)
    with desk.db.transaction() as session:
        tech = desk.actor(session, "UTECH")
        queue = queries.queue(session, tech)
        assert [t.title for t in queue.tickets] == ["Mail is down", "Old minor", "Another minor", "Assigned major"]
        assert queue.total == 4
        assert [t.id for t in queries.search(session, tech, "100%").tickets] == [critical]
        assert queries.search(session, tech, "50%").tickets == []  # % is a character, not a wildcard
        assert [t.id for t in queries.search(session, tech, "OLD minor").tickets] == [old_minor]
        assert queries.search(session, desk.actor(session, "UAGENT"), "mail").tickets == []
        with pytest.raises(PermissionDenied, match="Only technicians, managers or admins can see the ticket queue"):
            queries.queue(session, desk.actor(session, "UEMPLOYEE"))
        with pytest.raises(NotFound, match="T-4 was deleted"):
            queries.get(session, tech, 4)
        assert queries.get(session, desk.actor(session, "UADMIN"), 4).ticket.deleted_by == "UADMIN"


def test_internal_notes_are_for_technicians_and_managers(desk):
    ticket_id = desk.raise_ticket()
    note = desk.do("UTECH", lifecycle.add_note, ticket_id, "Probably the fuser")
    assert note.events[0].internal and not note.notify_reporter
    comment = desk.do("UEMPLOYEE", lifecycle.reply, ticket_id, "It smells burnt")
    assert comment.events[0].kind == "comment" and not comment.notify_reporter
    with desk.db.transaction() as session:
        seen_by = {
            user: [e.kind for e in queries.get(session, desk.actor(session, user), 1).history]
            for user in ("UEMPLOYEE", "UTECH", "UADMIN")
        }
    assert seen_by["UEMPLOYEE"] == ["created", "comment"]
    assert seen_by["UTECH"] == seen_by["UADMIN"] == ["created", "note", "comment"]


@pytest.mark.parametrize("text, number", [("T-42", 42), ("t42", 42), ("42", 42), ("T-", None), ("printer", None)])
def test_ticket_keys(text, number):
    assert forms.parse_key(text) == number


def test_form_checks_every_field_at_once():
    with pytest.raises(FormErrors) as error:
        forms.parse_ticket_form("", "d" * 3001, "coffee", "URGENT")
    assert set(error.value.errors) == {"title", "description", "category", "severity"}
    form = forms.parse_ticket_form("  Printer \n  jammed ", " x ", "Hardware", None)
    assert (form.title, form.description, form.severity) == ("Printer jammed", "x", Severity.MINOR)


@pytest.mark.parametrize("value", ["\u0661", "\u00b2", " 1", "1.0", "", None, True, "T-1"])
def test_ticket_ids_from_payloads_are_ascii_digits_only(value):
    assert forms.parse_id("1") == forms.parse_id(1) == 1
    with pytest.raises(DomainError, match="no longer points at a ticket"):
        forms.parse_id(value)


def test_concurrent_new_tickets_get_unique_increasing_numbers(desk):
    """Eight reporters at once (the counter is taken in a transaction of its own on PostgreSQL):
    every ticket gets its own number, and a failed request leaves only a gap."""
    import threading

    from sqlalchemy import select

    from db.models import Ticket

    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def raise_one(i: int) -> None:
        start.wait()
        try:
            desk.raise_ticket(title=f"Ticket {i}", user=f"UREP{i}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=raise_one, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    # A failed request after its number was taken: a gap, no reuse.
    with pytest.raises(RuntimeError), desk.db.transaction() as session:
        lifecycle.create(session, desk.actor(session, "UREP"), forms.parse_ticket_form("x", "", "other", "MINOR"))
        raise RuntimeError
    desk.raise_ticket(title="After the failure")
    with desk.db.transaction(readonly=True) as session:
        numbers = list(session.scalars(select(Ticket.number).order_by(Ticket.id)))
    assert sorted(numbers[:8]) == list(range(1, 9))
    assert numbers[8] == (10 if desk.db.dialect == "postgresql" else 9)  # PostgreSQL: 9 was burnt
