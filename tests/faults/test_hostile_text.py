"""Hostile text from hypothesis through every slash command, every text field of every modal, and the
text people write in Slack that reaches the app as an event (a DM thread answer, a message raised as a
ticket by emoji).

Whatever is typed: no 5xx, never "Something went wrong", no mention, broadcast or link reaching Slack
raw — neither in the answer nor in anything the outbox worker delivers afterwards — and no Block Kit
limit exceeded. Control characters are refused inline, on the field that holds them.

One table, ``SURFACES``: each surface says how hostile text is submitted through it (a command and
the words before the text, or a modal an admin opened and the valid values its other fields keep).
A state-changing modal (resolve, wait, pick up, return, new booking) gets a fresh record for each
example, so every example can succeed and have its text posted. (Extend has no text field: a date-time.) 2,000 examples per run, shared by
weight (about a minute on SQLite); ``--soak`` runs 10,000."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.services.user_text import REFUSED
from db.models import Delivery, DeliveryStatus
from handlers.support import UNEXPECTED
from tests.faults.block_kit import problems
from tests.faults.desk import (
    NEW_VEHICLE,
    PEOPLE,
    Run,
    admin_clicks,
    admin_runs,
    answer_in_dm_thread,
    customer_typed,
    later,
    new_booking,
    new_ticket,
    react_to,
    reporter_comments,
    values_for,
    with_metadata_id,
)
from tests.harness.live_app import LiveServer, settings_for_tests
from tests.hire.helpers import add_vehicle, new_booking_values

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def live_app(database_url, fake_slack):
    """The app with a 5-s delivery lease. Thousands of writes in a minute on SQLite, on a loaded
    machine, sometimes keep the delivery worker from recording a post within SQLite's 2-s lock wait;
    the lease then hands the delivery over (looked up first: no duplicate). Waiting the default
    60 s for that would only slow the run, not change what is checked."""
    server = LiveServer(settings_for_tests(database_url, fake_slack, HIREDESK_DELIVERY_LEASE_SECONDS="5"), fake_slack)
    yield server.app
    server.stop()


# What must never reach Slack raw: a broadcast, a mention of someone, a link in disguise.
INJECTIONS = ["<!channel>", "<!here>", "<!everyone>", "<@UVICTIM>", "<#CVICTIM>", "<https://evil.example|bank>"]
RAW = ["<!channel", "<!here", "<!everyone", "<@UVICTIM", "<#CVICTIM", "<https://evil"]

hostile = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
    st.lists(st.one_of(st.sampled_from(INJECTIONS), st.text(max_size=20)), max_size=12).map("".join),
    st.sampled_from(["\x00", "a\x00b", "\x1b[31m", "\u202e", "T-\u0661\u0662", "\r\n", "&lt;!channel&gt;"]),
)
# A modal's field: hostile text, or (None) the valid value it would hold, so that most submissions
# succeed and their text goes on to be posted.
field_text = st.one_of(hostile, hostile, st.none())

_registrations = itertools.count(1)


# ---- fresh records, for the modals whose success changes their record's state ----------------------


def fresh_ticket(run: Run) -> int:
    return new_ticket(run.live_app, run.live_app.slack.team_id, publish=True)


def fresh_vehicle(run: Run) -> int:
    return add_vehicle(run.live_app.db, team=run.live_app.slack.team_id, registration=f"HT{next(_registrations):05d}")


def fresh_booking(run: Run, *, picked_up: bool = False) -> int:
    pickup = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=5)
    team = run.live_app.slack.team_id
    return new_booking(
        run.live_app, team, run.here.customer, fresh_vehicle(run), pickup, picked_up=picked_up, publish=True
    )


# ---- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """Somewhere text is typed. ``fields(run)``: how many texts one example types; ``submit(run,
    texts)``: send them; ``weight``: its share of the examples."""

    name: str
    fields: Callable[[Run], list[str]]
    submit: Callable[[Run, list[str | None]], object]
    weight: float = 1.0
    prepare: Callable[[Run], object] = field(default=lambda run: None)
    kind: str = "form"


def command(name: str, prefix: str = "", weight: float = 1.0) -> Surface:
    """``/name prefix<hostile text>``."""

    def submit(run: Run, texts: list[str | None]):
        return run.command(name, prefix + (texts[0] or ""), "UADMIN")

    return Surface(f"{name} {prefix}…", lambda run: ["text"], submit, weight, kind="command")


def modal(
    name: str,
    opens: Callable[[Run], object],
    valid: Callable[[Run], dict] = lambda run: {},
    fresh: Callable[[Run], int] | None = None,
    values: Callable[[Run, dict, dict], dict] | None = None,
    weight: float = 1.0,
    user: str = "UADMIN",
) -> Surface:
    """The modal an admin (or ``user``) opens with ``opens``, submitted with hostile text in its text inputs;
    ``valid`` types what its other fields need; ``fresh`` gives each example a record of its own;
    ``values`` builds the whole state instead (a modal whose fields appear as it is filled in)."""

    def text_fields(run: Run) -> list[str]:
        view = run.modal(name, opens)
        return [
            block["block_id"]
            for block in view["blocks"]
            if block.get("type") == "input"
            and block["element"]["type"] in ("plain_text_input", "email_text_input", "number_input")
        ]

    def submit(run: Run, texts: list[str | None]):
        view = run.modal(name, opens)
        if fresh is not None:
            view = with_metadata_id(view, fresh(run))
        typed = {
            **valid(run),
            **{block: text for block, text in zip(text_fields(run), texts, strict=True) if text is not None},
        }
        state = values(run, view, typed) if values else values_for(view, typed)
        return run.live_app.slack.view_submission({**view, "hash": uuid.uuid4().hex}, state, user=user)

    return Surface(name, text_fields, submit, weight, prepare=lambda run: run.modal(name, opens))


def new_booking_state(run: Run, view: dict, typed: dict) -> dict:
    pickup = datetime.fromtimestamp(later(1), UTC)
    return new_booking_values(
        run.here.customer, fresh_vehicle(run), pickup, pickup + timedelta(days=1), notes=typed.get("notes", "")
    )


def customer_search(run: Run, texts: list[str | None]):
    view = run.modal("booking_new", admin_runs("/booking"))
    return run.live_app.slack.block_suggestion(
        "booking_customer", texts[0] or "", user="UADMIN", block_id="customer", view=view
    )


def assigned(run: Run) -> None:
    """The open ticket assigned to a technician, who is DM'd the reporter's answers."""
    response = run.click("ticket_assign_me", run.here.ticket, "UTECH")
    assert response.status == 200, response.body
    run.live_app.settle()


def event(name: str, send: Callable[[Run, str], object], prepare: Callable[[Run], object] = lambda run: None):
    """Text a person writes in Slack, which reaches the app as an event (``send(run, text)``)."""
    return Surface(
        name, lambda run: ["text"], lambda run, texts: send(run, texts[0] or "x"), prepare=prepare, kind="event"
    )


SURFACES = [
    command("/ticket", weight=2),
    command("/ticket", "T-"),
    command("/ticket", "queue "),
    command("/ticket", "export "),
    command("/booking", weight=2),
    command("/booking", "list "),
    command("/booking", "availability "),
    command("/booking", "B-"),
    command("/booking", "export "),
    command("/customer", weight=2),
    command("/customer", "list "),
    command("/vehicle", weight=2),
    command("/vehicle", "maintenance "),
    command("/hiredesk", weight=2),
    command("/hiredesk", "role "),
    command("/hiredesk", "unrole <@UTECH> "),
    command("/hiredesk", "digest "),
    Surface("booking customer search", lambda run: ["text"], customer_search, kind="suggestion"),
    modal("ticket_new", admin_runs("/ticket"), weight=2),
    modal("ticket edit", admin_clicks("ticket_edit", "ticket"), weight=2),
    modal("ticket_resolve", admin_clicks("ticket_resolve", "ticket"), fresh=fresh_ticket, weight=2),
    modal("ticket_note (note)", admin_clicks("ticket_add_note", "ticket"), weight=2),
    modal("ticket_note (reply)", admin_clicks("ticket_reply", "ticket"), weight=2),
    modal("ticket_note (wait)", admin_clicks("ticket_wait", "ticket"), fresh=fresh_ticket),
    modal("booking_new", admin_runs("/booking"), values=new_booking_state, weight=2),
    modal("booking_edit", admin_clicks("booking_edit", "reserved"), weight=2),
    modal("booking_pick_up", admin_clicks("booking_picked_up", "reserved"), fresh=fresh_booking, weight=2),
    modal(
        "booking_return", admin_clicks("booking_returned", "active"), lambda run: {"odometer": "1200"},
        fresh=lambda run: fresh_booking(run, picked_up=True), weight=2,
    ),
    modal("customer_form (new)", admin_runs("/customer", "new"), customer_typed, weight=2),
    modal("customer_form (edit)", admin_clicks("customer_edit", "customer"), weight=2),
    modal("vehicle_form (new)", admin_runs("/vehicle", "new"), lambda run: dict(NEW_VEHICLE), weight=2),
    modal("vehicle_form (edit)", admin_clicks("vehicle_edit", "vehicle"), weight=2),
    modal("hiredesk_settings", admin_runs("/hiredesk", "settings")),  # its "Emoji that raises a ticket" too
    modal("ticket_csat_comment", reporter_comments, user=PEOPLE["reporter"], weight=2),
    event(
        "the reporter's answer in a ticket DM thread",
        lambda run, text: answer_in_dm_thread(run, PEOPLE["reporter"], text), prepare=assigned,
    ),
    event("a message reacted to with the ticket emoji", lambda run, text: react_to(run, "UTECH", text, "ticket")),
]  # fmt: skip
BY_NAME = {surface.name: surface for surface in SURFACES}
FORMS = [surface.name for surface in SURFACES if surface.kind == "form"]
TOTAL_WEIGHT = sum(surface.weight for surface in SURFACES)


def examples(request, surface: Surface) -> settings:
    total = 10_000 if request.config.getoption("--soak") else 2_000
    return settings(
        max_examples=max(1, round(total * surface.weight / TOTAL_WEIGHT)),
        deadline=None,
        derandomize=not request.config.getoption("--soak"),
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# ---- what must hold ---------------------------------------------------------------------------------


def answer_is_sound(response) -> None:
    """The HTTP answer: no 5xx, no apology, nothing raw, within Block Kit's limits."""
    assert response.status < 500, response.body
    assert UNEXPECTED not in response.body
    assert "Traceback" not in response.body
    answer = response.json if response.body.startswith("{") else None
    if not isinstance(answer, dict):
        return
    assert not problems("answer", answer), problems("answer", answer)
    for option in answer.get("options") or []:
        assert len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150, option
    if answer.get("response_action") != "errors":  # inline errors are plain text under the field
        no_raw_injection("the answer", answer)


