"""Socket Mode end to end: `python app.py` with SLACK_BOT_TOKEN + SLACK_APP_TOKEN (no signing
secret) opens a connection with apps.connections.open, connects to the fake Slack's WebSocket, and
serves a slash command, an event, a view submission and a button: each acknowledged over the
socket (its envelope_id echoed) and each with its effect; an envelope sent again has none."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from db.models import BotTokenIdentity, Delivery, HandledRequest, Role, Ticket, UserRole
from db.session import Database
from fakeslack import FakeSlack
from tests.harness.live_app import BOT_TOKEN
from tests.harness.postgres import free_port
from tests.test_cli import ROOT, app_env, get
from tests.tickets.helpers import form_values

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def socket_mode_app(tmp_path, database_url, fake_slack):
    port = free_port()
    env = app_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=FakeSlack.APP_TOKEN,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
        PORT=str(port),
        HOST="127.0.0.1",
        HIREDESK_SCHEDULER="off",
        HIREDESK_ADMINS="UADMIN",
        HIREDESK_TRIAGE_CHANNEL="CTRIAGE",
    )
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        fake_slack.wait_for("apps.connections.open", timeout=30)
        fake_slack.socket_mode.wait_connected()
        wait_until_identity_known(database_url)
        assert get(f"http://127.0.0.1:{port}/healthz") == 200  # health checks stay on HTTP
        yield fake_slack
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
        print(output)
    assert "sandbox" not in output.lower()


def wait_until_identity_known(database_url: str) -> None:
    """The background check learnt who the bot token is (Slack answered, the answer is stored)."""
    db = Database(database_url)
    try:
        deadline = time.monotonic() + 30
        while True:
            with db.transaction(readonly=True) as session:
                if session.scalar(select(func.count()).select_from(BotTokenIdentity)):
                    return
            assert time.monotonic() < deadline, "the bot token's identity was never learnt"
            time.sleep(0.05)
    finally:
        db.dispose()


def handled(db: Database, key: str) -> bool:
    with db.transaction(readonly=True) as session:
        return session.get(HandledRequest, key) is not None


def user(user_id: str) -> dict:
    return {"id": user_id, "username": user_id.lower(), "team_id": "T0001"}


def command(fake: FakeSlack, text: str, name: str, user_id: str) -> dict:
    return {
        "token": "deprecated",
        "team_id": "T0001",
        "channel_id": "C0GENERAL",
        "user_id": user_id,
        "command": name,
        "text": text,
        "api_app_id": "AHIREDESK",
        "response_url": fake.response_url_for("C0GENERAL", user_id),
        "trigger_id": fake.issue_trigger(user_id),
    }


def test_socket_mode_serves_commands_events_modals_and_buttons(socket_mode_app, database_url):
    fake = socket_mode_app
    sockets = fake.socket_mode
    db = Database(database_url)

    # A slash command: the answer travels back in the acknowledgement.
    role_command = command(fake, "role <@UTECH> technician", "/hiredesk", "UADMIN")
    sent = sockets.send("slash_commands", role_command, accepts_response_payload=True)
    ack = sockets.wait_ack(sent)
    assert "is now" in ack["payload"]["text"]
    with db.transaction(readonly=True) as session:
        assert session.scalar(select(UserRole.role).where(UserRole.user_id == "UTECH")) == Role.TECHNICIAN
    # The same envelope again (Slack resends one it thinks was not acknowledged): recognised by its
    # envelope_id (there is no signature over the socket) and acknowledged without running again.
    sockets.send("slash_commands", role_command, accepts_response_payload=True, again=sent)
    assert "payload" not in sockets.wait_ack(sent, count=2)
    assert handled(db, f"envelope:{sent}")

    # An event: acknowledged, and the App Home is published (by the delivery worker).
    sent = sockets.send(
        "events_api",
        {
            "team_id": "T0001",
            "api_app_id": "AHIREDESK",
            "type": "event_callback",
            "event_id": "EvSOCKET1",
            "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": "UEMPLOYEE", "channel": "DUEMPLOYEE", "tab": "home"},
        },
    )
    assert sockets.wait_ack(sent) == {"envelope_id": sent}
    fake.wait_for("views.publish", lambda c: c.args.get("user_id") == "UEMPLOYEE", timeout=10)

    # A modal: /ticket opens it, its submission raises a ticket whose card goes to the triage channel.
    sockets.wait_ack(sockets.send("slash_commands", command(fake, "", "/ticket", "UEMPLOYEE")))
    fake.wait_for("views.open")
    view = list(fake.views.values())[-1]
    submission = {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": user("UEMPLOYEE"),
        "api_app_id": "AHIREDESK",
        "trigger_id": fake.issue_trigger("UEMPLOYEE"),
        "view": {**view, "state": {"values": form_values(title="Socket printer")}},
    }
    sent = sockets.send("interactive", submission, accepts_response_payload=True)
    assert sockets.wait_ack(sent)["envelope_id"] == sent
    card = fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "CTRIAGE", timeout=10)[0]
    with db.transaction(readonly=True) as session:
        ticket = session.scalars(select(Ticket).where(Ticket.title == "Socket printer")).one()
        ticket_id = ticket.id
    card_ts = next(m.ts for m in fake.channel_messages("CTRIAGE") if "Socket printer" in json.dumps(m.blocks))

    # A button on the card: the technician takes the ticket.
    click = {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": user("UTECH"),
        "api_app_id": "AHIREDESK",
        "trigger_id": fake.issue_trigger("UTECH"),
        "container": {"type": "message", "message_ts": card_ts, "channel_id": "CTRIAGE"},
        "channel": {"id": "CTRIAGE", "name": "it-triage"},
        "message": {"type": "message", "ts": card_ts, "blocks": card.args.get("blocks"), "user": FakeSlack.BOT_USER},
        "response_url": fake.response_url_for("CTRIAGE", "UTECH", card_ts),
        "actions": [
            {"action_id": "ticket_assign_me", "block_id": "actions", "type": "button", "value": str(ticket_id)}
        ],
    }
    sent = sockets.send("interactive", click)
    assert sockets.wait_ack(sent)["envelope_id"] == sent
    fake.wait_for("chat.update", lambda c: c.args.get("ts") == card_ts, timeout=10)
    with db.transaction(readonly=True) as session:
        assert session.get(Ticket, ticket_id).assignee_id == "UTECH"
    # The click's envelope again: no second change, so nothing more is queued.
    with db.transaction(readonly=True) as session:
        queued = session.scalar(select(func.count()).select_from(Delivery))
    sockets.send("interactive", click, again=sent)
    sockets.wait_ack(sent, count=2)
    with db.transaction(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == queued
    assert handled(db, f"envelope:{sent}")
    # Who the bot token is was asked once, by the background check at start-up: never by an envelope.
    assert len(fake.calls_to("auth.test")) == 1
    db.dispose()
