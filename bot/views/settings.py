"""The /hiredesk settings modal and its confirmation."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    PlainTextInputElement,
    SectionBlock,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.services.settings import SLA_TARGETS, THRESHOLDS
from bot.services.workspace_settings import WorkspaceConfig
from bot.views.when import duration
from db.models import Severity

CALLBACK_ID = "hiredesk_settings"
ACTION = "value"  # every input's action_id; the block_id names the setting

CHANNEL_LABELS = {
    "triage_channel": "IT triage channel (ticket cards)",
    "fleet_channel": "Car hire channel (return reminders)",
    "managers_channel": "Managers' channel (digests, escalations)",
}
THRESHOLD_LABELS = {
    "due_soon_minutes": "Remind before a return is due (minutes)",
    "return_grace_minutes": "Grace before a return is overdue (minutes)",
    "critical_reminder_minutes": "Remind about a quiet CRITICAL ticket every (minutes)",
    "critical_escalation_minutes": "Escalate a quiet CRITICAL ticket after (minutes)",
    "no_show_grace_minutes": "A booking not picked up this long after pickup is a no-show (minutes)",
    "auto_resolve_minutes": "Resolve a ticket waiting on its reporter after (minutes)",
    "early_pickup_minutes": "Confirm a pick-up earlier than this before the booked time (minutes)",
}


def settings_modal(config: WorkspaceConfig) -> dict:
    minutes = {
        "due_soon_minutes": config.due_soon,
        "return_grace_minutes": config.return_grace,
        "critical_reminder_minutes": config.critical_reminder,
        "critical_escalation_minutes": config.critical_escalation,
        "no_show_grace_minutes": config.no_show_grace,
        "auto_resolve_minutes": config.auto_resolve,
        "early_pickup_minutes": config.early_pickup,
    }
    blocks: list[Block] = [
        InputBlock(
            block_id=field,
            label=label,
            optional=True,
            element=ConversationSelectElement(
                action_id=ACTION,
                initial_conversation=getattr(config, field),
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        )
        for field, label in CHANNEL_LABELS.items()
    ]
    blocks += [
        InputBlock(
            block_id="timezone",
            label="Time zone",
            hint="An IANA name, like Europe/London.",
            element=PlainTextInputElement(action_id=ACTION, initial_value=config.timezone, max_length=64),
        ),
        InputBlock(
            block_id="digest_time",
            label="Daily digest at (local time)",
            element=TimePickerElement(action_id=ACTION, initial_time=config.digest_time.strftime("%H:%M")),
        ),
    ]
    blocks += [
        InputBlock(
            block_id=field,
            label=label,
            element=NumberInputElement(
                action_id=ACTION,
                is_decimal_allowed=False,
                initial_value=int(minutes[field].total_seconds() // 60),
                min_value=THRESHOLDS[field][0],
                max_value=THRESHOLDS[field][1],
            ),
        )
        for field, label in THRESHOLD_LABELS.items()
    ]
    blocks += [
        InputBlock(
            block_id=field,
            label=f"SLA: {severity.value} {target} target (minutes)",
            optional=True,
            element=NumberInputElement(
                action_id=ACTION,
                is_decimal_allowed=False,
                initial_value=int(getattr(config.sla[severity], target).total_seconds() // 60),
                min_value=SLA_TARGETS[field][0],
                max_value=SLA_TARGETS[field][1],
            ),
        )
        for severity in (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)
        for target in ("response", "resolution")
        for field in (f"sla_{severity.value.lower()}_{target}_minutes",)
    ]
    blocks.append(
        InputBlock(
            block_id="refuel_charge",
            label="Refuel charge per eighth of a tank returned below the pick-up level",
            element=NumberInputElement(
                action_id=ACTION, is_decimal_allowed=True, initial_value=str(config.refuel_charge), min_value=0
            ),
        )
    )
    blocks.append(
        InputBlock(
            block_id="ticket_emoji",
            label="Emoji that raises a ticket from a message",
            hint="React with it to a message in a channel where HireDesk is: the author gets a ticket.",
            element=PlainTextInputElement(action_id=ACTION, initial_value=f":{config.ticket_emoji}:", max_length=102),
        )
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="An empty channel falls back to the server's default. Changes apply from the scheduler's next run."
                )
            ]
        )
    )
    return View(
        type="modal", callback_id=CALLBACK_ID, title="HireDesk settings", submit="Save", close="Cancel", blocks=blocks
    ).to_dict()


def settings_saved_modal(config: WorkspaceConfig) -> dict:
    def channel(field: str) -> str:
        value = getattr(config, field)
        return f"<#{value}>" if value else "_not set_"

    lines = [f"• {CHANNEL_LABELS[f].split(' (')[0]}: {channel(f)}" for f in CHANNEL_LABELS]
    lines += [
        f"• Time zone: {config.timezone}, daily digest at {config.digest_time.strftime('%H:%M')}",
        f"• Returns: reminder {duration(config.due_soon)} before due, overdue after {duration(config.return_grace)} of grace",
        f"• CRITICAL tickets: reminder every {duration(config.critical_reminder)}, "
        f"escalation after {duration(config.critical_escalation)}",
        "• SLA (respond / resolve): "
        + ", ".join(
            f"{s.value} {duration(config.sla[s].response)} / {duration(config.sla[s].resolution)}"
            for s in (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)
        ),
        f"• No-shows: after {duration(config.no_show_grace)} past the pickup time; "
        f"refuel charge {config.refuel_charge:,.2f} per eighth; a pick-up over {duration(config.early_pickup)} "
        "early is confirmed",
        f"• Tickets waiting on their reporter: resolved after {duration(config.auto_resolve)}",
        f"• Emoji to ticket: :{config.ticket_emoji}:",
    ]
    return View(
        type="modal",
        callback_id=f"{CALLBACK_ID}_saved",
        title="HireDesk settings",
        close="Done",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=":white_check_mark: *Settings saved*\n" + "\n".join(lines))),
        ],
    ).to_dict()
