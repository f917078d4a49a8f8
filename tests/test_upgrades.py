"""Rolling upgrades: version N and N+1 of the code overlap on one database.

The new release migrates first (expand only), then its replicas replace the old
ones; meanwhile the old code must keep serving the newer schema, and the new code
must refuse the older one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

import db.migrate as migrations
from bot.services.actors import load_actor
from bot.services.tickets import lifecycle
from bot.services.tickets.forms import parse_ticket_form
from db.migrate import (
    DatabaseBehind,
    SchemaIncompatible,
    alembic_config,
    check_compatible,
    head_revision,
    history,
    migrate,
    upgrade,
)
from db.models import Ticket
from db.session import Database

HEAD = head_revision()
PREVIOUS = history()[-2]
NEXT = f"{int(HEAD) + 1:04d}"


def set_recorded_revision(database: Database, revision: str) -> None:
    with database.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :revision"), {"revision": revision})


def raise_ticket(database: Database, title: str) -> int:
    with database.transaction() as session:
        actor = load_actor(session, "T1", "UEMPLOYEE", ())
        change = lifecycle.create(session, actor, parse_ticket_form(title, "", "hardware", "MINOR"))
        return change.ticket.number


@pytest.fixture
def sqlite_file_url(tmp_path):
    return f"sqlite:///{tmp_path / 'upgrade.db'}"


def test_the_previous_migration_head_is_refused(sqlite_file_url):
    upgrade(sqlite_file_url, PREVIOUS)
    database = Database(sqlite_file_url)
    with pytest.raises(
        DatabaseBehind, match=rf"schema is at {PREVIOUS}, the code needs {HEAD}: run `python app.py migrate`"
    ):
        check_compatible(database.engine)
    database.dispose()


def test_an_empty_database_is_refused(sqlite_file_url):
    database = Database(sqlite_file_url)
    with pytest.raises(DatabaseBehind, match="schema is at nothing"):
        check_compatible(database.engine)
    database.dispose()


def test_code_that_declares_a_lower_minimum_starts_on_the_previous_schema(sqlite_file_url, monkeypatch):
    """A release whose code still runs on the old schema may start before its migration."""
    monkeypatch.setattr(migrations, "MINIMUM_REVISION", PREVIOUS)
    upgrade(sqlite_file_url, PREVIOUS)
    database = Database(sqlite_file_url)
    assert check_compatible(database.engine).current == PREVIOUS
    set_recorded_revision(database, history()[-3])
    with pytest.raises(DatabaseBehind, match=f"the code needs {PREVIOUS} or later"):
        check_compatible(database.engine)
    database.dispose()


def test_a_future_revision_is_served(database):
    set_recorded_revision(database, NEXT)
    state = check_compatible(database.engine)
    assert state.newer_than_code and state.current == NEXT
    assert "rolling upgrade" in state.describe()


@pytest.mark.parametrize("revision", ["3f2a9c1b7d0e", f"{int(PREVIOUS) - 1:04d}x"])
def test_a_revision_that_cannot_be_placed_after_the_head_is_refused(database, revision):
    set_recorded_revision(database, revision)
    with pytest.raises(SchemaIncompatible, match="does not know"):
        check_compatible(database.engine)


def write_next_release_migrations(tmp_path: Path) -> Path:
    """This code's migrations plus the next release's: an expand-only revision."""
    directory = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, directory, ignore=shutil.ignore_patterns("__pycache__"))
    (
        directory / "versions" / f"{NEXT}_next_release.py"
    ).write_text(f'''"""the next release: a new column and a new table

Revision ID: {NEXT}
Revises: {HEAD}
"""
import sqlalchemy as sa
from alembic import op

revision = "{NEXT}"
down_revision = "{HEAD}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("due_by", sa.String(32), nullable=True))
    op.create_table("ticket_labels", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("label", sa.String(40), nullable=False))


def downgrade() -> None:
    op.drop_table("ticket_labels")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("due_by")
''')
    return directory


def test_old_code_keeps_serving_after_the_next_release_migrates(database_url, tmp_path):
    database = Database(database_url)
    first = raise_ticket(database, "Before the upgrade")
    command.upgrade(alembic_config(database_url, write_next_release_migrations(tmp_path)), "head")

    state = check_compatible(database.engine)  # this (old) code, on the new schema
    assert state.current == NEXT and state.newer_than_code
    assert raise_ticket(database, "During the upgrade") == first + 1
    with database.transaction() as session:
        assert [t.title for t in session.query(Ticket).order_by(Ticket.number)] == [
            "Before the upgrade",
            "During the upgrade",
        ]
    # The old release's `migrate` step (a rollback, a restarted old replica) leaves the newer schema alone.
    assert "newer than this code's" in migrate(database_url)
    assert check_compatible(database.engine).current == NEXT
    database.dispose()


def test_migrate_brings_an_older_database_to_the_head(sqlite_file_url):
    upgrade(sqlite_file_url, PREVIOUS)
    assert migrate(sqlite_file_url) == f"database is up to date at {HEAD}"
    database = Database(sqlite_file_url)
    assert check_compatible(database.engine).current == HEAD
    database.dispose()
