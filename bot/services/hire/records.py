"""What customers and vehicles share: loading within a workspace, unique
fields that race, and removal (archive when bookings refer to the row)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.errors import DomainError, FormErrors, NotFound
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.hire.access import require_agent
from bot.services.ids import parse_id
from db.models import Booking, Customer, RecordEvent, Vehicle, booking_holds_vehicle

Record = TypeVar("Record", Customer, Vehicle)
HISTORY_VALUE_LIMIT = 200  # the history's old/new columns


@dataclass(frozen=True)
class Removal:
    label: str
    archived: bool  # False: deleted outright (it had no bookings)


def load(
    session: Session,
    actor: Actor,
    model: type[Record],
    record_id: int | str,
    *,
    for_change: bool = False,
    lock: bool = True,
) -> Record:
    """The row ``record_id`` of the actor's workspace (another workspace's id is NotFound).
    ``for_change`` refuses archived rows and (with ``lock``) locks the row until commit."""
    noun = model.__name__.lower()
    parsed_id = parse_id(record_id)
    if parsed_id is None:
        raise NotFound(f"No such {noun}.")
    query = select(model).where(model.id == parsed_id, model.team_id == actor.team_id)
    record = session.scalars(query.with_for_update() if for_change and lock else query).one_or_none()
    if record is None:
        raise NotFound(f"No such {noun}.")
    if for_change and record.archived_at is not None:
        raise DomainError(f"That {noun} is archived and can't be changed.")
    return record


def to_edit(session: Session, actor: Actor, model: type[Record], record_id: int | str) -> Record:
    """A record about to be edited, locked; also checked before its form opens (refused now, not on submit)."""
    require_agent(actor, to=f"edit {model.__tablename__}")
    return load(session, actor, model, record_id, for_change=True)


def taken(session: Session, actor: Actor, column: InstrumentedAttribute[str], value: str, own_id: int | None) -> bool:
    """Whether another row of the workspace already has ``value`` in the unique ``column``."""
    model = column.class_
    query = select(model.id).where(model.team_id == actor.team_id, column == value)
    if own_id is not None:
        query = query.where(model.id != own_id)
    return session.scalar(query.limit(1)) is not None


def save_unique(session: Session, record: Record, field: str, message: str) -> Record:
    """Insert/update ``record``; a concurrent duplicate of its unique ``field`` becomes an inline error."""
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        raise FormErrors({field: message}) from None
    return record


def remove(session: Session, record: Record, label: str, actor_id: str) -> Removal:
    """Delete ``record``, or archive it if bookings refer to it (their history stays)."""
    column = Booking.customer_id if isinstance(record, Customer) else Booking.vehicle_id
    open_keys = session.scalars(
        select(Booking.number).where(column == record.id, booking_holds_vehicle()).order_by(Booking.number).limit(5)
    ).all()
    if open_keys:
        keys = ", ".join(f"B-{n}" for n in open_keys)
        raise DomainError(f"{label} has open bookings ({keys}); return or cancel them first.")
    if session.scalar(select(func.count()).select_from(Booking).where(column == record.id)):
        record.archived_at = utcnow()
        add_event(record, actor_id, "archived", None, "yes")
        return Removal(label=label, archived=True)
    session.delete(record)
    return Removal(label=label, archived=False)


def history_text(value: object) -> str | None:
    """A field's value as the history stores it: dates ISO, flags yes/no, enums by value."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Decimal):  # money: 40 and 40.00 are the same rate
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:HISTORY_VALUE_LIMIT]


def snapshot(record: Record, fields: tuple[str, ...]) -> dict[str, str | None]:
    """The ``fields`` of ``record`` as the history stores them, taken before an edit."""
    return {field: history_text(getattr(record, field)) for field in fields}


def record_changes(record: Record, actor_id: str, before: dict[str, str | None]) -> None:
    """An event per field that changed since ``before`` (old → new); nothing for a new record."""
    if record.id is None:
        return
    for field, old in before.items():
        new = history_text(getattr(record, field))
        if new != old:
            add_event(record, actor_id, field, old, new)


def add_event(record: Record, actor_id: str, field: str, old: str | None, new: str | None) -> None:
    record.events.append(
        RecordEvent(team_id=record.team_id, actor_id=actor_id, at=utcnow(), field=field, old_value=old, new_value=new)
    )
