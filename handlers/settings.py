"""/hiredesk settings (the modal and its submission) and /hiredesk digest now."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.services import digest as digest_service
from bot.services import settings as settings_service
from bot.services.clock import utcnow
from bot.views import roles as role_views
from bot.views import settings as settings_views
from bot.views.digest import digest_message

from .payloads import FormState
from .support import guarded, request_scope


def register(app: App) -> None:
    app.view(settings_views.CALLBACK_ID)(save_settings)


def open_settings(ctx: AppContext, ack, body: dict, args: list[str], client, **_) -> None:
    """/hiredesk settings: admins get the modal, filled with the current values."""
    with request_scope(ctx, body) as (session, actor):
        config = settings_service.settings_for_edit(session, actor, ctx.settings)
    client.views_open(trigger_id=body["trigger_id"], view=settings_views.settings_modal(config))
    ack()


def digest_now(ctx: AppContext, ack, body: dict, args: list[str], **_) -> None:
    """/hiredesk digest now: the digest, to the manager who asked (ephemeral)."""
    if [word.lower() for word in args] != ["now"]:
        return ack(response_type="ephemeral", **role_views.usage_message("Did you mean `/hiredesk digest now`?"))
    with request_scope(ctx, body) as (session, actor):
        digest = digest_service.digest_now(session, actor, ctx.settings, utcnow())
    ack(response_type="ephemeral", **digest_message(digest))


@guarded
def save_settings(ack, body, view, ctx):
    form = FormState(view).read_into(settings_service.SettingsForm)
    with request_scope(ctx, body) as (session, actor):
        config = settings_service.save_settings(session, actor, form, ctx.settings)
    ack(response_action="update", view=settings_views.settings_saved_modal(config))
