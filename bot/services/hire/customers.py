"""Customers of the car hire desk (PRODUCT.md §4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from bot.errors import FormErrors
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.hire import records as hire_records
from bot.services.hire.access import require_admin, require_agent, require_reader
from bot.services.paging import Page, page_of
from db.models import Booking, Customer

LICENCE = re.compile(r"^[A-Z0-9]{5,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{5,40}$")
MINIMUM_AGE = 18
LIST_PAGE = 25  # customers on one page of /customer list
BOOKINGS_PAGE = 10  # bookings on one page of a customer's view
# The fields whose edits the customer's history keeps (old → new).
HISTORY_FIELDS = (
    "name", "email", "phone", "licence_number", "licence_expiry", "date_of_birth", "notes", "do_not_rent",
)  # fmt: skip


@dataclass(frozen=True)
class CustomerValues:
    """The customer form as typed (field names are the modal's block ids)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    licence_number: str = ""
    licence_expiry: date | None = None
    date_of_birth: date | None = None
    notes: str = ""
    do_not_rent: bool = False


def normalise_licence(text: str) -> str:
    return re.sub(r"[\s-]", "", text or "").upper()


def create_customer(session: Session, actor: Actor, values: CustomerValues) -> Customer:
    require_agent(actor, to="add customers")
    customer = Customer(team_id=actor.team_id, created_at=utcnow(), created_by=actor.user_id)
    return _apply(session, actor, customer, values)


def customer_to_edit(session: Session, actor: Actor, customer_id: int | str) -> Customer:
    return hire_records.to_edit(session, actor, Customer, customer_id)


def update_customer(session: Session, actor: Actor, customer_id: int | str, values: CustomerValues) -> Customer:
    return _apply(session, actor, customer_to_edit(session, actor, customer_id), values)


def search_customers(session: Session, actor: Actor, text: str, limit: int = 20) -> list[Customer]:
    """Active customers whose name, email or licence number contains ``text``."""
    require_reader(actor, to="search customers")
    words = text.strip().lower()
    query = _active(actor)
    if words:
        licence = normalise_licence(words)
        query = query.where(
            or_(
                func.lower(Customer.name).contains(words, autoescape=True),
                func.lower(Customer.email).contains(words, autoescape=True),
                Customer.licence_number.contains(licence or words, autoescape=True),
            )
        )
    return list(session.scalars(query.order_by(Customer.name, Customer.id).limit(limit)))


def list_customers(session: Session, actor: Actor, offset: int = 0) -> Page[Customer]:
    """A page of the active customers by name."""
    require_reader(actor, to="see customers")
    return page_of(session, _active(actor), Customer.name, Customer.id, offset=offset, size=LIST_PAGE)


@dataclass(frozen=True)
class CustomerView:
    """One customer with a page of their bookings (latest pickup first); their history is ``customer.events``."""

    customer: Customer
    bookings: Page[Booking]


def customer_view(session: Session, actor: Actor, customer_id: int | str, offset: int = 0) -> CustomerView:
    """A customer of the actor's workspace (archived ones too: their bookings stay) for ``/customer``."""
    require_reader(actor, to="see customers")
    customer = hire_records.load(session, actor, Customer, customer_id)
    bookings = select(Booking).where(Booking.customer_id == customer.id).options(joinedload(Booking.vehicle))
    order = (Booking.pickup_at.desc(), Booking.id.desc())
    return CustomerView(customer, page_of(session, bookings, *order, offset=offset, size=BOOKINGS_PAGE))


def remove_customer(session: Session, actor: Actor, customer_id: int | str) -> hire_records.Removal:
    require_admin(actor, to="archive or delete customers")
    customer = hire_records.load(session, actor, Customer, customer_id, for_change=True)
    return hire_records.remove(session, customer, customer.name, actor.user_id)


def _active(actor: Actor) -> Select[tuple[Customer]]:
    return select(Customer).where(Customer.team_id == actor.team_id, Customer.archived_at.is_(None))


def _apply(session: Session, actor: Actor, customer: Customer, values: CustomerValues) -> Customer:
    errors: dict[str, str] = {}
    today = utcnow().date()
    name = values.name.strip()
    if not name:
        errors["name"] = "Enter the customer's name."
    elif len(name) > 200:
        errors["name"] = "Keep the name under 200 characters."
    email = values.email.strip()
    if email and (len(email) > 254 or not EMAIL.match(email)):
        errors["email"] = "That doesn't look like an email address (name@example.com)."
    phone = values.phone.strip()
    if phone and not PHONE.match(phone):
        errors["phone"] = "Use digits, spaces and + ( ) - only, like +44 20 7946 0000."
    licence = normalise_licence(values.licence_number)
    if not LICENCE.match(licence):
        errors["licence_number"] = "A licence number is 5–20 letters and digits (spaces and dashes are ignored)."
    elif hire_records.taken(session, actor, Customer.licence_number, licence, customer.id):
        errors["licence_number"] = f"Another customer already has licence {licence}."
    expiry = values.licence_expiry
    if expiry is None:
        errors["licence_expiry"] = "Enter the licence expiry date."
    elif expiry < today:
        errors["licence_expiry"] = "This licence has expired."
    if values.date_of_birth is not None and _age(values.date_of_birth, today) < MINIMUM_AGE:
        errors["date_of_birth"] = f"Drivers must be at least {MINIMUM_AGE}."
    if errors or expiry is None:  # a missing expiry is among the errors
        raise FormErrors(errors)
    before = hire_records.snapshot(customer, HISTORY_FIELDS)
    customer.name, customer.email, customer.phone = name, email or None, phone or None
    customer.licence_number, customer.licence_expiry = licence, expiry
    customer.date_of_birth, customer.notes = values.date_of_birth, values.notes.strip() or None
    customer.do_not_rent = values.do_not_rent
    hire_records.record_changes(customer, actor.user_id, before)
    return hire_records.save_unique(
        session, customer, "licence_number", f"Another customer already has licence {licence}."
    )


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
