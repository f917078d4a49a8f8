"""End to end in the browser, on the sandbox's demo data: an agent hands a car over (the Pick-up
sheet with the odometer prefilled, fuel out, damage already on the car) and takes it back with a
refuel charge and new damage; and edits a reserved booking, where a car booked meanwhile by
someone else is refused inline, naming the booking in the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bot.sandbox import workspace
from tests.browser.conftest import shoot
from tests.browser.hire_steps import ada_books_meanwhile, booking_message, load_demo_as_agent, local_input, shows
from tests.browser.steps import last_message, modal, open_as, send

pytestmark = pytest.mark.browser


def test_pick_up_then_return_with_a_refuel_charge_and_new_damage(page):
    load_demo_as_agent(page)
    golf = booking_message(page, "B-3")  # Olivia's Golf, picking up today
    expect(golf).to_contain_text("RESERVED")
    golf.get_by_role("button", name="Picked up").click()

    sheet = modal(page)
    expect(sheet.get_by_role("heading", name="Pick up B-3")).to_be_visible()
    expect(sheet.get_by_label("Odometer out")).to_have_value("28750")  # the Golf's last reading
    expect(sheet.get_by_label("Fuel out")).to_have_value("full")
    sheet.get_by_label("Fuel out").select_option("3/4")
    sheet.get_by_label("Damage already on the car").fill("Dent in the driver's door.")
    early = sheet.get_by_role("checkbox", name=re.compile("before the booked pickup"))
    if early.count():  # more than 2 h before the booked time: the agent confirms the early hand-over
        early.check()
    shoot(page, "sandbox-pick-up")
    sheet.get_by_label("Odometer out").fill("28740")  # below the car's reading: refused on the field
    sheet.get_by_role("button", name="Hand over").click()
    expect(sheet.locator(".field-error:visible")).to_contain_text("at least 28750")
    sheet.get_by_label("Odometer out").fill("28751")
    sheet.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    golf = booking_message(page, "B-3")
    shows(golf, "ACTIVE", "odometer 28,751 · fuel 3/4", "Damage at pick-up: Dent in the driver's door.")

    golf.get_by_role("button", name="Returned").click()
    back = modal(page)
    shows(back, "At pick-up: odometer 28,751, fuel 3/4.", "Damage at pick-up: Dent in the driver's door.")
    back.get_by_label("Odometer").fill("28990")
    back.get_by_label("Fuel level").select_option("1/2")  # two eighths below the pick-up level
    back.get_by_label("New damage (not there at pick-up)").fill("Cracked wing mirror.")
    back.get_by_role("button", name="Record return").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    shows(booking_message(page, "B-3"), "RETURNED", "Refuel charge", "20.00", "New damage: Cracked wing mirror.")
    notice = page.locator("#surface article.message", has_text="New damage on KX21LMN")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("B-3")
    shoot(page, "sandbox-return-with-charges")

    open_as(page, "UMANAGER", workspace.CAR_HIRE.channel_id)  # the charges are revenue
    send(page, "/hiredesk digest now")
    # B-5 240.00, B-7 240.00 + 30.00 refuel, B-3 90.00 + 20.00 refuel
    expect(last_message(page)).to_contain_text(re.compile(r"Revenue, last 7 days\W*620\.00"))


def test_edit_a_booking_and_an_overlapping_edit_refused_naming_the_blocker(page):
    load_demo_as_agent(page)
    bmw = booking_message(page, "B-4")  # Jane's BMW from tomorrow
    bmw.get_by_role("button", name="Edit").click()
    form = modal(page)
    expect(form.get_by_role("heading", name="Edit B-4")).to_be_visible()
    expect(form).to_contain_text("the workspace's is Europe/London")
    form.get_by_label("Pickup").fill(local_input(6, 9))
    expect(form.get_by_label("Pickup")).to_have_value(local_input(6, 9))
    form.get_by_label("Return").fill(local_input(8, 9))
    vehicle = form.get_by_label("Vehicle (free over the period)")
    expect(vehicle.locator("option", has_text="VN19TRN")).to_have_count(1)  # the list was redrawn for then
    vehicle.select_option(vehicle.locator("option", has_text="VN19TRN").get_attribute("value"))

    # Meanwhile Ada books the Transit over those days in her own browser …
    ada_books_meanwhile(page, "Sam Patel", local_input(7, 9), local_input(9, 9), "VN19TRN", "B-8")

    # … so Alex's edit is refused on the vehicle field, naming her booking.
    form.get_by_role("button", name="Save").click()
    expect(form.locator(".field-error:visible")).to_contain_text("VN19TRN is booked then (B-8")
    shoot(page, "sandbox-edit-overlap")

    vehicle.select_option(vehicle.locator("option", has_text="AB12CDE").get_attribute("value"))
    form.get_by_label("Notes").fill("Child seat, please.")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    bmw = booking_message(page, "B-4")
    expect(bmw).to_contain_text("AB12CDE")
    expect(bmw).to_contain_text("Vehicle PR22BMW → AB12CDE")
    expect(bmw).to_contain_text("Notes none → Child seat, please.")
    shoot(page, "sandbox-edited-booking")
