"""The app under test, served over real HTTP on a free port, talking to the fake Slack."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.serving import make_server

from bot.context import AppContext
from bot.delivery.worker import start_delivery_worker
from bot.sandbox.signed_requests import SignedSlackClient
from bot.settings import Settings, load_settings
from bot.slack_app import build_bolt_app
from bot.tenancy import SingleWorkspace
from bot.web import create_web_app
from db.models import Delivery, delivery_is_open
from db.session import Database
from fakeslack import FakeSlack

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


def settings_for_tests(database_url: str, fake: FakeSlack, **overrides: str | None) -> Settings:
    """The app's settings against ``fake``; an override of None leaves that variable unset."""
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "HIREDESK_ADMINS": "UADMIN",
        "HIREDESK_TRIAGE_CHANNEL": "CTRIAGE",
        "HIREDESK_FLEET_CHANNEL": "CFLEET",
        "HIREDESK_MANAGERS_CHANNEL": "CMANAGERS",
        "HIREDESK_TIMEZONE": "Europe/London",
        "HIREDESK_SCHEDULER": "off",
        **overrides,
    }
    return load_settings({name: value for name, value in env.items() if value is not None})


@dataclass
class LiveApp:
    ctx: AppContext
    fake: FakeSlack
    slack: SignedSlackClient
    url: str

    @property
    def db(self) -> Database:
        return self.ctx.db

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until the outbox holds nothing still to send (the app's delivery worker sends it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.db.transaction(readonly=True) as session:
                if not session.scalar(
                    select(Delivery.id).where(delivery_is_open()).order_by(Delivery.next_attempt_at).limit(1)
                ):
                    return
            time.sleep(0.02)
        raise AssertionError(f"deliveries still unsent after {timeout:.0f} s")


class LiveServer:
    def __init__(self, settings: Settings, fake: FakeSlack) -> None:
        self.ctx = AppContext(settings=settings, db=Database(settings.database_url))
        if isinstance(self.ctx.tenancy, SingleWorkspace):
            # What the background check does at start-up, done here once and at once; tests that
            # change what Slack says of the token call ``tenancy.identity.refresh()`` themselves.
            self.ctx.tenancy.identity.refresh_if_due()
            fake.forget_calls()  # that auth.test was the start-up's, not the test's
        self.delivery = start_delivery_worker(settings, self.ctx.db, self.ctx.tenancy.client_for)
        self.wsgi = create_web_app(self.ctx, build_bolt_app(self.ctx))
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="hiredesk-under-test", daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.app = LiveApp(
            ctx=self.ctx, fake=fake, slack=SignedSlackClient(self.url, SIGNING_SECRET, fake), url=self.url
        )

    def stop(self) -> None:
        self.delivery.stop(grace=1)
        self.server.shutdown()
        self.server.server_close()
        self.ctx.db.dispose()
