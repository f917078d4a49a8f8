"""What the web app tells the operator about each request: an id, a log line, metrics.

``install(web)`` adds to the Flask app:

- a request id (the proxy's ``X-Request-Id`` if it sent a sane one, else a new one),
  answered in ``X-Request-Id`` and carried by every log line of the request;
- for Slack's requests (``POST /slack/events``): the kind, team, user and action in
  the log context, one ``slack request`` log line with outcome and duration, and the
  request and ack-latency metrics by kind and outcome;
- ``GET /metrics``: the Prometheus exposition. The bundled reverse proxy does not
  pass it on; Prometheus scrapes each replica on the internal network.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, g, request

from bot import metrics
from bot.logs import pop_context, push_context

log = logging.getLogger("hiredesk.requests")

SLACK_PATH = "/slack/events"
# Bodies larger than this are not looked into for the log context (the view still sees them whole).
LOOK_INTO_AT_MOST = 1 << 20
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
SLACK_ID = re.compile(r"^[A-Z0-9]{1,32}$")
ACTION = re.compile(r"^[\w./:@-]{1,80}$")

PAYLOAD_KINDS = {
    "block_actions": "block_action",
    "view_submission": "view_submission",
    "view_closed": "view_closed",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "block_suggestion": "options",
    "interactive_message": "block_action",
}


@dataclass(frozen=True)
class SlackRequest:
    kind: str
    team: str | None = None
    user: str | None = None
    action: str | None = None


def describe_slack_request(body: str, content_type: str) -> SlackRequest:
    """What a Slack request is, from its (not yet verified) body: only well-formed IDs are kept."""
    try:
        if content_type.startswith("application/json"):
            data = json.loads(body)
            if not isinstance(data, dict):
                return SlackRequest("other")
            if data.get("type") == "url_verification":
                return SlackRequest("url_verification")
            event = data["event"] if isinstance(data.get("event"), dict) else {}
            return _sane(SlackRequest("event", data.get("team_id"), event.get("user"), event.get("type")))
        form = {key: values[0] for key, values in parse_qs(body).items()}
        if "command" in form:
            return _sane(SlackRequest("slash_command", form.get("team_id"), form.get("user_id"), form["command"]))
        if "payload" in form:
            payload = json.loads(form["payload"])
            if isinstance(payload, dict):
                return _sane(_describe_payload(payload))
    except (ValueError, AttributeError):
        pass
    return SlackRequest("other")


def _describe_payload(payload: dict[str, Any]) -> SlackRequest:
    kind = PAYLOAD_KINDS.get(str(payload.get("type")), "other")
    team = (payload.get("team") or {}).get("id") or (payload.get("user") or {}).get("team_id")
    user = (payload.get("user") or {}).get("id")
    view = payload.get("view") or {}
    actions = payload.get("actions") or [{}]
    action = {
        "block_action": actions[0].get("action_id"),
        "options": payload.get("action_id"),
        "view_submission": view.get("callback_id"),
        "view_closed": view.get("callback_id"),
        "shortcut": payload.get("callback_id"),
    }.get(kind)
    return SlackRequest(kind, team, user, action)


def _sane(described: SlackRequest) -> SlackRequest:
    def keep(value: Any, pattern: re.Pattern[str]) -> str | None:
        return value if isinstance(value, str) and pattern.match(value) else None

    return SlackRequest(
        described.kind, keep(described.team, SLACK_ID), keep(described.user, SLACK_ID), keep(described.action, ACTION)
    )


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    return {401: "unauthorized", 400: "malformed", 404: "unhandled"}.get(
        status, "error" if status >= 500 else "rejected"
    )


def install(web: Flask) -> None:
    web.before_request(_begin)
    web.after_request(_finish)
    web.teardown_request(_end)
    web.add_url_rule("/metrics", "metrics", _metrics_view, methods=["GET"])


def _begin() -> None:
    g.observed_since = time.perf_counter()
    offered = request.headers.get("X-Request-Id", "")
    request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
    request.environ["hiredesk.request_id"] = request_id  # gunicorn's access log reads it from here
    if request.path == SLACK_PATH and request.method == "POST":
        g.slack_kind = "unverified"  # until the front door has read and verified the body (note_slack_request)
    g.log_context_token = push_context(request_id=request_id)


def note_slack_request(body: str, content_type: str) -> None:
    """Called by the front door once the body is read and its signature verified (never before:
    an unsigned body is not read at all): the request's kind, team, user and action."""
    described = describe_slack_request(body, content_type) if len(body) <= LOOK_INTO_AT_MOST else SlackRequest("other")
    g.slack_kind = described.kind
    token = g.pop("log_context_token", None)
    if token is not None:
        pop_context(token)
    g.log_context_token = push_context(
        request_id=request.environ.get("hiredesk.request_id"),
        kind=described.kind, team=described.team, user=described.user, action=described.action,
    )  # fmt: skip


def _finish(response: Response) -> Response:
    request_id = request.environ.get("hiredesk.request_id")
    if request_id:
        response.headers["X-Request-Id"] = request_id
    kind = g.get("slack_kind")
    if kind is not None:
        seconds = time.perf_counter() - g.observed_since
        outcome = outcome_of(response.status_code)
        metrics.observe_slack_request(kind, outcome, seconds)
        (log.warning if outcome == "error" else log.info)(
            "slack request", extra={"outcome": outcome, "duration_ms": round(seconds * 1000, 1)}
        )
    return response


def _end(_error: BaseException | None) -> None:
    token = g.pop("log_context_token", None)
    if token is not None:
        pop_context(token)


def _metrics_view() -> Response:
    body, content_type = metrics.render()
    return Response(body, content_type=content_type)
