"""Bolt listeners, grouped by desk. Each module has ``register(app, ctx)``.

Listeners are thin: parse the payload, call one service function inside one
transaction, render the result with a view, ack. No SQL and no rules here.
"""
from slack_bolt import App

from bot.context import AppContext

from . import admin, hire, home, settings, tickets


def register(app: App, ctx: AppContext) -> None:
    admin.register(app, ctx)
    tickets.register(app, ctx)  # IT help desk
    home.register(app, ctx)
    hire.register(app, ctx)  # car hire desk
    settings.register(app, ctx)  # /hiredesk settings (scheduler)
