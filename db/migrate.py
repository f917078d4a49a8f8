"""Alembic, driven from code: ``python app.py migrate`` and the start-up check.

Rolling upgrades: the new release's migrations run first (one ``migrate`` step),
then its replicas replace the old ones one by one, so for a while version N of
the code serves a database already migrated for N+1. Migrations are therefore
*expand, then contract*: a release only adds (tables, nullable or defaulted
columns, indexes); removing what older code reads waits for a later release.
The start-up check follows from that:

- a database *older* than the code needs is refused (migrate first);
- a database at or after that revision is served, including a revision this
  code does not know, as long as its ID says it is newer than the code's head
  (revision IDs are consecutive numbers, 0001, 0002, … — ``tests/test_migrations.py``
  keeps them so). That is version N meeting N+1's schema mid-upgrade.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, pool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# The oldest schema this code runs on. None: its own head, since code normally uses
# what its release's migrations add. A release whose code still runs on the previous
# schema may name that revision, so its replicas may start before the migration runs.
MINIMUM_REVISION: str | None = None

log = logging.getLogger("hiredesk.migrate")


def alembic_config(url: str, migrations_dir: Path = MIGRATIONS_DIR) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    # ConfigParser interpolation would mangle '%' in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str:
    head = scripts().get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return head


def minimum_revision() -> str:
    return MINIMUM_REVISION or head_revision()


def history() -> list[str]:
    """The code's revisions, oldest first."""
    return [script.revision for script in reversed(list(scripts().walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_newer_than(revision: str, known: str) -> bool:
    """Whether a revision this code doesn't have comes after ``known`` (numbered IDs)."""
    return revision.isdigit() and known.isdigit() and int(revision) > int(known)


class SchemaIncompatible(Exception):
    """The database's schema is not one this code can serve."""


class DatabaseBehind(SchemaIncompatible):
    pass


@dataclass(frozen=True)
class SchemaState:
    current: str
    head: str

    @property
    def newer_than_code(self) -> bool:
        return self.current != self.head and self.current not in history()

    def describe(self) -> str:
        if self.newer_than_code:
            return (
                f"database schema is at {self.current}, newer than this code's {self.head} "
                "(a rolling upgrade in progress: served, since migrations only expand)"
            )
        return f"database schema is at {self.current}"


def check_compatible(engine: Engine) -> SchemaState:
    """Refuse a database older than the code needs (or at a revision it can't place);
    accept its own revisions from the minimum on, and newer ones (see the module doc)."""
    current, head, needed = current_revision(engine), head_revision(), minimum_revision()
    known = history()
    if current is None or (current in known and known.index(current) < known.index(needed)):
        raise DatabaseBehind(
            f"database schema is at {current or 'nothing'}, the code needs {needed}"
            f"{'' if needed == head else f' or later (its head is {head})'}: run `python app.py migrate`"
        )
    if current not in known and not is_newer_than(current, head):
        raise SchemaIncompatible(
            f"database schema is at {current!r}, a revision this code (at {head}) does not know "
            "and cannot place after its own: is this database from another branch or application?"
        )
    state = SchemaState(current=current, head=head)
    if state.newer_than_code:
        log.warning("%s", state.describe())
    return state


def migrate(url: str) -> str:
    """``python app.py migrate``: bring the schema to the code's head. A database already past
    it (a newer release migrated it; this is an old replica or a rollback) is left alone."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if current is not None and current not in history() and is_newer_than(current, head):
        return f"database schema is at {current}, newer than this code's {head}: left as it is"
    upgrade(url)
    return f"database is up to date at {head}"
