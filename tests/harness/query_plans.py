"""What SQLite's planner does with the statements some code ran: a test that a path reads through
its indexes, as the tables grow, without growing the tables.

SQLite plans without statistics as if every table were large, so a full scan in an empty test
database is one in a production-sized one too.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITES_OR_READS = ("SELECT", "UPDATE", "DELETE", "INSERT", "WITH")
# "SCAN tickets", "SCAN deliveries_1" (an alias), "SCAN tickets USING COVERING INDEX ix_…"
_SCAN = re.compile(r"SCAN (?P<table>\w+?)(?:_\d+)?(?: USING (?:COVERING )?INDEX (?P<index>\w+))?")


@contextmanager
def captured_statements(*, this_thread: bool = False) -> Iterator[list[tuple[str, Any]]]:
    """Every statement any SQLite engine of this process runs inside the block, with its parameters:
    the app's (its request threads, its delivery worker, a job run in a thread), and the test's own
    (the thread that entered the block) only if ``this_thread``."""
    statements: list[tuple[str, Any]] = []
    left_out = None if this_thread else threading.get_ident()

    def capture(conn, _cursor, statement, parameters, _context, executemany) -> None:
        if conn.dialect.name == "sqlite" and not executemany and threading.get_ident() != left_out:
            statements.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", capture)


def full_scans(database: str, statements: list[tuple[str, Any]], tables: set[str]) -> list[str]:
    """The statements that read the whole of one of ``tables`` (its rows, or all of one of its
    indexes that is not partial), each with the planner's line: ``[]`` when every one seeks."""
    connection = sqlite3.connect(database)
    try:
        partial = {
            name
            for name, sql in connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
            if sql and " WHERE " in sql.upper()
        }
        found: list[str] = []
        for statement, parameters in _unique(statements):
            if not statement.lstrip().upper().startswith(_WRITES_OR_READS):
                continue
            for *_, line in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ()).fetchall():
                scan = _SCAN.fullmatch(line)
                if scan and scan["table"] in tables and scan["index"] not in partial:
                    found.append(f"{line}  ←  {' '.join(statement.split())}")
        return found
    finally:
        connection.close()


def plans(database: str, statements: list[tuple[str, Any]]) -> list[str]:
    """Every line of every statement's plan (for a test's failure message or a look)."""
    connection = sqlite3.connect(database)
    try:
        return [
            line
            for statement, parameters in _unique(statements)
            if statement.lstrip().upper().startswith(_WRITES_OR_READS)
            for *_, line in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ()).fetchall()
        ]
    finally:
        connection.close()


def _unique(statements: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """One of each statement (its first parameters): the plan depends on the text alone."""
    return list({statement: (statement, parameters) for statement, parameters in reversed(statements)}.values())
