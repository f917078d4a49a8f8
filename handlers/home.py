"""App Home: ``app_home_opened`` → the user's tab, published through the outbox (never before the answer)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services import digest as digest_service
from bot.services import home as home_service
from bot.services import outbox
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.views.deliveries import failures_section
from bot.views.digest import digest_message
from bot.views.hire.bookings import home_hire_section
from bot.views.home import DIGEST_NOW, home_view

from .support import guarded, request_scope


def register(app: App) -> None:
    app.event("app_home_opened")(app_home_opened)
    app.action(DIGEST_NOW)(digest_now_clicked)


@guarded
def app_home_opened(body, event, ctx):
    if event.get("tab", "home") == "home":
        # request_scope: once per event_id, so Slack's retries of the event publish nothing more.
        with request_scope(ctx, body) as (session, actor):
            queue_home(ctx, session, actor)


@guarded
def digest_now_clicked(ack, body, ctx):
    """The managers' *Digest now* button: the digest (as ``/hiredesk digest now``), by DM to the manager who
    asked, through the outbox. The role is checked by the service: anyone else's click changes nothing."""
    with request_scope(ctx, body) as (session, actor):
        digest = digest_service.digest_now(session, actor, ctx.settings, utcnow())
        outbox.post(
            session, actor.team_id, f"{actor.team_id}:digest-now:{actor.user_id}:{secrets.token_hex(8)}",
            actor.user_id, digest_message(digest), label=f"the digest <@{actor.user_id}> asked for",
            notify_user=actor.user_id,
        )  # fmt: skip
    ack()


def queue_home(ctx: AppContext, session: Session, actor: Actor) -> None:
    """Queue the actor's App Home tab, rendered now (a pending older render of it is dropped)."""
    overview = home_service.overview(session, actor, ctx.settings)
    hire = overview.hire_day
    sections = [home_hire_section(hire.pickups, hire.returns, hire.tz, utcnow())] if hire else []
    if actor.is_admin:
        failures = outbox.recent_failures(session, actor.team_id, since=utcnow() - timedelta(days=7))
        sections.append(failures_section(failures))
    outbox.publish_home(
        session,
        actor.team_id,
        actor.user_id,
        home_view(overview, [s for s in sections if s]),
        key=f"{actor.team_id}:home:{actor.user_id}:{secrets.token_hex(8)}",
    )
