"""Messages a Slack request queued, sent by the request's own thread right after its answer.

The outbox commits a change's messages with the change (PRODUCT.md §8); the delivery worker
sends them. Left to the worker's own threads, under a steady stream of requests they compete
for the same CPU as the requests and fall behind: the answers stay fast while the cards lag by
seconds (docs/performance.md). So the web layer (``bot.web``) collects what a request queued
and, once the answer has been written, the same thread sends it (``DeliveryWorker.send_claimed``;
the worker claims them in the request's own transaction, so no other thread takes them first):
a busy process takes on new requests only as fast as it also gets their messages out.

That thread is not free for other requests meanwhile, so it must cost no one an answer: the
server (``bot.server``) runs ``sending_threads`` more threads than it serves requests with,
sends only after waitress has finished the request (a next request on the same connection goes
to another thread), and at most that many requests send at once (a slow Slack holds only
those); another waits briefly for a turn, then leaves them to the worker's own threads.

Anything outside a request (jobs, the worker's own notices, Socket Mode) wakes the worker as
before. Whichever sends, the outbox's claim decides: each delivery is sent once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.services.outbox import Claimed

log = logging.getLogger("hiredesk.delivery")

WAIT_SECONDS = 0.5  # a request waits this long for a turn to send (after its answer), then leaves it to the worker


class Sender(Protocol):
    def send_claimed(self, claimed: list[Claimed], delivery_ids: list[int]) -> None: ...

    def hand_over(self, claimed: list[Claimed], delivery_ids: list[int]) -> None: ...


class Queued:
    """What one request queued: the deliveries' ids, those its transaction claimed for it (the
    worker does, just before the commit), and the worker that did."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.claimed: list[Claimed] = []
        self.sender: Sender | None = None

    def __bool__(self) -> bool:
        return bool(self.ids)


_queued: ContextVar[Queued | None] = ContextVar("hiredesk_queued_deliveries", default=None)


class _Senders:
    """At most ``limit`` request threads send after their answers at once; the next ones wait up to
    ``WAIT_SECONDS`` for a turn. When the CPU is what slows the sending, the process so takes on
    requests only as fast as it gets their messages out; when Slack is slow, the worker takes them."""

    def __init__(self, limit: int = 8) -> None:
        self.limit = limit
        self._turns = threading.BoundedSemaphore(limit)

    def set_limit(self, limit: int) -> None:
        self.limit, self._turns = limit, threading.BoundedSemaphore(limit)

    def admit(self) -> bool:
        return self._turns.acquire(timeout=WAIT_SECONDS)

    def done(self) -> None:
        self._turns.release()


senders = _Senders()


def sending_threads(request_threads: int) -> int:
    """How many threads a server adds to its ``request_threads`` for sending after answers (and
    how many requests may do so at once in this process)."""
    senders.set_limit(request_threads)
    return request_threads


@contextmanager
def collecting() -> Iterator[Queued]:
    """Collect the deliveries committed inside the block (by this request's listener). If the block
    raises, there will be no answer to wait for: the worker sends them at once."""
    queued = Queued()
    token = _queued.set(queued)
    try:
        yield queued
    except BaseException:
        if queued.sender is not None:
            queued.sender.hand_over(queued.claimed, queued.ids)
        raise
    finally:
        _queued.reset(token)


def collecting_now() -> bool:
    """Whether a request is collecting what this thread's transactions queue."""
    return _queued.get() is not None


def note(sender: Sender, delivery_ids: list[int], claimed: list[Claimed]) -> bool:
    """A transaction committed ``delivery_ids`` (``claimed`` in it for the request): keep them for
    after the answer if a request is collecting them (True), else the caller has the worker send
    them (False)."""
    queued = _queued.get()
    if queued is None:
        return False
    queued.ids.extend(delivery_ids)
    queued.claimed.extend(claimed)
    queued.sender = sender
    return True


_after_service = threading.local()  # the requests a server thread answered, sending after them


@contextmanager
def after_service() -> Iterator[None]:
    """bot.server: a waitress thread serves a request inside this block; the answer is written by
    its end, and what the request queued is sent then."""
    waiting: list[Queued] = []
    _after_service.waiting = waiting
    try:
        yield
    finally:
        _after_service.waiting = None
        for queued in waiting:
            _send(queued)


def send(queued: Queued) -> None:
    """The request's answer is out (or, behind bot.server, about to be): send what it queued, or
    wake the worker to."""
    waiting = getattr(_after_service, "waiting", None)
    if waiting is not None:
        waiting.append(queued)
    else:
        _send(queued)


def _send(queued: Queued) -> None:
    sender = queued.sender
    if sender is None or not queued.ids:
        return
    if not senders.admit():
        sender.hand_over(queued.claimed, queued.ids)
        return
    try:
        sender.send_claimed(queued.claimed, queued.ids)
    except Exception:  # never the request's problem: their claims run out and the worker takes them over
        log.exception("could not send a request's messages after its answer; the delivery worker will")
    finally:
        senders.done()
