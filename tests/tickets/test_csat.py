"""Satisfaction ratings (CSAT, PRODUCT.md §3) over signed HTTP on both databases: the resolve DM's
five buttons, one rating per resolution (replaced within 7 days, refused after it or once reopened),
the reporter only, the comment modal, the history, the digest. Time with freezegun."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.digest import digest_now
from bot.services.tickets import csat
from bot.views.digest import digest_message
from db.models import Role, TicketEvent, TicketRating
from tests.faults.block_kit import problems

from .helpers import click, click_in_dm, grant, latest_view, raise_ticket, ticket

RESOLVED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def resolve(live_app, raised, note: str = "Replaced the toner", user: str = "UTECH") -> None:
    before = len(live_app.fake.calls_to("views.open"))
    click(live_app, raised, "ticket_resolve", user)
    live_app.fake.wait_for("views.open", count=before + 1)
    values = {"note": {"note": {"type": "plain_text_input", "value": note}}}
    assert live_app.slack.view_submission(latest_view(live_app), values, user=user).status == 200
    live_app.settle()


def resolve_dm(live_app, user: str = "UEMPLOYEE"):
    """The newest DM asking *How did we do?*."""
    return [
        m for m in live_app.fake.channel_messages(live_app.fake.dm_channel(user)) if "ticket_csat_" in str(m.blocks)
    ][-1]


def button(message, action_id: str) -> dict:
    """The element ``action_id`` of ``message``, as a click sends it (with its block id)."""
    for block in message.blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return {**element, "block_id": block["block_id"]}
    raise AssertionError(f"no {action_id} in {message.blocks}")


def csat_button(message, score: int) -> dict:
    return button(message, f"ticket_csat_{score}")


def resolved_ticket(live_app, user: str = "UEMPLOYEE", *, first: bool = True):
    """A ticket of ``user`` resolved by a technician (made one by the ``first`` call), and the DM that
    asks them *How did we do?*."""
    if first:
        grant(live_app, "UTECH", Role.TECHNICIAN)
    raised = raise_ticket(live_app, user=user)
    resolve(live_app, raised)
    return raised, resolve_dm(live_app, user)


def rate(live_app, message, score: int, user: str = "UEMPLOYEE", value: str | None = None, action: dict | None = None):
    """Click ``score`` on ``message`` (or ``action``, a button kept from an earlier version of it)."""
    action = dict(action or csat_button(message, score))
    if value is not None:
        action["value"] = value
    response = live_app.slack.block_action(action, user=user, channel=message.channel, message_ts=message.ts)
    live_app.settle()
    return response


def open_comment_form(live_app, dm) -> None:
    """The reporter clicks *Add a comment* on the (rated) DM ``dm``; its modal opens."""
    before = len(live_app.fake.calls_to("views.open"))
    action = button(live_app.fake.message(dm.channel, dm.ts), "ticket_csat_comment")
    live_app.slack.block_action(action, user="UEMPLOYEE", channel=dm.channel, message_ts=dm.ts)
    live_app.fake.wait_for("views.open", count=before + 1)


def ratings(live_app) -> list[TicketRating]:
    with live_app.db.transaction() as session:
        return list(session.scalars(select(TicketRating).order_by(TicketRating.id)))


def csat_events(live_app, ticket_id: int) -> list[tuple[str, str | None, str | None, str | None]]:
    return [
        (e.kind, e.old_value, e.new_value, e.body)
        for e in ticket(live_app, ticket_id).events
        if e.kind.startswith("csat")
    ]


def refused(live_app, send, words: str) -> bool:
    """``send()`` is refused: an ephemeral answer naming the reason, through the click's response_url."""

    def refusal(call) -> bool:
        return call.args.get("response_type") == "ephemeral" and words in call.args.get("text", "")

    before = len([c for c in live_app.fake.calls_to("response_url") if refusal(c)])
    assert send().status == 200
    live_app.fake.wait_for("response_url", refusal, count=before + 1)
    live_app.settle()
    return True


