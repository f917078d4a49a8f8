"""Slack Web API clients.

Neither kind retries inside the call: a listener may not wait (a modal's
trigger expires in 3 s, and Slack wants its answer), and the delivery worker
reschedules a failed delivery instead of holding a thread — honouring
``Retry-After`` and backing off with slack_sdk's interval calculator
(bot.delivery.sender).
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.settings import Settings

# A listener's own calls (views.open/push/update) must leave time to answer Slack within 3 s.
LISTENER_TIMEOUT = 2.5


def make_web_client(settings: Settings, token: str | None = None, *, timeout: float | None = None) -> WebClient:
    """A client for ``token`` (default: the bot token). Its calls time out after ``timeout`` s, by
    default ``HIREDESK_DELIVERY_TIMEOUT_SECONDS`` (10: longer than Slack's slowest normal answer;
    a post that times out is looked up before a retry)."""
    timeout = timeout if timeout is not None else settings.delivery_timeout_seconds
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=base_url,
        timeout=timeout,  # type: ignore[arg-type]  # urllib takes a float
        retry_handlers=[],  # slack_sdk would re-send a post after a lost connection: a duplicate
    )
