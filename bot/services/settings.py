"""/hiredesk settings (PRODUCT.md §6): the workspace's channels, time zone,
digest time and reminder thresholds. Admins only. Saved values override the
environment defaults and take effect on the scheduler's next run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.errors import FormErrors
from bot.services.actors import Actor
from bot.services.tickets.emoji import EMOJI_FORMAT, parse_emoji
from bot.services.workspace_settings import WorkspaceConfig, workspace_config
from bot.services.workspaces import ensure_workspace
from bot.settings import Settings
from db.models import Role

# field → (lowest, highest) minutes
THRESHOLDS = {
    "due_soon_minutes": (5, 24 * 60),
    "return_grace_minutes": (0, 24 * 60),
    "critical_reminder_minutes": (5, 24 * 60),
    "critical_escalation_minutes": (15, 7 * 24 * 60),
    "no_show_grace_minutes": (15, 7 * 24 * 60),
    "auto_resolve_minutes": (60, 30 * 24 * 60),
    "early_pickup_minutes": (0, 7 * 24 * 60),
}
ADDED_LATER = {
    "no_show_grace_minutes",
    "auto_resolve_minutes",
    "early_pickup_minutes",
}  # absent from an older modal: left unchanged
# Service-level targets, field → (lowest, highest) minutes; an empty field means the default.
SLA_TARGETS = {
    f"sla_{severity}_{target}_minutes": (1, 30 * 24 * 60)
    for severity in ("critical", "major", "minor")
    for target in ("response", "resolution")
}
CHANNELS = ("triage_channel", "fleet_channel", "managers_channel")


@dataclass(frozen=True)
class SettingsForm:
    """The modal's values as submitted (strings; empty channel = the environment default)."""

    triage_channel: str | None
    fleet_channel: str | None
    managers_channel: str | None
    timezone: str | None
    digest_time: str | None
    due_soon_minutes: str | None
    return_grace_minutes: str | None
    critical_reminder_minutes: str | None
    critical_escalation_minutes: str | None
    sla_critical_response_minutes: str | None = None
    sla_critical_resolution_minutes: str | None = None
    sla_major_response_minutes: str | None = None
    sla_major_resolution_minutes: str | None = None
    sla_minor_response_minutes: str | None = None
    sla_minor_resolution_minutes: str | None = None
    no_show_grace_minutes: str | None = None  # None: not in the form (an older modal): unchanged
    auto_resolve_minutes: str | None = None  # likewise
    early_pickup_minutes: str | None = None  # likewise
    refuel_charge: str | None = None  # likewise
    ticket_emoji: str | None = None  # likewise


def settings_for_edit(session: Session, actor: Actor, defaults: Settings) -> WorkspaceConfig:
    actor.require(Role.ADMIN, to="change settings")
    return workspace_config(session, actor.team_id, defaults)


def save_settings(session: Session, actor: Actor, form: SettingsForm, defaults: Settings) -> WorkspaceConfig:
    actor.require(Role.ADMIN, to="change settings")
    errors: dict[str, str] = {}
    timezone = (form.timezone or "").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = "Give an IANA time zone name, like Europe/London or America/New_York."
    try:
        digest_time = time.fromisoformat(form.digest_time or "").strftime("%H:%M")
    except ValueError:
        errors["digest_time"] = "Pick the time of the daily digest."
    minutes = {}
    for field, (low, high) in THRESHOLDS.items():
        submitted = getattr(form, field)
        if submitted is None and field in ADDED_LATER:
            continue
        text = (submitted or "").strip()
        if not text.isdigit() or not low <= int(text) <= high:
            errors[field] = f"A whole number of minutes from {low} to {high}."
        else:
            minutes[field] = int(text)
    targets: dict[str, int | None] = {}
    for field, (low, high) in SLA_TARGETS.items():
        text = (getattr(form, field) or "").strip()
        if text and (not text.isdigit() or not low <= int(text) <= high):
            errors[field] = f"A whole number of minutes from {low} to {high}, or empty for the default."
        else:
            targets[field] = int(text) if text else None
    refuel_charge = None
    if form.refuel_charge is not None:
        try:
            refuel_charge = Decimal(form.refuel_charge.strip())
        except InvalidOperation:
            refuel_charge = None
        if refuel_charge is None or not refuel_charge.is_finite() or not 0 <= refuel_charge <= 1000:
            errors["refuel_charge"] = "An amount from 0 to 1000, like 12.50."
    ticket_emoji = None
    if form.ticket_emoji is not None:
        ticket_emoji = parse_emoji(form.ticket_emoji)
        if ticket_emoji is None:
            errors["ticket_emoji"] = EMOJI_FORMAT
    if not errors and minutes["critical_escalation_minutes"] < minutes["critical_reminder_minutes"]:
        errors["critical_escalation_minutes"] = "Escalate no sooner than the first reminder."
    if errors:
        raise FormErrors(errors)
    workspace = ensure_workspace(session, actor.team_id)
    for field in CHANNELS:
        setattr(workspace, field, getattr(form, field) or None)
    workspace.timezone = timezone
    workspace.digest_time = digest_time
    for field, value in {**minutes, **targets}.items():
        setattr(workspace, field, value)
    if refuel_charge is not None:
        workspace.refuel_charge = refuel_charge.quantize(Decimal("0.01"))
    if ticket_emoji is not None:
        workspace.ticket_emoji = ticket_emoji
    session.flush()
    return workspace_config(session, actor.team_id, defaults)
