"""/ticket and its subcommands (PRODUCT.md §3). Any other text is the title of a new ticket."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.services import outbox
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.tickets import export as ticket_export
from bot.services.tickets import forms, queries
from bot.services.workspace_settings import workspace_config
from bot.views.exports import export_queued
from bot.views.tickets import messages as ticket_views
from bot.views.tickets import modals as ticket_modals

from ..payloads import PageRequest, command_text, page_request, slack_unescape
from ..support import guarded, request_scope

# A renderer: (session, actor, workspace time zone) → the ephemeral answer.
Renderer = Callable[[Session, Actor, ZoneInfo], dict]


def register(app: App) -> None:
    app.command("/ticket")(ticket_command)
    for action_id in (ticket_views.PAGE_PREVIOUS, ticket_views.PAGE_NEXT):
        app.action(action_id)(turn_page)


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
    _answer(ctx, ack, body, lambda session, actor, tz: render_page(session, actor, tz, PageRequest("mine", 0)))


def _queue(ctx: AppContext, ack, body: dict, rest: str) -> None:
    _answer(ctx, ack, body, lambda session, actor, tz: render_page(session, actor, tz, PageRequest("queue", 0)))


def _search(ctx: AppContext, ack, body: dict, words: str) -> None:
    if not words:
        return ack(response_type="ephemeral", **ticket_views.usage_message("Tell me what to search for."))
    request = PageRequest("search", 0, query=queries.search_terms(words))
    _answer(ctx, ack, body, lambda session, actor, tz: render_page(session, actor, tz, request))


def _export(ctx: AppContext, ack, body: dict, rest: str) -> None:
    """``/ticket export [from [to]]``: the CSV is queued for the requester's DM."""
    with request_scope(ctx, body) as (session, actor):
        config = workspace_config(session, actor.team_id, ctx.settings)
        today = utcnow().astimezone(config.tz).date()
        queued = ticket_export.request(session, actor, rest, tz=config.tz, sla=config.sla, today=today)
    ack(response_type="ephemeral", **export_queued("tickets", queued))


def render_page(session: Session, actor: Actor, tz: ZoneInfo, request: PageRequest) -> dict:
    """One page of a list, or of a ticket's history, with the buttons to the pages beside it."""
    if request.listing == "history" and request.subject_id is not None:
        view = queries.get_by_id(session, actor, request.subject_id, history_offset=request.offset)
        return ticket_views.detail(view, tz=tz, now=utcnow())
    if request.listing == "queue":
        listing, title, empty = queries.queue(session, actor, request.offset), "The queue", "The queue is empty. :tada:"
    elif request.listing == "search":
        listing = queries.search(session, actor, request.query, request.offset)
        title, empty = f"Tickets matching “{request.query}”", "No tickets match."
    else:
        listing, title = queries.mine(session, actor, request.offset), "Your tickets"
        empty = "You haven't raised any tickets. `/ticket` raises one."
    pages = {"list": request.listing, **({"q": request.query} if request.query else {})}
    return ticket_views.ticket_list(title, listing, empty=empty, tz=tz, pages=pages)


@guarded
def turn_page(ack, body, action, ctx):
    """**Next** / **Previous** (or **Older** / **Newer** in a ticket's history): the message shows that page."""
    request = page_request(action)
    with request_scope(ctx, body) as (session, actor):
        message = render_page(session, actor, workspace_config(session, actor.team_id, ctx.settings).tz, request)
        if body.get("response_url"):
            outbox.respond(
                session, actor.team_id, body["response_url"], {"replace_original": True, **message},
                key=f"{actor.team_id}:page:{actor.user_id}:{secrets.token_hex(8)}",
            )  # fmt: skip
    ack()


def _answer(ctx: AppContext, ack, body: dict, render: Renderer) -> None:
    """Answer ephemerally with what ``render`` makes of the caller's workspace."""
    with request_scope(ctx, body, readonly=True) as (session, actor):
        message = render(session, actor, workspace_config(session, actor.team_id, ctx.settings).tz)
    ack(response_type="ephemeral", **message)


SUBCOMMANDS = {"help": _help, "list": _mine, "queue": _queue, "search": _search, "export": _export}
