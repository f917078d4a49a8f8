"""Bolt listeners, grouped by desk. Each module has ``register(app)``, which only wires its
module-level listeners; ``register(app, ctx)`` here also hands them the AppContext.

Listeners are thin: read the payload (``payloads``), call one service function inside one
request scope (``support.request_scope``), render the result with a view, ack. No SQL and no
rules here.
"""

from slack_bolt import App

from bot.context import AppContext

from . import admin, hire, home, install, settings, tickets
from .support import OnlyServedWorkspaces, ProvideAppContext


def register(app: App, ctx: AppContext) -> None:
    app.use(OnlyServedWorkspaces(ctx))  # first: a foreign workspace gets nothing
    app.use(ProvideAppContext(ctx))
    admin.register(app)
    tickets.register(app)  # IT help desk
    home.register(app)
    hire.register(app)  # car hire desk
    settings.register(app)  # /hiredesk settings (scheduler)
    install.register(app)  # uninstalled, tokens revoked
