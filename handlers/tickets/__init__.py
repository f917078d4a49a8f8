"""The IT help desk's listeners: /ticket, the card's buttons, the modals, the message shortcut, the events
(a reporter's answer in a DM thread, emoji to ticket)."""

from slack_bolt import App

from . import actions, commands, csat, events, modals, shortcut


def register(app: App) -> None:
    for module in (commands, actions, csat, modals, shortcut, events):
        module.register(app)
