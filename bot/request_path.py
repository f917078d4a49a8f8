"""The request path: what runs between a Slack request's arrival and its answer.

Nothing there may wait on the Web API except ``views.open/push/update`` (a trigger lasts 3 s; they
have a short time-out). To show it holds, every Web API call a request's listeners make before the
answer is counted by method (``hiredesk_request_path_slack_calls_total`` in ``/metrics``): an operator
sees it stay at ``views.*``. Calls after the answer (an error told by DM, a permalink added to a
modal) run on other threads and are not counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot import metrics
from bot.tenancy import Tenancy

_answering: ContextVar[bool] = ContextVar("hiredesk_answering", default=False)


@contextmanager
def answering() -> Iterator[None]:
    """Marks this thread as answering a request from Slack (around Bolt's dispatch)."""
    token = _answering.set(True)
    try:
        yield
    finally:
        _answering.reset(token)


def is_answering() -> bool:
    return _answering.get()


class RequestClient(WebClient):
    """A request's Web API client (Bolt makes one per request): counts its calls before the answer."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        if is_answering():
            metrics.count_request_path_call(api_method)
        return super().api_call(api_method, **kwargs)


def counting(client: WebClient) -> RequestClient:
    """``client`` as a ``RequestClient`` (same token, URL, time-out, headers; no retries)."""
    return RequestClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        team_id=client.default_params.get("team_id"),
        logger=client.logger,
        retry_handlers=list(client.retry_handlers),
    )


class FromTenancy(Authorize):
    """Bolt's ``authorize``: what the tenancy already holds for the request's workspace (bot token,
    bot user, bot, team, enterprise), so no request asks Slack ``auth.test``. None refuses it."""

    def __init__(self, tenancy: Tenancy) -> None:
        self.tenancy = tenancy

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        return self.tenancy.authorize(team_id, enterprise_id, user_id)
