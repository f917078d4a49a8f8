"""/booking: the New booking modal, lists, one booking, availability."""

from __future__ import annotations

from slack_bolt import App

from bot.services.clock import utcnow
from bot.services.hire import booking_queries
from bot.services.hire import bookings as booking_service
from bot.services.hire import export as booking_export
from bot.services.workspace_settings import workspace_config
from bot.views.exports import export_queued
from bot.views.hire import booking_modals
from bot.views.hire import bookings as booking_views
from bot.views.messages import text_message

from ..payloads import command_text
from ..support import guarded, request_scope
from .records import open_blank_form


def register(app: App) -> None:
    app.command("/booking")(booking_command)


def _blank_booking_form(ctx):
    """The New booking modal before anything is chosen (it names the workspace's time zone)."""

    def build(session, actor) -> dict:
        return booking_modals.new_booking_modal(
            choices=booking_queries.vehicle_choices(session, actor, None, None, ctx.settings)
        )

    return build


@guarded
def booking_command(ack, body, command, client, ctx):
    words = command_text(command).split()
    sub = words[0].lower() if words else "new"
    if sub == "availability":  # "2026-11-24 10:00" is one moment
        words = [words[0], *booking_queries.moment_words(words[1:])]
    if sub in ("new", "add"):
        return open_blank_form(ctx, ack, body, client, _blank_booking_form(ctx), to="create bookings")
    if sub == "help":
        return ack(response_type="ephemeral", **text_message(booking_views.USAGE))
    if sub == "availability" and len(words) not in (3, 4):
        return ack(
            response_type="ephemeral",
            **text_message(
                f"`/booking availability` needs a start, an end and optionally a category. {booking_views.USAGE}"
            ),
        )
    if sub == "export":
        return _export(ctx, ack, body, " ".join(words[1:]))
    if sub == "list" and len(words) > 2:
        return ack(response_type="ephemeral", **text_message(booking_views.USAGE))
    with request_scope(ctx, body, readonly=True) as (session, actor):
        if sub == "list":
            kind = words[1].lower() if len(words) > 1 else "today"
            reply = booking_views.booking_list_message(
                booking_queries.list_bookings(session, actor, kind, ctx.settings)
            )
        elif sub == "availability":
            found = booking_queries.availability(
                session, actor, words[1], words[2], words[3] if len(words) > 3 else None, ctx.settings
            )
            reply = booking_views.availability_message(found)
        elif len(words) == 1 and booking_service.KEY.match(sub):
            booking = booking_service.get_booking(session, actor, sub, by_key=True)
            config = workspace_config(session, actor.team_id, ctx.settings)
            reply = booking_views.booking_card(booking, config.tz, utcnow(), grace=config.return_grace)
        else:  # a registration or a customer's name
            reply = booking_views.booking_list_message(
                booking_queries.search_bookings(session, actor, " ".join(words), ctx.settings)
            )
    ack(response_type="ephemeral", **reply)


def _export(ctx, ack, body: dict, rest: str) -> None:
    """``/booking export [from [to]]``: the CSV is queued for the requester's DM."""
    with request_scope(ctx, body) as (session, actor):
        tz = workspace_config(session, actor.team_id, ctx.settings).tz
        queued = booking_export.request(session, actor, rest, tz=tz, today=utcnow().astimezone(tz).date())
    ack(response_type="ephemeral", **export_queued("bookings", queued))
