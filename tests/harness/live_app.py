"""The app under test, served over real HTTP on a free port, talking to the fake Slack."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from werkzeug.serving import make_server

from bot.context import AppContext
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.signed_requests import SignedSlackClient
from bot.settings import Settings, load_settings
from bot.slack_app import build_bolt_app
from bot.web import create_web_app
from db.session import Database

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


def settings_for_tests(database_url: str, fake: FakeSlack, **overrides: str) -> Settings:
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
    return load_settings(env)


@dataclass
class LiveApp:
    ctx: AppContext
    fake: FakeSlack
    slack: SignedSlackClient
    url: str

    @property
    def db(self) -> Database:
        return self.ctx.db


class LiveServer:
    def __init__(self, settings: Settings, fake: FakeSlack) -> None:
        self.ctx = AppContext(settings=settings, db=Database(settings.database_url))
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
        self.server.shutdown()
        self.server.server_close()
        self.ctx.db.dispose()
