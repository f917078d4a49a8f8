"""A workspace with one of everything, for the fault suite: people in every role, a ticket (open and
resolved), a customer, two vehicles, a reserved and an active booking — and the same in a second
workspace, whose ids are "foreign" to the first. Made through the services (setup, not the thing
tested); what is tested goes over signed HTTP.

Also what the fault tests share about the fake Slack: the whole database as a snapshot, a modal's
state filled in from its blocks, the Web API calls made since a point."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.sandbox.signed_requests import SignedSlackClient
from bot.services import roles as role_service
from bot.services.actors import load_actor
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import NewBooking
from bot.services.tickets import forms, lifecycle
from bot.services.tickets.csat import latest_resolution_id
from db.models import Base, Role, Ticket, TicketThread
from fakeslack import FakeSlack
from handlers.hire.cards import queue_card
from handlers.tickets.publish import queue_new_ticket
from tests.hire.helpers import add_customer, add_vehicle, epoch

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
    resolution: int = 0  # the resolved ticket's RESOLVED event: what its CSAT buttons carry
    event: int = 0  # another event of the resolved ticket (its creation): no resolution
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
    publish = team == live_app.slack.team_id  # cards only where the app serves (the foreign one isn't)
    db, now = live_app.db, datetime.now(UTC).replace(second=0, microsecond=0)
    records = Records(registration=registration)
    records.ticket = new_ticket(live_app, team, publish=publish)
    records.resolved_ticket = new_ticket(live_app, team, resolved=True, publish=publish)
    with db.transaction(readonly=True) as session:
        resolved = session.get(Ticket, records.resolved_ticket)
        records.resolution = latest_resolution_id(session, resolved) or 0
        records.event = min(event.id for event in resolved.events)
    records.customer = add_customer(db, team=team, licence_expiry=date.today() + timedelta(days=900))
    records.vehicle = add_vehicle(db, team=team, registration=registration)
    records.spare_vehicle = add_vehicle(db, team=team, registration=registration[:-1] + "Z")
    records.reserved = new_booking(
        live_app, team, records.customer, records.vehicle, now + timedelta(hours=2), publish=publish
    )
    records.active = new_booking(
        live_app, team, records.customer, records.spare_vehicle, now + timedelta(minutes=5), picked_up=True
    )
    return records


def new_ticket(live_app, team: str, *, resolved: bool = False, publish: bool = False) -> int:
    """A ticket UEMPLOYEE reported (resolved by UADMIN if asked); ``publish``: its card and notices
    queued as the app would, so that what is done to it later is posted too."""
    with live_app.db.transaction() as session:
        reporter = load_actor(session, team, PEOPLE["reporter"])
        form = forms.parse_ticket_form("Monitor flickers", "Since Monday", "hardware", "MINOR")
        change = lifecycle.create(session, reporter, form)
        if publish:
            queue_new_ticket(live_app.ctx, session, reporter, change)
        if resolved:
            lifecycle.resolve(session, load_actor(session, team, "UADMIN", ["UADMIN"]), change.ticket.id, "Fixed")
        return change.ticket.id


def new_booking(
    live_app, team: str, customer: int, vehicle: int, pickup: datetime, *, picked_up: bool = False,
    publish: bool = False,
) -> int:  # fmt: skip
    """A two-day booking UADMIN made (and handed over, if ``picked_up``); ``publish``: its card queued."""
    with live_app.db.transaction() as session:
        admin = load_actor(session, team, "UADMIN", ["UADMIN"])
        form = NewBooking(customer, vehicle, pickup, pickup + timedelta(days=2))
        booking = booking_service.create_booking(session, admin, form, live_app.ctx.settings)
        if picked_up:
            booking_service.pick_up(session, admin, booking.id)
        if publish:
            queue_card(live_app.ctx, session, admin, booking)
        return booking.id


@dataclass
class Run:
    """One live app, its records, and the modals an admin opened (to be submitted by others)."""

    live_app: object
    here: Records
    foreign: Records
    modals: dict[str, dict] = field(default_factory=dict)

    def click(self, action_id: str, record_id: object, user: str, *, home: bool = False, channel: str = "CTRIAGE"):
        element = {"action_id": action_id, "block_id": f"{action_id.split('_')[0]}_actions:{record_id}"}
        if action_id == "ticket_assign":
            element["selected_user"] = "UTECH"
        elif action_id == "ticket_severity":
            element["selected_option"] = {"value": "CRITICAL", "text": {"type": "plain_text", "text": "Critical"}}
        else:
            element.update(type="button", value=str(record_id))
        if home:
            home_view = {"id": "VHOME" + user, "type": "home", "callback_id": "", "private_metadata": "", "blocks": []}
            return self.live_app.slack.block_action(element, user=user, view=home_view)
        return self.live_app.slack.block_action(element, user=user, channel=channel)

    def command(self, command: str, text: str, user: str):
        return self.live_app.slack.command(command, text, user=user)

    def modal(self, name: str, opens: Callable[[Run], object]) -> dict:
        """The modal ``opens`` makes the app open for an admin (opened once per run)."""
        if name not in self.modals:
            fake = self.live_app.fake
            before = len(fake.calls_to("views.open"))
            response = opens(self)
            assert response.status == 200, response.body
            fake.wait_for("views.open", count=before + 1)
            self.modals[name] = list(fake.views.values())[-1]
        return self.modals[name]


def reporter_comments(run: Run):
    """The reporter rates the resolved ticket in their DM, then clicks *Add a comment* (its modal opens)."""
    dm = run.live_app.fake.dm_channel(PEOPLE["reporter"])
    rated = run.click("ticket_csat_4", run.here.resolution, PEOPLE["reporter"], channel=dm)
    assert rated.status == 200, rated.body
    return run.click("ticket_csat_comment", run.here.resolution, PEOPLE["reporter"], channel=dm)


def ticket_dm_thread(run: Run) -> tuple[str, str]:
    """(channel, ts) of the reporter's first DM about the open ticket (its "raised" notice)."""
    run.live_app.settle()
    with run.live_app.db.transaction(readonly=True) as session:
        thread = session.scalars(
            select(TicketThread).where(TicketThread.ticket_id == run.here.ticket).order_by(TicketThread.ts)
        ).first()
        assert thread is not None, "the ticket's DM was not posted"
        return thread.channel, thread.ts


