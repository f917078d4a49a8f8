"""The IT help desk's listeners: /ticket, the card's buttons, the modals, the message shortcut."""

from slack_bolt import App

from . import actions, commands, modals, shortcut


def register(app: App) -> None:
    for module in (commands, actions, modals, shortcut):
        module.register(app)
