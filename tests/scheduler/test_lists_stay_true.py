"""Posted lists that stay true: when a booking a posted list shows changes (a no-show, a return),
the list is edited through the outbox — its line struck, its button gone — and a booking's message
says *Overdue* once its due time plus the grace has passed. Over both databases."""

from __future__ import annotations

import json
from types import SimpleNamespace

from freezegun import freeze_time

from bot.publishing.bookings import queue_booking_message
from bot.services.workspace_settings import workspace_config
from db.models import Booking, BookingStatus
from tests.hire.helpers import make_agent, opened_modal, press, return_values

from . import factories as f
from .conftest import listed


def current(fake, post) -> SimpleNamespace:
    """The posted message as the channel shows it now (after any edits), shaped like its post call."""
    metadata = post.args["metadata"]
    key = (json.loads(metadata) if isinstance(metadata, str) else metadata)["event_payload"]["key"]
    (message,) = fake.messages_with_metadata("hiredesk_delivery", key=key)
    return SimpleNamespace(args={"channel": message.channel, "text": message.text, "blocks": message.blocks})


def test_a_no_show_is_struck_from_the_morning_list_without_its_button(live_app, run_job_at):
    with live_app.db.transaction() as s:
        late = f.booking(s, pickup=f.utc(2026, 11, 25, 9), due=f.utc(2026, 11, 26, 9), status=BookingStatus.RESERVED)
        kept = f.booking(s, pickup=f.utc(2026, 11, 25, 15), due=f.utc(2026, 11, 26, 9), status=BookingStatus.RESERVED)
    with freeze_time(f.utc(2026, 11, 25, 8, 0)):
        run_job_at("due-returns")
    (morning,) = run_job_at.posts("CFLEET")
    assert listed(morning, "booking_picked_up") == [("today-pickup", str(late.id)), ("today-pickup", str(kept.id))]

    with freeze_time(f.utc(2026, 11, 25, 11, 1)):  # the no-show grace (2 h) has run out for the 09:00 pickup
        run_job_at("no-shows")
    now_shown = current(live_app.fake, morning)
    assert listed(now_shown, "booking_picked_up") == [("today-pickup", str(kept.id))]
    text = json.dumps(now_shown.args["blocks"])
    assert f"~*{late.key}*" in text and "no-show" in text


def test_a_returned_car_loses_its_returned_button_on_the_overdue_list_and_its_message_said_overdue(
    live_app, run_job_at
):
    make_agent(live_app.db)
    with live_app.db.transaction() as s:
        back = f.booking(s, pickup=f.utc(2026, 11, 23, 9), due=f.utc(2026, 11, 25, 6))
        still_out = f.booking(s, pickup=f.utc(2026, 11, 23, 9), due=f.utc(2026, 11, 25, 7))
    with freeze_time(f.utc(2026, 11, 24, 12)), live_app.db.transaction() as s:  # its message, the day before
        config = workspace_config(s, f.TEAM, live_app.ctx.settings)
        queue_booking_message(s, config, s.get(Booking, back.id), notify_user=None)
    live_app.settle()
    with live_app.db.transaction(readonly=True) as s:
        card_ts = s.get(Booking, back.id).card_ts
    assert "OVERDUE" not in live_app.fake.message("CFLEET", card_ts).text

    with freeze_time(f.utc(2026, 11, 25, 8, 30)):
        run_job_at("overdue-returns")
        overdue = next(p for p in run_job_at.posts("CFLEET") if "Overdue returns" in p.args["text"])
        assert sorted(listed(overdue, "booking_returned")) == sorted(
            [("overdue", str(back.id)), ("overdue", str(still_out.id))]
        )
        # the booking's message was redrawn once: it says it is overdue
        assert "OVERDUE" in live_app.fake.message("CFLEET", card_ts).text

        press(live_app, "booking_returned", back.id, card_ts)
        view = opened_modal(live_app, "booking_return")
        returned = return_values(f.utc(2026, 11, 25, 8, 29), "1300")
        response = live_app.slack.view_submission(view, returned, user="UAGENT")
        assert response.status == 200 and not response.body, response.body
        live_app.settle()

    shown = current(live_app.fake, overdue)
    assert listed(shown, "booking_returned") == [("overdue", str(still_out.id))]
    assert f"~*{back.key}*" in json.dumps(shown.args["blocks"]) and "returned" in json.dumps(shown.args["blocks"])
    assert "OVERDUE" not in live_app.fake.message("CFLEET", card_ts).text  # back: no longer overdue


def test_a_change_that_leaves_a_list_as_it_reads_edits_nothing(live_app, run_job_at):
    """A redraw of a booking whose line did not change (a note, the overdue redraw) queues no edit
    of the lists that show it: no chat.update spent on Slack's rate limit."""
    with live_app.db.transaction() as s:
        later = f.booking(s, pickup=f.utc(2026, 11, 25, 11), due=f.utc(2026, 11, 26, 9), status=BookingStatus.RESERVED)
        earlier = f.booking(s, pickup=f.utc(2026, 11, 25, 9), due=f.utc(2026, 11, 26, 9), status=BookingStatus.RESERVED)
    with freeze_time(f.utc(2026, 11, 25, 8, 0)):
        run_job_at("due-returns")
        (morning,) = run_job_at.posts("CFLEET")
        updates = len(live_app.fake.calls_to("chat.update"))
        with live_app.db.transaction() as s:
            config = workspace_config(s, f.TEAM, live_app.ctx.settings)
            for booking in (later, earlier):  # both lines stay as listed (and in the listed order)
                queue_booking_message(s, config, s.get(Booking, booking.id), notify_user=None)
        live_app.settle()
    list_updates = [c for c in live_app.fake.calls_to("chat.update")[updates:] if "Pickups today" in c.args["text"]]
    assert list_updates == []
    assert listed(current(live_app.fake, morning), "booking_picked_up") == listed(morning, "booking_picked_up")
