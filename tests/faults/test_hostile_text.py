"""Hostile text through every slash command and every text field of the modals, from hypothesis.

Whatever is typed: no 5xx, never "Something went wrong", no mention or broadcast posted raw, no Block
Kit limit exceeded. 2,000 examples in a normal run; ``--soak`` runs 10,000."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.user_text import REFUSED
from handlers.support import UNEXPECTED
from tests.faults.block_kit import problems

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# What must never reach Slack raw: a broadcast, a mention of someone, a link in disguise.
INJECTIONS = ["<!channel>", "<!here>", "<!everyone>", "<@UVICTIM>", "<#CVICTIM>", "<https://evil.example|bank>"]
RAW = ["<!channel", "<!here", "<!everyone", "<@UVICTIM", "<#CVICTIM", "<https://evil"]

hostile = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
    st.lists(st.one_of(st.sampled_from(INJECTIONS), st.text(max_size=20)), max_size=12).map("".join),
    st.sampled_from(["\x00", "a\x00b", "\x1b[31m", "\u202e", "T-\u0661\u0662", "\r\n", "&lt;!channel&gt;"]),
)

COMMANDS = ["/ticket", "/hiredesk", "/customer", "/vehicle", "/booking"]
# The modals with free text: the command that opens each.
MODALS = {"ticket_new": ("/ticket", ""), "customer_form": ("/customer", "new"), "vehicle_form": ("/vehicle", "new")}


def examples(request, share: float) -> settings:
    total = 10_000 if request.config.getoption("--soak") else 2_000
    return settings(
        max_examples=int(total * share),
        deadline=None,
        derandomize=not request.config.getoption("--soak"),
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def answer_is_sound(response) -> None:
    assert response.status < 500, response.body
    assert UNEXPECTED not in response.body
    assert "Traceback" not in response.body


def posted_safely(live_app) -> None:
    """Everything the app sent to Slack: no raw injection, within Block Kit's limits."""
    live_app.settle(timeout=60)
    for call in live_app.fake.calls:
        assert not problems(call.method, call.args), problems(call.method, call.args)
        if call.method.startswith("views."):
            continue  # a modal's text inputs hold the text as typed (plain text: Slack renders no mention)
        sent = json.dumps(call.args, ensure_ascii=False)
        for raw in RAW:
            assert raw not in sent, f"{call.method} posted {raw!r} raw: {sent[:500]}"
    live_app.fake.reset()


def test_hostile_command_text(live_app, request):
    live_app.fake.add_user("UADMIN")

    @examples(request, share=0.5)
    @given(command=st.sampled_from(COMMANDS), text=hostile)
    def run(command, text):
        answer_is_sound(live_app.slack.command(command, text, user="UADMIN"))

    run()
    posted_safely(live_app)


def modal(live_app, callback_id: str) -> dict:
    command, text = MODALS[callback_id]
    assert live_app.slack.command(command, text, user="UADMIN").status == 200
    live_app.fake.wait_for("views.open")
    return [v for v in live_app.fake.views.values() if v.get("callback_id") == callback_id][-1]


def values_for(view: dict, typed: list[str]) -> dict:
    """``view.state.values``: hostile text in every text input, the first option in every select."""
    values, texts = {}, iter(typed)
    for block in view["blocks"]:
        element = block.get("element") or {}
        if block.get("type") != "input":
            continue
        if element["type"] in ("plain_text_input", "email_text_input", "number_input"):
            values[block["block_id"]] = {element["action_id"]: {"type": element["type"], "value": next(texts, "x")}}
        elif element["type"] == "static_select":
            option = (element.get("options") or [{}])[0]
            values[block["block_id"]] = {element["action_id"]: {"type": "static_select", "selected_option": option}}
    return values


@pytest.mark.parametrize("callback_id", list(MODALS))
def test_hostile_modal_fields(live_app, request, callback_id):
    view = modal(live_app, callback_id)

    @examples(request, share=0.5 / len(MODALS))
    @given(typed=st.lists(hostile, min_size=8, max_size=8))
    def run(typed):
        submitted = {**view, "hash": uuid.uuid4().hex}  # a fresh submission each time, not a repeat
        answer_is_sound(live_app.slack.view_submission(submitted, values_for(view, typed), user="UADMIN"))

    run()
    posted_safely(live_app)


def test_a_nul_in_a_title_is_refused_inline(live_app):
    view = modal(live_app, "ticket_new")
    response = live_app.slack.view_submission(
        view, values_for(view, ["Printer\x00 jammed", "on floor 2"]), user="UADMIN"
    )
    assert response.status == 200
    assert response.json == {"response_action": "errors", "errors": {"title": REFUSED}}


def test_arabic_indic_digits_are_no_ticket_number(live_app):
    view = modal(live_app, "ticket_new")
    live_app.slack.view_submission(view, values_for(view, ["Printer jammed", "floor 2"]), user="UADMIN")
    for text in ("\u0661", "T-\u0661", "\u0661\u0662"):
        answer = live_app.slack.command("/ticket", text, user="UADMIN")
        assert "T-1 " not in answer.body and "T-1*" not in answer.body, answer.body
