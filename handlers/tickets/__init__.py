"""The IT help desk's listeners: /ticket, the card's buttons, the modals, the message shortcut."""
from slack_bolt import App

from bot.context import AppContext

from . import actions, commands, modals, shortcut


def register(app: App, ctx: AppContext) -> None:
    for module in (commands, actions, modals, shortcut):
        module.register(app, ctx)
