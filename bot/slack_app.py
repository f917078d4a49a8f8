"""Builds the Bolt app (never at import time: app.py calls this)."""

from __future__ import annotations

import logging

from slack_bolt import App

import handlers
from bot.context import AppContext
from bot.request_path import FromTenancy
from bot.slack_client import LISTENER_TIMEOUT, make_web_client
from handlers.support import NOT_INSTALLED, OnlyServedWorkspaces

log = logging.getLogger("hiredesk")


def build_bolt_app(ctx: AppContext) -> App:
    settings = ctx.settings
    oauth = None
    if settings.distributed:
        # Many workspaces: Bolt finds each request's token in the installation store.
        from bot.installs import first_admin, oauth_settings
        from bot.tenancy import InstalledWorkspaces

        tenancy = ctx.tenancy
        assert isinstance(tenancy, InstalledWorkspaces)

        def on_installed(team_id: str, installer: str) -> None:
            first_admin(ctx.db, team_id, installer)
            tenancy.installed(team_id)

        oauth = oauth_settings(settings, ctx.db, tenancy.store, on_installed)
    # Listeners call Slack only for views.open/push/update (a trigger lasts 3 s): no retries, short
    # time-out. Each request's client gets its token from ``authorize``, not from this one.
    client = make_web_client(settings, timeout=LISTENER_TIMEOUT)
    client.token = None
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "unused-in-socket-mode",
        # Signatures are verified in bot.web before Bolt sees a request, so that
        # bad signatures (401) are told apart from malformed bodies (400).
        request_verification_enabled=False,
        # The token, team, bot user and bot come from what the tenancy holds (bot/tenancy.py): neither at
        # start-up nor on any request does Bolt ask Slack auth.test (a slow Slack would delay answers).
        authorize=FromTenancy(ctx.tenancy),  # type: ignore[arg-type]  # Bolt takes an Authorize too
        token_verification_enabled=False,
        # Listeners do only what the answer needs (validate, write, queue deliveries in the outbox),
        # so the answer leaves as soon as the listener returns: no thread hand-off, no 10 ms ack polling.
        process_before_response=True,
        logger=logging.getLogger("hiredesk.bolt"),
        oauth_settings=oauth,
        # First of all (before Bolt's authorization asks Slack or the installation store anything):
        # a workspace this app does not serve gets nothing.
        before_authorize=OnlyServedWorkspaces(ctx),
        # Should the authorization still refuse one (its token deleted a moment ago), Bolt tells the
        # user so on the request's own response_url (its own Slack); nothing runs, nothing is stored.
        user_facing_authorize_error_message=NOT_INSTALLED,
    )
    handlers.register(app, ctx)

    @app.error
    def log_unhandled(error, body, logger):
        # Listeners are @guarded; this only sees failures outside them.
        logger.error(
            "unhandled error for %s request: %s", body.get("type") or body.get("command"), error, exc_info=error
        )

    return app
