"""A workspace's effective settings: what admins set in /hiredesk settings,
falling back to the environment defaults. Read fresh on every use, so a
change takes effect without a restart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.workspaces import ensure_workspace
from bot.settings import Settings


@dataclass(frozen=True)
class WorkspaceConfig:
    team_id: str
    triage_channel: str | None
    fleet_channel: str | None
    managers_channel: str | None
    timezone: str
    digest_time: time
    due_soon: timedelta
    return_grace: timedelta
    critical_reminder: timedelta
    critical_escalation: timedelta

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def workspace_config(session: Session, team_id: str, defaults: Settings) -> WorkspaceConfig:
    ws = ensure_workspace(session, team_id)

    def minutes(value: int | None, default: int) -> timedelta:
        return timedelta(minutes=value if value is not None else default)

    return WorkspaceConfig(
        team_id=team_id,
        triage_channel=ws.triage_channel or defaults.triage_channel,
        fleet_channel=ws.fleet_channel or defaults.fleet_channel,
        managers_channel=ws.managers_channel or defaults.managers_channel,
        timezone=ws.timezone or defaults.timezone,
        digest_time=time.fromisoformat(ws.digest_time) if ws.digest_time else defaults.digest_time,
        due_soon=minutes(ws.due_soon_minutes, 120),
        return_grace=minutes(ws.return_grace_minutes, defaults.return_grace_minutes),
        critical_reminder=minutes(ws.critical_reminder_minutes, 30),
        critical_escalation=minutes(ws.critical_escalation_minutes, 120),
    )
