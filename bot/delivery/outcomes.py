"""What became of one attempt to send a delivery (an ``Outcome``), read from Slack's answer, and
how long to wait before the next attempt (Retry-After, else slack_sdk's backoff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from bot.services.outbox import POST, Claimed

# Slack errors worth trying again; any other ``ok: false`` answer will not change by retrying.
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
# The bot's token no longer works in that workspace: nothing there can be delivered.
WORKSPACE_GONE = {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "team_access_not_granted"}
MAX_DELAY = timedelta(minutes=5)
_backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)


@dataclass(frozen=True)
class Outcome:
    kind: str  # "posted" | "retry" | "failed"
    channel: str | None = None
    ts: str | None = None
    error: str = ""
    delay: timedelta = timedelta(0)
    maybe_sent: bool = False  # (retry) the attempt may have reached Slack
    result: dict[str, Any] | None = None  # (posted, a task) what Slack said, for the task's change

    @staticmethod
    def done(channel: str | None = None, ts: str | None = None) -> Outcome:
        return Outcome("posted", channel=channel, ts=ts)


def from_slack_error(error: SlackApiError, delivery: Claimed) -> Outcome:
    response = error.response
    code = response.get("error") or f"http_{response.status_code}"
    if response.status_code == 429 or code == "ratelimited":
        retry_after = _retry_after(response.headers)
        return Outcome(
            "retry",
            error="ratelimited",
            delay=timedelta(seconds=retry_after) if retry_after is not None else retry_delay(delivery),
        )
    if response.status_code >= 500 or code in TRANSIENT_ERRORS:
        return Outcome("retry", error=code, delay=retry_delay(delivery), maybe_sent=delivery.method == POST)
    return Outcome("failed", error=code)


def _retry_after(headers: dict[str, Any] | None) -> int | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return max(0, int(value))
            except (TypeError, ValueError):
                return None
    return None


def retry_delay(delivery: Claimed) -> timedelta:
    seconds = _backoff.calculate_sleep_duration(min(delivery.attempts, 10))
    return min(timedelta(seconds=seconds), MAX_DELAY)
