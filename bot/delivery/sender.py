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
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.services.outbox import (
    EDIT,
    POST,
    PUBLISH_HOME,
    RESPOND,
    TASK,
    UPLOAD,
    Claimed,
    metadata_for,
)

from .file_export import send_export
from .lookup import find_posted
from .outcomes import Outcome, from_slack_error, retry_delay
from .tasks import TASKS

if TYPE_CHECKING:
    from db.session import Database

log = logging.getLogger("hiredesk.delivery")


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
            return send_export(client, delivery, db, worker)
        if delivery.method == TASK:
            return _task(client, delivery)
        return Outcome("failed", error=f"unknown_method:{delivery.method}")
    except SlackApiError as error:
        return from_slack_error(error, delivery)
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