def no_raw_injection(where: str, sent: dict) -> None:
    """Nothing raw in what Slack renders as mrkdwn. A modal's own text inputs hold the text as typed
    (plain text, which Slack renders literally) and its private_metadata is never shown: left out."""
    view = sent.get("view")
    if isinstance(view, str):
        view = json.loads(view)
    if isinstance(view, dict):
        shown = [block for block in view.get("blocks") or [] if block.get("type") != "input"]
        sent = {**sent, "view": {**view, "blocks": shown, "private_metadata": ""}}
    text = json.dumps(sent, ensure_ascii=False)
    for raw in RAW:
        assert raw not in text, f"{where} holds {raw!r} raw: {text[:500]}"


def posted_safely(live_app) -> None:
    """Everything the app sent to Slack, the outbox's deliveries included: no raw injection, within limits;
    and nothing the outbox held failed (Slack refusing a post, a task such as emoji to ticket breaking)."""
    live_app.settle(timeout=120)
    with live_app.db.transaction(readonly=True) as session:
        failed = session.execute(
            select(Delivery.method, Delivery.error).where(
                Delivery.status.in_((DeliveryStatus.FAILED, DeliveryStatus.CANCELLED))
            )
        ).all()
    assert not failed, failed
    for call in live_app.fake.calls:
        assert not problems(call.method, call.args), problems(call.method, call.args)
        no_raw_injection(call.method, call.args)
    live_app.fake.reset()


