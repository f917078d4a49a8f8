"""Cards for what the sandbox workspace holds but its channels don't show.

Demo data is written straight to the database, and the fake Slack's messages
can be lost (their file deleted); then a ticket or booking has no card to click.
The sandbox posts the missing cards, drawn by the desks' own views, and records
where they are, as the desks do after posting. (This repairs the simulated
Slack itself, so it posts directly instead of through the outbox: no user's
change is reported here.)
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from sqlalchemy import select

from bot.context import AppContext
from bot.services.clock import utcnow
from bot.services.hire import bookings as booking_service
from bot.services.tickets import lifecycle
from bot.services.workspace_settings import workspace_config
from bot.slack_client import make_web_client
from bot.views.hire import bookings as booking_views
from db.models import Booking, Ticket
from fakeslack import FakeSlack
from handlers.tickets.publish import card_of

from . import workspace
from .demo_data import seed_demo

log = logging.getLogger("hiredesk.sandbox")


def post_missing_cards(ctx: AppContext, fake: FakeSlack, client: WebClient, team_id: str = workspace.TEAM_ID) -> int:
    """Post the card of every ticket and booking whose card is not in the channels; returns how many."""

    def missing(row) -> bool:
        card = fake.message(row.card_channel, row.card_ts) if row.card_ts else None
        return card is None or card.deleted

    with ctx.db.transaction(readonly=True) as session:
        tickets = [
            t.id
            for t in session.scalars(
                select(Ticket).where(Ticket.team_id == team_id, Ticket.deleted_at.is_(None)).order_by(Ticket.number)
            )
            if missing(t)
        ]
        bookings = [
            b.id
            for b in session.scalars(select(Booking).where(Booking.team_id == team_id).order_by(Booking.number))
            if missing(b)
        ]
    for ticket_id in tickets:
        _post_ticket_card(ctx, client, team_id, ticket_id)
    for booking_id in bookings:
        _post_booking_card(ctx, client, team_id, booking_id)
    return len(tickets) + len(bookings)


def _post_ticket_card(ctx: AppContext, client: WebClient, team_id: str, ticket_id: int) -> None:
    with ctx.db.transaction(readonly=True) as session:
        config = workspace_config(session, team_id, ctx.settings)
        card = card_of(session.get_one(Ticket, ticket_id), config, utcnow())
    if not config.triage_channel:  # nowhere to post it, as for the desk itself
        return
    posted = client.chat_postMessage(channel=config.triage_channel, **card)
    with ctx.db.transaction() as session:
        lifecycle.attach_card(session, team_id, ticket_id, posted["channel"], posted["ts"])


def _post_booking_card(ctx: AppContext, client: WebClient, team_id: str, booking_id: int) -> None:
    with ctx.db.transaction(readonly=True) as session:
        config = workspace_config(session, team_id, ctx.settings)
        card = booking_views.booking_card(
            session.get_one(Booking, booking_id), config.tz, utcnow(), grace=config.return_grace
        )
    if not config.fleet_channel:  # nowhere to post it
        return
    posted = client.chat_postMessage(channel=config.fleet_channel, **card)
    with ctx.db.transaction() as session:
        admin = ctx.actor(session, team_id, workspace.ADMIN.user_id)
        booking_service.attach_card(session, admin, booking_id, posted["channel"], posted["ts"])


def load_demo(ctx: AppContext, fake: FakeSlack) -> str:
    """The page's "Load demo data": the rows, then their cards in the channels."""
    summary = seed_demo(ctx)
    post_missing_cards(ctx, fake, make_web_client(ctx.settings))
    return summary.describe()
