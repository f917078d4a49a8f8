"""Distributed over OAuth: slack_sdk's installation and state stores keep their tables in the
app's own database. slack_sdk defines them (``build_*_table``); they are declared here on the
app's metadata so the Alembic history (0006) and ``purge-workspace`` know them."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from .base import Base

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name

slack_installations = SQLAlchemyInstallationStore.build_installations_table(Base.metadata, INSTALLATIONS_TABLE)
slack_bots = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, OAUTH_STATES_TABLE)
