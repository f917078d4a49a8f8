"""The IT help desk's listeners: /ticket, the card's buttons, the modals, the message shortcut."""

from slack_bolt import App

from . import actions, commands, csat, modals, shortcut


def register(app: App) -> None:
    for module in (commands, actions, csat, modals, shortcut):
        module.register(app)
