"""Answer first (PRODUCT.md §8): no request waits on Slack's Web API — not after a restart, not on
the very first start, not over OAuth — whatever Slack does. Against the real app (``python app.py``
under gunicorn) over signed HTTP, with the fake Slack taking 6 s over every Web API call.

Who the bot token is (auth.test) is learnt in the background and kept in the database
(bot/identity.py); Bolt authorizes each request from what the tenancy holds (bot/tenancy.py)."""

from __future__ import annotations

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from slack_bolt.middleware.authorization import MultiTeamsAuthorization, SingleTeamAuthorization
from sqlalchemy import func, select

from bot.request_path import FromTenancy
from bot.sandbox.signed_requests import SignedSlackClient
from bot.services.bot_identities import fingerprint
from bot.slack_app import build_bolt_app
from bot.views.tickets.modals import new_ticket_modal
from db.models import Base, BotTokenIdentity, Role, Ticket
from db.session import Database
from handlers.support import STILL_CONNECTING
from tests.harness.served import SIGNING_SECRET, ServedApp, wait_until
from tests.tickets.helpers import click, form_values, grant, open_modal, raise_ticket

from .oauth import as_workspace, install

SLACK_STALL_SECONDS = 6
SUBMISSIONS, CLIENTS = 16, 8
ANSWER_WITHIN = 3.0
TRIAGE = {"HIREDESK_TRIAGE_CHANNEL": "CTRIAGE"}


def timed(call) -> tuple[object, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def row_counts(db: Database) -> dict[str, int]:
    with db.transaction(readonly=True) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.tables.values()
        }


