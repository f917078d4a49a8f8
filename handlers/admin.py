"""/hiredesk: help, roles and (with the scheduler) settings and digests."""

from __future__ import annotations

import re
from collections.abc import Callable

from slack_bolt import App

from bot.context import AppContext
from bot.errors import DomainError
from bot.publishing.roles import queue_role_change_dm
from bot.services import roles as role_service
from bot.views import roles as role_views
from bot.views.text import safe

from .payloads import command_text
from .settings import digest_now, open_settings
from .support import guarded, request_scope

# With should_escape: true Slack sends mentions as <@U123|name> (or <@U123>).
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def parse_mention(text: str) -> str:
    match = MENTION.match(text.strip())
    if not match:
        raise DomainError(f"“{safe(text, 60)}” is not a person: mention them, like `@maria`.")
    return match.group(1)


def register(app: App) -> None:
    app.command("/hiredesk")(hiredesk_command)


@guarded
def hiredesk_command(ack, body, command, client, ctx):
    words = command_text(command).split()
    sub = words[0].lower() if words else "help"
    if sub == "help":
        return ack(response_type="ephemeral", **role_views.help_message())
    handler = SUBCOMMANDS.get(sub)
    if handler is None:
        return ack(response_type="ephemeral", **role_views.usage_message(f"I don't know `{safe(sub, 30)}`."))
    return handler(ctx, ack, body, words[1:], client=client)


def _roles(ctx: AppContext, ack, body: dict, args: list[str], **_) -> None:
    with request_scope(ctx, body) as (session, actor):
        listing = role_service.list_roles(session, actor, ctx.settings.config_admins)
    ack(response_type="ephemeral", **role_views.roles_message(listing))


def _grant(ctx: AppContext, ack, body: dict, args: list[str], **_) -> None:
    _change_role(ctx, ack, body, args, grant=True)


def _revoke(ctx: AppContext, ack, body: dict, args: list[str], **_) -> None:
    _change_role(ctx, ack, body, args, grant=False)


def _change_role(ctx: AppContext, ack, body: dict, args: list[str], *, grant: bool) -> None:
    verb = "role" if grant else "unrole"
    if len(args) != 2:
        return ack(
            response_type="ephemeral", **role_views.usage_message(f"`/hiredesk {verb}` needs a person and a role.")
        )
    target, role = parse_mention(args[0]), role_service.parse_role(args[1])
    with request_scope(ctx, body) as (session, actor):
        if grant:
            change = role_service.grant(session, actor, target, role)
        else:
            change = role_service.revoke(session, actor, target, role, ctx.settings.config_admins)
        queue_role_change_dm(session, actor.team_id, change)
    ack(response_type="ephemeral", **role_views.role_change_message(change))


# word → (ctx, ack, body, the words after it, client=…) → None
SUBCOMMANDS: dict[str, Callable[..., None]] = {
    "roles": _roles,
    "role": _grant,
    "unrole": _revoke,
    "settings": open_settings,
    "digest": digest_now,
}
