"""The booking's message in the car hire channel: posted once, then edited in place."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.services.hire import bookings as booking_service
from bot.services.workspace_settings import workspace_config
from bot.views.hire import bookings as booking_views

from ..support import actor_scope

log = logging.getLogger("hiredesk.hire")


def publish_card(ctx: AppContext, client, team_id: str, user_id: str, booking_id: int) -> None:
    """Edit the booking's message where it lives, or post it (car hire channel; the agent's DM
    if no channel is configured) and remember where. Called after ack."""
    with actor_scope(ctx, team_id, user_id, readonly=True) as (session, actor):
        booking = booking_service.get_booking(session, actor, booking_id)
        config = workspace_config(session, team_id, ctx.settings)
        card = booking_views.booking_card(booking, config.tz)
        channel, ts = booking.card_channel, booking.card_ts
    if channel and ts:
        try:
            client.chat_update(channel=channel, ts=ts, **card)
            return
        except SlackApiError as error:
            if error.response.get("error") != "message_not_found":
                raise
            log.info("booking %s: its message was deleted; posting a new one", booking_id)
    posted = client.chat_postMessage(channel=config.fleet_channel or user_id, **card)
    with actor_scope(ctx, team_id, user_id) as (session, actor):
        booking_service.attach_card(session, actor, booking_id, posted["channel"], posted["ts"])
