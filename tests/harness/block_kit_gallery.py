"""A Block Kit gallery: test-only listeners that use every element the sandbox
draws, so its page is tested whatever the desks happen to post.

``/gallery`` opens a modal of all input kinds; submitting it posts a message
with every message element; clicks on that message are answered in its thread.
"""

from __future__ import annotations

import json
import re

from slack_bolt import App


def _text(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def _options(*names: str) -> list[dict]:
    return [{"text": _text(name.title()), "value": name} for name in names]


def _input(block_id: str, label: str, element: dict, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": _text(label), "element": element, "optional": optional}
    if hint:
        block["hint"] = _text(hint)
    return block


GALLERY_MODAL = {
    "type": "modal",
    "callback_id": "gallery",
    "title": _text("Block Kit gallery"),
    "submit": _text("Post it"),
    "close": _text("Cancel"),
    "notify_on_close": True,
    "blocks": [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Every input* the sandbox draws. Title `bad` is refused."},
        },
        _input(
            "title",
            "Title",
            {"type": "plain_text_input", "action_id": "value", "max_length": 40},
            hint="Up to 40 characters",
        ),
        _input(
            "details", "Details", {"type": "plain_text_input", "action_id": "value", "multiline": True}, optional=True
        ),
        {
            **_input(
                "colour",
                "Colour",
                {"type": "static_select", "action_id": "gallery_colour", "options": _options("red", "green", "blue")},
            ),
            "dispatch_action": True,
        },
        _input("person", "Person", {"type": "users_select", "action_id": "value"}),
        _input("fruit", "Fruit", {"type": "external_select", "action_id": "value", "min_query_length": 1}),
        _input("day", "Day", {"type": "datepicker", "action_id": "value"}),
        _input("when", "When", {"type": "datetimepicker", "action_id": "value"}),
        _input(
            "extras",
            "Extras",
            {"type": "checkboxes", "action_id": "value", "options": _options("sunroof", "towbar")},
            optional=True,
        ),
        {
            "type": "actions",
            "block_id": "more",
            "elements": [
                {"type": "button", "action_id": "gallery_push", "text": _text("Push a view")},
            ],
        },
    ],
}

FRUIT = ["apple", "apricot", "banana", "cherry"]


def _message_blocks(values: dict) -> list[dict]:
    def chosen(block: str) -> dict:
        return values[block]["value"]

    return [
        {"type": "header", "text": _text(f"Gallery: {chosen('title')['value']}")},
        {
            "type": "section",
            "fields": [
                {
                    "type": "mrkdwn",
                    "text": f"*Colour*\n{values['colour']['gallery_colour']['selected_option']['value']}",
                },
                {"type": "mrkdwn", "text": f"*Person*\n<@{chosen('person')['selected_user']}>"},
                {"type": "mrkdwn", "text": f"*Fruit*\n{chosen('fruit')['selected_option']['value']}"},
                {
                    "type": "mrkdwn",
                    "text": f"*When*\n<!date^{chosen('when')['selected_date_time']}^{{date_short}} {{time}}|then>",
                },
            ],
            "accessory": {"type": "overflow", "action_id": "gallery_overflow", "options": _options("archive", "copy")},
        },
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"Day {chosen('day')['selected_date']} · <!channel> is not pinged"}
            ],
        },
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": "buttons",
            "elements": [
                {
                    "type": "button",
                    "action_id": "gallery_ok",
                    "text": _text("Approve"),
                    "style": "primary",
                    "value": "ok",
                },
                {
                    "type": "button",
                    "action_id": "gallery_delete",
                    "text": _text("Delete"),
                    "style": "danger",
                    "value": "delete",
                    "confirm": {
                        "title": _text("Delete it?"),
                        "text": _text("This cannot be undone."),
                        "confirm": _text("Delete"),
                        "deny": _text("Keep it"),
                        "style": "danger",
                    },
                },
                {
                    "type": "static_select",
                    "action_id": "gallery_pick",
                    "placeholder": _text("Severity"),
                    "options": _options("minor", "major"),
                },
            ],
        },
    ]


def register_gallery(app: App) -> None:
    @app.command("/gallery")
    def gallery(ack, body, client):
        ack()
        view = {**GALLERY_MODAL, "private_metadata": json.dumps({"channel": body["channel_id"]})}
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.options("value")
    def fruit(ack, payload):
        ack(options=[o for o in _options(*FRUIT) if o["value"].startswith(payload["value"].lower())])

    @app.view("gallery")
    def submitted(ack, view, client):
        values = view["state"]["values"]
        if values["title"]["value"]["value"] == "bad":
            return ack(response_action="errors", errors={"title": "“bad” is not a good title."})
        if values["title"]["value"]["value"] == "update":
            return ack(
                response_action="update",
                view={
                    "type": "modal",
                    "title": _text("Updated"),
                    "close": _text("Done"),
                    "blocks": [{"type": "section", "text": _text("Replaced whole.")}],
                },
            )
        ack()
        channel = json.loads(view["private_metadata"])["channel"]
        client.chat_postMessage(channel=channel, text="Gallery", blocks=_message_blocks(values))

    @app.view_closed("gallery")
    def closed(ack):
        ack()

    @app.action("gallery_colour")
    def colour_chosen(ack, body, action, client):
        """views.update with the same inputs: what was typed stays (Slack keeps it; so must the page)."""
        ack()
        view = body["view"]
        note = {
            "type": "context",
            "block_id": "colour_note",
            "elements": [{"type": "mrkdwn", "text": f"You chose *{action['selected_option']['value']}*."}],
        }
        blocks = [b for b in view["blocks"] if b.get("block_id") != "colour_note"]
        blocks.insert(3, note)
        client.views_update(
            view_id=view["id"],
            hash=view["hash"],
            view={
                **{k: GALLERY_MODAL[k] for k in ("type", "callback_id", "title", "submit", "close", "notify_on_close")},
                "blocks": blocks,
                "private_metadata": view["private_metadata"],
            },
        )

    @app.action("gallery_push")
    def push(ack, body, client):
        ack()
        client.views_push(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "gallery_pushed",
                "title": _text("Pushed"),
                "blocks": [{"type": "section", "text": _text("A pushed view. Back returns to the gallery.")}],
            },
        )

    @app.action(re.compile(r"^gallery_(ok|delete|pick|overflow)$"))
    def clicked(ack, body, action, client):
        ack()
        chosen = action.get("value") or action["selected_option"]["value"]
        message = body["container"]
        client.chat_postMessage(
            channel=message["channel_id"], thread_ts=message["message_ts"], text=f"{body['user']['id']} chose {chosen}"
        )
