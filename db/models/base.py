import enum
from typing import Any

from sqlalchemy import ColumnElement, MetaData, literal_column
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names so Alembic migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def spelled_out(*values: enum.Enum) -> list[ColumnElement[Any]]:
    """Enum values written into a statement as literals, not bound as parameters. SQLite uses a
    partial index only for a query whose WHERE contains the index's condition
    (https://www.sqlite.org/partialindex.html). For a term with bound parameters it can tell only
    for ``=`` and ``<>`` (it plans again with the bound value); ``status IN (?, ?)`` never matches,
    and the query reads the whole table. PostgreSQL proves the match either way."""
    return [literal_column("'{}'".format(str(value.value).replace("'", "''"))) for value in values]
