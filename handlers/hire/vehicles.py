"""/vehicle: add, list, show and set the status of vehicles (the form and its buttons are in ``records``)."""

from __future__ import annotations

from slack_bolt import App

from bot.services.hire import vehicles as vehicle_service
from bot.services.workspace_settings import workspace_config
from bot.views.hire import vehicles as vehicle_views

from ..payloads import command_text
from ..support import guarded, request_scope
from .records import open_blank_form


def register(app: App) -> None:
    app.command("/vehicle")(vehicle_command)


@guarded
def vehicle_command(ack, body, command, client, ctx):
    words = command_text(command).split()
    sub = words[0].lower() if words else "help"
    status = vehicle_service.parse_status(sub)
    if sub == "help" or (status is not None and len(words) != 2):
        return ack(response_type="ephemeral", text=vehicle_views.USAGE)
    if sub in ("add", "new"):
        return open_blank_form(ctx, ack, body, client, vehicle_views.vehicle_modal(), to="add vehicles")
    if status is not None:
        with request_scope(ctx, body) as (session, actor):
            vehicle = vehicle_service.set_status(session, actor, words[1], status)
            reply = vehicle_views.vehicle_status_message(vehicle)
        return ack(response_type="ephemeral", **reply)
    with request_scope(ctx, body, readonly=True) as (session, actor):
        if sub == "list":
            reply = vehicle_views.vehicle_list_message(vehicle_service.list_vehicles(session, actor))
        else:
            vehicle, bookings = vehicle_service.vehicle_detail(session, actor, " ".join(words))
            tz = workspace_config(session, actor.team_id, ctx.settings).tz
            reply = vehicle_views.vehicle_detail_message(vehicle, bookings, tz, actor)
    ack(response_type="ephemeral", **reply)
