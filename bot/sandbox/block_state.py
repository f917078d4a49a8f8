"""What the Slack client sends about Block Kit elements: a modal's ``state.values``
and the ``actions`` entry of a click, built from what the page's form holds.

The page only reports raw strings per element (``{block_id: {action_id: [str]}}``);
the element's definition comes from the stored message or view, never from the
browser, exactly like Slack, which knows the blocks it rendered.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

RawForm = dict[str, dict[str, list[str]]]

SINGLE_OPTION = {"static_select", "external_select", "radio_buttons", "overflow"}
MULTI_OPTION = {"multi_static_select", "multi_external_select", "checkboxes"}
TEXT_VALUE = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
SINGLE_PICK = {  # element type -> the state key Slack uses for its single value
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
}
MULTI_PICK = {
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}
STATEFUL = SINGLE_OPTION | MULTI_OPTION | TEXT_VALUE | set(SINGLE_PICK) | set(MULTI_PICK) | {"datetimepicker"}


def block_id(block: dict, index: int) -> str:
    """Slack gives blocks without a block_id a generated one; so does the page."""
    return block.get("block_id") or f"block-{index}"


def action_id(element: dict, index: int) -> str:
    return element.get("action_id") or f"action-{index}"


def elements(blocks: list[dict]) -> Iterator[tuple[str, dict]]:
    """Every interactive element with its block_id: input elements, actions, section accessories."""
    for index, block in enumerate(blocks):
        found = {
            "input": [block.get("element")],
            "actions": block.get("elements") or [],
            "section": [block.get("accessory")],
        }.get(block.get("type", ""), [])
        for position, element in enumerate(e for e in found if e):
            yield block_id(block, index), {**element, "action_id": action_id(element, position)}


def find_element(blocks: list[dict], wanted_block: str, wanted_action: str) -> dict | None:
    return next((e for b, e in elements(blocks) if b == wanted_block and e["action_id"] == wanted_action), None)


def all_options(element: dict) -> list[dict]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _option(element: dict, raw: str) -> dict | None:
    if element.get("type", "").endswith("external_select"):
        # External options came from the app's answer to a suggestion; the page keeps them as JSON.
        try:
            option = json.loads(raw)
        except ValueError:
            return None
        return option if isinstance(option, dict) and "value" in option else None
    return next((o for o in all_options(element) if o.get("value") == raw), None)


def element_state(element: dict, raw: list[str], tz: ZoneInfo) -> dict:
    """The state Slack reports for ``element`` holding the page's raw strings."""
    kind = element.get("type", "")
    state: dict = {"type": kind}
    first = raw[0] if raw else None
    if kind in SINGLE_OPTION:
        state["selected_option"] = _option(element, first) if first else None
    elif kind in MULTI_OPTION:
        state["selected_options"] = [o for o in (_option(element, r) for r in raw) if o]
    elif kind in TEXT_VALUE:
        state["value"] = first or None
    elif kind in SINGLE_PICK:
        state[SINGLE_PICK[kind]] = first or None
    elif kind in MULTI_PICK:
        state[MULTI_PICK[kind]] = list(raw)
    elif kind == "datetimepicker":
        state["selected_date_time"] = epoch_of_local(first, tz) if first else None
    return state


def state_values(blocks: list[dict], form: RawForm, tz: ZoneInfo) -> dict[str, dict[str, dict]]:
    """A view's ``state.values``: every stateful element, filled or empty, as Slack sends it."""
    values: dict[str, dict[str, dict]] = {}
    for block, element in elements(blocks):
        if element.get("type") in STATEFUL:
            raw = form.get(block, {}).get(element["action_id"], [])
            values.setdefault(block, {})[element["action_id"]] = element_state(element, raw, tz)
    return values


def action_payload(element: dict, block: str, raw: list[str], tz: ZoneInfo) -> dict:
    """The ``actions[0]`` of a block_actions payload for a click on (or choice in) ``element``."""
    action = {"block_id": block, "action_id": element["action_id"], **element_state(element, raw, tz)}
    if element.get("type") == "button":
        action.update(text=element.get("text"), value=element.get("value", ""))
        if element.get("style"):
            action["style"] = element["style"]
    return action


def epoch_of_local(value: str, tz: ZoneInfo) -> int | None:
    """``2026-11-23T14:30`` (a datetime-local input) in ``tz`` → Unix seconds."""
    try:
        return int(datetime.fromisoformat(value).replace(tzinfo=tz).timestamp())
    except ValueError:
        return None


def local_input_value(epoch: int | None, tz: ZoneInfo) -> str:
    """Unix seconds → the ``YYYY-MM-DDTHH:MM`` a datetime-local input shows, in ``tz``."""
    if not epoch:  # none given (the page's templates pass Jinja's Undefined)
        return ""
    return datetime.fromtimestamp(int(epoch), tz).strftime("%Y-%m-%dT%H:%M")
