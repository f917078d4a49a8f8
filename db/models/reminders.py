"""Exactly-once bookkeeping for scheduled posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .types import SlackId, UTCDateTime


class ReminderClaim(Base):
    """A (job, subject, slot) that a scheduler run has claimed for posting.

    The unique constraint is what makes reminders exactly-once across
    processes: a run inserts its claim first and posts only if the insert won.
    ``posted_at``/``message_ts`` are filled once Slack accepted the post; a claim
    left unposted past a timeout (the process died) may be re-claimed.
    """

    __tablename__ = "reminder_claims"
    __table_args__ = (
        UniqueConstraint("team_id", "job", "subject", "slot"),
        Index("ix_reminder_claims_unposted", "job", "posted_at", "claimed_at"),
        # A booking's change finds the posted lists that show it, and each list's other lines (0016).
        Index("ix_reminder_claims_subject", "team_id", "subject"),
        Index("ix_reminder_claims_delivery_key", "delivery_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    job: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # e.g. "booking:12", "ticket:7", "digest"
    slot: Mapped[str] = mapped_column(String(64))  # e.g. "2026-11-23" or "2026-11-23T10:30Z"
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    delivery_key: Mapped[str | None] = mapped_column(String(160))  # the outbox delivery that posts it