def test_rate_then_change_within_seven_days(live_app):
    with freeze_time(RESOLVED, tick=True) as clock:
        raised, dm = resolved_ticket(live_app)
        assert "How did we do?" in str(dm.blocks)

        assert rate(live_app, dm, 4).status == 200
        redrawn = live_app.fake.message(dm.channel, dm.ts)
        assert "You rated 4/5 — thanks" in str(redrawn.blocks)
        assert csat_button(redrawn, 4).get("style") == "primary" and "ticket_csat_comment" in str(redrawn.blocks)
        assert "ticket_reopen" in str(redrawn.blocks)  # the rest of the DM stays

        clock.move_to(RESOLVED + timedelta(days=6, hours=23))
        assert rate(live_app, redrawn, 2).status == 200
        assert "You rated 2/5 — thanks" in str(live_app.fake.message(dm.channel, dm.ts).blocks)
    (rating,) = ratings(live_app)
    assert rating.rating == 2 and rating.rated_by == "UEMPLOYEE" and rating.ticket_id == raised.id
    assert csat_events(live_app, raised.id) == [("csat", None, "4", None), ("csat", "4", "2", None)]
    thread = str([m.text for m in live_app.fake.channel_messages(raised.card_channel, raised.card_ts)])
    assert "rated the resolution 4/5" in thread and "from 4/5 to 2/5" in thread
    with live_app.db.transaction() as session:
        assert csat.current_rating(session, raised.team_id, raised.id) == 2
        assert csat.current_rating(session, "TOTHER", raised.id) is None


def test_refused_after_seven_days(live_app):
    with freeze_time(RESOLVED, tick=True) as clock:
        raised, dm = resolved_ticket(live_app)
        assert rate(live_app, dm, 5).status == 200
        clock.move_to(RESOLVED + timedelta(days=7, minutes=1))
        assert refused(live_app, lambda: rate(live_app, dm, 1), "7 days after the resolution")
    (rating,) = ratings(live_app)
    assert rating.rating == 5
    assert csat_events(live_app, raised.id) == [("csat", None, "5", None)]


def test_a_reopened_ticket_refuses_the_old_dm_and_its_new_resolution_is_rated_apart(live_app):
    raised, first = resolved_ticket(live_app)
    old_button = csat_button(first, 3)
    rate(live_app, first, 2)
    click_in_dm(live_app, raised, "ticket_reopen", "UEMPLOYEE")
    live_app.settle()
    assert refused(live_app, lambda: rate(live_app, first, 3, action=old_button), "reopened since")
    resolve(live_app, ticket(live_app, raised.id), note="Really fixed now")
    second = resolve_dm(live_app)
    assert second.ts != first.ts
    assert refused(live_app, lambda: rate(live_app, first, 3, action=old_button), "reopened since")
    rate(live_app, second, 5)
    assert [(r.rating, r.ticket_id) for r in ratings(live_app)] == [(2, raised.id), (5, raised.id)]
    with live_app.db.transaction() as session:
        assert csat.current_rating(session, raised.team_id, raised.id) == 5


def test_only_the_reporter_rates_and_a_foreign_id_is_not_found(live_app):
    raised, dm = resolved_ticket(live_app)
    # Someone else clicking the same button (a forged click with the same value): refused.
    assert refused(live_app, lambda: rate(live_app, dm, 1, user="UTECH"), "Only the reporter")
    assert refused(live_app, lambda: rate(live_app, dm, 1, user="UOTHER"), "Only the reporter")
    # A forged value: another event (the ticket's creation), a made-up id, not digits.
    with live_app.db.transaction() as session:
        created = session.scalar(select(TicketEvent.id).where(TicketEvent.kind == "created"))
    assert refused(live_app, lambda: rate(live_app, dm, 1, value=str(created)), "doesn't exist")
    assert refused(live_app, lambda: rate(live_app, dm, 1, value="999999"), "doesn't exist")
    assert rate(live_app, dm, 1, value="\u0661").status == 200
    assert ratings(live_app) == [] and csat_events(live_app, raised.id) == []


def test_a_resolution_of_another_workspace_is_not_found(live_app):
    raised, _ = resolved_ticket(live_app)
    with live_app.db.transaction() as session:
        actor = Actor("TOTHER", "UEMPLOYEE", frozenset({Role.EMPLOYEE}))
        resolution = csat.latest_resolution_id(session, ticket(live_app, raised.id))
        assert resolution is not None
        try:
            csat.rate(session, actor, resolution, 4)
        except csat.NotFound as error:
            assert "doesn't exist" in error.message
        else:
            raise AssertionError("another workspace rated it")
    assert ratings(live_app) == []


