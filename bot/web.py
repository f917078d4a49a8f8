"""The HTTP face of HireDesk: Slack's request URL and health checks (a WSGI app).

The front door of ``POST /slack/events``, in the order it is checked (PRODUCT.md §8):

1. headers only — no signature or timestamp, a timestamp that is not a number of seconds, a
   signature not shaped ``v0=<64 hex>`` → 401; a declared body over ``MAX_BODY_BYTES`` → 413.
   Nothing of the body has been read yet, and the connection is closed rather than drained
   (behind gunicorn, ``bot.server``'s workers read bodies before the app sees a request, so their
   waitress parser makes this same check — ``signature_headers_well_formed`` — as the headers arrive);
2. the body, read at most ``MAX_BODY_BYTES`` (a chunked body is cut off there → 413);
3. the signature (HMAC, timestamp within 5 minutes either way) → 401;
4. the shape: a JSON object, or a form whose ``payload`` is an object with the fields Bolt
   reads typed as Slack sends them → otherwise 400.
Only then does Bolt see the request. None of these refusals writes a line with a traceback.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask.handler import SlackRequestHandler, to_flask_response
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from werkzeug.wsgi import get_input_stream

from bot import observability, request_path
from bot.context import AppContext
from bot.delivery import after_answer
from db.deadline import deadline

log = logging.getLogger("hiredesk.web")

# Slack's largest request to us is a view submission: the whole modal back (at most 100 blocks; ours
# have a dozen) plus its state (a text input holds at most 3,000 characters), form-encoded. Our biggest
# modal, every field full of 4-byte characters and percent-encoded, stays under 400 KB; 1 MiB leaves
# room and still refuses a flood before it costs memory.
MAX_BODY_BYTES = 1024 * 1024
SLACK_EVENTS = "/slack/events"

ANSWER_DEADLINE_S = 2.2  # for the listener's database waits, leaving the rest of Slack's 3 s for the answer

SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII seconds since the epoch; int() alone takes '١٢' and ' 12'


def create_web_app(ctx: AppContext, bolt_app: App) -> Flask:
    web = Flask("hiredesk")
    # Socket Mode has no signing secret: Slack's requests come over the socket, never to /slack/events.
    verifier = SignatureVerifier(ctx.settings.slack_signing_secret) if ctx.settings.slack_signing_secret else None

    @web.post(SLACK_EVENTS)
    def slack_events() -> Response:
        if verifier is None or not _signature_headers_well_formed():
            return _refuse(401, "invalid request signature")
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return _refuse(413, "request too large")
        raw = _read_at_most(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:  # a chunked body has no length to check up front
            return _refuse(413, "request too large")
        body = raw.decode("utf-8", errors="replace")
        # Verifies the HMAC and refuses timestamps more than 5 minutes off, either way.
        if not verifier.is_valid_request(body, dict(request.headers)):
            return _refuse(401, "invalid request signature")
        if not well_formed(body, request.content_type or ""):
            return _refuse(400, "malformed request")
        observability.note_slack_request(body, request.content_type or "")
        # Slack gives up after 3 s: the database work of the answer ends before that, whatever the database does.
        with deadline(ANSWER_DEADLINE_S), after_answer.collecting() as queued, request_path.answering():
            answer = bolt_app.dispatch(
                BoltRequest(body=body, query=request.query_string.decode(), headers=dict(request.headers))
            )
        response = to_flask_response(answer)
        if queued:  # the messages the request committed: sent once the answer has gone out
            response.call_on_close(lambda: after_answer.send(queued))
        return response

    if ctx.settings.distributed:
        # "Add to Slack" and Slack's redirect back (Bolt's OAuth flow; no signature on these).
        slack_handler = SlackRequestHandler(bolt_app)

        @web.get("/slack/install")
        def slack_install() -> Response:
            return slack_handler.handle(request)

        @web.get("/slack/oauth_redirect")
        def slack_oauth_redirect() -> Response:
            return slack_handler.handle(request)

    @web.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @web.get("/readyz")
    def readyz() -> Response:
        try:
            ctx.db.ping()
        except Exception as error:  # any failure means "not ready"; say which
            log.warning("readiness check failed: %s", _one_line(error))
            return Response(
                json.dumps({"status": "unavailable", "database": "down"}), status=503, mimetype="application/json"
            )
        return jsonify(status="ok", database="ok")

    observability.install(web)  # request ids, per-request log line and metrics, GET /metrics
    return web


def _signature_headers_well_formed() -> bool:
    return signature_headers_well_formed(
        request.headers.get("X-Slack-Request-Timestamp", ""), request.headers.get("X-Slack-Signature", "")
    )


def signature_headers_well_formed(timestamp: str, signature: str) -> bool:
    """Whether a request's Slack headers could be a signature at all (the check before the body is
    read, here and in ``bot.server``'s workers, which read bodies before the app sees the request)."""
    return bool(TIMESTAMP.fullmatch(timestamp) and SIGNATURE.fullmatch(signature))


def _read_at_most(limit: int) -> bytes:
    """The request body, but never more than ``limit`` bytes of it (Flask's own limit truncates a
    chunked body silently, which would be answered as a bad signature instead of "too large")."""
    stream = get_input_stream(request.environ, safe_fallback=True)
    parts: list[bytes] = []
    size = 0
    while size < limit:
        part = stream.read(min(65536, limit - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _refuse(status: int, text: str) -> Response:
    # Close instead of keeping the connection alive: the server would otherwise read (drain) the
    # unread body to find the next request — exactly what a refusal before reading avoids.
    return Response(text, status=status, mimetype="text/plain", headers={"Connection": "close"})


def _one_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# The fields of a payload that Bolt and our listeners read, and the JSON type each must have when present.
# (An event's own fields are Slack's strings — ``user``, ``channel`` — so an event is only checked for its type.)
_OBJECT_FIELDS = ("team", "user", "view", "channel", "container", "message", "enterprise", "event", "state")
_TEXT_FIELDS = ("type", "team_id", "user_id", "api_app_id", "trigger_id", "response_url", "callback_id", "token")


def well_formed(body: str, content_type: str) -> bool:
    """A body Bolt can parse and route: a JSON object, a slash command's form, or a form whose
    ``payload`` is an object naming its ``type``, with every field Bolt reads of the right type."""
    try:
        if content_type.startswith("application/json"):
            return _well_typed(json.loads(body))
        form = parse_qs(body, strict_parsing=bool(body))
        if "payload" in form:
            return _well_typed(json.loads(form["payload"][0]))
        return "command" in form or "ssl_check" in form
    except ValueError:
        return False


def _well_typed(payload: Any) -> bool:
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        return False
    if not _fields_typed(payload) or not _fields_typed(payload.get("view") or {}):
        return False
    event = payload.get("event")
    if event is not None and not isinstance(event.get("type"), str):
        return False
    actions = payload.get("actions")
    return actions is None or (isinstance(actions, list) and all(isinstance(a, dict) for a in actions))


def _fields_typed(scope: dict) -> bool:
    return all(isinstance(scope.get(name), dict | None) for name in _OBJECT_FIELDS) and all(
        isinstance(scope.get(name), str | None) for name in _TEXT_FIELDS
    )
