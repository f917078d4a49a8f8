"""A workspace with one of everything, for the fault suite: people in every role, a ticket (open and
resolved), a customer, two vehicles, a reserved and an active booking — and the same in a second
workspace, whose ids are "foreign" to the first. Made through the services (setup, not the thing
tested); what is tested goes over signed HTTP.

Also what the fault tests share about the fake Slack: the whole database as a snapshot, a modal's
state filled in from its blocks, the Web API calls made since a point."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.services import roles as role_service
from bot.services.actors import load_actor
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import NewBooking
from bot.services.tickets import forms, lifecycle
from db.models import Base, Role
from tests.harness.live_app import settings_for_tests
from tests.hire.helpers import add_customer, add_vehicle

FOREIGN_TEAM = "T0FOREIGN"
# Who plays each part: "reporter" raised the tickets (an employee); "employee" is another employee.
PEOPLE = {
    "employee": "UOTHER",
    "reporter": "UEMPLOYEE",
    "technician": "UTECH",
    "agent": "UAGENT",
    "manager": "UMANAGER",
    "admin": "UADMIN",
}
GRANTS = {"technician": Role.TECHNICIAN, "agent": Role.AGENT, "manager": Role.MANAGER}


@dataclass
class Records:
    """The ids of one workspace's records."""

    ticket: int = 0
    resolved_ticket: int = 0
    customer: int = 0
    vehicle: int = 0
    spare_vehicle: int = 0
    reserved: int = 0
    active: int = 0
    registration: str = ""


def furnish(live_app) -> tuple[Records, Records]:
    """Roles granted in the served workspace; records in it and in a foreign one."""
    db, team = live_app.db, live_app.slack.team_id
    live_app.fake.add_user(PEOPLE["employee"])
    with db.transaction() as session:
        admin = load_actor(session, team, "UADMIN", ["UADMIN"])
        for part, role in GRANTS.items():
            role_service.grant(session, admin, PEOPLE[part], role)
    return _records(live_app, team, "AB12CDE"), _records(live_app, FOREIGN_TEAM, "FO12RGN")


def _records(live_app, team: str, registration: str) -> Records:
    db, settings = live_app.db, settings_for_tests(live_app.ctx.settings.database_url, live_app.fake)
    records = Records(registration=registration)
    with db.transaction() as session:
        reporter = load_actor(session, team, PEOPLE["reporter"])
        admin = load_actor(session, team, "UADMIN", ["UADMIN"])
        form = forms.parse_ticket_form("Monitor flickers", "Since Monday", "hardware", "MINOR")
        records.ticket = lifecycle.create(session, reporter, form).ticket.id
        records.resolved_ticket = lifecycle.create(session, reporter, form).ticket.id
        lifecycle.resolve(session, admin, records.resolved_ticket, "Cable replaced")
    records.customer = add_customer(db, team=team, licence_expiry=date.today() + timedelta(days=900))
    records.vehicle = add_vehicle(db, team=team, registration=registration)
    records.spare_vehicle = add_vehicle(db, team=team, registration=registration[:-1] + "Z")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with db.transaction() as session:
        admin = load_actor(session, team, "UADMIN", ["UADMIN"])

        def book(vehicle: int, pickup: datetime) -> int:
            form = NewBooking(records.customer, vehicle, pickup, pickup + timedelta(days=2))
            return booking_service.create_booking(session, admin, form, settings).id

        records.reserved = book(records.vehicle, now + timedelta(hours=2))
        records.active = book(records.spare_vehicle, now + timedelta(minutes=5))
        booking_service.pick_up(session, admin, records.active)
    return records


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table, in a comparable form: a refused request must leave it all as it was."""
    with db.transaction(readonly=True) as session:
        return {
            table.name: sorted((tuple(map(repr, row)) for row in session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def values_for(view: dict, typed: dict[str, object] | None = None, text: str | None = None) -> dict:
    """``view.state.values`` as Slack submits the modal: each input as it was drawn (its initial value
    or the first option), ``typed[block_id]`` where given (a string for text, a value for a select's
    option, an epoch for a date-time picker), ``text`` in every text input when given."""
    typed = typed or {}
    values: dict[str, dict] = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if block.get("type") != "input":
            continue
        block_id, kind = block["block_id"], element["type"]
        given = typed.get(block_id)
        if kind in ("plain_text_input", "email_text_input", "number_input", "url_text_input"):
            value = given if given is not None else text if text is not None else element.get("initial_value")
            state: dict = {"value": value}
        elif kind in ("static_select", "external_select", "radio_buttons"):
            options = element.get("options") or [o for g in element.get("option_groups") or [] for o in g["options"]]
            option = element.get("initial_option") or (options[0] if options else None)
            if given is not None:
                option = {"text": {"type": "plain_text", "text": str(given)}, "value": str(given)}
            state = {"selected_option": option}
        elif kind == "datepicker":
            state = {"selected_date": given or element.get("initial_date")}
        elif kind == "datetimepicker":
            state = {"selected_date_time": given or element.get("initial_date_time")}
        elif kind == "timepicker":
            state = {"selected_time": given or element.get("initial_time")}
        elif kind == "checkboxes":
            state = {"selected_options": element.get("initial_options") or []}
        elif kind in ("users_select", "conversations_select", "channels_select"):
            key = {"users_select": "user", "conversations_select": "conversation", "channels_select": "channel"}[kind]
            state = {f"selected_{key}": given or element.get(f"initial_{key}")}
        else:
            continue
        values[block_id] = {element["action_id"]: {"type": kind, **state}}
    return values


def with_metadata_id(view: dict, record_id: str) -> dict:
    """The modal with its subject's id in private_metadata replaced (a forged or foreign id)."""
    meta = json.loads(view.get("private_metadata") or "{}")
    keys = [key for key, value in meta.items() if key.endswith("_id") and isinstance(value, int)]
    assert keys, f"{view.get('callback_id')} carries no record id: {meta}"
    return {**view, "private_metadata": json.dumps({**meta, **dict.fromkeys(keys, record_id)})}