@pytest.mark.parametrize("name", list(BY_NAME))
def test_hostile_text(run, request, name):
    """The surface's share of the examples; then a control character in each of its fields in turn."""
    surface = BY_NAME[name]
    surface.prepare(run)
    fields = surface.fields(run)

    @examples(request, surface)
    @given(
        texts=st.lists(field_text if surface.kind == "form" else hostile, min_size=len(fields), max_size=len(fields))
    )
    def attempt(texts):
        answer_is_sound(surface.submit(run, texts))

    attempt()
    for index, block in enumerate(fields):
        refused_inline(
            surface, block, surface.submit(run, [CONTROL if i == index else None for i in range(len(fields))])
        )
    posted_safely(run.live_app)


CONTROL = "Printer\x00 jammed\x1b[31m"


def refused_inline(surface: Surface, block: str, response) -> None:
    """A form: an error under that very field. A command: the ephemeral "remove the control characters"."""
    assert response.status == 200, response.body
    if surface.kind == "form":
        assert block in ((response.json or {}).get("errors") or {}), (surface.name, block, response.body)
    elif surface.kind == "command":
        assert REFUSED in response.json["text"], (surface.name, response.body)


def test_arabic_indic_digits_are_no_ticket_number(run):
    for text in ("\u0661", "T-\u0661", "\u0661\u0662"):
        answer = run.command("/ticket", text, "UADMIN")
        assert "T-1 " not in answer.body and "T-1*" not in answer.body, answer.body


@pytest.mark.parametrize("command", ["/ticket", "/booking"])
@pytest.mark.parametrize("text", ["export 9999-12-31", "export 9999-12-30", "export 0001-01-01", "export 1900-01-01"])
def test_export_ranges_at_the_ends_of_the_calendar(run, command, text):
    """Regression: ``export 9999-12-31`` was queued, and the worker's query overflowed on each attempt
    (the file never came); now the ends of the calendar are refused, the days within them exported."""
    answer = run.command(command, text, "UADMIN")
    answer_is_sound(answer)
    assert ("is out of range" in answer.json["text"]) == (text in ("export 9999-12-31", "export 0001-01-01"))
    posted_safely(run.live_app)


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/vehicle", "<@UVICTIM>"),
        ("/vehicle", "maintenance <!channel>"),
        ("/hiredesk", "<!channel>"),
        ("/hiredesk", "role <@UTECH> <!here>"),
        ("/hiredesk", "role <!everyone> agent"),
        ("/hiredesk", "unrole <https://evil.example|bank> agent"),
    ],
)
def test_typed_text_quoted_back_in_an_error_is_escaped(run, command, text):
    """Regressions the hypothesis run found: error and usage answers quoted the text as typed."""
    answer = run.command(command, text, "UADMIN")
    answer_is_sound(answer)
    assert "&lt;" in answer.json["text"], answer.body
