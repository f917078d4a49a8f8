"""Distributed over OAuth: two workspaces install through /slack/install and /slack/oauth_redirect
(Bolt's flow, slack_sdk's stores in the app's database); each sees only its own data, each one's
messages are posted with its own token, its installer is its first admin, and a workspace that
did not install gets nothing."""

from __future__ import annotations

import dataclasses
import re
import urllib.request
from email.message import Message
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import select

from bot.sandbox.signed_requests import SignedSlackClient
from db.models import Role, UserRole, Workspace
from tests.harness.live_app import SIGNING_SECRET, LiveServer, settings_for_tests
from tests.tickets.helpers import raise_ticket

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def distributed_app(database_url, fake_slack):
    settings = settings_for_tests(
        database_url,
        fake_slack,
        SLACK_BOT_TOKEN=None,
        SLACK_CLIENT_ID="111.222",
        SLACK_CLIENT_SECRET="client-secret",
        HIREDESK_PUBLIC_URL="https://hiredesk.example.com",
        SLACK_AUTHORIZE_URL=f"{fake_slack.base_url}/oauth/v2/authorize",
    )
    server = LiveServer(settings, fake_slack)
    yield server.app
    server.stop()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, cookie: str | None = None) -> tuple[int, str, Message]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def install(app, team_id: str, installer: str) -> str:
    """An admin of ``team_id`` clicks "Add to Slack", then "Allow"; the new bot token."""
    status, page, headers = get(f"{app.url}/slack/install")
    assert status == 200, page
    state = re.search(r"state=([\w-]+)", page).group(1)
    cookie = SimpleCookie(headers["Set-Cookie"])
    cookie_header = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
    assert state in cookie_header
    code = app.fake.authorize(team_id, installer)
    status, page, _ = get(f"{app.url}/slack/oauth_redirect?code={code}&state={state}", cookie=cookie_header)
    assert status == 200, page
    return next(token for token, team in app.fake.token_teams.items() if team == team_id)


def as_workspace(app, team_id: str):
    return dataclasses.replace(app, slack=SignedSlackClient(app.url, SIGNING_SECRET, app.fake, team_id=team_id))


def test_two_workspaces_each_with_its_own_token_and_data(distributed_app):
    app = distributed_app
    for user in ("UONE", "UTWO"):
        app.fake.add_user(user)
    token_one, token_two = install(app, "TONE", "UONE"), install(app, "TTWO", "UTWO")
    one, two = as_workspace(app, "TONE"), as_workspace(app, "TTWO")

    with app.db.transaction(readonly=True) as session:  # the installers are the first admins
        admins = set(session.execute(select(UserRole.team_id, UserRole.user_id).where(UserRole.role == Role.ADMIN)))
    assert admins == {("TONE", "UONE"), ("TTWO", "UTWO")}
    assert "UONE" in one.slack.command("/hiredesk", "roles", user="UONE").json["text"]
    # HIREDESK_ADMINS names the users of one bot token's workspace: not an admin anywhere here.
    assert "UADMIN" not in one.slack.command("/hiredesk", "roles", user="UONE").json["text"]

    first = raise_ticket(one, user="UEMPLOYEE", title="One's printer")
    second = raise_ticket(two, user="UEMPLOYEE", title="Two's laptop")
    app.settle()
    assert (first.team_id, first.number, second.team_id, second.number) == ("TONE", 1, "TTWO", 1)

    shown = two.slack.command("/ticket", "T-1", user="UEMPLOYEE").json
    assert "Two's laptop" in str(shown) and "One's printer" not in str(shown)

    posts = [c for c in app.fake.calls if c.method in ("chat.postMessage", "chat.update", "views.publish")]
    assert posts and {c.token for c in posts} <= {token_one, token_two}
    for call in posts:
        text = str(call.args)
        if "One's printer" in text:
            assert call.token == token_one
        if "Two's laptop" in text:
            assert call.token == token_two
    assert {c.token for c in posts if "One's printer" in str(c.args)} == {token_one}
    assert {c.token for c in posts if "Two's laptop" in str(c.args)} == {token_two}


def test_a_workspace_that_did_not_install_gets_nothing(distributed_app):
    app = distributed_app
    install(app, "TONE", "UONE")
    calls_before = len(app.fake.calls)
    evil = as_workspace(app, "TEVIL")
    answer = evil.slack.command("/hiredesk", "role <@UEVIL> admin", user="UADMIN")
    assert answer.status in (200, 401) and "is now" not in answer.body
    with app.db.transaction(readonly=True) as session:
        assert session.get(Workspace, "TEVIL") is None
    # Bolt tells the user on the request's own response_url; no Web API call, no token used.
    later = app.fake.calls[calls_before:]
    assert [(c.method, c.args.get("text")) for c in later] in (
        [],
        [("response_url", "HireDesk is not installed in this workspace.")],
    )


def test_uninstall_deletes_the_token_and_a_reinstall_brings_it_back(distributed_app):
    app = distributed_app
    install(app, "TONE", "UONE")
    one = as_workspace(app, "TONE")
    raise_ticket(one, user="UEMPLOYEE")
    app.settle()

    one.slack.event({"type": "app_uninstalled"})
    app.fake.revoke("TONE")
    tenancy = app.ctx.tenancy
    assert tenancy.client_for("TONE") is None
    assert tenancy.store.find_bot(enterprise_id=None, team_id="TONE") is None

    token = install(app, "TONE", "USOMEONEELSE")
    assert tenancy.client_for("TONE").token == token
    with app.db.transaction(readonly=True) as session:  # a reinstall changes nobody's role
        assert set(session.scalars(select(UserRole.user_id).where(UserRole.role == Role.ADMIN))) == {"UONE"}
        assert session.get(Workspace, "TONE").uninstalled_at is None
