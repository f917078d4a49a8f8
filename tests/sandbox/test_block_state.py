"""What the sandbox sends for Block Kit elements: state.values and actions, shaped as Slack's."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from bot.sandbox.block_state import action_payload, find_element, local_input_value, state_values

LONDON = ZoneInfo("Europe/London")
COLOURS = [
    {"text": {"type": "plain_text", "text": "Red"}, "value": "red"},
    {"text": {"type": "plain_text", "text": "Blue"}, "value": "blue"},
]
BLOCKS = [
    {"type": "input", "block_id": "title", "element": {"type": "plain_text_input", "action_id": "v"}, "label": {}},
    {
        "type": "input",
        "block_id": "colour",
        "element": {"type": "static_select", "action_id": "v", "option_groups": [{"label": {}, "options": COLOURS}]},
        "label": {},
    },
    {"type": "input", "block_id": "who", "element": {"type": "multi_users_select", "action_id": "v"}, "label": {}},
    {"type": "input", "block_id": "when", "element": {"type": "datetimepicker", "action_id": "v"}, "label": {}},
    {"type": "input", "block_id": "fruit", "element": {"type": "external_select", "action_id": "v"}, "label": {}},
    {
        "type": "input",
        "block_id": "extras",
        "element": {"type": "checkboxes", "action_id": "v", "options": COLOURS},
        "label": {},
    },
    {
        "type": "actions",
        "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "value": "7", "style": "primary"}
        ],
    },
    {"type": "section", "text": {}, "accessory": {"type": "overflow", "action_id": "more", "options": COLOURS}},
]


def test_state_values_has_every_input_filled_or_empty():
    apple = {"text": {"type": "plain_text", "text": "Apple"}, "value": "apple"}
    form = {
        "title": {"v": ["Printer"]},
        "colour": {"v": ["blue"]},
        "who": {"v": ["U1", "U2"]},
        "when": {"v": ["2026-07-01T10:30"]},
        "fruit": {"v": [json.dumps(apple)]},
        "extras": {"v": ["red"]},
    }
    values = state_values(BLOCKS, form, LONDON)
    assert values["title"]["v"] == {"type": "plain_text_input", "value": "Printer"}
    assert values["colour"]["v"]["selected_option"]["value"] == "blue"
    assert values["who"]["v"]["selected_users"] == ["U1", "U2"]
    assert values["when"]["v"]["selected_date_time"] == 1782898200  # 09:30 UTC: London is on BST
    assert values["fruit"]["v"]["selected_option"] == apple
    assert values["extras"]["v"]["selected_options"] == [COLOURS[0]]
    empty = state_values(BLOCKS, {}, LONDON)
    assert empty["title"]["v"]["value"] is None and empty["colour"]["v"]["selected_option"] is None


def test_an_option_the_element_does_not_offer_is_not_sent():
    values = state_values(BLOCKS, {"colour": {"v": ["green"]}, "fruit": {"v": ["not json"]}}, LONDON)
    assert values["colour"]["v"]["selected_option"] is None
    assert values["fruit"]["v"]["selected_option"] is None


def test_elements_without_ids_get_the_ids_the_page_used():
    button = find_element(BLOCKS, "block-6", "action-0")
    action = action_payload(button, "block-6", [], LONDON)
    assert action["value"] == "7" and action["style"] == "primary" and action["type"] == "button"
    overflow = find_element(BLOCKS, "block-7", "more")
    assert action_payload(overflow, "block-7", ["red"], LONDON)["selected_option"] == COLOURS[0]
    assert find_element(BLOCKS, "block-6", "nope") is None


def test_datetime_inputs_round_trip_in_the_workspace_zone():
    assert local_input_value(1782898200, LONDON) == "2026-07-01T10:30"
    assert local_input_value(None, LONDON) == ""
