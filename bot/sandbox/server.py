"""``python app.py`` without Slack credentials: HireDesk and a Slack-like page, in one process.

One threaded HTTP server on 127.0.0.1:PORT routes

    /slack/events, /healthz, /readyz   → HireDesk itself, built exactly as in production
    /api/…, /response/…, /files/…      → the fake Slack Web API (SLACK_API_URL points here), its uploads
    /, /sandbox/…                      → the sandbox page

The page sends signed requests to /slack/events like Slack does, with a signing
secret and bot token made up at start, so every click takes the real code path.
"""

from __future__ import annotations

import logging
import secrets
import signal
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment
from zoneinfo import ZoneInfo

import yaml
from slack_bolt import App
from werkzeug.serving import BaseWSGIServer, make_server

from bot.context import AppContext
from bot.delivery.worker import DeliveryWorker, start_delivery_worker
from bot.services import bot_identities
from bot.settings import Settings
from bot.slack_app import build_bolt_app
from bot.slack_client import make_web_client
from bot.web import create_web_app
from db.migrate import upgrade
from db.session import Database
from fakeslack import FakeSlack

from . import workspace
from .demo_cards import post_missing_cards
from .demo_data import grant_sandbox_roles
from .page import create_page_app
from .render import Renderer
from .saved_messages import SavedMessages, messages_file
from .signed_requests import SignedSlackClient
from .slack_ui import SlackUI

log = logging.getLogger("hiredesk.sandbox")

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
APP_PATHS = ("/slack/", "/healthz", "/readyz")
FAKE_SLACK_PATHS = ("/api/", "/response/", "/files/")


def sandbox_settings(settings: Settings, port: int, token: str, secret: str) -> Settings:
    """The operator's settings, pointed at the sandbox's fake Slack, people and channels."""
    return settings.model_copy(
        update={
            "slack_bot_token": token,
            "slack_signing_secret": secret,
            "slack_app_token": None,
            "slack_api_url": f"http://127.0.0.1:{port}/api/",
            "admins": [workspace.ADMIN.user_id],
            "triage_channel": workspace.TRIAGE.channel_id,
            "fleet_channel": workspace.CAR_HIRE.channel_id,
            "managers_channel": workspace.MANAGERS.channel_id,
            "timezone": settings.timezone if settings.timezone != "UTC" else workspace.TIMEZONE,
        }
    )


def manifest_entries() -> tuple[list[str], list[dict]]:
    """The app's slash commands and message shortcuts, from its Slack manifest."""
    features = yaml.safe_load(MANIFEST.read_text()).get("features", {})
    commands = [c["command"] for c in features.get("slash_commands", [])]
    shortcuts = [s for s in features.get("shortcuts", []) if s.get("type") == "message"]
    return commands, shortcuts


