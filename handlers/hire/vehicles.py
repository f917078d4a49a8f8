"""/vehicle, the vehicle form, and the Edit / Remove buttons of a vehicle's page."""
from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.services.hire import vehicles as vehicle_service
from bot.services.hire.vehicles import VehicleValues
from bot.services.workspace_settings import workspace_config
from bot.views.hire import vehicles as vehicle_views
from db.models import VehicleStatus

from ..support import guarded, team_id_of, user_id_of
from .records import RecordDesk, open_blank_form, register_record_desk

STATUS_WORDS = {"maintenance": VehicleStatus.MAINTENANCE, "available": VehicleStatus.AVAILABLE,
                "retire": VehicleStatus.RETIRED}


VEHICLES = RecordDesk(
    noun="vehicle", form=VehicleValues, create=vehicle_service.create_vehicle,
    update=vehicle_service.update_vehicle, to_edit=vehicle_service.vehicle_to_edit,
    remove=vehicle_service.remove_vehicle, modal=vehicle_views.vehicle_modal,
    saved_modal=vehicle_views.vehicle_saved_modal,
)


def register(app: App, ctx: AppContext) -> None:
    register_record_desk(app, ctx, VEHICLES)

    @app.command("/vehicle")
    @guarded
    def vehicle_command(ack, body, command, client):
        words = (command.get("text") or "").split()
        sub = words[0].lower() if words else "help"
        if sub == "help" or (sub in STATUS_WORDS and len(words) != 2):
            return ack(response_type="ephemeral", text=vehicle_views.USAGE)
        if sub in ("add", "new"):
            return open_blank_form(ctx, ack, body, client, vehicle_views.vehicle_modal(), to="add vehicles")
        if sub in STATUS_WORDS:
            with ctx.db.transaction() as session:
                actor = ctx.actor(session, team_id_of(body), user_id_of(body))
                vehicle = vehicle_service.set_status(session, actor, words[1], STATUS_WORDS[sub])
                reply = vehicle_views.vehicle_status_message(vehicle)
            return ack(response_type="ephemeral", **reply)
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            if sub == "list":
                reply = vehicle_views.vehicle_list_message(vehicle_service.list_vehicles(session, actor))
            else:
                vehicle, bookings = vehicle_service.vehicle_detail(session, actor, " ".join(words))
                tz = workspace_config(session, actor.team_id, ctx.settings).tz
                reply = vehicle_views.vehicle_detail_message(vehicle, bookings, tz, actor)
        ack(response_type="ephemeral", **reply)
