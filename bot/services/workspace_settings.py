"""A workspace's effective settings: what admins set in /hiredesk settings,
falling back to the environment defaults. Read fresh on every use, so a
change takes effect without a restart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.tickets.sla import DEFAULT_TARGETS, Targets
from bot.services.workspaces import ensure_workspace
from bot.settings import Settings
from db.models import Severity

DEFAULT_REFUEL_CHARGE = Decimal("10.00")
DEFAULT_NO_SHOW_GRACE = timedelta(hours=2)
DEFAULT_EARLY_PICKUP = timedelta(hours=2)  # a hand-over earlier than this before the booked pickup asks to confirm
DEFAULT_AUTO_RESOLVE = timedelta(days=3)
DEFAULT_TICKET_EMOJI = "ticket"


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
    sla: dict[Severity, Targets]  # service-level targets per severity
    # Defaults here too, so that a config built by hand (views' tests) needs no change.
    no_show_grace: timedelta = DEFAULT_NO_SHOW_GRACE  # not picked up this long after pickup: a no-show
    refuel_charge: Decimal = DEFAULT_REFUEL_CHARGE  # per eighth of a tank returned below the pick-up level
    auto_resolve: timedelta = DEFAULT_AUTO_RESOLVE  # a ticket waiting on its reporter this long is resolved
    ticket_emoji: str = DEFAULT_TICKET_EMOJI  # reacting with it to a message raises a ticket (emoji to ticket)
    early_pickup: timedelta = DEFAULT_EARLY_PICKUP  # a pick-up earlier than this before the booked time is confirmed

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
        sla={
            severity: Targets(
                response=_minutes_or(getattr(ws, f"sla_{severity.value.lower()}_response_minutes"), default.response),
                resolution=_minutes_or(
                    getattr(ws, f"sla_{severity.value.lower()}_resolution_minutes"), default.resolution
                ),
            )
            for severity, default in DEFAULT_TARGETS.items()
        },
        no_show_grace=minutes(ws.no_show_grace_minutes, DEFAULT_NO_SHOW_GRACE // timedelta(minutes=1)),
        refuel_charge=ws.refuel_charge if ws.refuel_charge is not None else DEFAULT_REFUEL_CHARGE,
        auto_resolve=_minutes_or(ws.auto_resolve_minutes, DEFAULT_AUTO_RESOLVE),
        ticket_emoji=ws.ticket_emoji or DEFAULT_TICKET_EMOJI,
        early_pickup=_minutes_or(ws.early_pickup_minutes, DEFAULT_EARLY_PICKUP),
    )


def _minutes_or(value: int | None, default: timedelta) -> timedelta:
    return timedelta(minutes=value) if value is not None else default
