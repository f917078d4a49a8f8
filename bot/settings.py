"""Process settings, read once from the environment at start-up.

Workspace-level settings that admins change from Slack (channels, time zone,
digest time, thresholds) live in the database (``WorkspaceSettings``); the
values here are only their defaults.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SQLITE_URL = f"sqlite:///{Path(__file__).resolve().parent.parent / 'hiredesk.db'}"
# The local sandbox's own database (``python app.py sandbox``): never the operator's.
DEFAULT_SANDBOX_URL = f"sqlite:///{Path(__file__).resolve().parent.parent / 'sandbox.db'}"
NO_CREDENTIALS = (
    "no Slack credentials: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP), SLACK_BOT_TOKEN and "
    "SLACK_APP_TOKEN (Socket Mode), or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET (OAuth); "
    "`python app.py sandbox` runs the local sandbox without Slack"
)


class SettingsError(Exception):
    """A bad or missing environment value; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=True, populate_by_name=True)

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    # Distributed over OAuth (many workspaces, each with its own bot token in the database).
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    public_url: str | None = Field(default=None, alias="HIREDESK_PUBLIC_URL")
    # Where "Add to Slack" sends the browser (Slack's own authorize page, or a fake one in tests).
    slack_authorize_url: str = Field(default="https://slack.com/oauth/v2/authorize", alias="SLACK_AUTHORIZE_URL")

    database_url: str = Field(default=DEFAULT_SQLITE_URL, alias="DATABASE_URL")
    # Connections per serving process: the pool, and how many more it may open under a burst.
    database_pool_size: int = Field(default=10, alias="DATABASE_POOL_SIZE", ge=1, le=200)
    database_max_overflow: int = Field(default=8, alias="DATABASE_MAX_OVERFLOW", ge=0, le=200)
    port: int = Field(default=3000, alias="PORT", ge=1, le=65535)
    host: str = Field(default="0.0.0.0", alias="HOST")
    # Serving over HTTP (bot/server.py): worker processes, and the threads each runs requests on.
    web_concurrency: int = Field(default=2, alias="WEB_CONCURRENCY", ge=1, le=64)
    web_threads: int = Field(default=8, alias="HIREDESK_WEB_THREADS", ge=1, le=256)
    # A request still running after this long gets its worker process replaced.
    web_request_timeout_seconds: int = Field(default=30, alias="HIREDESK_WEB_REQUEST_TIMEOUT_SECONDS", ge=5)
    # A connection that sends nothing for this long is closed: an idle keep-alive one, or a
    # client stalled mid-request.
    web_idle_timeout_seconds: int = Field(default=30, alias="HIREDESK_WEB_IDLE_TIMEOUT_SECONDS", ge=1)
    # SIGTERM: how long requests in flight may take to finish before the process stops.
    web_graceful_timeout_seconds: int = Field(default=6, alias="HIREDESK_WEB_GRACEFUL_TIMEOUT_SECONDS", ge=0)

    admins: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="HIREDESK_ADMINS")
    triage_channel: str | None = Field(default=None, alias="HIREDESK_TRIAGE_CHANNEL")
    fleet_channel: str | None = Field(default=None, alias="HIREDESK_FLEET_CHANNEL")
    managers_channel: str | None = Field(default=None, alias="HIREDESK_MANAGERS_CHANNEL")
    timezone: str = Field(default="UTC", alias="HIREDESK_TIMEZONE")
    digest_time: time = Field(default=time(8, 30), alias="HIREDESK_DIGEST_TIME")
    return_grace_minutes: int = Field(default=60, alias="HIREDESK_RETURN_GRACE_MINUTES", ge=0)
    scheduler: bool = Field(default=True, alias="HIREDESK_SCHEDULER")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # The delivery worker (one per serving process): its own threads, and how long a claim
    # lasts before another process may take it over (it looks the message up first); never less
    # than 1.5 x the time-out of its Web API calls, so a post still in flight is never taken over.
    delivery_threads: int = Field(default=8, alias="HIREDESK_DELIVERY_THREADS", ge=1, le=64)
    delivery_lease_seconds: float = Field(default=60, alias="HIREDESK_DELIVERY_LEASE_SECONDS", gt=0)
    delivery_timeout_seconds: float = Field(default=10, alias="HIREDESK_DELIVERY_TIMEOUT_SECONDS", gt=0)
    # One bot token: how often a background check asks Slack who the token is (auth.test), so a
    # revoked token is noticed; requests never wait for it (bot/identity.py).
    identity_refresh_seconds: float = Field(default=300, alias="HIREDESK_IDENTITY_REFRESH_SECONDS", gt=0)
    log_format: Literal["text", "json"] = Field(default="text", alias="HIREDESK_LOG_FORMAT")

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        # "U1, U2" in the environment; Slack user IDs are upper-case alphanumerics.
        if isinstance(value, str):
            ids = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            bad = [i for i in ids if not i.isalnum() or i[0] not in "UW"]
            if bad:
                raise ValueError(f"not Slack user IDs (like U012AB3CD): {', '.join(bad)}")
            return ids
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Europe/London)") from None
        return value

    @field_validator("scheduler", mode="before")
    @classmethod
    def _on_off(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in {"on", "off"}:
            return value.strip().lower() == "on"
        return value

    @model_validator(mode="after")
    def _credentials_come_together(self) -> Settings:
        # Half a set of credentials is a mistake, not a request for the sandbox.
        if self.slack_signing_secret and not self.slack_bot_token and not self.distributed:
            raise _setting_error("SLACK_BOT_TOKEN", "missing: it is needed with SLACK_SIGNING_SECRET")
        if self.slack_app_token and not self.slack_bot_token:
            raise _setting_error("SLACK_BOT_TOKEN", "missing: Socket Mode (SLACK_APP_TOKEN) needs it too")
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            raise _setting_error(
                "SLACK_CLIENT_SECRET" if self.slack_client_id else "SLACK_CLIENT_ID",
                "missing: distributing over OAuth needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET",
            )
        if self.distributed and self.slack_bot_token:
            raise _setting_error(
                "SLACK_BOT_TOKEN", "not used over OAuth (each workspace's token is in the database): unset it"
            )
        if self.distributed and self.slack_app_token:
            raise _setting_error(
                "SLACK_APP_TOKEN", "Socket Mode serves one workspace: unset it to distribute over OAuth"
            )
        if self.distributed and not self.slack_signing_secret:
            raise _setting_error("SLACK_SIGNING_SECRET", "missing: it is needed with SLACK_CLIENT_ID")
        if self.distributed and not self.public_url:
            raise _setting_error(
                "HIREDESK_PUBLIC_URL", "missing: OAuth needs the public https address (for the redirect URL)"
            )
        if self.slack_bot_token and not self.slack_bot_token.startswith("xoxb-"):
            raise _setting_error("SLACK_BOT_TOKEN", "should be a bot token starting with xoxb-")
        if self.slack_app_token and not self.slack_app_token.startswith("xapp-"):
            raise _setting_error("SLACK_APP_TOKEN", "should be an app-level token starting with xapp-")
        return self

    @property
    def has_slack_credentials(self) -> bool:
        """Enough to serve Slack: a bot token with a signing secret (HTTP) or an app-level token
        (Socket Mode), or an OAuth client (distributed). Without them ``serve`` refuses to start."""
        if self.distributed:
            return True
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    def check_can_serve(self) -> None:
        """Serving needs credentials (the sandbox is its own command), and HTTP the signing secret
        too (jobs only need the bot token)."""
        if self.slack_bot_token and not self.slack_signing_secret and not self.socket_mode:
            raise SettingsError("SLACK_SIGNING_SECRET: missing: it is needed with SLACK_BOT_TOKEN to serve Slack")
        if not self.has_slack_credentials:
            raise SettingsError(NO_CREDENTIALS)

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token) and not self.distributed

    @property
    def distributed(self) -> bool:
        """Many workspaces over OAuth (``/slack/install``), each with its own token."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def config_admins(self) -> list[str]:
        """HIREDESK_ADMINS name users of the one workspace a bot token serves; over OAuth each
        workspace's first admin is its installer instead, and these name nobody."""
        return [] if self.distributed else self.admins

    @property
    def redirect_url(self) -> str:
        return f"{(self.public_url or '').rstrip('/')}/slack/oauth_redirect"


def _setting_error(variable: str, problem: str) -> ValueError:
    return ValueError(f"{variable}: {problem}")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read settings; raise SettingsError naming the first bad variable."""
    try:
        if env is None:
            return Settings()
        return Settings.model_validate(env)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        if not error["loc"]:  # a model-level check: the message names its variable
            raise SettingsError(message) from None
        field = error["loc"][0]
        alias = Settings.model_fields[field].alias if field in Settings.model_fields else field
        raise SettingsError(f"{alias}: {message}") from None
