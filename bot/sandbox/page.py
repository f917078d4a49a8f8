"""The sandbox page's HTTP routes: ``/`` and ``/sandbox/…``.

Thin like the app's handlers: read the request, call the Slack client
stand-in (``SlackUI``) or the scheduler panel, answer JSON the page's script
understands (``notice`` for a line to show, ``errors`` for inline modal errors).
Requests must be JSON from this machine, so no other web page can drive it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import werkzeug
from flask import Flask, Response, abort, jsonify, redirect, request

from bot.context import AppContext
from bot.errors import DomainError

from . import scheduler_panel, workspace
from .demo_cards import load_demo
from .local_only import refuse_other_sites
from .render import Renderer, Screen
from .slack_ui import Refused, SlackUI

log = logging.getLogger("hiredesk.sandbox")

STATIC = Path(__file__).resolve().parent / "static"
LONG_POLL_SECONDS = 20.0


def create_page_app(ctx: AppContext, ui: SlackUI, renderer: Renderer) -> Flask:
    page = Flask("hiredesk-sandbox", static_folder=str(STATIC), static_url_path="/sandbox/static")

    @page.before_request
    def only_from_this_machine() -> None:
        # A foreign Host is a DNS-rebinding page trying to drive it; a foreign Origin, another site.
        refusal = refuse_other_sites()
        if refusal is not None:
            abort(refusal)
        # JSON only: a browser sends JSON to another site only after a CORS preflight, which this server never allows.
        if request.method == "POST" and not request.is_json:
            abort(415)

    def acting_user(values) -> str:
        user = values.get("as", "")
        if workspace.person(user) is None:
            abort(400, "unknown sandbox user")
        return user

    def screen_from_query() -> Screen:
        user = acting_user(request.args)
        channel = request.args.get("c") or workspace.TRIAGE.channel_id
        if channel.startswith("D") and channel != ui.fake.dm_channel(user):
            abort(404, "that is someone else's direct message")
        return Screen(user=user, channel=channel, thread=request.args.get("thread") or None)

    @page.get("/")
    def index() -> werkzeug.Response | str:  # a redirect, or the page
        if "as" not in request.args:
            return redirect(Screen(workspace.PEOPLE[0].user_id, workspace.TRIAGE.channel_id).link())
        return renderer.page(screen_from_query(), scheduler_panel.list_jobs(), ui.commands)

    @page.get("/sandbox/screen")
    def screen() -> Response:
        """The live fragments; with ``since`` it waits until something changed (long poll)."""
        since = request.args.get("since", type=int)
        if since is not None:
            ui.fake.wait_for_change(since, timeout=LONG_POLL_SECONDS)
        return jsonify(renderer.fragments(screen_from_query()))

    @page.post("/sandbox/send")
    def send() -> Response:
        data = request.get_json()
        return _answer(lambda: ui.send(acting_user(data), data["channel"], data.get("text", ""), data.get("thread_ts")))

    @page.post("/sandbox/act")
    def act() -> Response:
        data = request.get_json()
        user, values, form = acting_user(data), data.get("values", []), data.get("form", {})
        if data.get("view_id"):
            return _answer(
                lambda: ui.act_in_view(user, data["view_id"], data["block_id"], data["action_id"], values, form)
            )
        return _answer(
            lambda: ui.act_on_message(user, data["channel"], data["ts"], data["block_id"], data["action_id"], values)
        )

    @page.post("/sandbox/submit")
    def submit() -> Response:
        data = request.get_json()
        outcome = _attempt(lambda: ui.submit(acting_user(data), data["view_id"], data.get("form", {})))
        if isinstance(outcome, dict):
            return jsonify(errors=outcome)
        return jsonify(notice=outcome)

    @page.post("/sandbox/close")
    def close() -> Response:
        data = request.get_json()
        return _answer(lambda: ui.close(acting_user(data), data["view_id"]))

    @page.post("/sandbox/suggest")
    def suggest() -> Response:
        data = request.get_json()
        options = _attempt(
            lambda: ui.suggest(
                acting_user(data), data["view_id"], data["block_id"], data["action_id"], data.get("query", "")
            )
        )
        return jsonify(options=options if isinstance(options, list) else [])

    @page.post("/sandbox/home")
    def home() -> Response:
        data = request.get_json()
        return _answer(lambda: ui.open_home(acting_user(data)))

    @page.post("/sandbox/shortcut")
    def shortcut() -> Response:
        data = request.get_json()
        return _answer(lambda: ui.message_shortcut(acting_user(data), data["channel"], data["ts"], data["callback_id"]))

    @page.post("/sandbox/react")
    def react() -> Response:
        data = request.get_json()
        return _answer(lambda: ui.react(acting_user(data), data["channel"], data["ts"], data["name"]))

    @page.post("/sandbox/dismiss")
    def dismiss() -> Response:
        data = request.get_json()
        return _answer(lambda: ui.dismiss(acting_user(data), data["channel"], data["ts"]))

    @page.post("/sandbox/clock")
    def move_clock() -> Response:
        seconds = int(request.get_json().get("seconds", 0))
        answer = _answer(lambda: scheduler_panel.advance_clock(ctx, timedelta(seconds=seconds)))
        ui.fake.changed()  # every open page shows the new time
        return answer

    @page.post("/sandbox/job")
    def job() -> Response:
        name = str(request.get_json().get("name", ""))
        return _answer(lambda: scheduler_panel.run_job(ctx, name))

    @page.post("/sandbox/seed")
    def seed() -> Response:
        return _answer(lambda: load_demo(ctx, ui.fake))

    return page


def _attempt(work):
    """Run one page action; a refusal or a rule's "no" comes back as the text to show."""
    try:
        return work()
    except (Refused, DomainError) as error:
        return str(error)
    except KeyError as error:
        abort(400, f"missing field {error}")


def _answer(work) -> Response:
    notice = _attempt(work)
    return jsonify(notice=notice if isinstance(notice, str) else None)
