"""The car hire desk (PRODUCT.md §4): /customer, /vehicle, /booking, booking buttons and modals."""

from slack_bolt import App

from . import booking_actions, booking_modal, bookings, customers, pages, records, vehicles


def register(app: App) -> None:
    for module in (customers, vehicles, records, bookings, booking_modal, booking_actions, pages):
        module.register(app)
