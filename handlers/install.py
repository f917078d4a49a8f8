"""The app leaves a workspace: ``app_uninstalled``, or ``tokens_revoked`` naming the bot's token.

Its token is forgotten at once (over OAuth: deleted from the installation store) and what is still
queued for it is cancelled; the scheduler's messages for it fail as ``workspace_gone`` from then
on. Its data stays until ``python app.py purge-workspace <team_id>``.
"""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.services import workspaces

from .payloads import team_id_of
from .support import guarded

log = logging.getLogger("hiredesk.handlers")


def register(app: App) -> None:
    app.event("app_uninstalled")(workspace_gone)
    app.event("tokens_revoked")(workspace_gone)


@guarded
def workspace_gone(ack, body, event, ctx):
    ack()
    if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        return  # only user tokens, which HireDesk never holds
    team_id = team_id_of(body)
    with ctx.db.transaction() as session:
        cancelled = workspaces.uninstall(session, team_id)
    ctx.tenancy.uninstalled(team_id)
    log.warning("workspace %s: %s; %d queued message(s) cancelled", team_id, event.get("type"), cancelled)
