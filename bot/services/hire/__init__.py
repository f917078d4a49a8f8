"""The car hire desk (PRODUCT.md §4): customers, vehicles, bookings, pricing, and the return reminders."""
