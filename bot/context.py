"""What listeners and jobs need, built once by the composition root (app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.services.actors import Actor, load_actor
from bot.settings import Settings
from db.session import Database


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    db: Database

    def actor(self, session: Session, team_id: str, user_id: str) -> Actor:
        return load_actor(session, team_id, user_id, self.settings.admins)