def test_a_double_click_or_a_retry_records_one_rating(live_app):
    raised, dm = resolved_ticket(live_app)
    action = csat_button(dm, 3)
    payload = {
        "type": "block_actions",
        "team": {"id": raised.team_id},
        "user": {"id": "UEMPLOYEE", "team_id": raised.team_id},
        "api_app_id": "AHIREDESK",
        "trigger_id": live_app.fake.issue_trigger("UEMPLOYEE"),
        "actions": [{**action, "action_ts": "1.0"}],
        "container": {"type": "message", "message_ts": dm.ts, "channel_id": dm.channel},
        "channel": {"id": dm.channel},
        "response_url": live_app.fake.response_url_for(dm.channel, "UEMPLOYEE", dm.ts),
    }
    at = int(time.time())
    first = live_app.slack.post_payload(payload, timestamp=at)
    retry = live_app.slack.post_payload(payload, timestamp=at)  # Slack's retry: the same signed request
    again = live_app.slack.block_action(action, user="UEMPLOYEE", channel=dm.channel, message_ts=dm.ts)
    assert first.status == retry.status == again.status == 200
    live_app.settle()
    assert [r.rating for r in ratings(live_app)] == [3]
    assert csat_events(live_app, raised.id) == [("csat", None, "3", None)]


def test_the_comment_modal(live_app):
    raised, dm = resolved_ticket(live_app)
    rate(live_app, dm, 4)
    rated = live_app.fake.message(dm.channel, dm.ts)
    comment_button = button(rated, "ticket_csat_comment")
    # Nobody else may open it.
    assert refused(
        live_app,
        lambda: live_app.slack.block_action(comment_button, user="UTECH", channel=dm.channel, message_ts=dm.ts),
        "Only the reporter",
    )
    before = len(live_app.fake.calls_to("views.open"))
    live_app.slack.block_action(comment_button, user="UEMPLOYEE", channel=dm.channel, message_ts=dm.ts)
    live_app.fake.wait_for("views.open", count=before + 1)
    form = latest_view(live_app)
    assert form["callback_id"] == "ticket_csat_comment"
    values = {"csat_comment": {"comment": {"type": "plain_text_input", "value": "Quick & <friendly>"}}}
    saved = live_app.slack.view_submission(form, values, user="UEMPLOYEE")
    assert saved.status == 200 and saved.json["response_action"] == "update"
    live_app.settle()
    (rating,) = ratings(live_app)
    assert rating.comment == "Quick & <friendly>"
    assert csat_events(live_app, raised.id)[-1] == ("csat_comment", None, None, "Quick & <friendly>")
    redrawn = str(live_app.fake.message(dm.channel, dm.ts).blocks)
    assert "Quick &amp; &lt;friendly&gt;" in redrawn and "Edit your comment" in redrawn
    # A comment of control characters is refused inline; nothing written.
    bad = {"csat_comment": {"comment": {"type": "plain_text_input", "value": "bad\x00"}}}
    again = live_app.slack.view_submission(latest_view(live_app) | {"hash": "other"}, bad, user="UEMPLOYEE")
    assert again.json.get("response_action") == "errors"
    assert ratings(live_app)[0].comment == "Quick & <friendly>"


def test_the_digest_shows_the_average_and_count(live_app):
    grant(live_app, "UMANAGER", Role.MANAGER)
    for user, score in (("UEMPLOYEE", 5), ("UOTHER", 2)):
        raised, dm = resolved_ticket(live_app, user, first=user == "UEMPLOYEE")
        rate(live_app, dm, score, user=user)
    response = live_app.slack.command("/hiredesk", "digest now", user="UMANAGER")
    assert "Satisfaction" in str(response.json["blocks"]) and "3.5/5 (2 ratings)" in str(response.json["blocks"])
    with live_app.db.transaction() as session:
        manager = Actor(raised.team_id, "UMANAGER", frozenset({Role.MANAGER}))
        later = digest_now(session, manager, live_app.ctx.settings, utcnow() + timedelta(days=2))
        assert later.csat.count == 0 and "no ratings" in str(digest_message(later)["blocks"])
        assert session.scalar(select(func.count()).select_from(TicketRating)) == 2


