"""Customer modal, lists and search results."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    EmailInputElement,
    PlainTextInputElement,
)

from bot.services.actors import Actor
from bot.services.hire.customers import CustomerView
from bot.services.paging import Page
from bot.views.hire.common import (
    actions,
    button,
    history_lines,
    input_block,
    message,
    money,
    option,
    pages,
    record_buttons,
    record_modal,
    saved_modal,
    sections,
    when,
)
from bot.views.messages import text_message
from bot.views.text import safe
from db.models import Booking, Customer

SEARCH_LIMIT = 10
HISTORY_LABELS = {
    "name": "Name",
    "email": "Email",
    "phone": "Phone",
    "licence_number": "Licence",
    "licence_expiry": "Licence expiry",
    "date_of_birth": "Date of birth",
    "notes": "Notes",
    "do_not_rent": "Do not rent",
}
USAGE = "Usage: `/customer` (add), `/customer list`, `/customer &lt;name, email or licence&gt;`."


def customer_modal(customer: Customer | None = None) -> dict:
    """The add/edit form. Block ids are the field names of ``CustomerValues``."""
    c = customer
    do_not_rent = option("Do not rent to this customer", "yes")
    blocks = [
        input_block(
            "name", "Name", PlainTextInputElement(action_id="name", max_length=200, initial_value=c.name if c else None)
        ),
        input_block(
            "email", "Email", EmailInputElement(action_id="email", initial_value=c.email if c else None), optional=True
        ),
        input_block(
            "phone",
            "Phone",
            PlainTextInputElement(action_id="phone", max_length=40, initial_value=c.phone if c else None),
            optional=True,
        ),
        input_block(
            "licence_number",
            "Driving licence number",
            PlainTextInputElement(
                action_id="licence_number", max_length=40, initial_value=c.licence_number if c else None
            ),
            hint="Letters and digits; spaces and dashes are ignored.",
        ),
        input_block(
            "licence_expiry",
            "Licence expiry",
            DatePickerElement(action_id="licence_expiry", initial_date=c.licence_expiry.isoformat() if c else None),
        ),
        input_block(
            "date_of_birth",
            "Date of birth",
            DatePickerElement(
                action_id="date_of_birth", initial_date=c.date_of_birth.isoformat() if c and c.date_of_birth else None
            ),
            optional=True,
        ),
        input_block(
            "notes",
            "Notes",
            PlainTextInputElement(
                action_id="notes", multiline=True, max_length=2000, initial_value=c.notes if c else None
            ),
            optional=True,
        ),
        input_block(
            "do_not_rent",
            "Flags",
            CheckboxesElement(
                action_id="do_not_rent",
                options=[do_not_rent],
                initial_options=[do_not_rent] if c and c.do_not_rent else None,
            ),
            optional=True,
        ),
    ]
    return record_modal("customer", c, blocks)


def customer_line(customer: Customer) -> str:
    parts = [f"*{safe(customer.name, 200)}*", f"`{customer.licence_number}`"]
    if customer.email:
        parts.append(safe(customer.email, 254))
    if customer.phone:
        parts.append(safe(customer.phone, 40))
    line = " · ".join(parts)
    return line + (" · :no_entry: do-not-rent" if customer.do_not_rent else "")


def customer_saved_modal(customer: Customer, created: bool) -> dict:
    return saved_modal("customer", customer_line(customer), created)


def customer_list_message(page: Page[Customer]) -> dict:
    if not page.items:
        return text_message("No customers yet. Add one with `/customer`.")
    lines = [f"*Customers* ({page.total})"] + [f"• {customer_line(c)}" for c in page.items]
    blocks = [*sections(lines), *pages(page, {"list": "customers"})]
    return message(blocks, f"Customers ({page.total})")


def customer_search_message(query: str, customers: list[Customer]) -> dict:
    """Several matches, each with **View**."""
    if not customers:
        return text_message(f"No customer matches “{safe(query, 100)}”. {USAGE}")
    blocks: list[Block] = []
    for c in customers[:SEARCH_LIMIT]:
        blocks += sections([customer_line(c)])
        blocks += actions(button("View", "customer_view", str(c.id)))
    if len(customers) > SEARCH_LIMIT:
        blocks += sections(["_…and more: narrow the search._"])
    return message(blocks, f"Customers matching {safe(query, 100)}")


def customer_view_message(view: CustomerView, tz: ZoneInfo, actor: Actor) -> dict:
    """One customer: details, a page of bookings (latest first), history, **Edit** / **Archive / delete**."""
    c = view.customer
    details = [f"Licence expires {c.licence_expiry.isoformat()}"]
    if c.date_of_birth:
        details.append(f"born {c.date_of_birth.isoformat()}")
    lines = [customer_line(c), " · ".join(details)]
    if c.notes:
        lines.append(f"_{safe(c.notes, 500)}_")
    if c.archived_at:
        lines.append("_Archived._")
    lines.append(f"*Bookings* ({view.bookings.total})")
    lines += [_booking_line(b, tz) for b in view.bookings.items] or ["_No bookings yet._"]
    blocks: list[Block] = [*sections(lines)]
    blocks += pages(view.bookings, {"list": "customer_bookings", "customer": c.id})
    blocks += sections(history_lines(c.events, HISTORY_LABELS, tz))
    if not c.archived_at:
        blocks += record_buttons("customer", c.id, f"*{safe(c.name, 200)}*", actor)
    return message(blocks, f"Customer {safe(c.name, 100)}")


def _booking_line(booking: Booking, tz: ZoneInfo) -> str:
    v = booking.vehicle
    return (
        f"• *{booking.key}* · `{v.registration}` {safe(v.make, 40)} {safe(v.model, 40)} · "
        f"{when(booking.pickup_at, tz)} – {when(booking.return_due_at, tz)} · "
        f"{booking.status.value.lower().replace('_', ' ')} · {money(booking.quoted_price)}"
    )


def customer_options(customers: list[Customer]) -> list[dict]:
    """Options for the New booking modal's customer search (plain text: nothing to escape)."""
    return [
        option(f"{c.name} · {c.licence_number}" + (f" · {c.email}" if c.email else ""), str(c.id)).to_dict()
        for c in customers
    ]


def customer_option(customer: Customer) -> dict:
    return customer_options([customer])[0]
