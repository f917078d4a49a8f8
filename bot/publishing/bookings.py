"""The booking's message in the car hire channel: posted once, then edited in place (through the outbox)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from bot.services import outbox
from bot.services.clock import utcnow
from bot.services.reminders import posted_lists
from bot.services.workspace_settings import WorkspaceConfig
from bot.views.hire import bookings as booking_views
from bot.views.reminders.messages import reminder_message
from db.models import Booking


def queue_new_damage(session: Session, config: WorkspaceConfig, booking: Booking, *, notify_user: str) -> None:
    """Tell the car hire channel (else ``notify_user``) of new damage found at the booking's return, once."""
    lane = f"{booking.team_id}:booking:{booking.id}"
    outbox.post(
        session, booking.team_id, f"{lane}:new-damage", config.fleet_channel or notify_user,
        booking_views.new_damage_message(booking), label=f"the new damage notice of {booking.key}", lane=lane,
        notify_user=notify_user,
    )  # fmt: skip


def queue_booking_message(
    session: Session, config: WorkspaceConfig, booking: Booking, *, notify_user: str | None
) -> None:
    """Queue the booking's message: an edit where it lives (posted again if someone deleted it),
    or its first post (car hire channel; else ``notify_user``'s DM). In the change's transaction;
    where it lands is recorded on the booking once posted. ``notify_user`` hears of a failure.
    The lists the jobs posted that show the booking are brought up to date as well."""
    queue_list_edits(session, config, booking)
    card = booking_views.booking_card(booking, config.tz, utcnow(), grace=config.return_grace)
    lane = f"{booking.team_id}:booking:{booking.id}"
    key, label = f"{lane}:card", f"the message of {booking.key}"
    if booking.card_ts or outbox.exists_key(session, key):
        outbox.edit(
            session, booking.team_id, f"{key}:edit:{secrets.token_hex(8)}", card, label=label, supersede=key,
            of=key, channel=booking.card_channel, ts=booking.card_ts, lane=lane, notify_user=notify_user,
            repost_if_missing=True, purpose="booking_card", subject_id=booking.id,
        )  # fmt: skip
        return
    channel = config.fleet_channel or notify_user
    if channel is None:  # a job's change of a booking that never had a message, and no channel to post in
        return
    outbox.post(
        session, booking.team_id, key, channel, card, label=label, lane=lane,
        purpose="booking_card", subject_id=booking.id, notify_user=notify_user,
    )  # fmt: skip


def queue_list_edits(session: Session, config: WorkspaceConfig, booking: Booking) -> None:
    """Edit each posted list (morning list, due-soon, overdue) that shows ``booking``, as it stands
    now: a line whose booking left its section is struck and loses its buttons. A list that would
    read as it does (the change did not touch its line: a note, the overdue redraw) is left alone.
    One lane per list keeps its edits in order; a newer render drops a pending older one."""
    for posted in posted_lists.lists_showing(session, booking, config.timezone):
        message = reminder_message(posted.reminders)
        if message == outbox.newest_render(session, posted.delivery_key):
            continue
        # The lane names the list by a digest of its key: a lane holds 64 characters, a key more.
        digest = hashlib.sha256(posted.delivery_key.encode()).hexdigest()[:24]
        outbox.edit(
            session, booking.team_id, outbox.edit_key_prefix(posted.delivery_key) + secrets.token_hex(8),
            message, label=f"the {posted.job} list", supersede=posted.delivery_key, of=posted.delivery_key,
            channel=posted.channel, ts=posted.ts, lane=f"{booking.team_id}:list:{digest}",
        )  # fmt: skip
