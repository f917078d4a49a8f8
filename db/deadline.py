"""A deadline for a request's database work, enforced on the client side.

A PostgreSQL server that is frozen (not stopped: its processes hang, the kernel still accepts and
acknowledges) answers nothing, so no server-side time-out ever fires and a blocking read waits for
ever. psycopg2 lets every wait go through one callback; ours polls the socket and, once the current
thread's deadline has passed, closes the connection and raises the error SQLAlchemy reads as a lost
connection (the pool drops it). Work without a deadline (jobs, migrations, the delivery worker)
waits as before.
"""

from __future__ import annotations

import os
import select
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg2  # type: ignore[import-untyped]
import psycopg2.extensions  # type: ignore[import-untyped]

_deadline: ContextVar[float | None] = ContextVar("hiredesk_db_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Database waits in this block end with an OperationalError once ``seconds`` have passed."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _wait(connection) -> None:
    ends = _deadline.get()
    while True:
        state = connection.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        remaining = None if ends is None else ends - time.monotonic()
        if remaining is not None and remaining <= 0:
            _hang_up(connection)
            # The words psycopg2's SQLAlchemy dialect recognises as a disconnect: the pool drops it.
            raise psycopg2.OperationalError("server closed the connection unexpectedly (no answer in time)")
        if state == psycopg2.extensions.POLL_READ:
            _ready(connection.fileno(), select.POLLIN, remaining)
        elif state == psycopg2.extensions.POLL_WRITE:
            _ready(connection.fileno(), select.POLLOUT, remaining)
        else:
            raise psycopg2.OperationalError(f"unexpected poll state {state}")


def _ready(fd: int, events: int, seconds: float | None) -> None:
    """Wait until ``fd`` is ready for ``events`` (or has failed) or ``seconds`` have passed.
    ``poll``, not ``select``: a busy process's sockets are numbered past select's 1,024."""
    poller = select.poll()
    poller.register(fd, events)
    poller.poll(None if seconds is None else max(0.0, seconds * 1000))


def _hang_up(connection) -> None:
    """End the connection's socket under psycopg2 (its own close() would wait for the frozen server)."""
    try:
        with socket.socket(fileno=os.dup(connection.fileno())) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already gone


def install() -> None:
    """Route psycopg2's waits through the deadline (once per process; harmless to repeat)."""
    if psycopg2.extensions.get_wait_callback() is not _wait:
        psycopg2.extensions.set_wait_callback(_wait)
