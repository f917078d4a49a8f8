"""/vehicle, the vehicle form, and the Edit / Remove buttons of a vehicle's page."""
from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.services import vehicles as vehicle_service
from bot.services.hire_access import require_agent
from bot.services.vehicles import VehicleValues
from bot.services.workspace_settings import workspace_config
from bot.views import vehicles as vehicle_views
from bot.views.hire_common import removal_message
from db.models import VehicleStatus

from ..support import guarded, team_id_of, user_id_of
from . import forms

STATUS_WORDS = {"maintenance": VehicleStatus.MAINTENANCE, "available": VehicleStatus.AVAILABLE,
                "retire": VehicleStatus.RETIRED}


def register(app: App, ctx: AppContext) -> None:
    @app.command("/vehicle")
    @guarded
    def vehicle_command(ack, body, command, client):
        words = (command.get("text") or "").split()
        sub = words[0].lower() if words else "help"
        if sub == "help" or (sub in STATUS_WORDS and len(words) != 2):
            return ack(response_type="ephemeral", text=vehicle_views.USAGE)
        if sub in ("add", "new"):
            with ctx.db.transaction(readonly=True) as session:
                require_agent(ctx.actor(session, team_id_of(body), user_id_of(body)), to="add vehicles")
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=vehicle_views.vehicle_modal())
            return
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

    @app.view("vehicle_form")
    @guarded
    def vehicle_form(ack, body, view):
        values, vehicle_id = forms.values_of(view), forms.metadata_of(view).get("vehicle_id")
        form = VehicleValues(
            registration=forms.text(values, "registration"), make=forms.text(values, "make"),
            model=forms.text(values, "model"), category=forms.selected(values, "category") or "",
            seats=forms.text(values, "seats"), daily_rate=forms.text(values, "daily_rate"),
            odometer=forms.text(values, "odometer"),
        )
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            if vehicle_id:
                vehicle = vehicle_service.update_vehicle(session, actor, vehicle_id, form)
            else:
                vehicle = vehicle_service.create_vehicle(session, actor, form)
            done = vehicle_views.vehicle_saved_modal(vehicle, created=not vehicle_id)
        ack(response_action="update", view=done)

    @app.action("vehicle_edit")
    @guarded
    def vehicle_edit(ack, body, action, client):
        with ctx.db.transaction(readonly=True) as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            modal = vehicle_views.vehicle_modal(vehicle_service.vehicle_to_edit(session, actor, action["value"]))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.action("vehicle_remove")
    @guarded
    def vehicle_remove(ack, body, action, respond):
        with ctx.db.transaction() as session:
            actor = ctx.actor(session, team_id_of(body), user_id_of(body))
            removal = vehicle_service.remove_vehicle(session, actor, action["value"])
        ack()
        respond(response_type="ephemeral", replace_original=False, **removal_message(removal))