def answer_in_dm_thread(run: Run, user: str, text: str, *, client: SignedSlackClient | None = None):
    """``user`` writes ``text`` in the thread of the reporter's DM about the open ticket: the
    ``message.im`` Slack sends (``client``: from another workspace)."""
    channel, thread_ts = ticket_dm_thread(run)
    slack = client or run.live_app.slack
    written = run.live_app.fake.add_message(channel, user, text, thread_ts=thread_ts)
    event = {
        "type": "message", "channel": channel, "user": user, "text": text, "ts": written.ts, "team": slack.team_id,
        "channel_type": "im", "thread_ts": thread_ts, "parent_user_id": FakeSlack.BOT_USER,
    }  # fmt: skip
    return slack.event(event)


def react_to(run: Run, user: str, text: str, reaction: str, *, client: SignedSlackClient | None = None):
    """``user`` reacts with ``reaction`` to a new message of the reporter's in a channel, saying ``text``."""
    message = run.live_app.fake.add_message("C0GENERAL", PEOPLE["reporter"], text)
    return (client or run.live_app.slack).reaction_added(user, reaction, channel=message.channel, ts=message.ts)


def foreign_slack(run: Run) -> SignedSlackClient:
    """The same Slack, signing requests from the foreign workspace (which the app doesn't serve)."""
    client = copy.copy(run.live_app.slack)
    client.team_id = FOREIGN_TEAM
    return client


def admin_clicks(action_id: str, subject: str) -> Callable[[Run], object]:
    return lambda run: run.click(action_id, getattr(run.here, subject), "UADMIN")


def admin_runs(command: str, text: str = "") -> Callable[[Run], object]:
    return lambda run: run.command(command, text, "UADMIN")


def later(days: float) -> int:
    return epoch(datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=days))


NEW_CUSTOMER = {"name": "Grace Hopper", "email": "grace@example.com", "licence_number": "HOPPE 906 GB1"}
NEW_VEHICLE = {"registration": "NE77 WCR", "make": "Ford", "model": "Focus", "seats": "5", "daily_rate": "45"}


def customer_typed(run: Run) -> dict:
    """The New customer form's fields that must be typed to save one."""
    return {**NEW_CUSTOMER, "licence_expiry": (datetime.now(UTC) + timedelta(days=800)).date().isoformat()}


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


RECORD_KEYS = {"resolution"}  # metadata keys holding a record's id without the "_id" suffix (the CSAT comment)


def with_metadata_id(view: dict, record_id: str) -> dict:
    """The modal with its subject's id in private_metadata replaced (a forged or foreign id)."""
    meta = json.loads(view.get("private_metadata") or "{}")
    keys = [
        key for key, value in meta.items() if (key.endswith("_id") or key in RECORD_KEYS) and isinstance(value, int)
    ]
    assert keys, f"{view.get('callback_id')} carries no record id: {meta}"
    return {**view, "private_metadata": json.dumps({**meta, **dict.fromkeys(keys, record_id)})}
