"""Who the one bot token is — its team, enterprise, bot user and bot — learnt off the request path.

Slack's ``auth.test`` says it. Asking on a request would make every answer wait on Slack (a slow
Slack then times out every request of a process that has not asked yet), so instead:

- a background thread of each serving process asks at start-up and then every
  ``HIREDESK_IDENTITY_REFRESH_SECONDS`` (every minute while Slack refuses the token; sooner while it
  cannot be reached and nothing is known yet);
- the answer is kept in the database (``bot_token_identities``, keyed by a hash of the token), so
  every process, and the app after a restart, serves requests at once with what Slack last said;
  a process that finds the row checked recently by another one does not ask again;
- requests, deliveries and jobs read it (from memory, the row re-read every few seconds), never Slack.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import bot_identities, workspaces
from bot.services.bot_identities import BotIdentity, fingerprint
from bot.services.clock import utcnow
from db.session import Database

log = logging.getLogger("hiredesk.identity")

# auth.test's answers meaning "this token is no good" (revoked, its app or workspace gone), not an outage.
TOKEN_REFUSED = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"})
# While Slack refuses the token, how long its refusal stands before Slack is asked again.
RECHECK_REFUSED = timedelta(seconds=60)
# After Slack could not be reached: ask again this soon while nothing is known, else this.
RETRY_UNKNOWN_SECONDS = 5.0
RETRY_KNOWN_SECONDS = 60.0
# How long this process trusts what it read from the database (another process may have refreshed it);
# while nothing is known yet, every read looks again (one primary-key lookup, only until Slack answers).
REREAD_SECONDS = 10.0
# How often the background thread looks whether a check is due (in memory; no query, no call).
POLL_SECONDS = 1.0


class TokenIdentity:
    """The bot token's identity for this process; ``current()`` never calls Slack."""

    def __init__(self, db: Database, client: WebClient, *, every: float) -> None:
        self.db = db
        self.client = client
        self.every = timedelta(seconds=every)
        self.token_hash = fingerprint(client.token or "")
        self._lock = threading.Lock()
        self._known: BotIdentity | None = None
        self._read_at = float("-inf")  # time.monotonic() of the last read of the row
        self._retry_at = float("-inf")  # after an outage: no check before this
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- reading (requests, deliveries, jobs) --------------------------------------------------

    def current(self) -> BotIdentity | None:
        """What Slack last said of the token (None: it has never answered). Read from memory, the
        row re-read every ``REREAD_SECONDS``; while the database is away the last read stands."""
        with self._lock:
            known, read_at = self._known, self._read_at
        if known is not None and time.monotonic() - read_at < REREAD_SECONDS:
            return known
        try:
            return self._read()
        except Exception:
            if known is None:
                raise
            log.debug("could not re-read the bot token's identity; keeping the last one", exc_info=True)
            return known

    def _read(self) -> BotIdentity | None:
        with self.db.transaction(readonly=True) as session:
            identity = bot_identities.stored(session, self.token_hash)
        self._keep(identity)
        return identity

    def _keep(self, identity: BotIdentity | None) -> None:
        with self._lock:
            self._known, self._read_at = identity, time.monotonic()

    # --- learning (the background thread; ``python app.py job`` and ``deliver`` once) -----------

    def refresh(self) -> BotIdentity:
        """Ask Slack now (``auth.test``) and keep its answer. A refusal is an answer (kept as such);
        Slack unreachable raises."""
        try:
            answer = self.client.auth_test()
        except SlackApiError as error:
            code = str(error.response.get("error"))
            if code not in TOKEN_REFUSED:
                raise
            with self.db.transaction() as session:
                identity = bot_identities.refused(session, self.token_hash, code)
            log.error("Slack refuses the bot token (%s): no workspace is served; asking again in a minute", code)
        else:
            with self.db.transaction() as session:
                identity = bot_identities.accepted(
                    session,
                    self.token_hash,
                    team_id=answer["team_id"],
                    enterprise_id=answer.get("enterprise_id") or None,
                    bot_user_id=answer.get("user_id") or "",
                    bot_id=answer.get("bot_id") or "",
                )
                # Slack just accepted the token: its workspace has the app (again).
                workspaces.mark_installed(session, answer["team_id"])
            with self._lock:
                was = self._known
            if was is None or not was.serving or was.team_id != identity.team_id:
                log.info("serving workspace %s only (the bot token's own)", identity.team_id)
        self._keep(identity)
        return identity

    def refresh_if_due(self) -> BotIdentity | None:
        """Refresh if what is known is older than its period (read again first: another process
        may have just done it). Slack unreachable is logged, and retried after a pause."""
        known = self.current()
        if time.monotonic() < self._retry_at or not self._due(known):
            return known
        known = self._read()  # another process may have just checked
        if not self._due(known):
            return known
        try:
            return self.refresh()
        except Exception as error:  # Slack unreachable (or the database): the last answer stands
            pause = RETRY_KNOWN_SECONDS if known is not None else RETRY_UNKNOWN_SECONDS
            self._retry_at = time.monotonic() + pause
            log.warning("could not check the bot token with Slack (%s); trying again in %.0f s", error, pause)
            return known

    def _due(self, identity: BotIdentity | None) -> bool:
        if identity is None:
            return True
        period = RECHECK_REFUSED if identity.refused else self.every
        return utcnow() - identity.checked_at >= period

    def start(self) -> TokenIdentity:
        """Start the background checks (at once, then periodically); idempotent."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hiredesk-token-identity", daemon=True)
                self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            pause = POLL_SECONDS
            try:
                self.refresh_if_due()
            except Exception as error:  # the database away: try again a little later
                log.warning("could not read the bot token's identity: %s", error)
                pause = RETRY_UNKNOWN_SECONDS
            self._stopping.wait(pause)
