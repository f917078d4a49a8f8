"""Engine creation and the one-transaction-per-request helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db import deadline

# Time-outs that keep a request inside Slack's 3 s when the database is slow, locked or gone.
# (A frozen server answers nothing, so the request's own deadline, db/deadline.py, ends those waits.)
CONNECT_TIMEOUT_S = 2  # libpq's minimum that means anything; a refused connection fails at once
STATEMENT_TIMEOUT_MS = 2500  # server-side: a runaway query is cancelled
LOCK_TIMEOUT_MS = 2000  # a row or table lock waited for longer than this fails the request
IDLE_IN_TRANSACTION_MS = 10_000  # a transaction whose client vanished releases its locks
POOL_TIMEOUT_S = 0.5  # every pooled connection busy (or hung) for this long: "temporarily unavailable"
SQLITE_BUSY_TIMEOUT_MS = 2000  # waiting for SQLite's write lock


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
    # pool_pre_ping: after the database restarts, stale pooled connections are
    # replaced instead of failing one request each.
    if "poolclass" not in kwargs:
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_timeout=POOL_TIMEOUT_S)
    return create_engine(url, pool_pre_ping=True, **kwargs)


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
        self._after_outbox_commit: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after each commit of a transaction that queued Slack deliveries
        (``session.info["outbox_queued"]``): the delivery worker wakes at once."""
        self._after_outbox_commit.append(callback)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, readonly: bool = False) -> Iterator[Session]:
        """One unit of work: commit if the block succeeds, roll back if it raises."""
        session = self._sessions()
        if readonly:
            session.connection(execution_options={"readonly": True})
        try:
            yield session
            if readonly:
                session.rollback()
            else:
                session.commit()
                if session.info.get("outbox_queued"):
                    for callback in self._after_outbox_commit:
                        callback()
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
