"""Vehicle modal, the fleet list and one vehicle's page."""

from __future__ import annotations

from itertools import groupby
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, NumberInputElement, PlainTextInputElement, StaticSelectElement

from bot.services.actors import Actor
from bot.services.paging import Page
from bot.views.hire.common import (
    category_name,
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
from db.models import Booking, Vehicle, VehicleCategory, VehicleStatus

USAGE = (
    "Usage: `/vehicle add`, `/vehicle list`, `/vehicle &lt;registration&gt;`, "
    "`/vehicle maintenance|available|retire &lt;registration&gt;`."
)
HISTORY_LABELS = {
    "registration": "Registration",
    "make": "Make",
    "model": "Model",
    "category": "Category",
    "seats": "Seats",
    "daily_rate": "Daily rate",
    "odometer": "Odometer",
    "status": "Status",
}
STATUS_EMOJI = {
    VehicleStatus.AVAILABLE: ":large_green_circle:",
    VehicleStatus.MAINTENANCE: ":wrench:",
    VehicleStatus.RETIRED: ":black_circle:",
}


def vehicle_modal(vehicle: Vehicle | None = None) -> dict:
    """The add/edit form. Block ids are the field names of ``VehicleValues``."""
    v = vehicle
    categories = [option(category_name(c), c.value) for c in VehicleCategory]
    chosen = next((o for o in categories if v and o.value == v.category.value), None)
    blocks = [
        input_block(
            "registration",
            "Registration",
            PlainTextInputElement(action_id="registration", max_length=20, initial_value=v.registration if v else None),
            hint="Stored in capitals without spaces.",
        ),
        input_block(
            "make", "Make", PlainTextInputElement(action_id="make", max_length=60, initial_value=v.make if v else None)
        ),
        input_block(
            "model",
            "Model",
            PlainTextInputElement(action_id="model", max_length=60, initial_value=v.model if v else None),
        ),
        input_block(
            "category",
            "Category",
            StaticSelectElement(
                action_id="category", options=categories, initial_option=chosen, placeholder="Choose a category"
            ),
        ),
        input_block(
            "seats",
            "Seats",
            NumberInputElement(action_id="seats", min_value=1, max_value=99, initial_value=v.seats if v else 5),
        ),
        input_block(
            "daily_rate",
            "Daily rate",
            NumberInputElement(
                action_id="daily_rate",
                is_decimal_allowed=True,
                min_value="0.01",
                initial_value=str(v.daily_rate) if v else None,
            ),
        ),
        input_block(
            "odometer",
            "Odometer",
            NumberInputElement(action_id="odometer", min_value=0, initial_value=v.odometer if v else 0),
        ),
    ]
    return record_modal("vehicle", v, blocks)


def vehicle_line(vehicle: Vehicle) -> str:
    return (
        f"{STATUS_EMOJI[vehicle.status]} `{vehicle.registration}` {safe(vehicle.make, 60)} {safe(vehicle.model, 60)}"
        f" · {vehicle.seats} seats · {money(vehicle.daily_rate)}/day · {vehicle.status.value.lower()}"
    )


def vehicle_saved_modal(vehicle: Vehicle, created: bool) -> dict:
    return saved_modal("vehicle", vehicle_line(vehicle), created)


def vehicle_status_message(vehicle: Vehicle) -> dict:
    return text_message(f":white_check_mark: {vehicle_line(vehicle)}")


def vehicle_list_message(page: Page[Vehicle]) -> dict:
    if not page.items:
        return text_message("No vehicles yet. Add one with `/vehicle add`.")
    lines = [f"*Fleet* ({page.total} vehicles)"]
    for category, group in groupby(page.items, key=lambda v: v.category):
        lines.append(f"\n*{category_name(category)}*")
        lines += [f"• {vehicle_line(v)}" for v in group]
    return message([*sections(lines), *pages(page, {"list": "vehicles"})], f"Fleet ({page.total} vehicles)")


def vehicle_detail_message(vehicle: Vehicle, bookings: list[Booking], tz: ZoneInfo, actor: Actor) -> dict:
    """One vehicle with its current and coming bookings, its history, and Edit / Remove buttons."""
    lines = [f"{vehicle_line(vehicle)}\n{category_name(vehicle.category)} · odometer {vehicle.odometer:,}"]
    if vehicle.archived_at:
        lines.append("_Archived._")
    if bookings:
        lines.append("*Booked*")
        lines += [
            f"• {b.key} · {when(b.pickup_at, tz)} – {when(b.return_due_at, tz)} · "
            f"{safe(b.customer.name, 100)} · {b.status.value.lower()}"
            for b in bookings
        ]
    else:
        lines.append("_No current or coming bookings._")
    lines += history_lines(vehicle.events, HISTORY_LABELS, tz)
    blocks: list[Block] = [*sections(lines)]
    if not vehicle.archived_at:
        blocks += record_buttons("vehicle", vehicle.id, f"`{vehicle.registration}`", actor)
    return message(blocks, f"Vehicle {vehicle.registration}")
