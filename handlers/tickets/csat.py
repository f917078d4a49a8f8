"""The resolve DM's CSAT buttons (*How did we do?* 1 … 5, *Add a comment*) and the comment modal.

A click is checked by the service (the reporter only, the current resolution, within 7 days); the
rating goes to the ticket's history (and the card's thread; the card itself is left alone), and the
DM is edited: "You rated 4/5 — thanks", the buttons still there to change it.
"""

from __future__ import annotations

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.publishing.tickets import lane_of, queue_ticket_change, unique
from bot.services import outbox
from bot.services.actors import Actor
from bot.services.tickets import csat
from bot.services.workspace_settings import workspace_config
from bot.views.tickets import csat as csat_views
from bot.views.tickets import messages as ticket_views

from ..payloads import FormState, Metadata, clicked_dm_message, clicked_id
from ..support import guarded, request_scope


def register(app: App) -> None:
    for action_id in csat_views.RATE_ACTIONS:
        app.action(action_id)(rate_clicked)
    app.action(csat_views.COMMENT_ACTION)(comment_clicked)
    app.view(csat_views.COMMENT_CALLBACK)(comment_submitted)


@guarded
def rate_clicked(ack, body, action, ctx):
    resolution_id, score = clicked_id(action), csat_views.RATE_ACTIONS[action["action_id"]]
    with request_scope(ctx, body) as (session, actor):
        queue_rated(ctx, session, actor, csat.rate(session, actor, resolution_id, score), clicked_dm_message(body))
    ack()


@guarded
def comment_clicked(ack, body, action, client, ctx):
    with request_scope(ctx, body, readonly=True) as (session, actor):
        rated = csat.prepare_comment(session, actor, clicked_id(action))
        view = csat_views.comment_modal(rated.ticket, rated.resolution, rated.rating, clicked_dm_message(body))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


@guarded
def comment_submitted(ack, body, view, ctx):
    meta = Metadata(view)
    resolution_id, channel, ts = meta.id("resolution"), meta.text("dm_channel"), meta.text("dm_ts")
    text = FormState(view).text(csat.COMMENT_BLOCK)
    with request_scope(ctx, body) as (session, actor):
        rated = csat.comment(session, actor, resolution_id, text)
        queue_rated(ctx, session, actor, rated, (channel, ts) if channel and ts else None)
        saved = csat_views.comment_saved_modal(rated.ticket)
    ack(response_action="update", view=saved)


def queue_rated(ctx: AppContext, session: Session, actor: Actor, rated: csat.Rated, dm: tuple[str, str] | None) -> None:
    """The rating in the ticket's history and the card's thread (the card itself doesn't show it, so it
    is not re-sent); the DM (``dm``: its channel and ts) edited to show it. An edit, not the click's
    response_url: the comment modal may be submitted after the url expired (30 minutes)."""
    config = workspace_config(session, actor.team_id, ctx.settings)
    if rated.change.events:
        queue_ticket_change(session, config, rated.change, notify_user=actor.user_id, edit_card=False)
    if dm:
        lane, (channel, ts) = lane_of(rated.ticket), dm
        outbox.edit(
            session, actor.team_id, f"{lane}:csat:{unique()}",
            ticket_views.rated_dm(rated.ticket, rated.resolution, rated.rating, config.tz),
            label=f"the DM with your rating of {rated.ticket.key}", supersede=f"{lane}:csat:{channel}:{ts}",
            channel=channel, ts=ts, lane=lane, notify_user=actor.user_id,
        )  # fmt: skip
