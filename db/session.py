"""Engine creation and the one-transaction-per-request helper."""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import deadline

try:
    import fcntl
except ImportError:  # not on Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]

# Time-outs that keep a request inside Slack's 3 s when the database is slow, locked or gone.
# (A frozen server answers nothing, so the request's own deadline, db/deadline.py, ends those waits.)
CONNECT_TIMEOUT_S = 2  # libpq's minimum that means anything; a refused connection fails at once
STATEMENT_TIMEOUT_MS = 2500  # server-side: a runaway query is cancelled
LOCK_TIMEOUT_MS = 2000  # a row or table lock waited for longer than this fails the request
IDLE_IN_TRANSACTION_MS = 10_000  # a transaction whose client vanished releases its locks
PING_IDLE_S = 1.0  # a pooled connection unused for this long is pinged before use (a restart may have cut it)
POOL_TIMEOUT_S = 0.5  # every pooled connection busy (or hung) for this long: "temporarily unavailable"
SQLITE_BUSY_TIMEOUT_MS = 2000  # waiting for SQLite's write lock
FILE_TURN_GAP_S = 0.002  # SQLite: a process waits this long after its writer's turn before taking another


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20, **kwargs) -> Engine:
    """An engine for SQLite (embedded default) or PostgreSQL (production)."""
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    deadline.install()
    options = (
        f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS} "
        f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"
    )
    kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT_S, "options": options})
    if "poolclass" not in kwargs:
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_timeout=POOL_TIMEOUT_S)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """After the database restarts, a stale pooled connection is replaced instead of failing a request:
    a connection idle for ``PING_IDLE_S`` is pinged as it leaves the pool. Unlike ``pool_pre_ping``, which
    pings every checkout (a round trip per transaction, a fifth of a write's statements), a busy pool
    pings nothing; a request that meets a restart mid-flight fails once ("temporarily unavailable"),
    and SQLAlchemy then invalidates the whole pool."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_IDLE_S:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as error:  # whatever the driver raises: try another connection
            raise DisconnectionError(f"stale pooled connection: {error}") from error


def _sqlite_engine(url: str, **kwargs) -> Engine:
    connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # Write transactions take SQLite's write lock up front, so a
        # check-then-insert (booking overlap, counters, reminder claims) is
        # serialized against every other writer. Read-only transactions don't.
        mode = "DEFERRED" if conn.get_execution_options().get("readonly") else "IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """The app's handle on its database: an engine and a session factory."""

    def __init__(self, url: str, **engine_kwargs) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._before_outbox_commit: list[Callable[[Session, list[int]], None]] = []
        self._after_outbox_commit: list[Callable[[dict], None]] = []
        # SQLite has one writer at a time. Left to SQLite, every writing thread of the process
        # (requests and the delivery worker) polls the file lock in its busy handler, sleeping up
        # to 100 ms between looks, and some lose many times in a row (docs/performance.md, §4).
        # Queued on one lock here instead, they take turns: one thread per process asks SQLite.
        self._writer = _SqliteWriter(make_url(url).database) if self.dialect == "sqlite" else None

    def before_commit(self, callback: Callable[[Session, list[int]], None]) -> None:
        """Call ``callback(session, ids)`` just before a transaction that queued Slack deliveries
        (``session.info["outbox_queued"]``) commits, in it: the delivery worker claims them there
        for the request that will send them."""
        self._before_outbox_commit.append(callback)

    def after_commit(self, callback: Callable[[dict], None]) -> None:
        """Call ``callback(session.info)`` after each commit of a transaction that queued Slack
        deliveries (``info["outbox_queued"]``): the delivery worker sends them at once."""
        self._after_outbox_commit.append(callback)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, readonly: bool = False) -> Iterator[Session]:
        """One unit of work: commit if the block succeeds, roll back if it raises."""
        if self._writer is None or readonly:
            with self._unit_of_work(readonly) as session:
                yield session
            return
        with self._writer.turn(), self._unit_of_work(readonly) as session:
            yield session

    @contextmanager
    def _unit_of_work(self, readonly: bool) -> Iterator[Session]:
        session = self._sessions()
        if readonly:
            session.connection(execution_options={"readonly": True})
        try:
            yield session
            if readonly:
                session.rollback()
            else:
                queued: list[int] = session.info.get("outbox_queued") or []
                for before in self._before_outbox_commit if queued else ():
                    before(session, list(queued))
                session.commit()
                for callback in self._after_outbox_commit if queued else ():
                    callback(dict(session.info))
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self, within: float = 0.4) -> None:
        """Raise if the database does not answer within ``within`` seconds (readiness check)."""
        with deadline.deadline(within), self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        self.engine.dispose()
        if self._writer is not None:
            self._writer.close()


