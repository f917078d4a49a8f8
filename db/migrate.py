"""Alembic, driven from code: ``python app.py migrate`` and the start-up check."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would mangle '%' in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class DatabaseBehind(Exception):
    pass


def check_up_to_date(engine: Engine) -> None:
    """Refuse to serve a database whose schema is older (or newer) than the code."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise DatabaseBehind(
            f"database schema is at {current or 'nothing'}, the code needs {head}: run `python app.py migrate`"
        )
