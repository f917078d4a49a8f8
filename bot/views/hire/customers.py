"""Customer modal, lists and search results."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    EmailInputElement,
    PlainTextInputElement,
)

from bot.services.actors import Actor
from bot.views.hire.common import input_block, message, option, record_buttons, record_modal, saved_modal, sections
from bot.views.messages import text_message
from bot.views.text import safe
from db.models import Customer

SEARCH_LIMIT = 10
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


def customer_list_message(customers: list[Customer], total: int) -> dict:
    if not customers:
        return text_message("No customers yet. Add one with `/customer`.")
    more = (
        f"\n_…and {total - len(customers)} more: search with `/customer &lt;name&gt;`._"
        if total > len(customers)
        else ""
    )
    lines = [f"*Customers* ({total})"] + [f"• {customer_line(c)}" for c in customers]
    return message(sections(lines + ([more] if more else [])), f"Customers ({total})")


def customer_search_message(query: str, customers: list[Customer], actor: Actor) -> dict:
    """Matches, each with Edit (agents) and Remove (admins) buttons."""
    if not customers:
        return text_message(f"No customer matches “{safe(query, 100)}”. {USAGE}")
    blocks: list[Block] = []
    for c in customers[:SEARCH_LIMIT]:
        blocks += sections([customer_line(c) + (f"\n_{safe(c.notes, 500)}_" if c.notes else "")])
        blocks += record_buttons("customer", c.id, f"*{safe(c.name, 200)}*", actor)
    if len(customers) > SEARCH_LIMIT:
        blocks += sections(["_…and more: narrow the search._"])
    return message(blocks, f"Customers matching {safe(query, 100)}")


def customer_options(customers: list[Customer]) -> list[dict]:
    """Options for the New booking modal's customer search (plain text: nothing to escape)."""
    return [
        option(f"{c.name} · {c.licence_number}" + (f" · {c.email}" if c.email else ""), str(c.id)).to_dict()
        for c in customers
    ]


def customer_option(customer: Customer) -> dict:
    return customer_options([customer])[0]
