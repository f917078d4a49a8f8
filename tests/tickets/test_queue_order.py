"""A page of the technicians' queue reads the queue's order from ``ix_tickets_queue_order`` instead of
sorting every open ticket (docs/performance.md §11), on both databases: the query says the index's
expressions with the same literals (``db.models.tickets.queue_order``)."""

from __future__ import annotations

from sqlalchemy import event

from bot.services.actors import load_actor
from bot.services.tickets import queries


def test_a_page_of_the_queue_reads_the_index_in_order(database):
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if "ORDER BY" in statement:
            statements.append((statement, parameters))

    with database.transaction() as session:
        actor = load_actor(session, "T0001", "UADMIN", ["UADMIN"])
        event.listen(database.engine, "before_cursor_execute", capture)
        try:
            queries.queue(session, actor)
        finally:
            event.remove(database.engine, "before_cursor_execute", capture)
        ((statement, parameters),) = statements
        cursor = session.connection().connection.cursor()
        if database.dialect == "postgresql":
            # The tables are empty: forbid the sort and the sequential scan the planner would pick for
            # them; it can only do without the sort if the index holds the order.
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {statement}", parameters)
            plan = [row[0] for row in cursor.fetchall()]
            assert not any("Sort" in line for line in plan), plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = [row[-1] for row in cursor.fetchall()]
            assert not any("TEMP B-TREE" in line for line in plan), plan
    assert any("ix_tickets_queue_order" in line for line in plan), plan
