"""What listeners and jobs need, built once by the composition root (app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.orm import Session

from bot.services.actors import Actor, load_actor
from bot.settings import Settings
from bot.tenancy import InstalledWorkspaces, SingleWorkspace, Tenancy
from db.session import Database


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    db: Database

    def actor(self, session: Session, team_id: str, user_id: str) -> Actor:
        return load_actor(session, team_id, user_id, self.settings.config_admins)

    @cached_property
    def tenancy(self) -> Tenancy:
        """The workspaces served and each one's client: the bot token's own, or every OAuth install."""
        if self.settings.distributed:
            from bot.installs import installation_store

            return InstalledWorkspaces(self.settings, installation_store(self.settings, self.db))
        return SingleWorkspace(self.settings, self.db)
