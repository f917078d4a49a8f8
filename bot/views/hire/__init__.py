"""The car hire desk's Block Kit: bookings, customers, vehicles and their modals."""
