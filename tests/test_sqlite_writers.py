"""SQLite's write transactions take turns (db/session.py, _SqliteWriter): the threads of a process
on one lock, the processes on an advisory lock beside the database file; both waits are bounded."""

from __future__ import annotations

import threading
import time

import pytest
from freezegun import freeze_time
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from db import session as db_session
from db.session import Database


@pytest.fixture
def sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    db = Database(url)
    with db.transaction() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    yield url, db
    db.dispose()


def _hold(db: Database, entered: threading.Event, release: threading.Event) -> None:
    with db.transaction() as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        entered.set()
        release.wait(5)


@pytest.mark.parametrize("other_process", [False, True], ids=["same process", "another process"])
def test_a_writer_waits_for_its_turn_then_writes(sqlite_file, other_process):
    url, db = sqlite_file
    other = Database(url) if other_process else db  # its own lock file handle, as a second process has
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=(db, entered, release))
    holder.start()
    assert entered.wait(5)
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    with other.transaction() as session:
        session.execute(text("INSERT INTO t VALUES (2)"))
    assert time.monotonic() - started >= 0.15  # it waited for the holder's commit
    holder.join(5)
    with db.transaction(readonly=True) as session:
        assert session.scalar(text("SELECT count(*) FROM t")) == 2
    if other is not db:
        other.dispose()


@pytest.mark.parametrize("other_process", [False, True], ids=["same process", "another process"])
def test_a_writer_that_waits_too_long_is_told_the_database_is_locked(sqlite_file, other_process, monkeypatch):
    url, db = sqlite_file
    monkeypatch.setattr(db_session, "SQLITE_BUSY_TIMEOUT_MS", 100)
    other = Database(url) if other_process else db
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=(db, entered, release))
    holder.start()
    assert entered.wait(5)
    try:
        with pytest.raises(OperationalError, match="database is locked"), other.transaction():
            pass
    finally:
        release.set()
        holder.join(5)
    with other.transaction() as session:  # the turn was handed back: the next writer gets it
        session.execute(text("INSERT INTO t VALUES (3)"))
    if other is not db:
        other.dispose()


def test_readers_do_not_wait_for_a_writer(sqlite_file):
    _url, db = sqlite_file
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=(db, entered, release))
    holder.start()
    assert entered.wait(5)
    try:
        with db.transaction(readonly=True) as session:
            assert session.scalar(text("SELECT count(*) FROM t")) == 0  # WAL: the last committed state
    finally:
        release.set()
        holder.join(5)


def test_the_writers_of_a_process_get_their_turns_in_the_order_they_came():
    turns = db_session._Turns()
    assert turns.acquire(timeout=1) and turns.acquire(timeout=1)  # re-entrant
    order: list[int] = []
    waiting = []

    def writer(i: int) -> None:
        assert turns.acquire(timeout=5)
        order.append(i)
        turns.release()

    for i in range(6):
        thread = threading.Thread(target=writer, args=(i,))
        thread.start()
        waiting.append(thread)
        deadline = time.monotonic() + 5
        while len(turns._waiting) < i + 1 and time.monotonic() < deadline:  # queued before the next starts
            time.sleep(0.001)
    turns.release()
    turns.release()
    for thread in waiting:
        thread.join(5)
    assert order == list(range(6))
    assert turns.acquire(timeout=0)  # free again
    turns.release()


def test_a_frozen_or_moved_test_clock_does_not_stall_the_writers(sqlite_file):
    """freezegun moves time.monotonic too: the turns must not wait on it (a sleep of years, a
    deadline that never comes)."""
    _url, db = sqlite_file
    done = threading.Event()

    def write_across_clocks() -> None:
        with freeze_time("2030-01-01"), db.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
        with db.transaction() as session:  # real clock again, its last turn "in the future"
            session.execute(text("INSERT INTO t VALUES (2)"))
        with freeze_time("2001-01-01"), db.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (3)"))
        done.set()

    writer = threading.Thread(target=write_across_clocks, daemon=True)
    writer.start()
    assert done.wait(10), "a writer stalled on the test clock"


def test_a_process_takes_its_next_turn_at_once_when_no_other_waits(sqlite_file, monkeypatch):
    _url, db = sqlite_file
    monkeypatch.setattr(db_session, "FILE_TURN_GAP_S", 0.5)
    started = time.monotonic()
    for n in range(3):
        with db.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
    assert time.monotonic() - started < 0.25  # no gap left for nobody


def test_a_process_leaves_the_lock_to_another_that_waits(sqlite_file, monkeypatch):
    url, db = sqlite_file
    monkeypatch.setattr(db_session, "FILE_TURN_GAP_S", 0.5)
    other = Database(url)  # a second process: its own lock file handles
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=(db, entered, release))
    holder.start()
    assert entered.wait(5)

    def write_other() -> None:
        with other.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (2)"))

    waiter = threading.Thread(target=write_other)
    waiter.start()
    deadline = time.monotonic() + 5  # until the other process says it is looking for the lock
    while not db_session._held(db._writer._waiting_fd) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert time.monotonic() < deadline, "the other process never said it was waiting"
    release.set()
    holder.join(5)
    with db.transaction() as session:  # this process's next writer comes straight after its last
        session.execute(text("INSERT INTO t VALUES (3)"))
    waiter.join(5)
    assert not holder.is_alive() and not waiter.is_alive()
    with db.transaction(readonly=True) as session:
        assert session.scalars(text("SELECT n FROM t ORDER BY rowid")).all() == [1, 2, 3]
    other.dispose()
