"""Distributed over OAuth: slack_sdk's installation and state stores keep their tables in the
app's own database. slack_sdk defines them (``build_*_table``); they are declared here on the
app's metadata so the Alembic history (0006) and ``purge-workspace`` know them. With one bot token
instead, ``bot_token_identities`` keeps who that token is (0015)."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .types import SlackId, UTCDateTime

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name

slack_installations = SQLAlchemyInstallationStore.build_installations_table(Base.metadata, INSTALLATIONS_TABLE)
slack_bots = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, OAUTH_STATES_TABLE)


class BotTokenIdentity(Base):
    """Who a bot token is, as Slack's ``auth.test`` last said (one bot token, single workspace).

    Learnt in the background (bot/identity.py), kept here so that every process — and the app after
    a restart — answers requests without asking Slack first. Keyed by a hash of the token, never
    the token itself. ``refused`` is Slack's error while it refuses the token (revoked, its app
    uninstalled): then no workspace is served. The team columns are NULL only for a token Slack
    refused before it was ever accepted."""

    __tablename__ = "bot_token_identities"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token, hex
    team_id: Mapped[str | None] = mapped_column(SlackId)
    enterprise_id: Mapped[str | None] = mapped_column(SlackId)
    bot_user_id: Mapped[str | None] = mapped_column(SlackId)
    bot_id: Mapped[str | None] = mapped_column(SlackId)
    refused: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
