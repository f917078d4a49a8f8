"""Distributed over OAuth (PRODUCT.md §2): "Add to Slack" at ``/slack/install``, Slack's answer at
``/slack/oauth_redirect``, with Bolt's OAuth flow and slack_sdk's SQLAlchemy installation and state
stores in the app's own database (tables: db/models/installs.py, migration 0006).

The admin who installs becomes the workspace's first HireDesk admin.
"""

from __future__ import annotations

import logging

from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.services import workspaces
from bot.settings import Settings
from db.models.installs import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE
from db.session import Database

log = logging.getLogger("hiredesk.installs")

# What HireDesk asks a workspace for: exactly what its Web API calls need (tests/test_scopes.py
# checks this against the code and manifest.yml).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "channels:history",
    "groups:history",
    "im:history",
    "files:write",
    "reactions:read",
)
# An install started must finish within this (the "Add to Slack" click to Slack's redirect).
STATE_EXPIRES_SECONDS = 600


def installation_store(settings: Settings, db: Database) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id or "",
        engine=db.engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
        logger=log,
    )


def oauth_settings(settings: Settings, db: Database, store: InstallationStore, on_installed) -> OAuthSettings:
    """Bolt's OAuth flow. ``on_installed(team_id, installer)`` runs after a workspace's token is saved."""

    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        if installation.team_id:
            on_installed(installation.team_id, installation.user_id)
        return args.default.success(args)

    def failure(args: FailureArgs) -> BoltResponse:
        log.warning("an install did not finish: %s", args.reason)
        return args.default.failure(args)

    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.redirect_url,
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        authorization_url=settings.slack_authorize_url,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRES_SECONDS, engine=db.engine, table_name=OAUTH_STATES_TABLE, logger=log
        ),
        callback_options=CallbackOptions(success=success, failure=failure),
        logger=log,
    )


def first_admin(db: Database, team_id: str, installer: str) -> None:
    """The workspace has the app (again); the admin who installed it is its first HireDesk admin."""
    with db.transaction() as session:
        workspaces.installed_by(session, team_id, installer)
