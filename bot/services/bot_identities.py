"""Who the bot token is (one bot token, single workspace), as Slack last said: kept in the database
so that no request waits on Slack's ``auth.test`` (bot/identity.py learns and refreshes it).

The token itself is never stored: its row is keyed by ``fingerprint(token)``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import BotTokenIdentity

from .clock import utcnow


@dataclass(frozen=True)
class BotIdentity:
    """What Slack said of the token when it was last asked (``checked_at``). While Slack refuses it,
    ``refused`` is its error and no workspace is served; ``team_id`` is then the workspace it was
    last accepted for, if ever."""

    team_id: str | None
    enterprise_id: str | None
    bot_user_id: str | None
    bot_id: str | None
    refused: str | None
    checked_at: datetime

    @property
    def serving(self) -> bool:
        return self.refused is None and self.team_id is not None


def fingerprint(token: str) -> str:
    """The key of a token's row: its SHA-256 (a bot token is long and random: no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def stored(session: Session, token_hash: str) -> BotIdentity | None:
    """The identity kept for the token, or None if Slack has never answered for it."""
    row = session.get(BotTokenIdentity, token_hash)
    return _identity(row) if row is not None else None


def accepted(
    session: Session, token_hash: str, *, team_id: str, enterprise_id: str | None, bot_user_id: str, bot_id: str
) -> BotIdentity:
    """Slack accepted the token (``auth.test``) for this team, enterprise, bot user and bot."""
    row = _row(session, token_hash)
    row.team_id, row.enterprise_id, row.bot_user_id, row.bot_id = team_id, enterprise_id or None, bot_user_id, bot_id
    row.refused, row.checked_at = None, utcnow()
    return _identity(row)


def refused(session: Session, token_hash: str, error: str) -> BotIdentity:
    """Slack refuses the token (``error``: token_revoked, invalid_auth …): served nowhere until it
    accepts it again. What it was last accepted for is kept."""
    row = _row(session, token_hash)
    row.refused, row.checked_at = error[:64], utcnow()
    return _identity(row)


def _row(session: Session, token_hash: str) -> BotTokenIdentity:
    row = session.get(BotTokenIdentity, token_hash, with_for_update=True)
    if row is None:
        row = BotTokenIdentity(token_hash=token_hash, checked_at=utcnow())
        session.add(row)
    return row


def _identity(row: BotTokenIdentity) -> BotIdentity:
    return BotIdentity(
        team_id=row.team_id,
        enterprise_id=row.enterprise_id,
        bot_user_id=row.bot_user_id,
        bot_id=row.bot_id,
        refused=row.refused,
        checked_at=row.checked_at,
    )
