"""Reading submitted modal state into plain Python values.

Each input block of our modals holds exactly one element, so a field is
addressed by its block id alone.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timezone
from typing import TypeVar

Form = TypeVar("Form")


def values_of(view: dict) -> dict:
    return ((view or {}).get("state") or {}).get("values") or {}


def metadata_of(view: dict) -> dict:
    try:
        data = json.loads((view or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _element(values: dict, block_id: str) -> dict:
    elements = values.get(block_id) or {}
    return next(iter(elements.values()), {}) if isinstance(elements, dict) else {}


def text(values: dict, block_id: str) -> str:
    return _element(values, block_id).get("value") or ""


def selected(values: dict, block_id: str) -> str | None:
    return (_element(values, block_id).get("selected_option") or {}).get("value")


def selected_option(values: dict, block_id: str) -> dict | None:
    return _element(values, block_id).get("selected_option")


def checked(values: dict, block_id: str) -> bool:
    return bool(_element(values, block_id).get("selected_options"))


def day(values: dict, block_id: str) -> date | None:
    chosen = _element(values, block_id).get("selected_date")
    try:
        return date.fromisoformat(chosen) if chosen else None
    except ValueError:
        return None


def moment(values: dict, block_id: str) -> datetime | None:
    """A datetimepicker's value (Unix seconds, so no time zone to guess) as an aware UTC datetime."""
    chosen = _element(values, block_id).get("selected_date_time")
    try:
        return datetime.fromtimestamp(int(chosen), tz=timezone.utc) if chosen is not None else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def read_into(form: type[Form], values: dict) -> Form:
    """Fill the dataclass ``form`` from the modal fields named like its fields (block id = field
    name), each read the way its element stores it; fields not in the modal keep their default."""
    readers = {"datepicker": day, "datetimepicker": moment, "checkboxes": checked,
               "static_select": selected, "external_select": selected}
    found = {}
    for field in dataclasses.fields(form):
        element = _element(values, field.name)
        if element:
            found[field.name] = readers.get(element.get("type"), text)(values, field.name)
    return form(**found)
