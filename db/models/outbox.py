"""The outbox: every Slack message a change causes, written in the change's transaction.

A ``Delivery`` is one Web API call to make (post, edit, App Home publish,
response_url reply). Handlers and jobs insert deliveries in the same database
transaction as the change they report, so a change that committed always has
its messages queued, and a change that rolled back has none. The delivery
worker (``bot.delivery``) claims and sends them; see docs/ARCHITECTURE.md.

``HandledRequest`` remembers view submissions, events and signed requests
already processed, so a repeat (double click, Slack retry, replay) has no
second effect.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ColumnElement, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, spelled_out
from .types import SlackId, UTCDateTime, enum_column


class DeliveryStatus(str, enum.Enum):
    PENDING = "pending"  # waiting for a worker (or for its next attempt)
    SENDING = "sending"  # claimed by a worker until ``claimed_at`` + lease
    POSTED = "posted"  # Slack accepted it (or it was found already posted)
    FAILED = "failed"  # a permanent error: never retried; ``error`` says which
    SUPERSEDED = "superseded"  # a newer render of the same message replaced it before it was sent
    CANCELLED = "cancelled"  # its workspace uninstalled HireDesk, or what it depended on failed


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
_OPEN_SQL = "status IN ('pending', 'sending')"


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        # The worker's claim query: open deliveries by due time.
        Index("ix_deliveries_due", "next_attempt_at", postgresql_where=text(_OPEN_SQL), sqlite_where=text(_OPEN_SQL)),
        # Deliveries of one lane go out in order (a card before its thread replies).
        Index("ix_deliveries_lane", "lane", "id", postgresql_where=text(_OPEN_SQL), sqlite_where=text(_OPEN_SQL)),
        Index(
            "ix_deliveries_supersede",
            "supersede",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_deliveries_team_finished", "team_id", "status", "finished_at"),
        # The worker's pruning of deliveries finished long ago (every 10 minutes, in every process).
        Index("ix_deliveries_finished", "finished_at"),
        # A delivery that failed for good cancels the open ones that edit or reply to its message.
        Index(
            "ix_deliveries_parent_open",
            "parent_key",
            postgresql_where=text(_OPEN_SQL),
            sqlite_where=text(_OPEN_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unique name of this delivery; carried in the posted message's metadata so
    # a post whose outcome is unknown can be found in the channel afterwards.
    key: Mapped[str] = mapped_column(String(160), unique=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    lane: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(SlackId)  # a channel, or a user ID for a DM
    ts: Mapped[str | None] = mapped_column(String(32))  # the message to edit, when already known
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    # The delivery whose message this one edits (chat.update) or replies under (chat.postMessage).
    parent_key: Mapped[str | None] = mapped_column(String(160))
    supersede: Mapped[str | None] = mapped_column(String(160))  # same value, still pending → only the newest is sent
    payload: Mapped[str] = mapped_column(Text)  # JSON arguments of the Web API call
    purpose: Mapped[str | None] = mapped_column(String(32))  # what to record once posted (see bot.services.outbox)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    notify_user: Mapped[str | None] = mapped_column(SlackId)  # who acted: told once if it fails for good
    label: Mapped[str] = mapped_column(String(200), default="")  # what it is, for people: "the card of T-12"

    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An attempt may have reached Slack without us hearing back: look in the channel before posting again.
    maybe_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_channel: Mapped[str | None] = mapped_column(SlackId)
    posted_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(200))


def delivery_is_open(status: Any = Delivery.status) -> ColumnElement[bool]:
    """Still to send: ``status IN ('pending', 'sending')``, literally the WHERE of the partial
    indexes above (``spelled_out``), so that SQLite reads them rather than the whole table.
    ``status``: the status column of ``deliveries`` or of an alias of it."""
    return status.in_(spelled_out(*OPEN_STATUSES))


def delivery_is_pending(status: Any = Delivery.status) -> ColumnElement[bool]:
    """``status = 'pending'``: the WHERE of ``ix_deliveries_supersede``, spelled out likewise."""
    return status == spelled_out(DeliveryStatus.PENDING)[0]


class HandledRequest(Base):
    """A request already processed: ``view:<team>:<id>:<hash>``, ``event:<event_id>``, ``sig:<digest>``
    (HTTP) or ``envelope:<envelope_id>`` (Socket Mode).

    Inserted in the same transaction as the request's change, so a repeat
    either sees it (and changes nothing) or the first never happened.
    """

    __tablename__ = "handled_requests"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answer: Mapped[str | None] = mapped_column(Text)  # the first answer (JSON), given again to a repeat
