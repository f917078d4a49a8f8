"""Car hire views, pure: structure, escaping and Slack's size limits (no database)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.services.hire.booking_queries import BookingEditing, Quote, VehicleChoices
from bot.views.hire import booking_modals
from bot.views.hire.bookings import booking_action_buttons, booking_card, home_hire_section
from bot.views.hire.customers import customer_options
from db.models import Booking, BookingEvent, BookingStatus, Customer, Vehicle, VehicleCategory, VehicleStatus

LONDON = ZoneInfo("Europe/London")
PICKUP = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
BEFORE_PICKUP = PICKUP - timedelta(hours=1)
LONG = "<!channel> " + "x" * 3000


def make_booking(status=BookingStatus.RESERVED, name="Ada Lovelace", number=7) -> Booking:
    customer = Customer(id=1, name=name, licence_number="LOVEL815", licence_expiry=date(2030, 1, 1), email="a@b.co")
    vehicle = Vehicle(
        id=2,
        registration="AB12CDE",
        make="Toyota",
        model="Yaris",
        category=VehicleCategory.ECONOMY,
        seats=5,
        daily_rate=Decimal("40.00"),
        odometer=100,
        status=VehicleStatus.AVAILABLE,
    )
    booking = Booking(
        id=3,
        number=number,
        customer=customer,
        vehicle=vehicle,
        status=status,
        pickup_at=PICKUP,
        return_due_at=PICKUP + timedelta(days=2),
        quoted_price=Decimal("80.00"),
        notes=name,
    )
    booking.events = [BookingEvent(kind="created", actor_id="UAGENT", at=PICKUP - timedelta(days=1))]
    return booking


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


@pytest.mark.parametrize(
    "status, expected",
    [
        (BookingStatus.RESERVED, ["booking_picked_up", "booking_extend", "booking_edit", "booking_cancel"]),
        (BookingStatus.ACTIVE, ["booking_returned", "booking_extend", "booking_edit"]),
        (BookingStatus.RETURNED, []),
        (BookingStatus.CANCELLED, []),
    ],
)
def test_buttons_follow_the_status_and_carry_the_booking_id(status, expected):
    blocks = booking_action_buttons(make_booking(status), BEFORE_PICKUP)
    assert action_ids(blocks) == expected
    assert all(e["value"] == "3" for b in blocks for e in b["elements"])


def test_no_show_is_offered_once_the_pickup_time_has_passed_and_asks_for_confirmation():
    assert "booking_no_show" not in action_ids(booking_action_buttons(make_booking(), PICKUP - timedelta(minutes=1)))
    (actions,) = booking_action_buttons(make_booking(), PICKUP)
    no_show = next(e for e in actions["elements"] if e["action_id"] == "booking_no_show")
    assert no_show["value"] == "3" and "no-show" in no_show["confirm"]["title"]["text"]


def test_cancel_asks_for_confirmation():
    (actions,) = booking_action_buttons(make_booking(), BEFORE_PICKUP)
    cancel = next(e for e in actions["elements"] if e["action_id"] == "booking_cancel")
    assert cancel["confirm"]["style"] == "danger"


def test_card_shows_local_times_escapes_and_fits_slack_limits():
    card = booking_card(make_booking(name=LONG, number=123456789), LONDON, BEFORE_PICKUP)
    shown = json.dumps(card)
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert "Wed 1 Jul 2026, 10:00 BST" in shown  # 09:00 UTC in London summer time
    assert f"<!date^{int(PICKUP.timestamp())}^{{date_short_pretty}} {{time}}|Wed 1 Jul 2026, 10:00 BST>" in shown
    header = card["blocks"][0]["text"]["text"]
    assert header.startswith(":spiral_calendar_pad: B-123456789") and len(header) <= 150
    for block in card["blocks"]:
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
    assert "Booked by <@UAGENT>" in shown


def test_home_section_lists_movements_with_their_buttons():
    blocks = home_hire_section([make_booking()], [make_booking(BookingStatus.ACTIVE, number=8)], LONDON, BEFORE_PICKUP)
    assert blocks[1]["text"]["text"] == "Car hire today"
    assert action_ids(blocks) == [
        "booking_picked_up",
        "booking_extend",
        "booking_edit",
        "booking_cancel",
        "booking_returned",
        "booking_extend",
        "booking_edit",
    ]
    assert "No more" in json.dumps(home_hire_section([], [], LONDON, BEFORE_PICKUP))


def test_new_booking_modal_offers_free_vehicles_with_prices_within_option_limits():
    booking = make_booking()
    vehicle = booking.vehicle
    vehicle.make = "M" * 80
    state = booking_modals.NewBookingState(pickup=PICKUP, return_due=PICKUP + timedelta(days=2), vehicle_id="2")
    modal = booking_modals.new_booking_modal(state, VehicleChoices([Quote(vehicle, 2, Decimal("80.00"))]))
    vehicle_block = next(b for b in modal["blocks"] if b.get("block_id") == "vehicle")
    (offered,) = vehicle_block["element"]["options"]
    assert len(offered["text"]["text"]) <= 75 and offered["value"] == "2"
    assert vehicle_block["element"]["initial_option"]["value"] == "2"
    assert "Quote: 80.00" in json.dumps(modal)
    assert modal["callback_id"] == "booking_new"
    empty = booking_modals.new_booking_modal(choices=VehicleChoices([], "Return must be after pickup."))
    assert "Return must be after pickup." in json.dumps(empty) and '"vehicle"' not in json.dumps(empty)


def test_return_and_extend_modals_fit_the_title_limit():
    booking = make_booking(BookingStatus.ACTIVE, number=123456789)
    for modal in (booking_modals.return_modal(booking, LONDON, PICKUP), booking_modals.extend_modal(booking, LONDON)):
        assert len(modal["title"]["text"]) <= 24 and json.loads(modal["private_metadata"]) == {"booking_id": 3}


def test_customer_options_are_plain_and_short():
    (opt,) = customer_options([make_booking(name=LONG).customer])
    assert len(opt["text"]["text"]) <= 75 and opt["text"]["type"] == "plain_text"


def test_errors_for_blocks_the_modal_lacks_show_under_the_return_time():
    without_vehicles = booking_modals.new_booking_modal(
        choices=VehicleChoices([], "No vehicle is free for the whole period.")
    )
    placed = booking_modals.place_errors(
        {"vehicle": "Choose a vehicle.", "customer": "Choose a customer."}, without_vehicles
    )
    assert placed == {"return_due": "Choose a vehicle.", "customer": "Choose a customer."}


def test_every_modal_with_a_date_time_picker_says_which_zone_its_times_are_in():
    reserved, active = make_booking(), make_booking(BookingStatus.ACTIVE)
    editing = BookingEditing(reserved, [], "Europe/London", PICKUP, PICKUP + timedelta(days=2), problem="None free.")
    modals = [
        booking_modals.new_booking_modal(choices=VehicleChoices([], timezone="Europe/London")),
        booking_modals.edit_modal(editing),
        booking_modals.return_modal(active, LONDON, PICKUP),
        booking_modals.extend_modal(active, LONDON),
    ]
    for modal in modals:
        assert any(b["type"] == "datetimepicker" for b in _elements(modal))
        assert "the workspace's is Europe/London." in json.dumps(modal), modal["callback_id"]
    pick_up = booking_modals.pick_up_modal(reserved, LONDON)  # no picker: its one time names its zone
    assert "Due back Fri 3 Jul 2026, 10:00 BST." in json.dumps(pick_up)


def _elements(modal: dict) -> list[dict]:
    return [b["element"] for b in modal["blocks"] if b["type"] == "input"]
