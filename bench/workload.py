"""The request kinds the benchmark sends, shaped exactly as Slack sends them.

Payloads come from ``bot.sandbox.signed_requests.SignedSlackClient`` (the same
shapes the tests and the sandbox use); here its ``post`` only hands the body
back, and the load generator signs and sends it on a keep-alive connection.
Each request says what answer it expects and which Web API call is its effect
(for time to effect).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.sandbox.signed_requests import SignedSlackClient
from bot.views.hire import booking_modals
from bot.views.tickets import modals as ticket_modals

from .seed import FLEET, TEAM, TRIAGE, Seeded

# An effect: ("trigger", trigger_id) → views.open; ("tag", tag) → the chat.postMessage carrying the tag;
# ("card", channel, ts) → chat.update of that message.
Effect = tuple


@dataclass
class Prepared:
    body: str
    content_type: str
    check: Callable[[int, str], str | None]  # (status, body) → what is wrong, or None
    effect: Effect | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    write: bool
    effect_method: str | None  # the Web API method whose call is the effect


KINDS = [
    Kind("ticket_queue", "`/ticket queue` (read)", False, None),
    Kind("ticket_modal", "`/ticket <title>` (opens a modal)", False, "views.open"),
    Kind("ticket_submit", "new-ticket submission (write)", True, "chat.postMessage"),
    Kind("ticket_resolve", "Resolve button (opens a modal)", False, "views.open"),
    Kind("ticket_assign_me", "Assign to me (write)", True, "chat.update"),
    Kind("booking_submit", "new-booking submission (write)", True, "chat.postMessage"),
    Kind("booking_extend", "booking Extend submission (write)", True, "chat.update"),
]
BY_NAME = {kind.name: kind for kind in KINDS}


class PoolExhausted(RuntimeError):
    pass


@dataclass
class _Message:
    text: str
    blocks: list


class _FakeView:
    """What ``SignedSlackClient`` asks of the fake Slack, answered locally: the fake
    (``bench.fake_server``) accepts ``bench-<n>-<user>`` triggers without issuing them."""

    def __init__(self, fake_base_url: str, cards: dict[str, _Message]) -> None:
        self.team_id = TEAM
        self.channels = {TRIAGE: "it-triage", FLEET: "car-hire"}
        self.base_url = fake_base_url
        self.cards = cards
        self.last_trigger: str | None = None
        self._ids = itertools.count(1)

    def issue_trigger(self, user: str | None = None) -> str:
        self.last_trigger = f"bench-{next(self._ids)}.{threading.get_ident()}-{user}"
        return self.last_trigger

    def response_url_for(self, channel: str, user: str, message_ts: str | None = None) -> str:
        return f"{self.base_url}/response/{channel}.{user}.{message_ts or ''}"

    def message(self, channel: str, ts: str) -> _Message:
        return self.cards[channel]


class PayloadBuilder(SignedSlackClient):
    """``SignedSlackClient`` whose ``post`` returns the (unsigned) body instead of sending it."""

    def post(self, body: str, content_type: str, **_) -> tuple[str, str]:
        return body, content_type


def ok_empty(status: int, body: str) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    return None if not body.strip() else f"unexpected answer {body[:120]}"


def ok_ephemeral(status: int, body: str) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    try:
        text = json.loads(body).get("text", "")
    except ValueError:
        return f"not JSON: {body[:120]}"
    return f"error reply: {text[:120]}" if text.startswith(":no_entry_sign:") else None


def ok_view_update(status: int, body: str) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:120]}"
    return None if answer.get("response_action") == "update" else f"unexpected answer {body[:120]}"


def ok_status(status: int, body: str) -> str | None:
    return None if status == 200 else f"HTTP {status}"


class Workload:
    """Makes requests of each kind against one seeded database. Thread-safe: each
    client thread has its own builder; shared pools hand out subjects under a lock."""

    def __init__(self, seeded: Seeded, fake_base_url: str, baseline: bool = False) -> None:
        self.seeded = seeded
        self.fake_base_url = fake_base_url
        self.baseline = baseline  # a bare Bolt app: same payloads, only HTTP 200 expected
        self._lock = threading.Lock()
        self._tags = itertools.count(1)
        # A bare Bolt app changes nothing: its requests may reuse every subject.
        self._assign = itertools.cycle(seeded.assign_pool) if baseline else iter(seeded.assign_pool)
        self._resolve = itertools.cycle(seeded.resolve_pool)
        self._bookings = itertools.count(0)
        self._extend = list(seeded.extend_pool)  # (id, ts, due): taken off while a request uses it
        self._extend_free = threading.Condition(self._lock)
        self.new_ticket_view = ticket_modals.new_ticket_modal()
        self.new_booking_view = booking_modals.new_booking_modal()
        self.cards = {TRIAGE: _Message(**seeded.ticket_card), FLEET: _Message(**seeded.booking_card)}

    def builder(self, user: str) -> ClientWorkload:
        return ClientWorkload(self, user)

    def tag(self) -> str:
        """A unique word to put in a request's text, to find the message it leads to."""
        with self._lock:
            return f"bx{next(self._tags):07d}"

    def take_assignable(self) -> tuple[int, str]:
        with self._lock:
            try:
                return next(self._assign)
            except StopIteration:
                raise PoolExhausted("no unassigned ticket left for Assign to me; seed more") from None

    def take_resolvable(self) -> tuple[int, str]:
        with self._lock:
            return next(self._resolve)

    def next_booking_slot(self) -> tuple[int, int, datetime, datetime]:
        """(customer, vehicle, pickup, due): vehicles in turn, one day slot each, never overlapping."""
        with self._lock:
            i = next(self._bookings)
        vehicles, customers = self.seeded.vehicles, self.seeded.customers
        pickup = self.seeded.first_pickup + timedelta(days=i // len(vehicles))
        return customers[i % len(customers)], vehicles[i % len(vehicles)], pickup, pickup + timedelta(hours=20)

    def checkout_extendable(self) -> tuple[int, str, datetime]:
        with self._extend_free:
            while not self._extend:
                self._extend_free.wait()
            return self._extend.pop(0)

    def checkin_extendable(self, booking: tuple[int, str, datetime], extended: bool) -> None:
        booking_id, ts, due = booking
        with self._extend_free:
            self._extend.append((booking_id, ts, due + timedelta(hours=1) if extended else due))
            self._extend_free.notify()


class ClientWorkload:
    """One client's (one user's) request maker."""

    def __init__(self, workload: Workload, user: str) -> None:
        self.workload = workload
        self.user = user
        self.fake = _FakeView(workload.fake_base_url, workload.cards)
        self.slack = PayloadBuilder("http://unused", "unused", self.fake, team_id=TEAM)
        self.after: Callable[[bool], None] | None = None  # run once the answer came (ok or not)

    def make(self, kind: str) -> Prepared:
        self.after = None
        prepared = getattr(self, kind)()
        if self.workload.baseline:
            prepared.check, prepared.effect = ok_status, None
        return prepared

    def ticket_queue(self) -> Prepared:
        body, content_type = self.slack.command("/ticket", "queue", user=self.user, channel=TRIAGE)
        return Prepared(body, content_type, ok_ephemeral)

    def ticket_modal(self) -> Prepared:
        tag = self.workload.tag()
        body, content_type = self.slack.command("/ticket", f"Printer on floor 2 is jammed {tag}", user=self.user)
        return Prepared(body, content_type, ok_empty, ("trigger", self.fake.last_trigger))

    def ticket_submit(self) -> Prepared:
        tag = self.workload.tag()
        values = _ticket_form(f"Printer on floor 2 is jammed {tag}", "Paper stuck in tray 3")
        body, content_type = self.slack.view_submission(
            opened(self.workload.new_ticket_view, tag), values, user=self.user
        )
        return Prepared(body, content_type, ok_empty, ("tag", tag))

    def ticket_resolve(self) -> Prepared:
        ticket_id, ts = self.workload.take_resolvable()
        body, content_type = self.slack.block_action(
            _button("ticket_resolve", ticket_id), user=self.user, channel=TRIAGE, message_ts=ts
        )
        return Prepared(body, content_type, ok_empty, ("trigger", self.fake.last_trigger))

    def ticket_assign_me(self) -> Prepared:
        ticket_id, ts = self.workload.take_assignable()
        body, content_type = self.slack.block_action(
            _button("ticket_assign_me", ticket_id), user=self.user, channel=TRIAGE, message_ts=ts
        )
        return Prepared(body, content_type, ok_empty, ("card", TRIAGE, ts))

    def booking_submit(self) -> Prepared:
        tag = self.workload.tag()
        customer, vehicle, pickup, due = self.workload.next_booking_slot()
        values = _booking_form(customer, vehicle, pickup, due, notes=f"Child seat please {tag}")
        body, content_type = self.slack.view_submission(
            opened(self.workload.new_booking_view, tag), values, user=self.user
        )
        return Prepared(body, content_type, ok_view_update, ("tag", tag))

    def booking_extend(self) -> Prepared:
        booking = self.workload.checkout_extendable()
        booking_id, ts, due = booking
        view = opened(
            {
                "type": "modal",
                "callback_id": booking_modals.BOOKING_EXTEND,
                "blocks": [],
                "private_metadata": json.dumps({"booking_id": booking_id}),
                "title": {"type": "plain_text", "text": "Extend"},
            },
            self.workload.tag(),
        )
        values = {
            "return_due": {
                "return_due": {
                    "type": "datetimepicker",
                    "selected_date_time": int((due + timedelta(hours=1)).timestamp()),
                }
            }
        }
        body, content_type = self.slack.view_submission(view, values, user=self.user)
        self.after = lambda ok: self.workload.checkin_extendable(booking, ok or self.workload.baseline)
        return Prepared(body, content_type, ok_empty, ("card", FLEET, ts))


def opened(view: dict, tag: str) -> dict:
    """``view`` as Slack holds it once opened: an id and hash of its own (the app takes a second
    submission of the same view and hash for Slack's retry of the first, and does nothing again)."""
    return {**view, "id": f"V{tag}", "hash": f"h{tag}", "team_id": TEAM}


def _button(action_id: str, ticket_id: int) -> dict:
    return {
        "action_id": action_id,
        "block_id": f"ticket_actions:{ticket_id}",
        "type": "button",
        "value": str(ticket_id),
    }


def _ticket_form(title: str, description: str, category: str = "hardware", severity: str = "MINOR") -> dict:
    """``view.state.values`` of the New ticket modal as Slack submits it."""

    def typed(action_id, value):
        return {action_id: {"type": "plain_text_input", "value": value}}

    def picked(action_id, value):
        return {action_id: {"type": "static_select", "selected_option": {"value": value}}}

    return {
        "title": typed("title", title),
        "description": typed("description", description),
        "category": picked("category", category),
        "severity": picked("severity", severity),
    }


def _booking_form(customer: int, vehicle: int, pickup: datetime, due: datetime, notes: str) -> dict:
    """``view.state.values`` of the New booking modal (dates chosen, so the vehicle list is there)."""

    def option(value):
        return {"text": {"type": "plain_text", "text": "x"}, "value": str(value)}

    return {
        "customer": {"booking_customer": {"type": "external_select", "selected_option": option(customer)}},
        "pickup": {"booking_pickup": {"type": "datetimepicker", "selected_date_time": int(pickup.timestamp())}},
        "return_due": {"booking_return_due": {"type": "datetimepicker", "selected_date_time": int(due.timestamp())}},
        "vehicle": {"booking_vehicle": {"type": "static_select", "selected_option": option(vehicle)}},
        "notes": {"booking_notes": {"type": "plain_text_input", "value": notes}},
    }
