"""App Home: ``app_home_opened`` → ``views.publish`` of the user's tab."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.context import AppContext
from bot.services import home as home_service
from bot.views.hire.bookings import home_hire_section
from bot.views.home import home_view

from .payloads import team_id_of, user_id_of
from .support import actor_scope, guarded


def register(app: App) -> None:
    app.event("app_home_opened")(app_home_opened)


@guarded
def app_home_opened(body, event, client, ctx):
    if event.get("tab", "home") == "home":
        refresh_home(ctx, client, team_id_of(body), user_id_of(body))


def refresh_home(ctx: AppContext, client: WebClient, team_id: str, user_id: str) -> None:
    with actor_scope(ctx, team_id, user_id, readonly=True) as (session, actor):
        overview = home_service.overview(session, actor, ctx.settings)
        hire = overview.hire_day
        view = home_view(overview, [home_hire_section(hire.pickups, hire.returns, hire.tz)] if hire else [])
    client.views_publish(user_id=user_id, view=view)