class _Turns:
    """A re-entrant lock handed to its waiters in the order they came (``threading.RLock`` is not
    fair: under load some threads lose many times in a row and time out while others write)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiting: deque[tuple[int, threading.Event]] = deque()

    def acquire(self, timeout: float) -> bool:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me or (self._owner is None and not self._waiting):
                self._owner, self._depth = me, self._depth + 1
                return True
            called = threading.Event()
            self._waiting.append((me, called))
        called.wait(timeout)
        with self._mutex:
            if called.is_set():  # handed over (perhaps just as the wait ran out)
                return True
            self._waiting.remove((me, called))
            return False

    def release(self) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            if self._waiting:
                self._owner, called = self._waiting.popleft()
                self._depth = 1
                called.set()
            else:
                self._owner = None


class _SqliteWriter:
    """Write transactions on one SQLite file take turns: the threads of this process queue in order,
    then the one whose turn it is takes an advisory lock on ``<database>.writer`` that the other
    processes serving the same file (gunicorn's workers, ``python app.py deliver``) take too, looking
    every millisecond instead of sleeping up to 100 ms in SQLite's busy handler. Both waits end after
    ``SQLITE_BUSY_TIMEOUT_MS`` ("database is locked": the request says "temporarily unavailable").
    Re-entrant: a write transaction opened inside another (same thread) takes no second turn."""

    def __init__(self, database: str | None) -> None:
        self._lock = _Turns()
        self._depth = 0
        self._path = f"{database}.writer" if database and database != ":memory:" and fcntl else None
        self._fd: int | None = None
        # Held shared by each process that waits for the file lock: the holder looks at it to see
        # whether leaving a gap between its turns is worth the wait (below).
        self._waiting_fd = -1
        self._pid = 0
        self._released_at = 0.0

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise _locked("this process's other writers")
        try:
            if self._depth == 0:
                self._lock_file()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._unlock_file()
        finally:
            self._lock.release()

    def _lock_file(self) -> None:
        if self._path is None:
            return
        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own (flock is per open file)
            self._close_files()  # inherited: closing this process's copies leaves the parent's locks alone
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._waiting_fd = os.open(f"{self._path}.waiting", os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        # The file lock was just ours: if another process waits for it (looking every millisecond),
        # leave it a chance to take it before this process's next writer does, or one busy process
        # would keep it. Nobody waiting (a quiet desk, one worker), no gap. (Bounded, and the looks
        # below counted, not timed: a test's frozen or moved clock must not change them.)
        gap = FILE_TURN_GAP_S - (time.monotonic() - self._released_at)
        if gap > 0 and _held(self._waiting_fd):
            time.sleep(min(gap, FILE_TURN_GAP_S))
        waiting = False
        try:
            for _ in range(SQLITE_BUSY_TIMEOUT_MS):
                if _take(self._fd, fcntl.LOCK_EX):
                    return
                waiting = waiting or _take(self._waiting_fd, fcntl.LOCK_SH)  # the holder sees it (above)
                time.sleep(0.001)
            raise _locked("another process")
        finally:
            if waiting:
                fcntl.flock(self._waiting_fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the lock files (the database is disposed of; a later turn opens them again). A write
        still running at shutdown keeps them: closing them under it would drop its lock."""
        if not self._lock.acquire(timeout=1):
            return
        try:
            if self._depth == 0:
                self._close_files()
        finally:
            self._lock.release()

    def _close_files(self) -> None:
        for fd in (self._fd, self._waiting_fd):
            if fd is not None and fd >= 0:
                os.close(fd)
        self._fd, self._waiting_fd = None, -1

    def _unlock_file(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            self._released_at = time.monotonic()


def _take(fd: int, kind: int) -> bool:
    """Take an advisory lock on ``fd`` if nobody holds one in its way (no wait)."""
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _held(fd: int) -> bool:
    """Whether some other open file holds a lock on ``fd``'s file (looked at, nothing kept)."""
    if not _take(fd, fcntl.LOCK_EX):
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def _locked(by: str) -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", None, TimeoutError(f"database is locked (by {by})"))
