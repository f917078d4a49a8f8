"""/ticket and its subcommands (PRODUCT.md §3). Any other text is the title of a new ticket."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.tickets import forms, queries
from bot.services.workspace_settings import workspace_config
from bot.views.tickets import messages as ticket_views
from bot.views.tickets import modals as ticket_modals

from ..payloads import command_text, slack_unescape
from ..support import guarded, request_scope

# A renderer: (session, actor, workspace time zone) → the ephemeral answer.
Renderer = Callable[[Session, Actor, ZoneInfo], dict]


def register(app: App) -> None:
    app.command("/ticket")(ticket_command)


@guarded
def ticket_command(ack, body, command, client, ctx):
    text = command_text(command)
    word, _, rest = text.partition(" ")
    subcommand, number = SUBCOMMANDS.get(word.lower()), forms.parse_key(text)
    if subcommand is not None:
        return subcommand(ctx, ack, body, slack_unescape(rest.strip()))
    if number is not None:
        return _answer(
            ctx,
            ack,
            body,
            lambda session, actor, tz: ticket_views.detail(queries.get(session, actor, number), tz=tz, now=utcnow()),
        )
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=ticket_modals.new_ticket_modal(title=slack_unescape(text)))


def _help(ctx: AppContext, ack, body: dict, rest: str) -> None:
    ack(response_type="ephemeral", **ticket_views.help_message())


def _mine(ctx: AppContext, ack, body: dict, rest: str) -> None:
    _answer(
        ctx,
        ack,
        body,
        lambda session, actor, tz: ticket_views.ticket_list(
            "Your tickets",
            queries.mine(session, actor),
            empty="You haven't raised any tickets. `/ticket` raises one.",
            tz=tz,
        ),
    )


def _queue(ctx: AppContext, ack, body: dict, rest: str) -> None:
    _answer(
        ctx,
        ack,
        body,
        lambda session, actor, tz: ticket_views.ticket_list(
            "The queue", queries.queue(session, actor), empty="The queue is empty. :tada:", tz=tz
        ),
    )


def _search(ctx: AppContext, ack, body: dict, words: str) -> None:
    if not words:
        return ack(response_type="ephemeral", **ticket_views.usage_message("Tell me what to search for."))
    _answer(
        ctx,
        ack,
        body,
        lambda session, actor, tz: ticket_views.ticket_list(
            f"Tickets matching “{words}”", queries.search(session, actor, words), empty="No tickets match.", tz=tz
        ),
    )


def _answer(ctx: AppContext, ack, body: dict, render: Renderer) -> None:
    """Answer ephemerally with what ``render`` makes of the caller's workspace."""
    with request_scope(ctx, body, readonly=True) as (session, actor):
        message = render(session, actor, workspace_config(session, actor.team_id, ctx.settings).tz)
    ack(response_type="ephemeral", **message)


SUBCOMMANDS = {"help": _help, "list": _mine, "queue": _queue, "search": _search}
