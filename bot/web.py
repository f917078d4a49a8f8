"""The HTTP face of HireDesk: Slack's request URL and health checks (a WSGI app)."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from flask import Flask, Response, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot.context import AppContext

log = logging.getLogger("hiredesk.web")


def create_web_app(ctx: AppContext, bolt_app: App) -> Flask:
    web = Flask("hiredesk")
    slack_handler = SlackRequestHandler(bolt_app)
    verifier = SignatureVerifier(ctx.settings.slack_signing_secret or "")

    @web.post("/slack/events")
    def slack_events() -> Response:
        body = request.get_data(as_text=True)
        # Verifies the HMAC and refuses timestamps more than 5 minutes off.
        if not ctx.settings.slack_signing_secret or not verifier.is_valid_request(body, dict(request.headers)):
            return Response("invalid request signature", status=401)
        if not _well_formed(body, request.content_type or ""):
            return Response("malformed request", status=400)
        return slack_handler.handle(request)

    @web.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @web.get("/readyz")
    def readyz() -> Response:
        try:
            ctx.db.ping()
        except Exception as error:  # any failure means "not ready"; say which
            log.warning("readiness check failed: %s", error)
            return Response(
                json.dumps({"status": "unavailable", "database": "down"}), status=503, mimetype="application/json"
            )
        return jsonify(status="ok", database="ok")

    return web


def _well_formed(body: str, content_type: str) -> bool:
    """A body Bolt can parse: a JSON object, or a form whose ``payload`` (if any) is a JSON object."""
    try:
        if content_type.startswith("application/json"):
            return isinstance(json.loads(body), dict)
        form = parse_qs(body, strict_parsing=bool(body))
        if "payload" in form:
            return isinstance(json.loads(form["payload"][0]), dict)
        return "command" in form or "ssl_check" in form
    except ValueError:
        return False
