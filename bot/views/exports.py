"""The answer to ``/ticket export`` and ``/booking export`` (the file itself follows by DM)."""

from __future__ import annotations

from bot.services.export import Queued
from bot.views.messages import text_message


def export_queued(what: str, queued: Queued) -> dict:
    """``what``: "tickets" or "bookings"."""
    return text_message(
        f":hourglass_flowing_sand: Preparing your {what} export ({queued.range.describe()})… "
        "it will arrive in your DM as a CSV file."
    )
