"""Installing over OAuth in tests: the app in distributed mode, "Add to Slack" → "Allow" → the
redirect, and each installed workspace's own signed Slack."""

from __future__ import annotations

import dataclasses
import re
import urllib.request
from email.message import Message
from http.cookies import SimpleCookie

from bot.sandbox.signed_requests import SignedSlackClient
from tests.harness.live_app import SIGNING_SECRET, LiveServer, settings_for_tests


def distributed_server(database_url: str, fake_slack) -> LiveServer:
    settings = settings_for_tests(
        database_url,
        fake_slack,
        SLACK_BOT_TOKEN=None,
        SLACK_CLIENT_ID="111.222",
        SLACK_CLIENT_SECRET="client-secret",
        HIREDESK_PUBLIC_URL="https://hiredesk.example.com",
        SLACK_AUTHORIZE_URL=f"{fake_slack.base_url}/oauth/v2/authorize",
    )
    return LiveServer(settings, fake_slack)


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


def install(app, team_id: str, installer: str, enterprise_id: str | None = None) -> str:
    """An admin of ``team_id`` (in Enterprise Grid: of ``enterprise_id``) clicks "Add to Slack",
    then "Allow"; the new bot token."""
    status, page, headers = get(f"{app.url}/slack/install")
    assert status == 200, page
    state = re.search(r"state=([\w-]+)", page).group(1)
    cookie = SimpleCookie(headers["Set-Cookie"])
    cookie_header = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
    assert state in cookie_header
    code = app.fake.authorize(team_id, installer, enterprise_id=enterprise_id)
    status, page, _ = get(f"{app.url}/slack/oauth_redirect?code={code}&state={state}", cookie=cookie_header)
    assert status == 200, page
    return next(token for token, team in app.fake.token_teams.items() if team == team_id)


def as_workspace(app, team_id: str, enterprise_id: str | None = None):
    """``app`` as seen from ``team_id``'s Slack: its requests carry that team (and enterprise)."""
    slack = SignedSlackClient(app.url, SIGNING_SECRET, app.fake, team_id=team_id, enterprise_id=enterprise_id)
    return dataclasses.replace(app, slack=slack)