def test_a_hostile_comment_of_the_longest_kind_is_posted_escaped_and_within_limits(live_app):
    _, dm = resolved_ticket(live_app)
    rate(live_app, dm, 1)
    open_comment_form(live_app, dm)
    hostile = ("<!channel> <@UADMIN> *bold* &amp; <https://evil|click> " * 30)[: csat.COMMENT_LIMIT]
    values = {"csat_comment": {"comment": {"type": "plain_text_input", "value": hostile}}}
    assert live_app.slack.view_submission(latest_view(live_app), values, user="UEMPLOYEE").status == 200
    live_app.settle()
    assert ratings(live_app)[0].comment == hostile.strip()
    for call in live_app.fake.calls:
        assert not problems(call.method, call.args), problems(call.method, call.args)
        if not call.method.startswith("views."):
            assert "<!channel>" not in str(call.args) and "<https://evil" not in str(call.args), call.method


def test_two_clicks_at_once_make_one_rating(live_app):
    """Two scores clicked at the same moment (two tabs): the ticket's row lock orders them; one rating row,
    the second replacing the first in the history."""
    raised, dm = resolved_ticket(live_app)
    start = threading.Barrier(2)
    statuses = {}

    def click_score(score: int) -> None:
        start.wait()
        action = csat_button(dm, score)
        statuses[score] = live_app.slack.block_action(
            action, user="UEMPLOYEE", channel=dm.channel, message_ts=dm.ts
        ).status

    threads = [threading.Thread(target=click_score, args=(score,)) for score in (2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == {2: 200, 4: 200}
    live_app.settle()
    (rating,) = ratings(live_app)
    events = csat_events(live_app, raised.id)
    first, second = events
    assert first[1] is None and second[1] == first[2] and second[2] == str(rating.rating)


def test_the_export_carries_the_rating(live_app):
    """`/ticket export`'s CSAT column is the ticket's current rating (PRODUCT.md §3, Export)."""
    from tests.export.test_export import the_file

    raised, dm = resolved_ticket(live_app)
    rate(live_app, dm, 5)
    assert live_app.slack.command("/ticket", "export", user="UTECH").status == 200
    live_app.settle()
    header, *rows = the_file(live_app.fake, "UTECH")
    (row,) = [r for r in rows if r[0] == f"T-{raised.number}"]
    assert row[header.index("CSAT")] == "5"


def test_a_rating_leaves_the_card_alone_only_its_thread_and_the_dm_change(live_app):
    """The card doesn't show the rating: a click adds the line in its thread and redraws the DM, and
    sends no edit of the card (it would be the same card again)."""
    with freeze_time(RESOLVED, tick=True):
        raised, dm = resolved_ticket(live_app)
        card = (raised.card_channel, raised.card_ts)

        def card_edits() -> int:
            return len(
                [c for c in live_app.fake.calls_to("chat.update") if (c.args.get("channel"), c.args.get("ts")) == card]
            )

        edits, thread = card_edits(), len(live_app.fake.channel_messages(*card))
        assert rate(live_app, dm, 5).status == 200
        assert rate(live_app, live_app.fake.message(dm.channel, dm.ts), 3).status == 200
    assert card_edits() == edits
    assert len(live_app.fake.channel_messages(*card)) == thread + 2
    assert "You rated 3/5 — thanks" in str(live_app.fake.message(dm.channel, dm.ts).blocks)


def test_a_comment_written_slowly_still_shows_in_the_dm(live_app):
    """The comment modal may be submitted long after the click that opened it (a click's
    response_url lasts 30 minutes): the DM is edited where it is (chat.update of its channel and ts),
    never through a response_url."""
    with freeze_time(RESOLVED, tick=True) as clock:
        _, dm = resolved_ticket(live_app)
        rate(live_app, dm, 4)
        open_comment_form(live_app, dm)
        clock.move_to(RESOLVED + timedelta(hours=2))
        values = {"csat_comment": {"comment": {"type": "plain_text_input", "value": "Took a while, but fixed"}}}
        assert live_app.slack.view_submission(latest_view(live_app), values, user="UEMPLOYEE").status == 200
        live_app.settle()
    assert "Took a while, but fixed" in str(live_app.fake.message(dm.channel, dm.ts).blocks)
    redraws = [
        c
        for c in live_app.fake.calls_to("chat.update")
        if (c.args.get("channel"), c.args.get("ts")) == (dm.channel, dm.ts)
    ]
    assert len(redraws) == 2  # the rating, then the comment
    assert not [c for c in live_app.fake.calls_to("response_url") if "csat" in str(c.args)]
