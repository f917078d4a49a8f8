"""What users type into the ticket modal and the /ticket command, checked."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TypeVar

from bot.errors import DomainError, FormErrors
from bot.services import ids
from db.models import Category, Severity

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
NOTE_MAX = 3000
PERMALINK_MAX = 500

# Block ids of the ticket modal's inputs; FormErrors are keyed by them.
TITLE, DESCRIPTION, CATEGORY, SEVERITY = "title", "description", "category", "severity"
NOTE = "note"

KEY = re.compile(r"^(?:T-?)?(\d{1,9})$", re.IGNORECASE | re.ASCII)  # Arabic-Indic digits are no ticket number

E = TypeVar("E", bound=enum.Enum)


@dataclass(frozen=True)
class TicketForm:
    title: str
    description: str
    category: Category
    severity: Severity


def parse_ticket_form(
    title: str | None, description: str | None, category: str | None, severity: str | None
) -> TicketForm:
    """A validated ticket form, or FormErrors naming every bad field at once."""
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())  # one line, no runs of spaces
    description = (description or "").strip()
    if not title:
        errors[TITLE] = "Give the ticket a title."
    elif len(title) > TITLE_MAX:
        errors[TITLE] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    if len(description) > DESCRIPTION_MAX:
        errors[DESCRIPTION] = f"Keep the description to {DESCRIPTION_MAX} characters (it has {len(description)})."
    parsed_category = _enum_value(Category, category)
    if parsed_category is None:
        errors[CATEGORY] = "Pick a category: " + ", ".join(c.value for c in Category) + "."
    parsed_severity = _enum_value(Severity, severity or Severity.MINOR.value)
    if parsed_severity is None:
        errors[SEVERITY] = "Pick a severity: " + ", ".join(s.value for s in Severity) + "."
    if errors or parsed_category is None or parsed_severity is None:  # a missing value is among the errors
        raise FormErrors(errors)
    return TicketForm(title=title, description=description, category=parsed_category, severity=parsed_severity)


def parse_note(text: str | None, *, required: str) -> str:
    """A note, reply or resolution note: not blank, not longer than Slack shows."""
    text = (text or "").strip()
    if not text:
        raise FormErrors({NOTE: required})
    if len(text) > NOTE_MAX:
        raise FormErrors({NOTE: f"Keep it to {NOTE_MAX} characters (it has {len(text)})."})
    return text


def parse_permalink(url: str | None) -> str | None:
    """The link back to the message a ticket was raised from, if it looks like one."""
    if url and url.startswith("https://") and len(url) <= PERMALINK_MAX:
        return url
    return None


def parse_severity(value: str | None) -> Severity:
    severity = _enum_value(Severity, value)
    if severity is None:
        raise DomainError("Pick a severity: MINOR, MAJOR or CRITICAL.")
    return severity


def parse_key(text: str) -> int | None:
    """The number in ``T-42``, ``t42`` or ``42``; None if ``text`` is not a ticket key."""
    match = KEY.match(text.strip())
    return int(match.group(1)) if match else None


def parse_id(value: object) -> int:
    """A ticket id from a button value or private_metadata (user input: may be anything)."""
    ticket_id = ids.parse_id(value)
    if ticket_id is None:
        raise DomainError("That button no longer points at a ticket.")
    return ticket_id


def _enum_value(enum_cls: type[E], value: str | None) -> E | None:
    if value is None:
        return None
    for member in enum_cls:
        if member.value.lower() == str(value).strip().lower():
            return member
    return None
