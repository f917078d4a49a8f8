"""The booking's message after a person's change (bot.publishing.bookings does the queueing)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.publishing.bookings import queue_booking_message
from bot.services.actors import Actor
from bot.services.workspace_settings import workspace_config
from db.models import Booking


def queue_card(ctx: AppContext, session: Session, actor: Actor, booking: Booking) -> None:
    """Queue the booking's message in the change's transaction; the actor hears if it fails."""
    config = workspace_config(session, actor.team_id, ctx.settings)
    queue_booking_message(session, config, booking, notify_user=actor.user_id)
