"""After a ticket changed: render inside the transaction, post after ack.

``render_change`` runs inside the request's transaction (views read the
ticket's relations); ``publish`` runs after ``ack()``: it edits the card in
place, posts the change in the card's thread, DMs the reporter (one message
per change) and refreshes the surface the click came from. A failed Slack
call is logged and does not undo the change, which is already committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.tickets import lifecycle, queries
from bot.services.workspace_settings import workspace_config
from bot.views.tickets import messages as ticket_views
from bot.views.tickets.parts import headline

log = logging.getLogger("hiredesk.tickets")


@dataclass(frozen=True)
class Outgoing:
    team_id: str
    actor_id: str
    ticket_id: int
    ticket_key: str
    reporter_id: str
    card_channel: str | None
    card_ts: str | None
    card: dict
    thread: dict
    dm: dict | None
    viewer_detail: dict  # the ticket as the acting user now sees it
    triage_channel: str | None
    headline: str


def render_change(ctx: AppContext, session: Session, actor: Actor, change: lifecycle.TicketChange) -> Outgoing:
    ticket = change.ticket
    config = workspace_config(session, actor.team_id, ctx.settings)
    now = utcnow()
    return Outgoing(
        team_id=ticket.team_id,
        actor_id=actor.user_id,
        ticket_id=ticket.id,
        ticket_key=ticket.key,
        reporter_id=ticket.reporter_id,
        card_channel=ticket.card_channel,
        card_ts=ticket.card_ts,
        card=ticket_views.card(ticket, tz=config.tz, now=now),
        thread=ticket_views.thread_update(change),
        dm=ticket_views.reporter_dm(change),
        viewer_detail=ticket_views.detail(queries.detail_of(actor, ticket), tz=config.tz, now=now),
        triage_channel=config.triage_channel,
        headline=headline(ticket),
    )


def publish(client: WebClient, out: Outgoing, body: dict | None = None, respond=None) -> None:
    if out.card_channel and out.card_ts:
        _call(client.chat_update, out, channel=out.card_channel, ts=out.card_ts, **out.card)
        _call(client.chat_postMessage, out, channel=out.card_channel, thread_ts=out.card_ts, **out.thread)
    if out.dm:
        _call(client.chat_postMessage, out, channel=out.reporter_id, **out.dm)
    if body is not None and respond is not None and _clicked_elsewhere(body, out):
        # A click in "/ticket T-n" or a DM: show that message the ticket as it is now.
        respond(replace_original=True, **out.viewer_detail)


def post_new_card(ctx: AppContext, client: WebClient, out: Outgoing) -> None:
    """Post a new ticket's card in the triage channel, remember where, and tell the reporter."""
    posted = False
    if out.triage_channel:
        response = _call(client.chat_postMessage, out, channel=out.triage_channel, **out.card)
        if response is not None:
            with ctx.db.transaction() as session:
                lifecycle.attach_card(session, out.team_id, out.ticket_id, response["channel"], response["ts"])
            posted = True
    notice = ticket_views.created_notice(out.headline, out.triage_channel, posted=posted)
    _call(client.chat_postMessage, out, channel=out.reporter_id, **notice)


def _clicked_elsewhere(body: dict, out: Outgoing) -> bool:
    container = body.get("container") or {}
    if container.get("type") != "message":
        return False
    return (container.get("channel_id"), container.get("message_ts")) != (out.card_channel, out.card_ts)


def _call(method, out: Outgoing, **kwargs):
    try:
        return method(**kwargs)
    except SlackApiError as error:
        log.warning("%s for %s failed: %s", method.__name__, out.ticket_key, error.response.get("error"))
        return None
