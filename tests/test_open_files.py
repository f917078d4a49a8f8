"""A long-running process holds many files: the database layer works whatever their numbers, and
gives back the ones it opened."""

from __future__ import annotations

import os
import resource

import pytest
from sqlalchemy import text

from db.session import Database


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_database_wait_works_on_a_socket_numbered_past_select_s_limit(postgres_url):
    """A busy worker's sockets (keep-alive clients, pooled connections) go past 1,024, where
    ``select()`` refuses them; the request deadline's wait (db/deadline.py) must not."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"this machine allows a process {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    fillers: list[int] = []
    db = Database(postgres_url)
    try:
        while not fillers or fillers[-1] < 1100:
            fillers.append(os.open(os.devnull, os.O_RDONLY))
        db.ping(within=5)  # under a deadline: every wait goes through db/deadline.py
        with db.transaction() as session:
            assert session.connection().connection.dbapi_connection.fileno() > 1024
            assert session.scalar(text("SELECT 1")) == 1
    finally:
        db.dispose()
        for fd in fillers:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_disposed_sqlite_database_closes_its_lock_files(tmp_path):
    before = _open_files()
    for n in range(20):
        db = Database(f"sqlite:///{tmp_path / f'desk{n}.db'}")
        with db.transaction() as session:  # a write: takes the file lock
            session.execute(text("CREATE TABLE t (n INTEGER)"))
        db.dispose()
    assert _open_files() <= before + 1
    with db.transaction() as session:  # disposed of, then used again: the lock files open again
        session.execute(text("INSERT INTO t VALUES (1)"))
    with db.transaction(readonly=True) as session:
        assert session.scalar(text("SELECT count(*) FROM t")) == 1
    db.dispose()
    assert _open_files() <= before + 1
