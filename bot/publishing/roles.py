"""A role change tells the person it is about, by DM (through the outbox, with the change)."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from bot.services import outbox
from bot.services.roles import RoleChange
from bot.views.roles import role_change_dm


def queue_role_change_dm(session: Session, team_id: str, change: RoleChange) -> None:
    """Queue the DM to ``change.user_id``; the admin who changed it hears if it can't be sent."""
    what = "granted" if change.granted else "removed"
    outbox.post(
        session, team_id, f"{team_id}:role:{change.user_id}:{change.role.value}:{what}:{secrets.token_hex(8)}",
        change.user_id, role_change_dm(change), label=f"the DM telling <@{change.user_id}> of their role",
        notify_user=change.by,
    )  # fmt: skip
