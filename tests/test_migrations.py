"""Migrations and models agree, on both backends; PostgreSQL gets its exclusion constraint."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import SAWarning

from db.migrate import check_compatible, head_revision, scripts
from db.models import Base


def test_migrated_schema_matches_the_models(database):
    with database.engine.connect() as conn, warnings.catch_warnings():
        # Neither SQLAlchemy nor Alembic compares an index on expressions: the next test checks that one.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
        warnings.filterwarnings("ignore", ".*expression-based index", UserWarning)
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [change for change in diff if not _on_expressions(change)] == []
    assert check_compatible(database.engine).current == head_revision()


def _on_expressions(change: tuple) -> bool:
    """Alembic's view of an index on expressions (it reads only its plain columns back: a change)."""
    return change[0] in ("add_index", "remove_index") and change[1].name == "ix_tickets_queue_order"


def test_the_queue_order_index_says_what_the_queue_orders_by(database):
    """``ix_tickets_queue_order`` (migration 0014) holds the expressions ``queue_order()`` sorts by, and
    is partial on the open tickets, on both databases."""
    query = {
        "sqlite": "SELECT sql FROM sqlite_master WHERE name = 'ix_tickets_queue_order'",
        "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_tickets_queue_order'",
    }[database.dialect]
    with database.engine.connect() as conn:
        definition = " ".join(conn.execute(text(query)).scalar_one().split()).lower()
    for part in ("assignee_id is not null", "'critical'", "'major'", "created_at", "deleted_at is null", "'resolved'"):
        assert part in definition, definition


def test_postgres_has_the_booking_overlap_exclusion_constraint(postgres_url):
    from db.session import Database

    db = Database(postgres_url)
    with db.engine.connect() as conn:
        definition = conn.execute(
            text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ex_bookings_no_overlap'")
        ).scalar_one()
    db.dispose()
    assert "gist" in definition and "tstzrange(pickup_at, return_due_at, '[)'::text)" in definition
    assert "RESERVED" in definition and "ACTIVE" in definition


def test_revision_ids_are_consecutive_numbers():
    """The start-up check places a revision it doesn't know by its number (db/migrate.py)."""
    for script in scripts().walk_revisions():
        assert script.revision.isdigit() and len(script.revision) == 4, script.revision
        expected_parent = None if script.revision == "0001" else f"{int(script.revision) - 1:04d}"
        assert script.down_revision == expected_parent, f"{script.revision} revises {script.down_revision}"


def test_tickets_accept_the_waiting_state_and_nothing_unknown(database):
    """0009 rewrote the state's CHECK constraint (both backends): WAITING is in, a typo still out."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    from bot.services.workspaces import ensure_workspace

    with database.transaction() as session:
        ensure_workspace(session, "TMIGRATE")
    insert = (
        "INSERT INTO tickets (team_id, number, title, description, category, severity, state, reporter_id, "
        "created_at, updated_at) VALUES ('TMIGRATE', :n, 't', '', 'other', 'MINOR', :state, 'U1', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    with database.engine.begin() as conn:
        conn.execute(text(insert), {"n": 1, "state": "WAITING"})
        assert conn.execute(text("SELECT paused_seconds FROM tickets WHERE number = 1")).scalar_one() == 0
    with pytest.raises(IntegrityError), database.engine.begin() as conn:
        conn.execute(text(insert), {"n": 2, "state": "WAITNG"})
