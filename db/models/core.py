"""Workspaces, their settings, users and roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .types import SlackId, UTCDateTime, enum_column


class Role(str, enum.Enum):
    EMPLOYEE = "employee"
    TECHNICIAN = "technician"
    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"


class Workspace(Base):
    """One Slack workspace (``team_id``). Every other row belongs to one.

    The settings columns are NULL until an admin changes them in
    ``/hiredesk settings``; NULL means "use the environment default".
    """

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Per-workspace counters behind the T-<n> and B-<n> keys.
    last_ticket_number: Mapped[int] = mapped_column(Integer, default=0)
    last_booking_number: Mapped[int] = mapped_column(Integer, default=0)

    triage_channel: Mapped[str | None] = mapped_column(SlackId)
    fleet_channel: Mapped[str | None] = mapped_column(SlackId)
    managers_channel: Mapped[str | None] = mapped_column(SlackId)
    timezone: Mapped[str | None] = mapped_column(String(64))
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local
    due_soon_minutes: Mapped[int | None] = mapped_column(Integer)
    return_grace_minutes: Mapped[int | None] = mapped_column(Integer)
    critical_reminder_minutes: Mapped[int | None] = mapped_column(Integer)
    critical_escalation_minutes: Mapped[int | None] = mapped_column(Integer)


class UserRole(Base):
    """A role granted to a Slack user in one workspace. EMPLOYEE is implicit
    and never stored; admins from HIREDESK_ADMINS are implicit too."""

    __tablename__ = "user_roles"

    team_id: Mapped[str] = mapped_column(
        SlackId, ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)
    granted_by: Mapped[str] = mapped_column(SlackId)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
