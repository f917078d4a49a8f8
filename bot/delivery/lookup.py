"""Finding the message an earlier attempt of a delivery may have left in its channel (or thread),
before anything is posted again: the way an unknown outcome never becomes a duplicate."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.outbox import METADATA_EVENT_TYPE, Claimed

from .outcomes import TRANSIENT_ERRORS

log = logging.getLogger("hiredesk.delivery")

# Looking a lost post up: how far back before its creation, and how many pages at most.
LOOKUP_MARGIN_SECONDS = 300
LOOKUP_PAGES = 10


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
