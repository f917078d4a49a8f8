"""The car hire desk (PRODUCT.md §4): /customer, /vehicle, /booking, booking buttons and modals."""
from slack_bolt import App

from bot.context import AppContext

from . import booking_actions, booking_modal, bookings, customers, vehicles


def register(app: App, ctx: AppContext) -> None:
    customers.register(app, ctx)
    vehicles.register(app, ctx)
    bookings.register(app, ctx)
    booking_modal.register(app, ctx)
    booking_actions.register(app, ctx)
