"""The IT help desk (PRODUCT.md §3): tickets, their state machine and history.

- ``forms``     parse and validate what users type (ticket form, ``T-42`` keys)
- ``access``    load a ticket within the actor's workspace; who may do what
- ``lifecycle`` every change: create, edit, assign, severity, start, resolve,
                reopen, notes, replies, delete — each appends history events
- ``sla``       service-level targets: respond by / resolve by, breaches
- ``queries``   read-only: one ticket, my tickets, the queue, search, App Home
"""
