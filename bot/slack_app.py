"""Builds the Bolt app (never at import time: app.py calls this)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App

import handlers
from bot.context import AppContext
from bot.slack_client import make_web_client

log = logging.getLogger("hiredesk")

# Listeners run in this pool; Slack waits at most 3 s for each ack, queueing included, so a
# burst of requests (a busy counter, the 50-way booking race test) needs more than Bolt's
# default 5 threads. Kept below the database pool (10 + 20 overflow) so no listener waits on it.
LISTENER_THREADS = 24


def build_bolt_app(ctx: AppContext) -> App:
    settings = ctx.settings
    app = App(
        client=make_web_client(settings),
        signing_secret=settings.slack_signing_secret or "unused-in-socket-mode",
        # Signatures are verified in bot.web before Bolt sees a request, so that
        # bad signatures (401) are told apart from malformed bodies (400).
        request_verification_enabled=False,
        # auth.test would run at start-up; the bot user ID is fetched lazily instead.
        token_verification_enabled=False,
        # ack() answers Slack at once; slow work after it runs in Bolt's thread pool.
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="hiredesk-listener"),
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
