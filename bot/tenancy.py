"""Which workspaces this app serves, and each one's Web API client.

Two ways to run (PRODUCT.md §2):

- ``SingleWorkspace`` — one bot token from the environment (HTTP or Socket Mode). The token's own
  workspace, as ``auth.test`` names it (asked once, then kept), is the only one served: a request
  from any other team or enterprise is refused before anything is written or posted.
- ``InstalledWorkspaces`` — distributed over OAuth: every workspace that installed the app, each
  with its own bot token from slack_sdk's installation store (looked up, kept a few seconds).

Either way ``client_for(team_id)`` is None once the workspace uninstalled the app or revoked its
token (with one bot token: also while Slack refuses it): the delivery worker then fails what is
queued there as ``workspace_gone``, and scheduled jobs skip it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import select

from bot.services import workspaces
from bot.settings import Settings
from bot.slack_client import make_web_client
from db.session import Database

log = logging.getLogger("hiredesk.tenancy")

# How long a looked-up token (or "uninstalled") is trusted before it is looked up again.
TOKEN_CACHE_SECONDS = 10.0
# With one bot token, how long Slack's refusal of it (auth.test) stands before it is asked again.
AUTH_RECHECK_SECONDS = 60.0
# auth.test's answers meaning "this token is no good" (revoked, its app or workspace gone), not an outage.
TOKEN_REFUSED = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"})


class Tenancy(Protocol):
    def serves(self, team_id: str | None, enterprise_id: str | None) -> bool: ...

    def client_for(self, team_id: str) -> WebClient | None: ...

    def uninstalled(self, team_id: str) -> None:
        """The workspace left: forget (or delete) its token now."""

    def scheduled_teams(self) -> frozenset[str] | None:
        """The only workspaces scheduled jobs may run for (None: any); the jobs' own query also
        skips the uninstalled and, over OAuth, those with no stored token. Asked before a run."""


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
        self._refused_until = float("-inf")  # while Slack refuses the token: ask again after this
        self._lock = threading.Lock()
        self._installed = _Expiring(TOKEN_CACHE_SECONDS)

    def home(self) -> Home | None:
        """The token's workspace, asked of Slack (auth.test) once per process and then kept.

        None while Slack refuses the token (revoked, app uninstalled, workspace deactivated): the
        app is then installed nowhere — requests get "not installed", deliveries fail as
        ``workspace_gone``, jobs run for nobody — and Slack is asked again at most every
        ``AUTH_RECHECK_SECONDS``, so a token put right is served without a restart. Any other
        failure (Slack unreachable) is raised, and asked again next time."""
        with self._lock:
            if self._home is None and time.monotonic() >= self._refused_until:
                try:
                    answer = self.client.auth_test()
                except SlackApiError as error:
                    if error.response.get("error") not in TOKEN_REFUSED:
                        raise
                    self._refused_until = time.monotonic() + AUTH_RECHECK_SECONDS
                    log.error(
                        "Slack refuses the bot token (%s): no workspace is served; asking again in %.0f s",
                        error.response.get("error"),
                        AUTH_RECHECK_SECONDS,
                    )
                    return None
                self._home = Home(team_id=answer["team_id"], enterprise_id=answer.get("enterprise_id") or None)
                log.info("serving workspace %s only (the bot token's own)", self._home.team_id)
                # auth.test just accepted the token: the workspace has the app (again).
                with self.db.transaction() as session:
                    workspaces.mark_installed(session, self._home.team_id)
            return self._home

    def serves(self, team_id: str | None, enterprise_id: str | None) -> bool:
        home = self.home()
        return home is not None and team_id == home.team_id and (enterprise_id or None) in (None, home.enterprise_id)

    def client_for(self, team_id: str) -> WebClient | None:
        home = self.home()
        if home is None or team_id != home.team_id:
            return None
        return self.client if self._installed.get(team_id, lambda: self._still_installed(team_id)) else None

    def scheduled_teams(self) -> frozenset[str] | None:
        home = self.home()
        return frozenset({home.team_id} if home else ())

    def uninstalled(self, team_id: str) -> None:
        # The token is the operator's (environment); from now on the database says "uninstalled".
        self._installed.forget(team_id)

    def _still_installed(self, team_id: str) -> bool:
        with self.db.transaction(readonly=True) as session:
            return workspaces.is_installed(session, team_id)


@dataclass(frozen=True)
class _Installed:
    enterprise_id: str | None  # the Enterprise Grid organization it installed the app in, if any
    client: WebClient


class InstalledWorkspaces:
    """Distributed over OAuth: each installed workspace with its own bot token.

    A workspace of an Enterprise Grid organization installs the app for itself (the manifest has
    no org-wide deploy), and its token is stored under its enterprise id as well: requests must
    carry that same enterprise, and a delivery (which knows only the team) finds it by the team."""

    def __init__(self, settings: Settings, installation_store: SQLAlchemyInstallationStore) -> None:
        self.settings = settings
        self.store = installation_store
        self._installed = _Expiring(TOKEN_CACHE_SECONDS)

    def serves(self, team_id: str | None, enterprise_id: str | None) -> bool:
        installed = self._installation(team_id) if team_id else None
        return installed is not None and installed.enterprise_id == (enterprise_id or None)

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

    def _installation(self, team_id: str) -> _Installed | None:
        installed = self._installed.get(team_id, lambda: self._load(team_id))
        return installed if isinstance(installed, _Installed) else None

    def _load(self, team_id: str) -> _Installed | None:
        enterprise_id = next(iter(self._enterprises_of(team_id)), None)
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=False)
        if bot is None or not bot.bot_token:
            return None
        return _Installed(enterprise_id, make_web_client(self.settings, bot.bot_token))

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
