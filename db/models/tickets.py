"""The IT help desk: tickets and their append-only history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ColumnExpressionArgument,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, spelled_out
from .types import SlackId, UTCDateTime, enum_column


class Severity(str, enum.Enum):
    MINOR = "MINOR"
    MAJOR = "MAJOR"
    CRITICAL = "CRITICAL"


class TicketState(str, enum.Enum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    WAITING = "WAITING"  # on the reporter: the SLA clock is paused
    RESOLVED = "RESOLVED"


class Category(str, enum.Enum):
    HARDWARE = "hardware"
    SOFTWARE = "software"
    NETWORK = "network"
    ACCESS = "access"
    OTHER = "other"


OPEN_TICKET_SQL = "state <> 'RESOLVED' AND deleted_at IS NULL"
# The technicians' queue's order: unassigned first, then by severity (CRITICAL, MAJOR, MINOR). Its index
# and ``queue_order()`` must say the same expressions, with the same literals, for either database to
# read the queue's page in index order instead of sorting every open ticket.
UNASSIGNED_FIRST_SQL = "(assignee_id IS NOT NULL)"
SEVERITY_RANK_SQL = "(CASE WHEN severity = 'CRITICAL' THEN 0 WHEN severity = 'MAJOR' THEN 1 ELSE 2 END)"


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        # The technicians' queue and the critical-ticket reminder scan only
        # unresolved, undeleted tickets of one workspace.
        Index(
            "ix_tickets_open_queue",
            "team_id",
            "severity",
            "created_at",
            postgresql_where=text(OPEN_TICKET_SQL),
            sqlite_where=text(OPEN_TICKET_SQL),
        ),
        # A page of the queue (``queue_order()``): ten index entries, not a sort of the open tickets.
        Index(
            "ix_tickets_queue_order",
            "team_id",
            text(UNASSIGNED_FIRST_SQL),
            text(SEVERITY_RANK_SQL),
            "created_at",
            "id",
            postgresql_where=text(OPEN_TICKET_SQL),
            sqlite_where=text(OPEN_TICKET_SQL),
        ),
        Index("ix_tickets_reporter", "team_id", "reporter_id", "created_at"),
        Index("ix_tickets_created", "team_id", "created_at"),
        Index("ix_tickets_resolved", "team_id", "resolved_at"),
        # Emoji to ticket: one ticket per Slack message, however often it is reacted to.
        UniqueConstraint("team_id", "source_channel", "source_ts", name="uq_tickets_source_message"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[Category] = mapped_column(enum_column(Category))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    state: Mapped[TicketState] = mapped_column(enum_column(TicketState))
    reporter_id: Mapped[str] = mapped_column(SlackId)
    assignee_id: Mapped[str | None] = mapped_column(SlackId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first assignment or reply (SLA)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # WAITING on the reporter since
    # Time spent WAITING before (not counting the current wait): the SLA deadlines move on by it.
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    source_permalink: Mapped[str | None] = mapped_column(String(500))
    # The message a ticket was raised from by an emoji reaction (channel, ts): at most one ticket each.
    source_channel: Mapped[str | None] = mapped_column(SlackId)
    source_ts: Mapped[str | None] = mapped_column(String(32))
    card_channel: Mapped[str | None] = mapped_column(SlackId)
    card_ts: Mapped[str | None] = mapped_column(String(32))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str | None] = mapped_column(SlackId)

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )

    @property
    def key(self) -> str:
        return f"T-{self.number}"


def severity_rank() -> ColumnElement[int]:
    """0 for CRITICAL, 1 for MAJOR, 2 for MINOR: ``SEVERITY_RANK_SQL``, literals spelled out."""
    critical, major = spelled_out(Severity.CRITICAL, Severity.MAJOR)
    return case(
        (Ticket.severity == critical, literal_column("0")),
        (Ticket.severity == major, literal_column("1")),
        else_=literal_column("2"),
    )


def queue_order() -> tuple[ColumnExpressionArgument[Any], ...]:
    """The queue's order, as ``ix_tickets_queue_order`` holds it: unassigned first, then by severity,
    oldest first (then by id, which the index holds last and every list adds)."""
    return (Ticket.assignee_id.is_not(None), severity_rank(), Ticket.created_at)


def ticket_is_open() -> ColumnElement[bool]:
    """Unresolved and not deleted: ``state <> 'RESOLVED' AND deleted_at IS NULL``, spelled out as
    the partial index ``ix_tickets_open_queue`` says it (SQLite would also match ``state <> ?``;
    one rule for every partial index: ``spelled_out``)."""
    return and_(Ticket.state != spelled_out(TicketState.RESOLVED)[0], Ticket.deleted_at.is_(None))


class TicketEvent(Base):
    """One change to a ticket: who, when, what changed from → to. Never updated."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(SlackId)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))  # created, assigned, severity, state, note, reply, ...
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)  # long text: a note, a reply, the new description
    old_body: Mapped[str | None] = mapped_column(Text)  # the long text it replaced (the old description)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketRating(Base):
    """The reporter's satisfaction rating (CSAT) of one resolution of a ticket: one row per
    resolution (its RESOLVED state event), replaced in place while it may still change."""

    __tablename__ = "ticket_ratings"
    __table_args__ = (
        UniqueConstraint("resolution_event_id"),
        Index("ix_ticket_ratings_ticket", "ticket_id", "resolution_event_id"),
        Index("ix_ticket_ratings_rated", "team_id", "rated_at"),  # the digest's period
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    resolution_event_id: Mapped[int] = mapped_column(ForeignKey("ticket_events.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(Integer)  # 1 = poor … 5 = great
    comment: Mapped[str | None] = mapped_column(Text)
    rated_by: Mapped[str] = mapped_column(SlackId)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the current rating's time


class TicketThread(Base):
    """A DM HireDesk sent the reporter about a ticket (channel D…, ts): their answer in its thread
    becomes a comment on the ticket. Recorded once the DM is posted (bot.services.outbox RECORDERS);
    kept for good, unlike the delivery rows, which are pruned after a week."""

    __tablename__ = "ticket_threads"

    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"), primary_key=True)
    channel: Mapped[str] = mapped_column(SlackId, primary_key=True)
    ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
