"""Which workspaces this app serves, and each one's Web API client.

Two ways to run (PRODUCT.md §2):

- ``SingleWorkspace`` — one bot token from the environment (HTTP or Socket Mode). The token's own
  workspace, as ``auth.test`` names it (asked once, then kept), is the only one served: a request
  from any other team or enterprise is refused before anything is written or posted.
- ``InstalledWorkspaces`` — distributed over OAuth: every workspace that installed the app, each
  with its own bot token from slack_sdk's installation store (looked up, kept a few seconds).

Either way ``client_for(team_id)`` is None once the workspace uninstalled the app or revoked its
token: the delivery worker then fails what is queued there as ``workspace_gone``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

from bot.services import workspaces
from bot.settings import Settings
from bot.slack_client import make_web_client
from db.session import Database

log = logging.getLogger("hiredesk.tenancy")

# How long a looked-up token (or "uninstalled") is trusted before it is looked up again.
TOKEN_CACHE_SECONDS = 10.0


class Tenancy(Protocol):
    def serves(self, team_id: str | None, enterprise_id: str | None) -> bool: ...

    def client_for(self, team_id: str) -> WebClient | None: ...

    def uninstalled(self, team_id: str) -> None:
        """The workspace left: forget (or delete) its token now."""


@dataclass(frozen=True)
class Home:
    team_id: str
    enterprise_id: str | None


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
    """One bot token, one workspace: the token's own (``auth.test``)."""

    def __init__(self, settings: Settings, db: Database, client: WebClient | None = None) -> None:
        self.db = db
        self.client = client or make_web_client(settings)
        self._home: Home | None = None
        self._lock = threading.Lock()
        self._installed = _Expiring(TOKEN_CACHE_SECONDS)

    def home(self) -> Home:
        """The token's workspace, asked of Slack once per process (a failure is asked again next time)."""
        with self._lock:
            if self._home is None:
                answer = self.client.auth_test()
                self._home = Home(team_id=answer["team_id"], enterprise_id=answer.get("enterprise_id") or None)
                log.info("serving workspace %s only (the bot token's own)", self._home.team_id)
                # auth.test just accepted the token: the workspace has the app (again).
                with self.db.transaction() as session:
                    workspaces.mark_installed(session, self._home.team_id)
            return self._home

    def serves(self, team_id: str | None, enterprise_id: str | None) -> bool:
        home = self.home()
        return team_id == home.team_id and (enterprise_id or None) in (None, home.enterprise_id)

    def client_for(self, team_id: str) -> WebClient | None:
        if team_id != self.home().team_id:
            return None
        return self.client if self._installed.get(team_id, lambda: self._still_installed(team_id)) else None

    def uninstalled(self, team_id: str) -> None:
        # The token is the operator's (environment); from now on the database says "uninstalled".
        self._installed.forget(team_id)

    def _still_installed(self, team_id: str) -> bool:
        with self.db.transaction(readonly=True) as session:
            return workspaces.is_installed(session, team_id)


class InstalledWorkspaces:
    """Distributed over OAuth: each installed workspace with its own bot token."""

    def __init__(self, settings: Settings, installation_store: InstallationStore) -> None:
        self.settings = settings
        self.store = installation_store
        self._clients = _Expiring(TOKEN_CACHE_SECONDS)

    def serves(self, team_id: str | None, enterprise_id: str | None) -> bool:
        return team_id is not None and self.client_for(team_id) is not None

    def client_for(self, team_id: str) -> WebClient | None:
        client = self._clients.get(team_id, lambda: self._load(team_id))
        return client if isinstance(client, WebClient) else None

    def installed(self, team_id: str) -> None:
        self._clients.forget(team_id)  # a new token: look it up next time

    def uninstalled(self, team_id: str) -> None:
        self.store.delete_all(enterprise_id=None, team_id=team_id)
        self._clients.forget(team_id)

    def _load(self, team_id: str) -> WebClient | None:
        bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        return make_web_client(self.settings, bot.bot_token)
