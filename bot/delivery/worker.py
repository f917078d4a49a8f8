"""The delivery worker: one per serving process (HTTP worker, Socket Mode, sandbox), and
``python app.py deliver`` to drain the outbox once.

A loop thread claims due deliveries (``bot.services.outbox.claim``) and hands
them to a bounded pool of its own — never Bolt's listener threads, so a slow
Slack never delays an answer to Slack. It wakes at once when a transaction
that queued deliveries commits in this process, and polls every second for
what other processes queued, retries and abandoned claims.

Shutdown (SIGTERM): stop claiming, give sends in flight a few seconds, hand
every claim back (those in flight are looked up before any re-post), exit.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import cast

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import metrics
from bot.services import handled, outbox
from bot.services.clock import utcnow
from bot.settings import Settings
from bot.tenancy import StillConnecting
from bot.views.deliveries import failure_notice
from db.deadline import deadline
from db.session import Database

from . import after_answer
from .outcomes import WORKSPACE_GONE, Outcome, retry_delay
from .sender import send
from .tasks import TASKS

log = logging.getLogger("hiredesk.delivery")

POLL_SECONDS = 1.0
# Attempts after which a delivery that keeps raising (a bug, not Slack) fails for good, told once.
MAX_UNEXPECTED = 8
STILL_CONNECTING_DELAY = timedelta(seconds=5)  # the bot token not known yet: how long a delivery waits
TAKEOVER_FACTOR = 1.5  # a claim is taken over no sooner than this × the Web API call's time-out
PRUNE_EVERY = timedelta(minutes=10)
KEEP_FINISHED = timedelta(days=7)
# A repeat of a request comes within minutes (Slack's retries, its 5-minute signature window, an
# envelope sent again): its key is kept well past that, then forgotten (no workspace's data lingers).
KEEP_HANDLED = timedelta(hours=1)


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        client_for: Callable[[str], WebClient | None],
        *,
        threads: int = 8,
        lease: timedelta = outbox.DEFAULT_LEASE,
        poll: float = POLL_SECONDS,
        call_timeout: float = 10.0,
        settings: Settings | None = None,
    ) -> None:
        self.db = db
        self.settings = settings  # the workspaces' defaults, for tasks (None: tasks fail)
        self.client_for = client_for  # team_id → the workspace's client (None: not installed)
        self.threads, self.lease, self.poll = threads, lease, poll
        # Another process's claim is taken over once it is older than this: the lease, but never
        # before a Web API call made under it has surely ended. A live process renews its claims in
        # flight every third of the lease; one starved of CPU for longer than the lease would
        # otherwise lose a post still in flight, and the heir's look-up could miss it: a duplicate.
        self.takeover = max(lease, timedelta(seconds=call_timeout) * TAKEOVER_FACTOR)
        self.name = worker_name()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="hiredesk-delivery")
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._loop: threading.Thread | None = None
        self._pruned_at = utcnow() - PRUNE_EVERY
        self._renewed_at = utcnow()
        self._recheck_until = 0.0  # time.monotonic(): see _wake_again_soon

    # --- running ---------------------------------------------------------------------------

    def start(self) -> DeliveryWorker:
        self.db.before_commit(self._claim_for_request)
        self.db.after_commit(self._committed)
        self._loop = threading.Thread(target=self._run, name="hiredesk-delivery-loop", daemon=True)
        self._loop.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def _claim_for_request(self, session: Session, delivery_ids: list[int]) -> None:
        """A request's transaction is about to commit ``delivery_ids``: claim them in it, so that they
        commit already ours (no other thread can take them before the request sends them after its
        answer, and a crash meanwhile leaves them to be looked up first, as any claim)."""
        if after_answer.collecting_now() and not self._stopping.is_set():
            session.info["outbox_claimed"] = outbox.claim(
                session, self.name, limit=len(delivery_ids), lease=self.takeover, ids=delivery_ids
            )

    def _committed(self, info: dict) -> None:
        """A transaction of this process queued deliveries: the request that did sends them after its
        answer (``after_answer``: those claimed in it), or else the loop claims them now."""
        delivery_ids: list[int] = info["outbox_queued"]
        claimed: list[outbox.Claimed] = info.get("outbox_claimed", [])
        with self._lock:
            self._in_flight.update(delivery.id for delivery in claimed)
        if not after_answer.note(self, delivery_ids, claimed):
            self.hand_over(claimed, delivery_ids)

    def _wake_again_soon(self) -> None:
        """Deliveries were just queued that a claim skipped because another of their lane is being
        sent (its record not yet committed): when a lane's sending ends, wake the loop once more.
        (Else, with nothing queued outside requests, a lane's end wakes nothing: no empty claims.)"""
        self._recheck_until = time.monotonic() + 2 * self.poll

    def send_claimed(self, claimed: list[outbox.Claimed], delivery_ids: list[int]) -> None:
        """Send ``claimed`` from this thread (a request's, after its answer), each followed by the rest
        of its lane. Those of ``delivery_ids`` not claimed (behind another of their lane) are left to
        whoever sends that lane, or to the loop."""
        sent: set[int] = set()
        for delivery in claimed:
            sent |= self._deliver(delivery)
        if not sent.issuperset(delivery_ids):
            self._wake_again_soon()
            self.wake()

    def hand_over(self, claimed: list[outbox.Claimed], delivery_ids: list[int]) -> None:
        """Send ``claimed`` from the worker's own pool; have the loop claim the rest of ``delivery_ids``."""
        try:
            for delivery in claimed:
                self._pool.submit(self._deliver, delivery)
        except RuntimeError:  # stopped meanwhile: stop() hands the claims back (or their lease runs out)
            return
        if len(claimed) < len(delivery_ids):
            self._wake_again_soon()
            self.wake()

    def stop(self, grace: float = 2.5) -> None:
        """Stop claiming; wait up to ``grace`` s for sends in flight; hand back the rest."""
        self._stopping.set()
        self._wake.set()
        if self._loop:
            self._loop.join(timeout=2)
        with self._idle:
            self._idle.wait_for(lambda: not self._in_flight, timeout=grace)
            in_flight = set(self._in_flight)
        try:
            with self.db.transaction() as session:
                released = outbox.release(session, self.name, after=timedelta(seconds=15), maybe_sent_ids=in_flight)
            if released:
                log.info("delivery worker stopped: %d delivery(ies) left for the next process", released)
        except Exception as error:  # the lease hands them over anyway
            log.warning("delivery worker could not hand back its claims: %s", error)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def drain(self, timeout: float = 60.0) -> int:
        """Send everything due now, in this thread's pool; return how many were handled."""
        handled = 0
        deadline = utcnow() + timedelta(seconds=timeout)
        while utcnow() < deadline:
            started = self._claim_and_dispatch()
            while self._in_flight and utcnow() < deadline:
                step = min(self.lease.total_seconds() / 3, (deadline - utcnow()).total_seconds())
                with self._idle:
                    self._idle.wait_for(lambda: not self._in_flight, timeout=max(0.0, step))
                self._heartbeat()  # a slow Slack must not make our claims look abandoned
            if not started:
                break
            handled += started
        return handled

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._heartbeat()
                started = self._claim_and_dispatch()
                self._maybe_prune()
            except Exception as error:  # database away: try again on the next tick
                log.warning("delivery worker: could not claim deliveries: %s", error)
                started = 0
            if not started:
                self._wake.wait(min(self.poll, self.lease.total_seconds() / 3))
                self._wake.clear()

    def _heartbeat(self) -> None:
        """Keep this process's claims of sends still in flight fresh, so that a lease shorter than a
        slow Slack call is never taken over while the call may still land (a dead process stops
        renewing, and its claims run out)."""
        now = utcnow()
        with self._lock:
            in_flight = set(self._in_flight)
        if not in_flight or now - self._renewed_at < self.lease / 3:
            return
        with self.db.transaction() as session:
            outbox.renew(session, self.name, in_flight, now=now)
        self._renewed_at = now

    def _claim_and_dispatch(self) -> int:
        with self._lock:
            room = self.threads - len(self._in_flight)
        if room <= 0 or self._stopping.is_set():
            return 0
        with self.db.transaction() as session:
            claimed = outbox.claim(session, self.name, limit=room, lease=self.takeover)
        for delivery in claimed:
            with self._lock:
                self._in_flight.add(delivery.id)
            self._pool.submit(self._deliver, delivery)
        return len(claimed)

    def _deliver(self, delivery: outbox.Claimed) -> set[int]:
        """Send ``delivery``, then the rest of its lane as each becomes due: the next is claimed in
        the transaction that records the one before, so a card, its thread reply and its DM go
        out from this thread without waiting for the loop (one transaction per delivery, not two).
        Returns the ids of those it handled."""
        handled: set[int] = set()
        current: outbox.Claimed | None = delivery
        while current is not None:
            handled.add(current.id)
            following = None
            try:
                outcome = self._send(current)
                following = self._record(current, outcome)
            except Exception as error:  # a bug, or the database away
                log.exception("delivery %s: could not be sent or recorded", current.key)
                self._after_unexpected(current, error)
            finally:
                with self._idle:
                    if following is not None and self._stopping.is_set():
                        following = None  # not sent: stop() hands its claim back (or its lease runs out)
                    if following is not None:
                        self._in_flight.add(following.id)
                    self._in_flight.discard(current.id)
                    self._idle.notify_all()
                if following is None and time.monotonic() < self._recheck_until:
                    self._wake.set()  # the next in its lane, queued meanwhile, may be due now
            current = following
        return handled

    def _send(self, delivery: outbox.Claimed) -> Outcome:
        try:
            client = self.client_for(delivery.team_id)
        except StillConnecting:  # Slack not reached yet since the first start: not a failure
            return Outcome("retry", error="still_connecting", delay=STILL_CONNECTING_DELAY)
        if client is None:
            return Outcome("failed", error="workspace_gone")
        return send(client, delivery, db=self.db, worker=self.name)  # an export reads its rows from the database

    def _record(self, delivery: outbox.Claimed, outcome: Outcome) -> outbox.Claimed | None:
        """Record ``outcome``; when it finished the delivery, claim the next of its lane (if due)."""
        with self.db.transaction() as session:
            if not self._record_in(session, delivery, outcome):
                return None  # taken over (our lease ran out): the new holder goes on
            if outcome.kind == "retry" or delivery.lane is None or self._stopping.is_set():
                return None
            following = outbox.claim(session, self.name, limit=1, lease=self.takeover, lane=delivery.lane)
        return following[0] if following else None

    def _after_unexpected(self, delivery: outbox.Claimed, error: Exception) -> None:
        """An exception while sending or recording (a bug, an export's query failing, the database
        away): try again after a backoff, looked up first as if it may have been sent, and after
        ``MAX_UNEXPECTED`` attempts fail for good (told once) rather than retry for ever. If even
        that can't be recorded, the lease hands the delivery over."""
        if delivery.attempts >= MAX_UNEXPECTED:
            outcome = Outcome("failed", error="internal_error")
        else:
            outcome = Outcome("retry", error=type(error).__name__, delay=retry_delay(delivery), maybe_sent=True)
        try:
            with self.db.transaction() as session:
                self._record_in(session, delivery, outcome)
        except Exception as again:
            log.warning("delivery %s: could not record the failure either (%s)", delivery.key, again)

    def _record_in(self, session: Session, delivery: outbox.Claimed, outcome: Outcome) -> bool:
        """Record ``outcome`` in ``session``; False if the delivery is no longer ours to record."""
        if outcome.kind == "posted" and delivery.method == outbox.TASK and self.settings is None:
            outcome = Outcome("failed", error="no_settings")
        if outcome.kind == "posted":
            if delivery.method == outbox.TASK:
                if not outbox.still_ours(session, delivery.id, self.name):
                    return False  # taken over (our lease ran out): the new holder applies it
                task = TASKS[str(delivery.payload["task"])]
                task.apply(
                    session, cast(Settings, self.settings), delivery.team_id, delivery.payload, outcome.result or {}
                )
            outbox.posted(session, delivery.id, self.name, channel=outcome.channel, ts=outcome.ts)
            return True
        if outcome.kind == "retry":
            log.info("delivery %s: %s; retrying in %.1fs", delivery.key, outcome.error, outcome.delay.total_seconds())
            if outbox.retry_later(
                session,
                delivery.id,
                self.name,
                error=outcome.error,
                delay=outcome.delay,
                maybe_sent=outcome.maybe_sent,
            ):
                return True
            outcome = Outcome("failed", error=f"gave_up:{outcome.error}")
        if outcome.error in WORKSPACE_GONE:
            log.warning("delivery %s: the workspace's token no longer works (%s)", delivery.key, outcome.error)
            outbox.failed(session, delivery.id, self.name, error=outcome.error)
            outbox.cancel_workspace(session, delivery.team_id)
            return True
        log.warning("delivery %s failed for good: %s", delivery.key, outcome.error)
        failure = outbox.failed(session, delivery.id, self.name, error=outcome.error)
        if failure and failure.notify_user and outcome.error not in ("parent_missing", "parent_failed"):
            outbox.post(
                session,
                failure.team_id,
                f"{failure.key}:failed",
                failure.notify_user,
                failure_notice(failure),
                label=f"the notice that {failure.label} failed",
            )
        return True

    def _maybe_prune(self) -> None:
        now = utcnow()
        if now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        with self.db.transaction() as session:
            outbox.prune(session, before=now - KEEP_FINISHED)
            handled.prune(session, before=now - KEEP_HANDLED)


SCRAPE_DEADLINE_S = 1.0  # deliveries counted for /metrics (Prometheus waits 10 s for a scrape)


def start_delivery_worker(
    settings: Settings, db: Database, client_for: Callable[[str], WebClient | None]
) -> DeliveryWorker:
    """The serving process's worker, posting with each workspace's own client
    (``AppContext.tenancy.client_for``: None once it is uninstalled)."""
    worker = make_delivery_worker(settings, db, client_for)
    metrics.register_delivery_counts(lambda: _counts(db))
    return worker.start()


def make_delivery_worker(
    settings: Settings, db: Database, client_for: Callable[[str], WebClient | None]
) -> DeliveryWorker:
    return DeliveryWorker(
        db,
        client_for,
        threads=settings.delivery_threads,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        call_timeout=settings.delivery_timeout_seconds,
        settings=settings,
    )


def _counts(db: Database) -> dict[str, int]:
    # A scrape must not hold a serving thread for ever on a frozen database (no server-side
    # time-out fires then): it reports the source down instead.
    with deadline(SCRAPE_DEADLINE_S), db.transaction(readonly=True) as session:
        return outbox.counts(session)
