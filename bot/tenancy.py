"""Which workspaces this app serves, and each one's Web API client.

Two ways to run (PRODUCT.md §2):

- ``SingleWorkspace`` — one bot token from the environment (HTTP or Socket Mode). The token's own
  workspace is the only one served: a request from any other team or enterprise is refused before
  anything is written or posted. Which workspace that is, Slack's ``auth.test`` says — asked in the
  background and kept in the database (bot/identity.py), never on a request's path.
- ``InstalledWorkspaces`` — distributed over OAuth: every workspace that installed the app, each
  with its own bot token, bot user and bot from slack_sdk's installation store (looked up, kept a
  few seconds; Slack is not asked).

Either way ``authorize`` gives Bolt what a request's listeners need (token, bot user, bot) without a
Web API call, and ``client_for(team_id)`` is None once the workspace uninstalled the app or revoked
its token (with one bot token: also while Slack refuses it): the delivery worker then fails what is
queued there as ``workspace_gone``, and scheduled jobs skip it.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import select

from bot.identity import TokenIdentity
from bot.services import workspaces
from bot.services.bot_identities import BotIdentity
from bot.settings import Settings
from bot.slack_client import make_web_client
from db.session import Database

log = logging.getLogger("hiredesk.tenancy")

# How long a looked-up token (or "uninstalled") is trusted before it is looked up again.
TOKEN_CACHE_SECONDS = 10.0


class Admission(enum.Enum):
    """Whether a request's workspace is served here."""

    SERVED = "served"
    NOT_SERVED = "not_served"
    CONNECTING = "connecting"  # one bot token, and Slack has never yet said whose it is


class StillConnecting(Exception):
    """Nothing is known yet of the bot token (Slack not reached since the app's first start)."""


class Tenancy(Protocol):
    def admission(self, team_id: str | None, enterprise_id: str | None) -> Admission: ...

    def authorize(self, team_id: str | None, enterprise_id: str | None, user_id: str | None) -> AuthorizeResult | None:
        """What Bolt needs to run a request's listeners (token, bot user, bot), with no Web API call."""

    def client_for(self, team_id: str) -> WebClient | None:
        """The workspace's client (None: not served). May raise ``StillConnecting``: try later."""

    def uninstalled(self, team_id: str) -> None:
        """The workspace left: forget (or delete) its token now."""

    def scheduled_teams(self) -> frozenset[str] | None:
        """The only workspaces scheduled jobs may run for (None: any); the jobs' own query also
        skips the uninstalled and, over OAuth, those with no stored token. Asked before a run."""

    def start(self) -> None:
        """Start what keeps this process's view of the workspaces fresh (at start-up)."""

    def stop(self) -> None:
        """Stop it (a sandbox or test server shutting down; a serving process just exits)."""


class _Expiring:
    """A small thread-safe cache whose entries last ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[], object]) -> object:
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
        if found and now - found[0] < self.seconds:
            return found[1]
        value = load()
        with self._lock:
            self._entries[key] = (now, value)
        return value

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


class SingleWorkspace:
    """One bot token, one workspace: the token's own, as Slack last said (``identity``)."""

    def __init__(self, settings: Settings, db: Database, client: WebClient | None = None) -> None:
        self.db = db
        self.client = client or make_web_client(settings)
        self.identity = TokenIdentity(db, self.client, every=settings.identity_refresh_seconds)
        self._installed = _Expiring(TOKEN_CACHE_SECONDS)

    def start(self) -> None:
        self.identity.start()

    def stop(self) -> None:
        self.identity.stop()

    def admission(self, team_id: str | None, enterprise_id: str | None) -> Admission:
        """SERVED for the token's own workspace (and enterprise); NOT_SERVED for any other, and for
        every one while Slack refuses the token; CONNECTING while Slack has never answered."""
        known = self.identity.current()
        if known is None:
            return Admission.CONNECTING
        return Admission.SERVED if _serves(known, team_id, enterprise_id) else Admission.NOT_SERVED

    def authorize(self, team_id: str | None, enterprise_id: str | None, user_id: str | None) -> AuthorizeResult | None:
        known = self.identity.current()
        if known is None or not _serves(known, team_id, enterprise_id):
            return None
        return AuthorizeResult(
            enterprise_id=known.enterprise_id,
            team_id=known.team_id,
            bot_user_id=known.bot_user_id,
            bot_id=known.bot_id,
            bot_token=self.client.token,
            user_id=user_id,
        )

    def client_for(self, team_id: str) -> WebClient | None:
        known = self.identity.current()
        if known is None:
            raise StillConnecting()
        if not known.serving or team_id != known.team_id:
            return None
        return self.client if self._installed.get(team_id, lambda: self._still_installed(team_id)) else None

    def scheduled_teams(self) -> frozenset[str] | None:
        known = self.identity.current()
        return frozenset({known.team_id} if known and known.serving and known.team_id else ())

    def uninstalled(self, team_id: str) -> None:
        # The token is the operator's (environment); from now on the database says "uninstalled".
        self._installed.forget(team_id)

    def _still_installed(self, team_id: str) -> bool:
        with self.db.transaction(readonly=True) as session:
            return workspaces.is_installed(session, team_id)


