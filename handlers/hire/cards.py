"""The booking's message in the car hire channel: posted once, then edited in place (through the outbox)."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services import outbox
from bot.services.actors import Actor
from bot.services.workspace_settings import workspace_config
from bot.views.hire import bookings as booking_views
from db.models import Booking


def queue_card(ctx: AppContext, session: Session, actor: Actor, booking: Booking) -> None:
    """Queue the booking's message: an edit where it lives (posted again if someone deleted it),
    or its first post (car hire channel; the agent's DM if no channel is set). In the change's
    transaction; where it lands is recorded on the booking once posted."""
    config = workspace_config(session, actor.team_id, ctx.settings)
    card = booking_views.booking_card(booking, config.tz)
    lane = f"{booking.team_id}:booking:{booking.id}"
    key, label = f"{lane}:card", f"the message of {booking.key}"
    if booking.card_ts or outbox.exists_key(session, key):
        outbox.edit(
            session, booking.team_id, f"{key}:edit:{secrets.token_hex(8)}", card, label=label, supersede=key,
            of=key, channel=booking.card_channel, ts=booking.card_ts, lane=lane, notify_user=actor.user_id,
            repost_if_missing=True, purpose="booking_card", subject_id=booking.id,
        )  # fmt: skip
        return
    outbox.post(
        session, booking.team_id, key, config.fleet_channel or actor.user_id, card, label=label, lane=lane,
        purpose="booking_card", subject_id=booking.id, notify_user=actor.user_id,
    )  # fmt: skip