def _not_built(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    raise RuntimeError("the sandbox serves only once its apps are built")


class Router:
    """Sends each request to HireDesk, the fake Web API or the page, by path."""

    def __init__(self) -> None:
        # The server is bound first (its port goes into the apps' settings); the apps are set after.
        self.hiredesk: WSGIApplication = _not_built
        self.fake_slack: WSGIApplication = _not_built
        self.page: WSGIApplication = _not_built

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(APP_PATHS):
            return self.hiredesk(environ, start_response)
        if path.startswith(FAKE_SLACK_PATHS):
            return self.fake_slack(environ, start_response)
        return self.page(environ, start_response)


@dataclass
class Sandbox:
    ctx: AppContext
    fake: FakeSlack
    ui: SlackUI
    bolt_app: App
    url: str
    _server: BaseWSGIServer
    _saved: SavedMessages | None
    _delivery: DeliveryWorker

    def serve_forever(self) -> None:
        if self._saved:
            self._saved.keep_saved()
        threading.Thread(target=self._post_missing_cards, name="sandbox-cards", daemon=True).start()
        self._server.serve_forever(poll_interval=0.2)

    def _post_missing_cards(self) -> None:
        """Rows loaded by ``seed-demo`` (or whose messages were lost) get their cards once the server runs."""
        try:
            post_missing_cards(self.ctx, self.fake, make_web_client(self.ctx.settings))
        except Exception:  # the sandbox still works without them; say why in the terminal
            log.exception("sandbox: could not post the cards of existing tickets and bookings")

    def start_in_thread(self) -> Sandbox:
        threading.Thread(target=self.serve_forever, name="sandbox", daemon=True).start()
        return self

    def stop(self) -> None:
        self.ctx.tenancy.stop()
        self._delivery.stop(grace=1)
        self._server.shutdown()
        self._server.server_close()
        if self._saved:
            self._saved.stop()
        self.ctx.db.dispose()


def build_sandbox(settings: Settings, host: str = "127.0.0.1", port: int | None = None) -> Sandbox:
    """Bind the port, then build HireDesk, the fake Slack and the page around it."""
    router = Router()
    server = make_server(host, settings.port if port is None else port, router, threaded=True)
    port = server.server_port
    token, secret = f"xoxb-sandbox-{secrets.token_hex(12)}", secrets.token_hex(16)
    settings = sandbox_settings(settings, port, token, secret)

    upgrade(settings.database_url)  # the sandbox's own database: always brought up to date
    ctx = AppContext(settings=settings, db=Database(settings.database_url))
    grant_sandbox_roles(ctx)

    fake = FakeSlack(team_id=workspace.TEAM_ID, token=token).mount(port)
    for person in workspace.PEOPLE:
        fake.add_user(person.user_id, person.name, tz=settings.timezone, real_name=person.real_name)
    for channel in workspace.CHANNELS:
        fake.add_channel(channel.channel_id, channel.name)
    saved_path = messages_file(settings.database_url)
    saved = SavedMessages(fake, saved_path) if saved_path else None
    if saved:
        saved.load()

    url = f"http://127.0.0.1:{port}"
    commands, shortcuts = manifest_entries()
    ui = SlackUI(fake, SignedSlackClient(url, secret, fake), ZoneInfo(ctx.settings.timezone), commands, shortcuts)
    bolt_app = build_bolt_app(ctx)
    with ctx.db.transaction() as session:  # the sandbox made the token: who it is needs no asking
        bot_identities.accepted(
            session,
            bot_identities.fingerprint(token),
            team_id=workspace.TEAM_ID,
            enterprise_id=None,
            bot_user_id=FakeSlack.BOT_USER,
            bot_id=FakeSlack.BOT_ID,
        )
    ctx.tenancy.start()
    delivery = start_delivery_worker(settings, ctx.db, ctx.tenancy.client_for)
    router.hiredesk = create_web_app(ctx, bolt_app)
    router.fake_slack = fake.app
    router.page = create_page_app(ctx, ui, Renderer(fake, ui, ui.tz))
    return Sandbox(
        ctx=ctx, fake=fake, ui=ui, bolt_app=bolt_app, url=url, _server=server, _saved=saved, _delivery=delivery
    )


def serve_sandbox(settings: Settings) -> int:
    # The page polls the server all the time; one access-log line per poll would bury the app's own log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    sandbox = build_sandbox(settings)
    scheduler = None
    if sandbox.ctx.settings.scheduler:
        # Reminders and digests arrive by themselves, as they would in Slack (HIREDESK_SCHEDULER=off stops it).
        from bot.scheduler.background import start_scheduler

        scheduler = start_scheduler(sandbox.ctx.settings)
    # Ctrl-C (and `docker stop`/SIGTERM) stop the sandbox, even when the parent
    # process started us with SIGINT ignored or blocked (as some launchers do).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(
        f"HireDesk sandbox: open {sandbox.url}/ (Slack is simulated locally, on the sandbox's own database). "
        "Ctrl-C stops it.",
        flush=True,
    )
    try:
        sandbox.serve_forever()  # werkzeug's server returns on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)  # a job mid-run must not hold up Ctrl-C
        sandbox.stop()
    print("\nHireDesk sandbox stopped.", flush=True)
    return 0
