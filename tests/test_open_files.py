"""A long-running process holds many files: the database layer works whatever their numbers, and
gives back the ones it opened."""

from __future__ import annotations

import os

from sqlalchemy import text

from db.session import Database


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_database_wait_works_on_a_socket_numbered_past_select_s_limit(postgres_url):
    """A busy worker's sockets (keep-alive clients, pooled connections) go past 1,024, where
    ``select()`` refuses them; the request deadline's wait (db/deadline.py) must not."""
    fillers = []
    try:
        while not fillers or fillers[-1] < 1100:
            fillers.append(os.open(os.devnull, os.O_RDONLY))
        db = Database(postgres_url)
        db.ping(within=5)  # under a deadline: every wait goes through db/deadline.py
        with db.transaction() as session:
            assert session.connection().connection.dbapi_connection.fileno() > 1024
            assert session.scalar(text("SELECT 1")) == 1
        db.dispose()
    finally:
        for fd in fillers:
            os.close(fd)


def test_a_disposed_sqlite_database_closes_its_lock_files(tmp_path):
    before = _open_files()
    for n in range(20):
        db = Database(f"sqlite:///{tmp_path / f'desk{n}.db'}")
        with db.transaction() as session:  # a write: takes the file lock
            session.execute(text("CREATE TABLE t (n INTEGER)"))
        db.dispose()
    assert _open_files() <= before + 1
    db = Database(f"sqlite:///{tmp_path / 'desk0.db'}")
    with db.transaction() as session:  # disposed of, then used again: the lock files open again
        session.execute(text("INSERT INTO t VALUES (1)"))
    db.dispose()
