"""Workspaces, their settings, users and roles."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String
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
    # Set when the workspace uninstalled the app or revoked its token: nothing is posted there
    # until it installs again (OAuth) or auth.test accepts a bot token for it (single workspace).
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    triage_channel: Mapped[str | None] = mapped_column(SlackId)
    fleet_channel: Mapped[str | None] = mapped_column(SlackId)
    managers_channel: Mapped[str | None] = mapped_column(SlackId)
    timezone: Mapped[str | None] = mapped_column(String(64))
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local
    due_soon_minutes: Mapped[int | None] = mapped_column(Integer)
    return_grace_minutes: Mapped[int | None] = mapped_column(Integer)
    critical_reminder_minutes: Mapped[int | None] = mapped_column(Integer)
    critical_escalation_minutes: Mapped[int | None] = mapped_column(Integer)
    # Service-level targets (None: the defaults of bot.services.tickets.sla)
    sla_critical_response_minutes: Mapped[int | None] = mapped_column(Integer)
    sla_critical_resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    sla_major_response_minutes: Mapped[int | None] = mapped_column(Integer)
    sla_major_resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    sla_minor_response_minutes: Mapped[int | None] = mapped_column(Integer)
    sla_minor_resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    no_show_grace_minutes: Mapped[int | None] = mapped_column(Integer)
    auto_resolve_minutes: Mapped[int | None] = mapped_column(Integer)  # a ticket WAITING this long is resolved
    early_pickup_minutes: Mapped[int | None] = mapped_column(Integer)  # a pick-up earlier than this is confirmed
    refuel_charge: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))  # per eighth of a tank
    ticket_emoji: Mapped[str | None] = mapped_column(String(100))  # reacting with it raises a ticket (None: "ticket")


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
