"""Telling people that a message HireDesk owed them could not be delivered.

Each Slack error gets the diagnosis and the fix a person can act on, not a
generic "invite HireDesk".
"""

from __future__ import annotations

from slack_sdk.models.blocks import HeaderBlock, SectionBlock

from bot.services.outbox import Failure
from bot.views.messages import blocks_to_dicts, text_message
from bot.views.text import truncate

SETTINGS_HINT = "an admin can choose another channel in `/hiredesk settings`"


def _where(channel: str | None) -> str:
    if not channel:
        return "there"
    return f"<@{channel}>'s DMs" if channel[:1] in ("U", "W") else f"<#{channel}>"


def reason(error: str, channel: str | None) -> str:
    """Why it failed and what to do, in one sentence."""
    where = _where(channel)
    reasons = {
        "not_in_channel": f"HireDesk is not a member of {where}: invite it there with `/invite @HireDesk`.",
        "channel_not_found": f"HireDesk can't find {where} (deleted, or private without HireDesk): {SETTINGS_HINT}.",
        "is_archived": f"{where} is archived: {SETTINGS_HINT}.",
        "account_inactive": "that person's Slack account is deactivated.",
        "user_not_found": "that person is not in this workspace any more.",
        "cannot_dm_bot": "that user is a bot, which can't receive DMs.",
        "restricted_action": f"this workspace doesn't let apps post in {where}: ask a Slack admin.",
        "msg_too_long": "the message was too long for Slack.",
        "missing_scope": "HireDesk lacks a permission for this: a Slack admin should reinstall it.",
    }
    if error.startswith("gave_up:"):
        return "Slack could not be reached for a day; it was given up."
    return reasons.get(error, f"Slack refused it (`{truncate(error, 60)}`).")


def failure_notice(failure: Failure) -> dict:
    """A DM to the person whose action caused the message (sent once per failed delivery)."""
    return text_message(
        f":warning: HireDesk could not post {failure.label} in {_where(failure.channel)}. "
        f"{reason(failure.error, failure.channel)} What you did was saved."
    )


def failures_section(failures: list[Failure]) -> list[dict]:
    """The admins' App Home: recent messages that could not be delivered."""
    if not failures:
        return []
    lines = [f"• {truncate(f.label, 100)} → {_where(f.channel)}: {reason(f.error, f.channel)}" for f in failures]
    return blocks_to_dicts(
        [
            HeaderBlock(text="Messages not delivered"),
            SectionBlock(text=truncate("\n".join(lines), 3000)),
        ]
    )
