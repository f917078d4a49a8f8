"""Builds the Bolt app (never at import time: app.py calls this)."""

from __future__ import annotations

import logging

from slack_bolt import App

import handlers
from bot.context import AppContext
from bot.slack_client import LISTENER_TIMEOUT, make_web_client

log = logging.getLogger("hiredesk")


def build_bolt_app(ctx: AppContext) -> App:
    settings = ctx.settings
    app = App(
        # Listeners call Slack only for views.open/push/update (a trigger lasts 3 s): no retries, short time-out.
        client=make_web_client(settings, timeout=LISTENER_TIMEOUT),
        signing_secret=settings.slack_signing_secret or "unused-in-socket-mode",
        # Signatures are verified in bot.web before Bolt sees a request, so that
        # bad signatures (401) are told apart from malformed bodies (400).
        request_verification_enabled=False,
        # auth.test would run at start-up; the bot user ID is fetched lazily instead.
        token_verification_enabled=False,
        # Listeners do only what the answer needs (validate, write, queue deliveries in the outbox),
        # so the answer leaves as soon as the listener returns: no thread hand-off, no 10 ms ack polling.
        process_before_response=True,
        logger=logging.getLogger("hiredesk.bolt"),
    )
    handlers.register(app, ctx)

    @app.error
    def log_unhandled(error, body, logger):
        # Listeners are @guarded; this only sees failures outside them.
        logger.error(
            "unhandled error for %s request: %s", body.get("type") or body.get("command"), error, exc_info=error
        )

    return app