def request_path_calls(url: str) -> dict[str, float]:
    """``hiredesk_request_path_slack_calls_total`` by method, from /metrics."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        text = response.read().decode()
    found: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("hiredesk_request_path_slack_calls_total{"):
            labels, value = line.rsplit(" ", 1)
            found[labels.split('method="', 1)[1].split('"', 1)[0]] = float(value)
    return found


def test_after_a_restart_with_slack_stalling_every_request_is_answered_in_time(postgres_url, fake_slack):
    # PostgreSQL, as production runs (README); on SQLite both gunicorn workers' writes queue for one file.
    db = Database(postgres_url)
    first = ServedApp(postgres_url, fake_slack, **TRIAGE).wait_until_serving()
    try:
        app = SimpleNamespace(slack=SignedSlackClient(first.url, SIGNING_SECRET, fake_slack), fake=fake_slack, db=db)
        wait_until(lambda: db_has_identity(db, fake_slack), "the first run to learn who the bot token is")
        grant(app, "UTECH", Role.TECHNICIAN)
        carded = raise_ticket(app)  # its card's button is clicked after the restart
        users = [f"UUSER{i:02d}" for i in range(SUBMISSIONS)]
        for user in users:
            fake_slack.add_user(user)
        views = [open_modal(app, user) for user in users]  # opened before the restart, submitted after
        assert request_path_calls(first.url).keys() <= {"views.open", "views.push", "views.update"}
    finally:
        first.kill()  # SIGKILL: no goodbye, nothing handed back

    fake_slack.slow("*", SLACK_STALL_SECONDS)
    second = ServedApp(postgres_url, fake_slack, **TRIAGE).wait_until_serving()
    try:
        slack = SignedSlackClient(second.url, SIGNING_SECRET, fake_slack)

        def submit(i: int):
            return slack.view_submission(views[i], form_values(title=f"Restart ticket {i}"), user=users[i])

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            submissions = list(pool.map(lambda i: timed(lambda: submit(i)), range(SUBMISSIONS)))
            others = list(
                pool.map(
                    lambda call: timed(call),
                    [
                        lambda: slack.command("/hiredesk", "help", user="UEMPLOYEE"),
                        lambda: click(
                            SimpleNamespace(slack=slack, fake=fake_slack), carded, "ticket_assign_me", "UTECH"
                        ),
                        lambda: slack.app_home_opened("UEMPLOYEE"),
                    ],
                )
            )
        for response, seconds in submissions:
            assert (response.status, response.body) == (200, ""), response.body
            assert seconds < ANSWER_WITHIN, f"a submission answered in {seconds:.2f} s"
        for response, seconds in others:
            assert response.status == 200, response.body
            assert seconds < ANSWER_WITHIN, f"answered in {seconds:.2f} s"
        assert "/ticket" in others[0][0].json["text"]  # the help itself, not "still connecting"

        fake_slack.slow("*", 0)  # Slack recovers
        with db.transaction(readonly=True) as session:
            keys = [ticket.key for ticket in session.scalars(select(Ticket))]
        assert len(keys) == SUBMISSIONS + 1

        def every_card_posted() -> bool:
            return all(card_count(fake_slack, key) >= 1 for key in keys)

        wait_until(every_card_posted, "every acknowledged ticket's card", timeout=120)
        assert {key: card_count(fake_slack, key) for key in keys} == dict.fromkeys(keys, 1)
        assert request_path_calls(second.url).keys() <= {"views.open", "views.push", "views.update"}
    finally:
        second.stop()
        db.dispose()


def card_count(fake, key: str) -> int:
    return sum(
        1 for m in fake.channel_messages("CTRIAGE") if not m.thread_ts and (f"{key} " in m.text or f"{key}:" in m.text)
    )


def db_has_identity(db: Database, fake) -> bool:
    with db.transaction(readonly=True) as session:
        row = session.get(BotTokenIdentity, fingerprint(next(iter(fake.tokens))))
        return row is not None and row.team_id == "T0001"


def test_a_first_start_with_slack_unreachable_tells_every_request_it_is_still_connecting(database_url, fake_slack):
    fake_slack.fail("auth.test", "service_unavailable", times=10**6, status=503)  # never reached
    fake_slack.slow("*", SLACK_STALL_SECONDS)
    db = Database(database_url)
    before = row_counts(db)
    served = ServedApp(database_url, fake_slack, **TRIAGE).wait_until_serving()
    try:
        slack = SignedSlackClient(served.url, SIGNING_SECRET, fake_slack)
        view = {"id": "VNEW1", "hash": "1.abc", "team_id": "T0001", **new_ticket_modal()}
        card = fake_slack.add_message("CTRIAGE", fake_slack.BOT_USER, "a ticket card")

        command, command_s = timed(lambda: slack.command("/ticket", "Printer on fire", user="UEMPLOYEE"))
        submission, submission_s = timed(lambda: slack.view_submission(view, form_values(), user="UEMPLOYEE"))
        click, click_s = timed(
            lambda: slack.block_action(
                {"action_id": "ticket_start", "block_id": "ticket_actions:1", "value": "1"},
                user="UTECH",
                channel="CTRIAGE",
                message_ts=card.ts,
            )
        )
        event, event_s = timed(lambda: slack.app_home_opened("UEMPLOYEE"))

        assert max(command_s, submission_s, click_s, event_s) < ANSWER_WITHIN
        assert command.status == 200 and command.json == {"response_type": "ephemeral", "text": STILL_CONNECTING}
        assert submission.status == 200 and submission.json["response_action"] == "errors"
        assert list(submission.json["errors"].values()) == [STILL_CONNECTING]  # inline: the form is kept
        assert click.status == 200
        wait_until(
            lambda: any(STILL_CONNECTING in m.text for m in fake_slack.visible_messages("CTRIAGE", "UTECH")),
            "the click's ephemeral on its response_url",
        )
        assert event.status == 503  # Slack sends the event again later: nothing lost
        assert row_counts(db) == before  # nothing written
    finally:
        served.stop()
        db.dispose()


def test_oauth_requests_never_ask_slack_who_the_token_is(distributed_app):
    app = distributed_app
    install(app, "TONE", "UADMIN1")
    install(app, "TTWO", "UADMIN2")
    workspaces = [as_workspace(app, "TONE").slack, as_workspace(app, "TTWO").slack]
    calls_before = len(app.fake.calls_to("auth.test"))

    for i in range(50):
        slack, admin = (workspaces[0], "UADMIN1") if i % 2 == 0 else (workspaces[1], "UADMIN2")
        kind = i % 3
        if kind == 0:
            response = slack.command("/hiredesk", "roles", user=admin)
            assert admin in response.json["text"], response.body
        elif kind == 1:
            response = slack.app_home_opened(admin)
        else:
            response = slack.command("/ticket", "queue", user=admin)
        assert response.status == 200, response.body

    assert len(app.fake.calls_to("auth.test")) == calls_before  # only the installs asked (Bolt's OAuth flow)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_background_check_finds_a_revoked_token_without_a_request_asking(database_url, fake_slack):
    served = ServedApp(database_url, fake_slack, HIREDESK_IDENTITY_REFRESH_SECONDS="1", **TRIAGE)
    served.wait_until_serving()
    try:
        slack = SignedSlackClient(served.url, SIGNING_SECRET, fake_slack)
        wait_until(lambda: "UADMIN" in slack.command("/hiredesk", "roles", user="UADMIN").json["text"], "served")
        fake_slack.revoke("T0001")  # the app uninstalled in Slack, the event lost
        wait_until(
            lambda: slack.command("/hiredesk", "roles", user="UADMIN").json["text"].endswith("in this workspace."),
            "the background check to find the token revoked",
        )
    finally:
        served.stop()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bolt_authorizes_from_the_tenancy_never_with_auth_test(live_app):
    bolt = build_bolt_app(live_app.ctx)
    kinds = {type(middleware) for middleware in bolt._middleware_list}
    assert SingleTeamAuthorization not in kinds  # it would ask auth.test on a request
    assert MultiTeamsAuthorization in kinds and isinstance(bolt._authorize, FromTenancy)