def _serves(known: BotIdentity, team_id: str | None, enterprise_id: str | None) -> bool:
    """The token is accepted for this team (and the request's enterprise, if it names one)."""
    return known.serving and team_id == known.team_id and (enterprise_id or None) in (None, known.enterprise_id)


@dataclass(frozen=True)
class _Installed:
    enterprise_id: str | None  # the Enterprise Grid organization it installed the app in, if any
    client: WebClient
    bot_user_id: str | None
    bot_id: str | None


class InstalledWorkspaces:
    """Distributed over OAuth: each installed workspace with its own bot token.

    A workspace of an Enterprise Grid organization installs the app for itself (the manifest has
    no org-wide deploy), and its token is stored under its enterprise id as well: requests must
    carry that same enterprise, and a delivery (which knows only the team) finds it by the team."""

    def __init__(self, settings: Settings, installation_store: SQLAlchemyInstallationStore) -> None:
        self.settings = settings
        self.store = installation_store
        self._installed = _Expiring(TOKEN_CACHE_SECONDS)

    def start(self) -> None:
        pass  # each installation is looked up when a request or delivery needs it

    def stop(self) -> None:
        pass

    def admission(self, team_id: str | None, enterprise_id: str | None) -> Admission:
        return Admission.SERVED if self._serving(team_id, enterprise_id) else Admission.NOT_SERVED

    def authorize(self, team_id: str | None, enterprise_id: str | None, user_id: str | None) -> AuthorizeResult | None:
        """What the installation store holds (what Slack said at install time): no auth.test."""
        installed = self._serving(team_id, enterprise_id)
        if installed is None:
            return None
        return AuthorizeResult(
            enterprise_id=installed.enterprise_id,
            team_id=team_id,
            bot_user_id=installed.bot_user_id,
            bot_id=installed.bot_id,
            bot_token=installed.client.token,
            user_id=user_id,
        )

    def client_for(self, team_id: str) -> WebClient | None:
        installed = self._installation(team_id)
        return installed.client if installed else None

    def scheduled_teams(self) -> frozenset[str] | None:
        return None  # every workspace with a stored token: the jobs' own query

    def installed(self, team_id: str) -> None:
        self._installed.forget(team_id)  # a new token: look it up next time

    def uninstalled(self, team_id: str) -> None:
        for enterprise_id in self._enterprises_of(team_id):
            self.store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        self._installed.forget(team_id)

    def _serving(self, team_id: str | None, enterprise_id: str | None) -> _Installed | None:
        """The workspace's installation, if it installed the app under the request's enterprise."""
        installed = self._installation(team_id) if team_id else None
        return installed if installed is not None and installed.enterprise_id == (enterprise_id or None) else None

    def _installation(self, team_id: str) -> _Installed | None:
        installed = self._installed.get(team_id, lambda: self._load(team_id))
        return installed if isinstance(installed, _Installed) else None

    def _load(self, team_id: str) -> _Installed | None:
        enterprise_id = next(iter(self._enterprises_of(team_id)), None)
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=False)
        if bot is None or not bot.bot_token:
            return None
        return _Installed(
            enterprise_id, make_web_client(self.settings, bot.bot_token), bot_user_id=bot.bot_user_id, bot_id=bot.bot_id
        )

    def _enterprises_of(self, team_id: str) -> list[str | None]:
        """The enterprise ids the workspace's bot tokens are stored under, the newest install's first
        (None: a workspace outside any Enterprise Grid). Normally one."""
        bots = self.store.bots.c
        query = (
            select(bots.enterprise_id)
            .where(bots.client_id == self.store.client_id, bots.team_id == team_id)
            .order_by(bots.installed_at.desc())
        )
        with self.store.engine.connect() as connection:
            connection.execution_options(readonly=True)
            return list(dict.fromkeys(connection.scalars(query)))
