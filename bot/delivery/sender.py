"""Sending one claimed delivery to Slack, and reading Slack's answer.

The answer is one of: posted (with where), retry later (transient: 429, 5xx,
time-outs, lost connections; with whether the post may have reached Slack),
or failed for good (Slack said no: ``not_in_channel``, ``channel_not_found``…).

Before posting a message that an earlier attempt may already have posted, the
channel (or thread) is searched for a message whose metadata carries this
delivery's key; if found, that message is adopted instead of posting again.
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from bot.services.outbox import (
    EDIT,
    METADATA_EVENT_TYPE,
    POST,
    PUBLISH_HOME,
    RESPOND,
    TASK,
    UPLOAD,
    Claimed,
    metadata_for,
)

if TYPE_CHECKING:
    from db.session import Database

from .tasks import TASKS

log = logging.getLogger("hiredesk.delivery")

# Slack errors worth trying again; any other ``ok: false`` answer will not change by retrying.
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
# The bot's token no longer works in that workspace: nothing there can be delivered.
WORKSPACE_GONE = {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "team_access_not_granted"}
# Looking a lost post up: how far back before its creation, and how many pages at most.
LOOKUP_MARGIN_SECONDS = 300
LOOKUP_PAGES = 10
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


def send(client: WebClient, delivery: Claimed, *, db: Database | None = None, worker: str = "") -> Outcome:
    """Send ``delivery``; an upload (an export) reads its rows from ``db`` and notes its file as
    ``worker``'s before sharing it (bot.delivery.file_export)."""
    if delivery.parent_missing:
        return Outcome("failed", error="parent_missing")
    try:
        if delivery.method == POST:
            return _post(client, delivery)
        if delivery.method == EDIT:
            return _edit(client, delivery)
        if delivery.method == PUBLISH_HOME:
            client.views_publish(**delivery.payload)
            return Outcome.done()
        if delivery.method == RESPOND:
            return _respond(delivery)
        if delivery.method == UPLOAD and db is not None:
            from .file_export import send_export  # it needs this module's lookups

            return send_export(client, delivery, db, worker)
        if delivery.method == TASK:
            return _task(client, delivery)
        return Outcome("failed", error=f"unknown_method:{delivery.method}")
    except SlackApiError as error:
        return _from_slack_error(error, delivery)
    except (OSError, http.client.HTTPException) as error:  # time-out, reset, refused, DNS…
        return Outcome(
            "retry",
            error=f"{type(error).__name__}: {error}"[:200],
            delay=retry_delay(delivery),
            maybe_sent=delivery.method == POST,
        )


def _post(client: WebClient, delivery: Claimed) -> Outcome:
    if delivery.maybe_sent:
        found = find_posted(client, delivery)
        if found:
            log.info("delivery %s was already posted (%s %s): adopted", delivery.key, *found)
            return Outcome.done(*found)
    response = client.chat_postMessage(
        **_message_args(delivery, channel=delivery.channel, thread_ts=delivery.thread_ts)
    )
    return Outcome.done(response["channel"], response["ts"])


def _edit(client: WebClient, delivery: Claimed) -> Outcome:
    payload = dict(delivery.payload)
    repost = payload.pop("repost_if_missing", False)
    try:
        client.chat_update(channel=delivery.channel or "", ts=delivery.ts or "", **payload)
        return Outcome.done(delivery.channel, delivery.ts)
    except SlackApiError as error:
        if not (repost and error.response.get("error") == "message_not_found"):
            raise
    # Someone deleted the message: post it anew (e.g. a booking's message), tagged with this key.
    log.info("delivery %s: the message to edit is gone; posting it again", delivery.key)
    return _post(client, replace(delivery, method=POST, payload=payload, ts=None))


def _task(client: WebClient, delivery: Claimed) -> Outcome:
    task = TASKS.get(str(delivery.payload.get("task")))
    if task is None:
        return Outcome("failed", error=f"unknown_task:{delivery.payload.get('task')}")
    return Outcome("posted", result=task.fetch(client, delivery.payload))


def _respond(delivery: Claimed) -> Outcome:
    payload = dict(delivery.payload)
    response = WebhookClient(payload.pop("url"), timeout=10).send_dict(payload)
    if response.status_code == 200:
        return Outcome.done()
    if response.status_code == 429 or response.status_code >= 500:
        return Outcome("retry", error=f"response_url {response.status_code}", delay=retry_delay(delivery))
    # 404 expired_url and the like: a response_url lives 30 minutes and answers 5 times.
    return Outcome("failed", error=f"response_url_{response.status_code}")


def _message_args(delivery: Claimed, **where: Any) -> dict[str, Any]:
    return {**delivery.payload, **{k: v for k, v in where.items() if v}, "metadata": metadata_for(delivery.key)}


def find_posted(client: WebClient, delivery: Claimed) -> tuple[str, str] | None:
    """The message of this delivery, if an earlier attempt posted it: searched by metadata key."""

    def tagged(message: dict[str, Any]) -> bool:
        metadata = message.get("metadata") or {}
        return (
            metadata.get("event_type") == METADATA_EVENT_TYPE
            and (metadata.get("event_payload") or {}).get("key") == delivery.key
        )

    return find_message(client, delivery, tagged)


def find_message(
    client: WebClient, delivery: Claimed, matches: Callable[[dict[str, Any]], bool]
) -> tuple[str, str] | None:
    """The first message of the delivery's channel (or thread) since shortly before it was queued
    that ``matches``: where an earlier attempt left it, if it did."""
    channel = delivery.channel or ""
    try:
        if channel[:1] in ("U", "W"):  # a DM is addressed by user; its history by D… channel
            channel = client.conversations_open(users=channel)["channel"]["id"]
        oldest = f"{delivery.created_at.timestamp() - LOOKUP_MARGIN_SECONDS:.6f}"
        cursor = None
        for _ in range(LOOKUP_PAGES):
            if delivery.thread_ts:
                page = client.conversations_replies(
                    channel=channel,
                    ts=delivery.thread_ts,
                    oldest=oldest,
                    limit=200,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            else:
                page = client.conversations_history(
                    channel=channel, oldest=oldest, limit=200, include_all_metadata=True, cursor=cursor
                )
            messages: list[dict[str, Any]] = page.get("messages") or []
            for message in messages:
                if matches(message):
                    return channel, message["ts"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
    except SlackApiError as error:
        if (
            error.response.get("error") in TRANSIENT_ERRORS
            or error.response.status_code >= 500
            or error.response.status_code == 429
        ):
            raise
        # Can't read that channel (a scope or membership missing): posting is the only way on.
        log.warning(
            "delivery %s: could not look for an earlier post in %s (%s); posting",
            delivery.key,
            channel,
            error.response.get("error"),
        )
    return None


def _from_slack_error(error: SlackApiError, delivery: Claimed) -> Outcome:
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
