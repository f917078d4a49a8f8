"""The booking modals: New booking (live vehicle list and quote), Pick-up, Return, Extend."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DateTimePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import Option
from slack_sdk.models.views import View

from bot.services.hire.booking_queries import BookingEditing, Quote, VehicleChoices
from bot.services.hire.bookings import FUEL_LEVELS
from bot.services.local_time import local
from bot.views.hire.common import done_modal, input_block, money, option, sections
from bot.views.text import safe, truncate
from bot.views.when import duration
from db.models import Booking, BookingStatus

BOOKING_NEW = "booking_new"
BOOKING_PICK_UP = "booking_pick_up"
BOOKING_RETURN = "booking_return"
BOOKING_EXTEND = "booking_extend"
BOOKING_EDIT = "booking_edit"
# Elements of the New booking modal that refresh it when changed (dispatch_action).
NEW_BOOKING_TRIGGERS = ("booking_pickup", "booking_return_due", "booking_vehicle")
# The Edit booking modal's time pickers: changing one redraws its vehicle list.
EDIT_TRIGGERS = ("edit_pickup", "edit_return_due")
MAX_OPTIONS = 100
CHOOSE_DATES = "Choose the pickup and return times to see the free vehicles and their price."


@dataclass(frozen=True)
class NewBookingState:
    """What the agent has chosen so far (to keep it when the modal is redrawn)."""

    customer: dict | None = None  # the selected option, as Slack sent it
    pickup: datetime | None = None
    return_due: datetime | None = None
    vehicle_id: str | None = None


def new_booking_modal(state: NewBookingState = NewBookingState(), choices: VehicleChoices | None = None) -> dict:
    """Customer search, pickup and return pickers, the vehicles free then (each with its price) and notes."""
    blocks: list[Block] = [
        _customer_input(option(state.customer["text"]["text"], state.customer["value"]) if state.customer else None),
        *_period_inputs("booking", state.pickup, state.return_due),
    ]
    if choices and choices.timezone:
        blocks.append(_zone_note(choices.timezone))
    quotes = choices.quotes if choices else []
    not_free = choices.not_free if choices else None
    if not_free is not None:  # the chosen car is kept (it is no longer free: the warning says why)
        quotes = [not_free, *quotes[: MAX_OPTIONS - 1]]
    if quotes:
        options = [option(_quote_text(q), str(q.vehicle.id)) for q in quotes[:MAX_OPTIONS]]
        chosen = next((o for o in options if o.value == state.vehicle_id), None)
        blocks.append(
            input_block(
                "vehicle",
                "Vehicle (free for the whole period)",
                StaticSelectElement(
                    action_id="booking_vehicle", options=options, initial_option=chosen, placeholder="Choose a vehicle"
                ),
                dispatch=True,
            )
        )
        if not_free is not None and choices is not None:
            warning = f":warning: {safe(choices.why_not_free or '', 600)}"
            blocks.append(SectionBlock(block_id="vehicle_clash", text=MarkdownTextObject(text=warning)))
        else:
            quote = next((q for q in quotes if str(q.vehicle.id) == state.vehicle_id), None)
            blocks.append(_quote_block(quote))
    else:
        hint = choices.problem if choices and choices.problem else CHOOSE_DATES
        blocks.append(
            SectionBlock(
                block_id="vehicle_hint", text=MarkdownTextObject(text=f":information_source: {safe(hint, 500)}")
            )
        )
    blocks.append(
        input_block(
            "notes",
            "Notes",
            PlainTextInputElement(action_id="booking_notes", multiline=True, max_length=2000),
            optional=True,
        )
    )
    return View(
        type="modal",
        callback_id=BOOKING_NEW,
        title="New booking",
        submit="Book",
        close="Cancel",
        blocks=blocks,
        private_metadata="{}",
    ).to_dict()


def place_errors(errors: dict[str, str], view: dict) -> dict[str, str]:
    """Slack shows inline errors only on input blocks the modal has; when no vehicle list is shown
    (no dates yet, or nothing free), an error about the vehicle is shown under the return time."""
    present = {block.get("block_id") for block in view.get("blocks", []) if block.get("type") == "input"}
    placed: dict[str, str] = {}
    for block_id, message in errors.items():
        target = block_id if block_id in present else "return_due"
        placed[target] = f"{placed[target]} {message}" if target in placed else message
    return placed


def _quote_text(quote: Quote) -> str:
    v = quote.vehicle
    return f"{v.registration} · {v.make} {v.model} · {v.category.value} · {money(quote.price)}"


def _quote_block(quote: Quote | None) -> ContextBlock:
    if quote is None:
        text = "Choose a vehicle to see the quote."
    else:
        days = f"{quote.days} day{'s' if quote.days != 1 else ''}"
        text = (
            f"*Quote: {money(quote.price)}* ({days} × {money(quote.vehicle.daily_rate)}; a started day counts as a day)"
        )
    return ContextBlock(block_id="quote", elements=[MarkdownTextObject(text=text)])


def booking_created_modal(booking: Booking, tz: ZoneInfo, channel: str | None) -> dict:
    """Replaces the New booking modal after a successful submission."""
    where = f" The booking message is in <#{channel}>." if channel else ""
    text = (
        f":white_check_mark: *{booking.key}* booked: `{booking.vehicle.registration}` for "
        f"{safe(booking.customer.name, 200)}, {local(booking.pickup_at, tz)} – {local(booking.return_due_at, tz)}. "
        f"Quoted price *{money(booking.quoted_price)}*.{where}"
    )
    return done_modal(f"{booking.key} booked", text)


def _fuel_select(initial: str | None = None) -> StaticSelectElement:
    options = [option(level, level) for level in FUEL_LEVELS]
    chosen = next((o for o in options if o.value == initial), None)
    return StaticSelectElement(action_id="fuel", options=options, placeholder="Choose", initial_option=chosen)


def pick_up_modal(booking: Booking, tz: ZoneInfo, early: timedelta | None = None) -> dict:
    """The check-out sheet: odometer out (the car's last reading), fuel out, damage already on it;
    ``early`` (more than the desk's tolerance before the booked pickup): a box to confirm it."""
    vehicle = booking.vehicle
    blocks: list[Block] = [
        *sections(
            [
                f"*{booking.key}* · `{vehicle.registration}` {safe(vehicle.make, 60)} {safe(vehicle.model, 60)} · "
                f"{safe(booking.customer.name, 200)}\nDue back {local(booking.return_due_at, tz)}."
            ]
        ),
        input_block(
            "odometer",
            "Odometer out",
            NumberInputElement(action_id="odometer", initial_value=vehicle.odometer, min_value=vehicle.odometer),
        ),
        input_block("fuel", "Fuel out", _fuel_select("full")),
        _damage_input("Damage already on the car"),
    ]
    if early is not None:
        blocks.append(
            input_block(
                "early",
                "Early hand-over",
                CheckboxesElement(
                    action_id="early",
                    options=[
                        option(
                            f"Hand over {duration(early)} before the booked pickup ({local(booking.pickup_at, tz)})",
                            "early",
                        )
                    ],
                ),
            )
        )
    return View(
        type="modal",
        callback_id=BOOKING_PICK_UP,
        title=truncate(f"Pick up {booking.key}", 24),
        submit="Hand over",
        close="Cancel",
        blocks=blocks,
        private_metadata=json.dumps({"booking_id": booking.id}),
    ).to_dict()


def return_modal(booking: Booking, tz: ZoneInfo, now: datetime) -> dict:
    at_pick_up = f"odometer {booking.odometer_out or 0:,}, fuel {booking.fuel_out or 'not recorded'}"
    damage_out = f"\nDamage at pick-up: {safe(booking.damage_out, 1500)}" if booking.damage_out else ""
    blocks: list[Block] = [
        *sections(
            [
                f"*{booking.key}* · `{booking.vehicle.registration}` · {safe(booking.customer.name, 200)}\n"
                f"Due back {local(booking.return_due_at, tz)}. At pick-up: {at_pick_up}.{damage_out}"
            ]
        ),
        input_block(
            "returned_at", "Returned at", DateTimePickerElement(action_id="returned_at", initial_date_time=_epoch(now))
        ),
        _zone_note(str(tz)),
        input_block(
            "odometer", "Odometer", NumberInputElement(action_id="odometer", min_value=booking.odometer_out or 0)
        ),
        input_block("fuel", "Fuel level", _fuel_select()),
        _damage_input("New damage (not there at pick-up)"),
    ]
    return _booking_modal(booking, BOOKING_RETURN, "Return", "Record return", blocks)


def edit_modal(editing: BookingEditing, customer: dict | None = None, vehicle_id: str | None = None) -> dict:
    """Edit a RESERVED booking (vehicle from those free over the period shown, customer, times, notes)
    or an ACTIVE one's notes. The pickers are in the reader's own zone; the modal names the workspace's. A redraw
    keeps the ``customer`` option and ``vehicle_id`` the agent chose."""
    booking = editing.booking
    notes = input_block(
        "notes",
        "Notes",
        PlainTextInputElement(
            action_id="booking_notes", multiline=True, max_length=2000, initial_value=booking.notes or None
        ),
        optional=True,
    )
    intro = f"*{booking.key}* · `{booking.vehicle.registration}` · {safe(booking.customer.name, 200)}"
    if booking.status is not BookingStatus.RESERVED:
        blocks: list[Block] = [
            *sections([f"{intro}\nOn hire: only the notes can change (**Extend** moves the return)."]),
            notes,
        ]
    else:
        options = [option(_quote_text(q), str(q.vehicle.id)) for q in editing.quotes[:MAX_OPTIONS]]
        current = next((o for o in options if o.value == (vehicle_id or str(booking.vehicle_id))), None)
        chosen_customer = (
            option(customer["text"]["text"], customer["value"])
            if customer
            else option(booking.customer.name, str(booking.customer_id))
        )
        vehicles: Block = (
            input_block(
                "vehicle",
                "Vehicle (free over the period)",
                StaticSelectElement(
                    action_id="booking_vehicle", options=options, initial_option=current, placeholder="Choose a vehicle"
                ),
            )
            if options
            else SectionBlock(
                block_id="vehicle_hint",
                text=MarkdownTextObject(text=f":information_source: {safe(editing.problem or '', 500)}"),
            )
        )
        blocks = [
            *sections([intro]),
            _customer_input(chosen_customer),
            *_period_inputs("edit", editing.pickup, editing.return_due),
            _zone_note(editing.timezone),
            vehicles,
            notes,
        ]
    return _booking_modal(booking, BOOKING_EDIT, "Edit", "Save", blocks)


def extend_modal(booking: Booking, tz: ZoneInfo) -> dict:
    blocks: list[Block] = [
        *sections(
            [
                f"*{booking.key}* · `{booking.vehicle.registration}` · {safe(booking.customer.name, 200)}\n"
                f"Due back {local(booking.return_due_at, tz)}."
            ]
        ),
        input_block(
            "return_due",
            "New return",
            DateTimePickerElement(action_id="return_due", initial_date_time=_epoch(booking.return_due_at)),
        ),
        _zone_note(str(tz)),
    ]
    return _booking_modal(booking, BOOKING_EXTEND, "Extend", "Extend", blocks)


def _customer_input(chosen: Option | None) -> InputBlock:
    """The customer search (options from the app's suggestions), as in every booking form."""
    return input_block(
        "customer",
        "Customer",
        ExternalDataSelectElement(
            action_id="booking_customer",
            placeholder="Name, email or licence number",
            min_query_length=1,
            initial_option=chosen,
        ),
    )


def _period_inputs(prefix: str, pickup: datetime | None, return_due: datetime | None) -> list[InputBlock]:
    """Pickup and return pickers; changing either redraws the form (``<prefix>_pickup`` etc.)."""
    return [
        input_block(
            "pickup",
            "Pickup",
            DateTimePickerElement(action_id=f"{prefix}_pickup", initial_date_time=_epoch(pickup)),
            dispatch=True,
        ),
        input_block(
            "return_due",
            "Return",
            DateTimePickerElement(action_id=f"{prefix}_return_due", initial_date_time=_epoch(return_due)),
            dispatch=True,
        ),
    ]


def _zone_note(timezone: str) -> ContextBlock:
    """Which zone the modal's times are in, under the date-time pickers. Slack draws a datetimepicker in
    the reader's own time zone (its value is an instant), so the note says so and names the workspace's."""
    return ContextBlock(
        elements=[MarkdownTextObject(text=f"Times are in your own Slack time zone; the workspace's is {timezone}.")]
    )


def _damage_input(label: str) -> InputBlock:
    return input_block(
        "damage", label, PlainTextInputElement(action_id="damage", multiline=True, max_length=2000), optional=True
    )


def _booking_modal(booking: Booking, callback_id: str, verb: str, submit: str, blocks: list[Block]) -> dict:
    """The frame of a modal about one booking (pick up, return, edit, extend): its id in private_metadata."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=truncate(f"{verb} {booking.key}", 24),
        submit=submit,
        close="Cancel",
        blocks=blocks,
        private_metadata=json.dumps({"booking_id": booking.id}),
    ).to_dict()


def _epoch(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment else None
