"""The App Home joins the desks: an agent sees today's pickups and returns; an employee doesn't."""

from __future__ import annotations

import json

from freezegun import freeze_time

from bot.services.hire.bookings import NewBooking, create_booking
from tests.hire.helpers import NOW, actor, add_customer, add_vehicle, hours_from_now, make_agent


def home_text(live_app, user: str) -> str:
    live_app.slack.app_home_opened(user)
    call = live_app.fake.wait_for("views.publish", lambda c: c.args["user_id"] == user)[-1]
    view = call.args["view"]
    return json.dumps(view if isinstance(view, dict) else json.loads(view))


def test_agent_home_lists_todays_pickup_and_employee_home_does_not(live_app):
    with freeze_time(NOW, tick=True):
        make_agent(live_app.db)
        customer, vehicle = add_customer(live_app.db), add_vehicle(live_app.db)
        with live_app.db.transaction() as session:
            booking = create_booking(
                session,
                actor(session),
                NewBooking(customer=customer, vehicle=vehicle, pickup=hours_from_now(2), return_due=hours_from_now(30)),
                live_app.ctx.settings,
            )
            key = booking.key
        agent_home = home_text(live_app, "UAGENT")
        assert "Car hire today" in agent_home and key in agent_home
        assert "Car hire today" not in home_text(live_app, "UEMPLOYEE")
