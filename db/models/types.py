"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are
    stored as naive UTC and given their tzinfo back on the way out. Naive values
    are refused on the way in: every instant in HireDesk is explicit.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_cls: type[enum.Enum]) -> Enum:
    """A portable enum: VARCHAR plus a CHECK constraint, never a native PG enum
    (native enums make every new value a painful migration)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=20,
        name=enum_cls.__name__.lower(),
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


SlackId = String(32)  # team, user and channel IDs
