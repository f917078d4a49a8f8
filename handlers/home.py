"""App Home: ``app_home_opened`` → ``views.publish`` of the user's tab."""
from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services import home as home_service
from bot.services.hire import booking_queries
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.workspace_settings import workspace_config
from bot.views.hire.bookings import home_hire_section
from db.models import Role
from bot.views.home import home_view

from .support import guarded, team_id_of, user_id_of


def register(app: App, ctx: AppContext) -> None:
    @app.event("app_home_opened")
    @guarded
    def app_home_opened(body, event, client):
        if event.get("tab", "home") == "home":
            refresh_home(ctx, client, team_id_of(body), user_id_of(body))


def refresh_home(ctx: AppContext, client: WebClient, team_id: str, user_id: str) -> None:
    with ctx.db.transaction(readonly=True) as session:
        actor = ctx.actor(session, team_id, user_id)
        view = home_view(home_service.overview(session, actor, ctx.settings), extra_home_sections(ctx, session, actor))
    client.views_publish(user_id=user_id, view=view)


def extra_home_sections(ctx: AppContext, session: Session, actor: Actor) -> list[list[dict]]:
    """Sections other desks add to the App Home, as rendered block dicts:
    an agent's (or admin's) car hire day — today's pickups and returns."""
    if not actor.has(Role.AGENT):
        return []
    tz = workspace_config(session, actor.team_id, ctx.settings).tz
    pickups, returns = booking_queries.todays_movements(session, actor, utcnow(), tz)
    return [home_hire_section(pickups, returns, tz)]
