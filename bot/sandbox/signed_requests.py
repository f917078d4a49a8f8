"""Sends requests to the app exactly as Slack does: shaped like Slack's
payloads, form-encoded or JSON, signed with the signing secret (v0 HMAC-SHA256).

Used by the tests and by the sandbox page, so both go through the same code
path as real Slack traffic.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fakeslack import FakeSlack


@dataclass
class SlackResponse:
    status: int
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SignedSlackClient:
    """One workspace's Slack, talking to the app at ``app_url``."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        fake: FakeSlack,
        team_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> None:
        self.app_url = app_url.rstrip("/") + "/slack/events"
        self.secret = signing_secret
        self.fake = fake
        self.team_id = team_id or fake.team_id
        self.enterprise_id = enterprise_id  # a workspace of an Enterprise Grid organization

    # ---- transport -------------------------------------------------------
    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> SlackResponse:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature if signature is not None else sign(secret or self.secret, ts, body),
            **(headers or {}),
        }
        request = urllib.request.Request(self.app_url, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return SlackResponse(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return SlackResponse(error.code, error.read().decode())

    def post_form(self, fields: dict[str, str], **kwargs) -> SlackResponse:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **kwargs)

    def post_payload(self, payload: dict, **kwargs) -> SlackResponse:
        if self.enterprise_id:
            payload = {**payload, "enterprise": {"id": self.enterprise_id, "name": "Grid"}}
        return self.post_form({"payload": json.dumps(payload)}, **kwargs)

    def post_json(self, body: dict, **kwargs) -> SlackResponse:
        return self.post(json.dumps(body), "application/json", **kwargs)

    # ---- payload shapes --------------------------------------------------
    def _user(self, user_id: str) -> dict:
        return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": self.team_id}

    def command(
        self, command: str, text: str = "", *, user: str, channel: str = "C0GENERAL", **kwargs
    ) -> SlackResponse:
        return self.post_form(
            {
                "token": "deprecated-verification-token",
                "team_id": self.team_id,
                "team_domain": "fake",
                "channel_id": channel,
                "channel_name": self.fake.channels.get(channel, "general"),
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": "AHIREDESK",
                "is_enterprise_install": "false",
                **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
                "response_url": self.fake.response_url_for(channel, user),
                "trigger_id": self.fake.issue_trigger(user),
            },
            **kwargs,
        )

    def block_action(
        self,
        action: dict,
        *,
        user: str,
        channel: str | None = None,
        message_ts: str | None = None,
        view: dict | None = None,
        **kwargs,
    ) -> SlackResponse:
        """Click on an element. ``action`` is the element's dict with the clicked state
        (``value``, ``selected_option``, ``selected_user``…) and its ``block_id``."""
        action = {"action_ts": f"{time.time():.6f}", **action}
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "fake"},
            "user": self._user(user),
            "api_app_id": "AHIREDESK",
            "token": "deprecated",
            "trigger_id": self.fake.issue_trigger(user),
            "actions": [action],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = view
        elif channel is not None:
            message = self.fake.message(channel, message_ts) if message_ts else None
            payload["container"] = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel, "name": self.fake.channels.get(channel, channel)}
            payload["message"] = {
                "type": "message",
                "ts": message_ts,
                "text": message.text if message else "",
                "blocks": message.blocks if message else [],
                "user": FakeSlack.BOT_USER,
            }
            payload["response_url"] = self.fake.response_url_for(channel, user, message_ts)
        return self.post_payload(payload, **kwargs)

    def view_submission(self, view: dict, values: dict[str, dict[str, dict]], *, user: str, **kwargs) -> SlackResponse:
        """Submit a modal. ``values`` is ``{block_id: {action_id: element_state}}`` as Slack sends it."""
        submitted = {**view, "state": {"values": values}}
        return self.post_payload(
            {
                "type": "view_submission",
                "team": {"id": self.team_id, "domain": "fake"},
                "user": self._user(user),
                "api_app_id": "AHIREDESK",
                "token": "deprecated",
                "trigger_id": self.fake.issue_trigger(user),
                "view": submitted,
                "response_urls": [],
            },
            **kwargs,
        )

    def view_closed(self, view: dict, *, user: str, **kwargs) -> SlackResponse:
        return self.post_payload(
            {
                "type": "view_closed",
                "team": {"id": self.team_id},
                "user": self._user(user),
                "api_app_id": "AHIREDESK",
                "view": view,
                "is_cleared": False,
            },
            **kwargs,
        )

    def block_suggestion(
        self, action_id: str, value: str, *, user: str, block_id: str = "", view: dict | None = None, **kwargs
    ) -> SlackResponse:
        payload: dict[str, Any] = {
            "type": "block_suggestion",
            "team": {"id": self.team_id, "domain": "fake"},
            "user": self._user(user),
            "api_app_id": "AHIREDESK",
            "token": "deprecated",
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = view
        return self.post_payload(payload, **kwargs)

    def message_shortcut(self, callback_id: str, *, user: str, channel: str, message: dict, **kwargs) -> SlackResponse:
        return self.post_payload(
            {
                "type": "message_action",
                "callback_id": callback_id,
                "team": {"id": self.team_id, "domain": "fake"},
                "user": self._user(user),
                "channel": {"id": channel, "name": self.fake.channels.get(channel, channel)},
                "message": message,
                "message_ts": message.get("ts"),
                "trigger_id": self.fake.issue_trigger(user),
                "token": "deprecated",
                "response_url": self.fake.response_url_for(channel, user),
                "action_ts": f"{time.time():.6f}",
            },
            **kwargs,
        )

    def global_shortcut(self, callback_id: str, *, user: str, **kwargs) -> SlackResponse:
        return self.post_payload(
            {
                "type": "shortcut",
                "callback_id": callback_id,
                "team": {"id": self.team_id, "domain": "fake"},
                "user": self._user(user),
                "trigger_id": self.fake.issue_trigger(user),
                "token": "deprecated",
                "action_ts": f"{time.time():.6f}",
            },
            **kwargs,
        )

    def event(
        self, event: dict, *, event_id: str | None = None, retry_num: int | None = None, **kwargs
    ) -> SlackResponse:
        """An Events API callback. Slack sends a retry with the same ``event_id`` and an
        ``X-Slack-Retry-Num`` header (1, 2, 3) when the app did not answer 200 in time."""
        if retry_num is not None:
            kwargs["headers"] = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post_json(
            {
                "token": "deprecated",
                "team_id": self.team_id,
                "api_app_id": "AHIREDESK",
                "event": {"event_ts": f"{time.time():.6f}", **event},
                "type": "event_callback",
                "event_id": event_id or f"Ev{int(time.time() * 1000)}{next(_event_numbers)}",
                "event_time": int(time.time()),
                "authorizations": [
                    {
                        "enterprise_id": self.enterprise_id,
                        "team_id": self.team_id,
                        "user_id": FakeSlack.BOT_USER,
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
                **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
            },
            **kwargs,
        )

    def app_home_opened(self, user: str, **kwargs) -> SlackResponse:
        return self.event({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}, **kwargs)

    def message_im(self, user: str, text: str, *, ts: str, thread_ts: str | None = None, **kwargs) -> SlackResponse:
        """``message.im``: ``user`` wrote ``text`` in their DM with the app (in a thread: ``thread_ts``)."""
        event: dict[str, Any] = {
            "type": "message",
            "channel": self.fake.dm_channel(user),
            "user": user,
            "text": text,
            "ts": ts,
            "team": self.team_id,
            "channel_type": "im",
            "client_msg_id": f"{next(_event_numbers):08x}-0000-4000-8000-000000000000",
        }
        if thread_ts:
            parent = self.fake.message(self.fake.dm_channel(user), thread_ts)
            event.update(thread_ts=thread_ts, parent_user_id=parent.user if parent else FakeSlack.BOT_USER)
        return self.event(event, **kwargs)

    def reaction_added(self, user: str, reaction: str, *, channel: str, ts: str, **kwargs) -> SlackResponse:
        """``reaction_added``: ``user`` reacted with ``reaction`` (no colons) to a message."""
        message = self.fake.message(channel, ts)
        event: dict[str, Any] = {
            "type": "reaction_added",
            "user": user,
            "reaction": reaction,
            "item": {"type": "message", "channel": channel, "ts": ts},
        }
        if message is not None:
            event["item_user"] = message.user
        return self.event(event, **kwargs)


_event_numbers = itertools.count(1)
