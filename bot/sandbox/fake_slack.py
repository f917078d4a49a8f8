"""A fake of the Slack Web API that runs as a real HTTP server.

It answers the methods HireDesk calls the way Slack does (same response
shapes and error codes), keeps the messages, views and App Home tabs it was
given, and records every call (method, arguments, token) so tests can assert
on them. Faults can be injected per method: an error code (any HTTP status,
5xx included), a 429 with ``Retry-After``, a call held unanswered and never
performed (``stall``), a call performed whose answer is lost (``accept_then_drop``),
and slow answers (``slow``). The upload URL of ``files.getUploadURLExternal`` is
served too (its faults: ``fail("files.upload", ...)``); ``uploaded(file_id)`` reads the bytes.

Message timestamps are taken from the clock (``bot.services.clock``, which
freezegun moves), so ``conversations.history``'s ``oldest``/``latest`` filter
the way Slack's do.

Run it with ``FakeSlack().start()``; point the app at ``fake.api_url``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import itertools
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from flask import Flask, Response, abort, request
from werkzeug.serving import BaseWSGIServer, make_server

from bot.sandbox.local_only import refuse_other_sites
from bot.services.clock import utcnow

if TYPE_CHECKING:
    from .fake_socket_mode import FakeSocketMode


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.time)
    dropped: bool = False  # performed, but its answer never reached the caller (accept_then_drop)


@dataclass
class Failure:
    error: str | None = None  # a Slack error code answered with ok: false
    status: int = 200
    retry_after: int | None = None
    times: int = 1


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict]
    user: str
    thread_ts: str | None = None
    ephemeral_for: str | None = None
    metadata: dict | None = None  # Slack message metadata: {"event_type": ..., "event_payload": {...}}
    deleted: bool = False
    reply_broadcast: bool = False  # a thread reply also sent to the channel (it shows in its history)
    posted_at: datetime = field(default_factory=utcnow)  # on the (sandbox) clock, for the page
    files: list[dict] = field(default_factory=list)  # files shared with it (files.completeUploadExternal)
    reactions: list[dict] = field(default_factory=list)  # [{"name", "users", "count"}], as Slack lists them


@dataclass
class Upload:
    """A file of files.getUploadURLExternal: its bytes arrive at its upload URL, then
    files.completeUploadExternal shares it (once)."""

    id: str
    filename: str
    length: int
    data: bytes | None = None  # None until the bytes were POSTed
    title: str = ""
    channel: str | None = None  # where it was shared
    completed: bool = False


@dataclass
class Stall:
    """A call held unanswered (see ``FakeSlack.stall``)."""

    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


@dataclass
class LostAnswer:
    """Calls Slack performs whose answer never arrives (see ``FakeSlack.accept_then_drop``)."""

    mode: str  # "reset": the connection closes at once; "hang": it stays silent for ``seconds`` first
    seconds: float
    times: int


@dataclass
class SlowAnswer:
    """Calls answered ``seconds`` after they were performed (see ``FakeSlack.slow``)."""

    seconds: float
    times: int | None  # None: every call until reset()


# What views.update keeps of a view: who it is, not what it shows.
VIEW_IDENTITY = ("id", "team_id", "root_view_id", "previous_view_id", "app_id", "bot_id", "state", "external_id")


class SlackError(Exception):
    def __init__(self, error: str, status: int = 200, headers: dict | None = None) -> None:
        super().__init__(error)
        self.error, self.status, self.headers = error, status, headers or {}


class _MessageIndex:
    """``FakeSlack.messages`` by channel and ts, and by thread, kept up lazily: messages are only ever
    appended to the list (``reset`` and ``restore`` start a new index), and a message's channel, ts
    and thread never change. ``of(messages)`` indexes what was appended since the last look."""

    def __init__(self) -> None:
        self._seen = 0
        self.by_ts: dict[tuple[str, str], Message] = {}
        self.threads: dict[tuple[str, str], list[Message]] = {}
        self.channels: set[str] = set()

    def of(self, messages: list[Message]) -> _MessageIndex:
        for message in messages[self._seen :]:
            self.by_ts.setdefault((message.channel, message.ts), message)
            self.channels.add(message.channel)
            if message.thread_ts:
                self.threads.setdefault((message.channel, message.thread_ts), []).append(message)
        self._seen = len(messages)
        return self


class FakeSlack:
    """State and behaviour of the fake workspace(s). Thread-safe."""

    BOT_USER = "UHIREDESKBOT"
    BOT_ID = "BHIREDESK"

    APP_TOKEN = "xapp-1-test-app-token"  # the app-level token Socket Mode connects with

    def __init__(self, team_id: str = "T0001", token: str = "xoxb-test-token") -> None:
        self.team_id = team_id
        self.tokens = {token}
        self.socket_mode: FakeSocketMode | None = None  # started by the first apps.connections.open
        # Distributed over OAuth: each workspace's bot token, and codes "Allow" handed out.
        self._first_token = token
        self.token_teams: dict[str, str] = {token: team_id}
        self.install_codes: dict[str, dict[str, str]] = {}
        self.response_keys: dict[str, str] = {}  # a response_url's random token → "channel.user.ts"
        self._caller: str | None = None  # the token of the call being answered (hold the lock)
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self._index = _MessageIndex()  # look-ups by channel and ts (a run posts tens of thousands)
        self.views: dict[str, dict] = {}
        self.view_stacks: dict[str, list[str]] = {}  # root view id -> stack of view ids
        self.home_tabs: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.channels: dict[str, str] = {}
        self.uploads: dict[str, Upload] = {}  # file id -> the file (files.getUploadURLExternal)
        self.triggers: dict[str, float] = {}  # trigger_id -> issued at (monotonic)
        self.trigger_users: dict[str, str] = {}  # trigger_id -> the user whose click issued it
        self.view_owners: dict[str, str] = {}  # root view id -> the user the modal is open for
        self.version = 0  # bumped on every change, so the sandbox page can wait for news
        self.failures: dict[str, list[Failure]] = {}
        self.stalls: dict[str, Stall] = {}
        self.lost_answers: dict[str, list[LostAnswer]] = {}
        self.slow_answers: dict[str, SlowAnswer] = {}  # method (or "*": every method) -> delay
        self._holds_released = threading.Event()  # set to cut short every held answer (reset, stop)
        self._last_ts = 0  # the newest message ts handed out, in microseconds
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None
        self.app = self._build_app()
        self.handlers: dict[str, Callable[[dict], dict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.list": self._conversations_list,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.list": self._users_list,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "apps.connections.open": self._apps_connections_open,
            "oauth.v2.access": self._oauth_v2_access,
        }

    # ---- lifecycle -------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeSlack:
        self._server = make_server(host, port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release_holds()
        if self.socket_mode:
            self.socket_mode.stop()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def mount(self, port: int) -> FakeSlack:
        """Serve ``self.app`` inside another WSGI server on ``port`` (the sandbox) instead of ``start``."""
        self.port = port
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def reset(self) -> None:
        with self._lock:
            self.tokens, self.token_teams = {self._first_token}, {self._first_token: self.team_id}
            self.install_codes.clear()
            self.response_keys.clear()
            self.calls.clear()
            self.messages.clear()
            self._index = _MessageIndex()
            self.views.clear()
            self.view_stacks.clear()
            self.home_tabs.clear()
            self.uploads.clear()
            self.failures.clear()
            self.triggers.clear()
            self.trigger_users.clear()
            self.view_owners.clear()
            for stall in self.stalls.values():
                stall.release()
            self.stalls.clear()
            self.lost_answers.clear()
            self.slow_answers.clear()
        self._release_holds()

    def _release_holds(self) -> None:
        """Answer (or drop) at once every call still held by ``slow`` or ``accept_then_drop``."""
        with self._lock:
            released, self._holds_released = self._holds_released, threading.Event()
        released.set()

    # ---- test controls ---------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        tz: str = "Europe/London",
        is_bot: bool = False,
        real_name: str | None = None,
    ) -> None:
        name = name or user_id.lower()
        real_name = real_name or name.title()
        with self._lock:
            self.users[user_id] = {
                "id": user_id,
                "team_id": self.team_id,
                "name": name,
                "real_name": real_name,
                "tz": tz,
                "is_bot": is_bot,
                "deleted": False,
                "profile": {"display_name": name, "real_name": real_name},
            }

    def add_channel(self, channel_id: str, name: str) -> None:
        with self._lock:
            self.channels[channel_id] = name

    def fail(self, method: str, error: str = "internal_error", times: int = 1, status: int = 200) -> None:
        """The next ``times`` calls of ``method`` answer ``{"ok": false, "error": error}`` with HTTP
        ``status`` and are not performed. ``status=500`` or ``503`` is a server error that
        slack_sdk's ``ServerErrorRetryHandler`` retries."""
        with self._lock:
            self.failures.setdefault(method, []).append(Failure(error=error, status=status, times=times))

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer HTTP 429 with Retry-After."""
        with self._lock:
            self.failures.setdefault(method, []).append(
                Failure(error="ratelimited", status=429, retry_after=retry_after, times=times)
            )

    def stall(self, method: str) -> Stall:
        """The next call of ``method`` hangs unanswered until ``release()`` and is then
        dropped, never processed: a request lost because its caller died mid-call.
        ``stall.arrived`` is set once the call is hanging."""
        with self._lock:
            self.stalls[method] = Stall()
            return self.stalls[method]

    def accept_then_drop(self, method: str, times: int = 1, mode: str = "reset", seconds: float = 30.0) -> None:
        """The next ``times`` successful calls of ``method`` are performed (a post is stored and
        shows in the channel's history) but their answer is lost on the way back.

        ``mode="reset"``: the connection closes without an HTTP response; urllib (and so
        slack_sdk's WebClient) raises ``http.client.RemoteDisconnected``, a ``ConnectionResetError``.
        ``mode="hang"``: nothing comes back for ``seconds``, then the connection closes; a
        client with a shorter timeout raises ``TimeoutError``. Either way the caller cannot tell
        whether Slack did it. The recorded call has ``dropped=True``."""
        if mode not in {"reset", "hang"}:
            raise ValueError(f"mode must be 'reset' or 'hang', not {mode!r}")
        with self._lock:
            self.lost_answers.setdefault(method, []).append(
                LostAnswer(mode=mode, seconds=seconds if mode == "hang" else 0.0, times=times)
            )

    def slow(self, method: str, seconds: float, times: int | None = None) -> None:
        """Calls of ``method`` (``"*"``: of every method) are performed at once and answered
        ``seconds`` later: Slack being slow. ``times=None``: every call until ``reset()``.
        Each call waits on its own server thread, so other calls are not held up."""
        with self._lock:
            self.slow_answers[method] = SlowAnswer(seconds=seconds, times=times)

    def authorize(self, team_id: str, user: str, team_name: str | None = None, enterprise_id: str | None = None) -> str:
        """A workspace's admin clicks "Allow" on the install page: the code Slack sends the app's
        redirect URL (``oauth.v2.access`` trades it for a new bot token of ``team_id``). A workspace
        of an Enterprise Grid organization names its ``enterprise_id``."""
        code = f"code-{team_id}-{next(self._ids)}"
        with self._lock:
            self.install_codes[code] = {
                "team_id": team_id,
                "user": user,
                "team_name": team_name or team_id,
                "enterprise_id": enterprise_id or "",
            }
        return code

    def revoke(self, team_id: str) -> None:
        """The workspace's tokens stop working (the app was uninstalled there)."""
        with self._lock:
            for token in [t for t, team in self.token_teams.items() if team == team_id]:
                self.tokens.discard(token)
                del self.token_teams[token]

    def issue_trigger(self, user: str | None = None) -> str:
        """A fresh trigger_id (valid 3 s); ``user`` is who clicked, so modals open for them."""
        trigger = f"{next(self._ids)}.{int(time.time())}.trigger"
        with self._lock:
            self.triggers[trigger] = time.monotonic()
            if user:
                self.trigger_users[trigger] = user
        return trigger

    # ---- queries for tests -----------------------------------------------
    def forget_calls(self) -> None:
        """Start the call log afresh (the calls of a test's set-up are not the test's)."""
        with self._changed:
            self.calls.clear()

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, method: str, predicate: Callable[[Call], bool] | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` (matching ``predicate``) were made.

        The app answers Slack first and calls the Web API after ``ack()``, so tests
        wait for those calls instead of sleeping."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method and (predicate is None or predicate(c))]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}; calls: {seen}")
                self._changed.wait(remaining)

    def channel_messages(self, channel: str, thread_ts: str | None = None) -> list[Message]:
        with self._lock:
            return [
                m
                for m in self.messages
                if m.channel == channel and m.thread_ts == thread_ts and not m.deleted and not m.ephemeral_for
            ]

    def message(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            return self._index.of(self.messages).by_ts.get((channel, ts))

    def messages_with_metadata(self, event_type: str, **payload: Any) -> list[Message]:
        """Messages in the channels (not deleted, not ephemeral) whose metadata has ``event_type``
        and whose ``event_payload`` holds every item of ``payload``, oldest first:
        ``fake.messages_with_metadata("hiredesk_delivery", key=k)`` counts the posts of one delivery."""
        with self._lock:
            return [
                m
                for m in self.messages
                if not m.deleted
                and not m.ephemeral_for
                and m.metadata
                and m.metadata.get("event_type") == event_type
                and all(m.metadata.get("event_payload", {}).get(k) == v for k, v in payload.items())
            ]

    def dm_channel(self, user_id: str) -> str:
        return f"D{user_id}"

    def uploaded(self, file_id: str) -> bytes:
        """The bytes POSTed to a file's upload URL."""
        with self._lock:
            data = self.uploads[file_id].data
        if data is None:
            raise KeyError(f"nothing was uploaded for {file_id}")
        return data

    def shared_files(self, channel: str | None = None) -> list[Upload]:
        """Files shared by files.completeUploadExternal (in ``channel``), oldest first."""
        with self._lock:
            return [u for u in self.uploads.values() if u.completed and channel in (None, u.channel)]

    # ---- HTTP ------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask("fake-slack")

        @app.route("/api/<method>", methods=["GET", "POST"])  # Slack takes both; slack_sdk always POSTs
        def api(method: str) -> Response:
            args = _request_args()
            token = _bearer_token() or args.pop("token", None)
            return self._dispatch(method, args, token)

        @app.post("/files/upload/v1/<file_id>")
        def upload_url(file_id: str) -> Response:
            """The upload URL: the file's bytes, as the raw body or the first part of a multipart form."""
            if request.mimetype == "multipart/form-data" and request.files:
                data = next(iter(request.files.values())).read()
            else:  # the raw body, whatever type it claims (urllib calls it a form)
                data = request.get_data(parse_form_data=False)
            call = Call("files.upload", {"file_id": file_id, "bytes": len(data)}, None)
            try:
                self._maybe_fail("files.upload")
                with self._lock:
                    upload = self.uploads.get(file_id)
                    if upload is None or upload.completed:
                        raise SlackError("file_not_found", status=404)
                    upload.data = data
            except SlackError as error:
                call.args["_error"] = error.error
                self._record(call)
                status = error.status if error.status >= 400 else 500
                return Response(f"error: {error.error}", status=status, mimetype="text/plain")
            self._record(call)
            return Response(f"OK - {len(data)}", mimetype="text/plain")

        @app.get("/files/download/<file_id>/<name>")
        def download(file_id: str, name: str) -> Response:
            with self._lock:
                upload = self.uploads.get(file_id)
            if upload is None or not upload.completed or upload.data is None:
                return Response("file_not_found", status=404, mimetype="text/plain")
            return Response(
                upload.data,
                mimetype="text/csv" if upload.filename.endswith(".csv") else "application/octet-stream",
                headers={"Content-Disposition": f'attachment; filename="{upload.filename}"'},
            )

        @app.before_request
        def closed_to_other_sites() -> None:
            refusal = refuse_other_sites()
            if refusal is not None:
                abort(refusal)

        @app.post("/response/<token>")
        def response_url(token: str) -> Response:
            with self._lock:
                key = self.response_keys.get(token)
            if key is None:
                return Response("invalid_token", status=404, mimetype="text/plain")
            if not request.is_json:  # Slack's response_url takes JSON
                return Response("invalid_payload", status=415, mimetype="text/plain")
            args = request.get_json(silent=True) or {}
            self._record(Call("response_url", {"key": key, **args}, None))
            self._apply_response_url(key, args)
            return Response("ok", mimetype="text/plain")

        return app

    def response_url_for(self, channel: str, user: str, message_ts: str | None = None) -> str:
        """A response_url for a request from ``user`` in ``channel`` (about ``message_ts``): its key is
        random, as Slack's are, so no other web page can guess one and post through it."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self.response_keys[token] = f"{channel}.{user}.{message_ts or ''}"
        return f"{self.base_url}/response/{token}"

    def _dispatch(self, method: str, args: dict, token: str | None) -> Response:
        call = Call(method, args, token)
        try:
            self._maybe_stall(method)
            self._maybe_fail(method)
            if method == "apps.connections.open":  # the one method an app-level token calls
                if token != self.APP_TOKEN:
                    raise SlackError("not_allowed_token_type" if token in self.tokens else "invalid_auth")
            elif method != "oauth.v2.access" and token not in self.tokens:  # that one takes the client's
                raise SlackError("not_authed" if not token else "invalid_auth")
            handler = self.handlers.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            with self._lock:
                self._caller = token
                body = {"ok": True, **handler(args)}
            status, headers = 200, {}
        except SlackError as error:
            call.args = {**args, "_error": error.error}
            body, status, headers = {"ok": False, "error": error.error}, error.status, error.headers
        delay, lost = self._answer_faults(method, accepted=body["ok"])
        call.dropped = lost is not None
        self._record(call)
        # Held outside the lock, on this request's own server thread: other calls go on.
        held = delay + (lost.seconds if lost else 0.0)
        if held > 0:
            self._holds_released.wait(held)
        if lost is not None:
            return _no_answer(request.environ.get("werkzeug.socket"))
        return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")

    def _answer_faults(self, method: str, accepted: bool) -> tuple[float, LostAnswer | None]:
        """How long to hold this call's answer, and whether to lose it (consumes one use of each)."""
        with self._lock:
            delay = 0.0
            key = method if method in self.slow_answers else "*"
            slow = self.slow_answers.get(key)
            if slow is not None:
                delay = slow.seconds
                if slow.times is not None:
                    slow.times -= 1
                    if slow.times <= 0:
                        del self.slow_answers[key]
            lost = None
            queue = self.lost_answers.get(method)
            if accepted and queue:
                lost = queue[0]
                lost.times -= 1
                if lost.times <= 0:
                    queue.pop(0)
            return delay, lost

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._touch()

    def _touch(self) -> None:
        """Something changed: wake ``wait_for`` and ``wait_for_change`` (hold the lock)."""
        self.version += 1
        self._changed.notify_all()

    def _maybe_stall(self, method: str) -> None:
        with self._lock:
            stall = self.stalls.pop(method, None)
        if stall is not None:
            stall.arrived.set()
            stall.released.wait(timeout=60)
            raise SlackError("request_dropped", status=503)

    def _maybe_fail(self, method: str) -> None:
        with self._lock:
            queue = self.failures.get(method)
            if not queue:
                return
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
        raise SlackError(failure.error or "internal_error", failure.status, headers)

    # ---- methods ---------------------------------------------------------
    def _next_ts(self) -> str:
        """A new message's ts, as Slack makes them: the (fake's clock) time it was stored, unique,
        and after the moment the call came in (hold the lock)."""
        now = int(utcnow().timestamp() * 1_000_000) + 1
        self._last_ts = max(now, self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    def _channel(self, channel: str | None) -> str:
        if not channel:
            raise SlackError("channel_not_found")
        if channel.startswith(("U", "W")):  # posting to a user ID posts to the DM with them
            return self.dm_channel(channel)
        return channel

    def _conversation(self, channel: str | None) -> str:
        """A conversation ID the methods that read or edit a conversation accept: a user ID is
        not one (Slack: "ensure that this value is a DM ID (starts with D)")."""
        if not channel or channel.startswith(("U", "W")):
            raise SlackError("channel_not_found")
        known = channel in self.channels or channel.startswith("D") or channel in self._index.of(self.messages).channels
        if not known:
            raise SlackError("channel_not_found")
        return channel

    def _shown(self, channel: str) -> list[Message]:
        """What everyone sees in ``channel`` (threads included), oldest first."""
        return sorted(
            (m for m in self.messages if m.channel == channel and not m.deleted and not m.ephemeral_for),
            key=lambda m: _ts_value(m.ts),
        )

    def _replies(self, channel: str) -> dict[str, list[Message]]:
        """Each thread's replies in ``channel``, oldest first, by the parent's ts."""
        threads: dict[str, list[Message]] = {}
        for reply in self._shown(channel):
            if reply.thread_ts:
                threads.setdefault(reply.thread_ts, []).append(reply)
        return threads

    def _thread_replies(self, parent: Message) -> list[Message]:
        """The replies in ``parent``'s thread that everyone sees, oldest first (``_replies`` for one thread)."""
        thread = self._index.of(self.messages).threads.get((parent.channel, parent.ts), [])
        return sorted((m for m in thread if not m.deleted and not m.ephemeral_for), key=lambda m: _ts_value(m.ts))

    def _messages_json(self, channel: str, messages: list[Message], with_metadata: bool) -> list[dict]:
        threads = self._replies(channel)
        return [self._message_json(m, with_metadata, threads) for m in messages]

    def _message_json(
        self, message: Message, with_metadata: bool = True, threads: dict[str, list[Message]] | None = None
    ) -> dict:
        body: dict[str, Any] = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "blocks": message.blocks,
            "ts": message.ts,
            "team": self.team_id,
        }
        if message.user == self.BOT_USER:
            body.update(bot_id=self.BOT_ID, app_id="AHIREDESK")
        if message.thread_ts:
            body["thread_ts"] = message.thread_ts
            parent = self.message(message.channel, message.thread_ts)
            if parent is not None:
                body["parent_user_id"] = parent.user
            if message.reply_broadcast:
                body["subtype"] = "thread_broadcast"
        else:
            replies = threads.get(message.ts) if threads is not None else self._thread_replies(message)
            if replies:  # a thread's parent
                users = sorted({m.user for m in replies})
                body.update(
                    thread_ts=message.ts,
                    reply_count=len(replies),
                    reply_users=users,
                    reply_users_count=len(users),
                    latest_reply=replies[-1].ts,
                )
        if message.files:
            body.update(files=message.files, upload=True, display_as_bot=False)
        if message.reactions:
            body["reactions"] = message.reactions
        if with_metadata and message.metadata:
            body["metadata"] = message.metadata
        return body

    def _auth_test(self, args: dict) -> dict:
        return {
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "user": "hiredesk",
            "team_id": self.token_teams.get(self._caller or "", self.team_id),
            "user_id": self.BOT_USER,
            "bot_id": self.BOT_ID,
        }

    def _oauth_v2_access(self, args: dict) -> dict:
        install = self.install_codes.pop(args.get("code") or "", None)
        if install is None:
            raise SlackError("invalid_code")
        token = f"xoxb-{install['team_id'].lower()}-{next(self._ids)}"
        self.tokens.add(token)
        self.token_teams[token] = install["team_id"]
        return {
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": self.BOT_USER,
            "app_id": "AHIREDESK",
            "team": {"id": install["team_id"], "name": install["team_name"]},
            "enterprise": {"id": install["enterprise_id"], "name": "Grid"} if install["enterprise_id"] else None,
            "is_enterprise_install": False,
            "authed_user": {"id": install["user"]},
        }

    def _apps_connections_open(self, args: dict) -> dict:
        if self.socket_mode is None:
            from .fake_socket_mode import FakeSocketMode

            self.socket_mode = FakeSocketMode()
        return {"url": self.socket_mode.url()}

    def _check_text(self, args: dict) -> None:
        if not args.get("text") and not args.get("blocks"):
            raise SlackError("no_text")
        blocks = _json_arg(args.get("blocks"))
        if blocks is not None and (not isinstance(blocks, list) or len(blocks) > 50):
            raise SlackError("invalid_blocks")

    def _chat_post_message(self, args: dict) -> dict:
        self._check_text(args)
        channel = self._channel(args.get("channel"))
        thread_ts = args.get("thread_ts")
        if thread_ts and not self.message(channel, thread_ts):
            raise SlackError("thread_not_found")
        metadata = _metadata_arg(args.get("metadata"))
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=args.get("text", ""),
            blocks=_json_arg(args.get("blocks")) or [],
            user=self.BOT_USER,
            thread_ts=thread_ts,
            metadata=metadata or None,
            reply_broadcast=bool(thread_ts) and _flag(args.get("reply_broadcast")),
        )
        self.messages.append(message)
        return {"channel": channel, "ts": message.ts, "message": self._message_json(message)}

    def _chat_update(self, args: dict) -> dict:
        self._check_text(args)
        channel = self._conversation(args.get("channel"))
        message = self.message(channel, args.get("ts", ""))
        if message is None or message.deleted:
            raise SlackError("message_not_found")
        metadata = _metadata_arg(args.get("metadata"))
        message.text = args.get("text", message.text)
        if "blocks" in args:
            message.blocks = _json_arg(args.get("blocks")) or []
        if metadata is not None:  # left out: kept; an empty object: removed (as Slack documents)
            message.metadata = metadata or None
        return {"channel": channel, "ts": message.ts, "text": message.text, "message": self._message_json(message)}

    def _chat_post_ephemeral(self, args: dict) -> dict:
        self._check_text(args)
        channel = self._channel(args.get("channel"))
        if not args.get("user"):
            raise SlackError("user_not_found")
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=args.get("text", ""),
            blocks=_json_arg(args.get("blocks")) or [],
            user=self.BOT_USER,
            thread_ts=args.get("thread_ts"),
            ephemeral_for=args["user"],
        )
        self.messages.append(message)
        return {"message_ts": message.ts}

    def _chat_delete(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"))
        message = self.message(channel, args.get("ts", ""))
        if message is None or message.deleted:
            raise SlackError("message_not_found")
        message.deleted = True
        return {"channel": channel, "ts": message.ts}

    def _chat_get_permalink(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"))
        ts = args.get("message_ts", "")
        permalink = f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}"
        message = self.message(channel, ts)
        if message is not None and message.thread_ts and message.thread_ts != ts:  # a reply: Slack names its thread
            permalink += f"?thread_ts={message.thread_ts}&cid={channel}"
        return {"channel": channel, "permalink": permalink}

    def _new_view(self, view: Any, root_id: str | None = None) -> dict:
        view = _json_arg(view)
        if not isinstance(view, dict) or view.get("type") not in {"modal", "home"}:
            raise SlackError("invalid_arguments")
        if view.get("type") == "modal" and not view.get("title"):
            raise SlackError("invalid_arguments")
        if len(view.get("blocks", [])) > 100:
            raise SlackError("invalid_arguments")
        view_id = f"V{next(self._ids):08d}"
        stored = {
            **view,
            "id": view_id,
            "team_id": self.team_id,
            "hash": f"h{next(self._ids)}",
            "root_view_id": root_id or view_id,
            "previous_view_id": None,
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "app_id": "AHIREDESK",
            "bot_id": self.BOT_ID,
        }
        self.views[view_id] = stored
        return stored

    def _use_trigger(self, trigger_id: str | None) -> str | None:
        """Spend a trigger; returns the user it was issued for (if known)."""
        issued = self.triggers.pop(trigger_id or "", None)
        user = self.trigger_users.pop(trigger_id or "", None)
        if issued is None:
            raise SlackError("invalid_trigger_id")
        if time.monotonic() - issued > 3:
            raise SlackError("expired_trigger_id")
        return user

    def _views_open(self, args: dict) -> dict:
        user = self._use_trigger(args.get("trigger_id"))
        view = self._new_view(args.get("view"))
        self.view_stacks[view["id"]] = [view["id"]]
        if user:
            self.view_owners[view["id"]] = user
        return {"view": view}

    def _views_push(self, args: dict) -> dict:
        user = self._use_trigger(args.get("trigger_id"))
        stack = self._open_stack(user) if user else None
        stack = stack or next((s for s in self.view_stacks.values() if s), None)
        if stack is None:
            raise SlackError("not_found")
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        view = self._new_view(args.get("view"), root_id=stack[0])
        view["previous_view_id"] = stack[-1]
        stack.append(view["id"])
        return {"view": view}

    def _views_update(self, args: dict) -> dict:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next((v["id"] for v in self.views.values() if v.get("external_id") == args["external_id"]), None)
        old = self.views.get(view_id or "")
        if old is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        new = _json_arg(args.get("view"))
        if not isinstance(new, dict):
            raise SlackError("invalid_arguments")
        # Slack replaces the view's content whole (a field left out is gone);
        # only its identity and the user's entered state carry over.
        kept = {key: old[key] for key in VIEW_IDENTITY if key in old}
        replaced = {"private_metadata": "", "callback_id": "", **new, **kept, "hash": f"h{next(self._ids)}"}
        old.clear()
        old.update(replaced)
        return {"view": old}

    def _views_publish(self, args: dict) -> dict:
        user_id = args.get("user_id")
        if not user_id:
            raise SlackError("invalid_arguments")
        view = _json_arg(args.get("view"))
        if not isinstance(view, dict) or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        stored = self._new_view(view)
        self.home_tabs[user_id] = stored
        return {"view": stored}

    def _users_info(self, args: dict) -> dict:
        user = self.users.get(args.get("user", ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    def _conversations_open(self, args: dict) -> dict:
        users = args.get("users", "")
        if not users:
            raise SlackError("users_list_not_supplied")
        return {"channel": {"id": self.dm_channel(users.split(",")[0])}}

    def _conversations_info(self, args: dict) -> dict:
        channel = args.get("channel", "")
        if channel not in self.channels and not channel.startswith("D"):
            raise SlackError("channel_not_found")
        return {"channel": {"id": channel, "name": self.channels.get(channel, channel), "is_member": True}}

    def _conversations_list(self, args: dict) -> dict:
        return {
            "channels": [
                {"id": cid, "name": name, "is_channel": True, "is_member": True} for cid, name in self.channels.items()
            ],
            "response_metadata": {"next_cursor": ""},
        }

    def _conversations_history(self, args: dict) -> dict:
        """A channel's messages, newest first; thread replies only if also sent to the channel."""
        channel = self._conversation(args.get("channel"))
        within = _time_range(args)
        timeline = [
            m for m in reversed(self._shown(channel)) if (m.thread_ts is None or m.reply_broadcast) and within(m.ts)
        ]
        page, next_cursor = _page(timeline, args, default_limit=100, max_limit=999, newest_first=True)
        messages = self._messages_json(channel, page, with_metadata=_flag(args.get("include_all_metadata")))
        return {
            "messages": messages,
            "has_more": bool(next_cursor),
            "pin_count": 0,
            **({"response_metadata": {"next_cursor": next_cursor}} if next_cursor else {}),
        }

    def _conversations_replies(self, args: dict) -> dict:
        """A thread, oldest first: its parent, then the replies. ``ts`` may name any message of it.
        As Slack does, the first page starts with the thread's parent whatever ``oldest``/``latest``
        say (the window limits the replies only); later pages (``cursor``) don't repeat it."""
        channel = self._conversation(args.get("channel"))
        if not args.get("ts"):
            raise SlackError("invalid_arguments")
        named = self.message(channel, args["ts"])
        if named is None or named.deleted or named.ephemeral_for:
            raise SlackError("thread_not_found")
        parent_ts = named.thread_ts or named.ts
        within = _time_range(args)
        shown = self._shown(channel)
        parent = [m for m in shown if m.ts == parent_ts]
        replies = [m for m in shown if m.thread_ts == parent_ts and m.ts != parent_ts and within(m.ts)]
        if args.get("cursor"):
            page, next_cursor = _page(replies, args, default_limit=1000, max_limit=1000, newest_first=False)
        else:
            page, next_cursor = _page(parent + replies, args, default_limit=1000, max_limit=1000, newest_first=False)
        messages = self._messages_json(channel, page, with_metadata=_flag(args.get("include_all_metadata")))
        return {
            "messages": messages,
            "has_more": bool(next_cursor),
            **({"response_metadata": {"next_cursor": next_cursor}} if next_cursor else {}),
        }

    def _files_get_upload_url_external(self, args: dict) -> dict:
        filename = args.get("filename")
        try:
            length = int(args.get("length") or "")
        except ValueError:
            raise SlackError("invalid_arguments") from None
        if not filename or length < 1:  # Slack refuses an empty file
            raise SlackError("invalid_arguments")
        file_id = f"F{secrets.token_hex(5).upper()}"  # unique across restarts of the sandbox
        self.uploads[file_id] = Upload(id=file_id, filename=filename, length=length)
        return {"upload_url": f"{self.base_url}/files/upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, args: dict) -> dict:
        wanted = _json_arg(args.get("files"))
        if not isinstance(wanted, list) or not wanted or not all(isinstance(f, dict) for f in wanted):
            raise SlackError("invalid_arguments")
        uploads = [self.uploads.get(str(f.get("id"))) for f in wanted]
        if any(u is None or u.completed or u.data is None for u in uploads):
            raise SlackError("file_not_found")  # unknown, never uploaded, or already completed
        channel = self._conversation(args["channel_id"]) if args.get("channel_id") else None
        files = []
        for upload, asked in zip(uploads, wanted, strict=True):
            assert upload is not None and upload.data is not None
            if len(upload.data) != upload.length:
                raise SlackError("file_upload_size_mismatch")
            upload.title, upload.channel, upload.completed = asked.get("title") or upload.filename, channel, True
            files.append(self._file_json(upload))
        if channel:
            message = Message(
                channel=channel,
                ts=self._next_ts(),
                text=args.get("initial_comment") or "",
                blocks=[],
                user=self.BOT_USER,
                thread_ts=args.get("thread_ts"),
                files=files,
            )
            self.messages.append(message)
        # As Slack documents it: each file's id and title only. Slack shares the file in the channel
        # after it answers, so the answer never says where (the message is in the channel's history).
        return {"files": [{"id": file["id"], "title": file["title"]} for file in files]}

    def _file_json(self, upload: Upload) -> dict:
        return {
            "id": upload.id,
            "name": upload.filename,
            "title": upload.title,
            "mimetype": "text/csv" if upload.filename.endswith(".csv") else "application/octet-stream",
            "filetype": "csv" if upload.filename.endswith(".csv") else "binary",
            "size": upload.length,
            "user": self.BOT_USER,
            "url_private": f"{self.base_url}/files/download/{upload.id}/{upload.filename}",
            "url_private_download": f"{self.base_url}/files/download/{upload.id}/{upload.filename}",
        }

    def _users_list(self, args: dict) -> dict:
        return {"members": list(self.users.values()), "response_metadata": {"next_cursor": ""}}

    # ---- what the sandbox page needs ----------------------------------------
    # The page shows this store and acts on it the way the Slack client does:
    # it posts people's own messages, applies the app's answers to commands and
    # modal submissions, and closes modals.

    def wait_for_change(self, since: int, timeout: float = 20.0) -> int:
        """Block until ``version`` moves past ``since`` (or ``timeout``); returns the version."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.version <= since:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return self.version

    def snapshot(self) -> dict:
        """The channels' messages as JSON-able data (the sandbox keeps them across restarts)."""
        with self._lock:
            return {
                "messages": [{**asdict(m), "posted_at": m.posted_at.isoformat()} for m in self.messages],
                "uploads": [
                    {**asdict(u), "data": base64.b64encode(u.data).decode() if u.data is not None else None}
                    for u in self.uploads.values()
                    if u.completed  # shared files stay downloadable after a restart
                ],
            }

    def restore(self, snapshot: dict) -> None:
        """Load a ``snapshot``; new timestamps and IDs continue after the restored ones."""
        with self._changed:
            self.messages = [
                Message(**{**m, "posted_at": datetime.fromisoformat(m["posted_at"])})
                for m in snapshot.get("messages", [])
            ]
            self._index = _MessageIndex()
            self._last_ts = max((int(_ts_value(m.ts) * 1_000_000) for m in self.messages), default=0)
            self.uploads = {
                u["id"]: Upload(**{**u, "data": base64.b64decode(u["data"]) if u.get("data") else None})
                for u in snapshot.get("uploads", [])
            }
            self._touch()

    def changed(self) -> None:
        """Something the page shows changed outside the Web API (the sandbox clock moved)."""
        with self._changed:
            self._touch()

    def add_message(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        ephemeral_for: str | None = None,
        blocks: list[dict] | None = None,
        files: list[str] | None = None,
    ) -> Message:
        """A message written by a person (or Slackbot), not through the Web API; ``files``: the
        names of files shared with it."""
        with self._changed:
            message = Message(
                channel=self._channel(channel),
                ts=self._next_ts(),
                text=text,
                blocks=blocks or [],
                user=user,
                thread_ts=thread_ts,
                ephemeral_for=ephemeral_for,
                files=[self._file(user, name) for name in files or []],
            )
            self.messages.append(message)
            self._touch()
            return message

    def _file(self, user: str, name: str) -> dict:
        """A shared file as Slack describes it in a message (the fields HireDesk reads, and a few more)."""
        file_id = f"F{next(self._ids):08d}"
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "user": user,
            "mimetype": "application/octet-stream",
            "url_private": f"https://files.fake.slack.test/files-pri/{self.team_id}-{file_id}/{name}",
            "permalink": f"https://fake.slack.test/files/{user}/{file_id}/{name}",
        }

    def add_reaction(self, channel: str, ts: str, user: str, name: str) -> bool:
        """``user`` reacts with ``name`` (no colons) to a message: False if they already had (Slack
        then answers ``already_reacted`` and sends no event)."""
        with self._changed:
            message = self.message(channel, ts)
            if message is None or message.deleted or message.ephemeral_for:
                raise SlackError("message_not_found")
            reaction = next((r for r in message.reactions if r["name"] == name), None)
            if reaction is None:
                reaction = {"name": name, "users": [], "count": 0}
                message.reactions.append(reaction)
            if user in reaction["users"]:
                return False
            reaction["users"].append(user)
            reaction["count"] += 1
            self._touch()
            return True

    def delete_message(self, channel: str, ts: str) -> None:
        with self._changed:
            message = self.message(channel, ts)
            if message is not None:
                message.deleted = True
                self._touch()

    def respond(self, channel: str, user: str, body: dict, message_ts: str | None = None) -> None:
        """Show an app's answer (a command's ack body, a response_url post) as Slack does."""
        key = f"{channel}.{user}.{message_ts or ''}"
        with self._changed:
            self._apply_response_url(key, body)
            self._touch()

    def visible_messages(self, channel: str, user: str, thread_ts: str | None = None) -> list[Message]:
        """What ``user`` sees in ``channel`` (or in one thread): their ephemerals included."""
        with self._lock:
            return [
                m
                for m in self.messages
                if m.channel == channel
                and not m.deleted
                and m.ephemeral_for in (None, user)
                and (m.thread_ts == thread_ts or (thread_ts and m.ts == thread_ts))
            ]

    def reply_count(self, channel: str, ts: str) -> int:
        with self._lock:
            return sum(
                1
                for m in self.messages
                if m.channel == channel and m.thread_ts == ts and m.ts != ts and not m.deleted and not m.ephemeral_for
            )

    def _open_stack(self, user: str) -> list[str] | None:
        """The user's most recently opened modal stack that is still open."""
        for root_id in reversed(list(self.view_stacks)):
            stack = self.view_stacks[root_id]
            if stack and self.view_owners.get(root_id) == user:
                return stack
        return None

    def open_modal(self, user: str) -> dict | None:
        """The modal ``user`` is looking at (the top of their stack), if any."""
        with self._lock:
            stack = self._open_stack(user)
            return self.views[stack[-1]] if stack else None

    def modal_depth(self, user: str) -> int:
        with self._lock:
            return len(self._open_stack(user) or [])

    def close_view(self, view_id: str, *, clear: bool = False) -> None:
        """Close a modal (back to the one below it), or its whole stack with ``clear``."""
        with self._changed:
            for stack in self.view_stacks.values():
                if view_id in stack:
                    del stack[0 if clear else stack.index(view_id) :]
            self._touch()

    def apply_submission_response(self, view_id: str, body: dict | None) -> dict[str, str]:
        """Do what Slack does with the app's answer to a view_submission; returns inline errors."""
        body = body or {}
        action = body.get("response_action")
        if action == "errors":
            return dict(body.get("errors") or {})
        with self._changed:
            if action == "update":  # the new view replaces the old one whole, keeping its place
                old = self.views[view_id]
                kept = {
                    key: old[key] for key in ("id", "team_id", "root_view_id", "previous_view_id", "app_id", "bot_id")
                }
                new = _json_arg(body["view"])
                self.views[view_id] = {
                    **new,
                    **kept,
                    "hash": f"h{next(self._ids)}",
                    "state": {"values": {}},
                    "private_metadata": new.get("private_metadata", ""),
                    "callback_id": new.get("callback_id", ""),
                }
            elif action == "push":
                stack = next(s for s in self.view_stacks.values() if view_id in s)
                pushed = self._new_view(body["view"], root_id=stack[0])
                pushed["previous_view_id"] = view_id
                stack.append(pushed["id"])
            else:
                self.close_view(view_id, clear=action == "clear")
            self._touch()
        return {}

    # response_url posts act on the message the action came from, as Slack does
    def _apply_response_url(self, key: str, args: dict) -> None:
        channel, user, message_ts = [*key.split(".", 2), "", ""][:3]
        with self._lock:
            if args.get("delete_original"):
                original = self.message(channel, message_ts)
                if original:
                    original.deleted = True
                return
            if args.get("replace_original") and message_ts:
                original = self.message(channel, message_ts)
                if original:
                    original.text = args.get("text", original.text)
                    original.blocks = args.get("blocks", original.blocks)
                    return
            in_channel = args.get("response_type") == "in_channel"
            self.messages.append(
                Message(
                    channel=channel,
                    ts=self._next_ts(),
                    text=args.get("text", ""),
                    blocks=args.get("blocks") or [],
                    user=self.BOT_USER,
                    thread_ts=args.get("thread_ts"),
                    ephemeral_for=None if in_channel else user,
                )
            )


def _request_args() -> dict:
    """The call's arguments: query string, then the form or JSON body."""
    args = request.args.to_dict()
    if request.is_json:
        return {**args, **(request.get_json(silent=True) or {})}
    body = request.get_data(as_text=True)
    return {**args, **{k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}}


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:] if header.startswith("Bearer ") else None


def _json_arg(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError("invalid_arguments") from None
    return value


def _flag(value: Any) -> bool:
    """A boolean argument: JSON true, or "true"/"1" in a form or query string (slack_sdk sends "1")."""
    return value is True or str(value).lower() in {"1", "true"}


def _metadata_arg(value: Any) -> dict | None:
    """Message metadata as given (JSON string or object): None if left out, {} to clear it."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SlackError("invalid_metadata_format") from None
    if not isinstance(value, dict):
        raise SlackError("invalid_metadata_format")
    if value and not (
        isinstance(value.get("event_type"), str)
        and value["event_type"]
        and isinstance(value.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_schema")
    return value


def _ts_value(ts: Any) -> Decimal:
    return Decimal(str(ts))


def _time_range(args: dict) -> Callable[[str], bool]:
    """``oldest``/``latest``/``inclusive`` as Slack reads them: strictly between the two unless
    ``inclusive``; no ``latest`` means up to now, no ``oldest`` from the beginning."""
    bounds = []
    for name in ("oldest", "latest"):
        value = args.get(name)
        try:
            bounds.append(_ts_value(value) if value not in (None, "") else None)
        except InvalidOperation:
            raise SlackError(f"invalid_ts_{name}") from None
    oldest, latest = bounds
    inclusive = _flag(args.get("inclusive"))

    def within(ts: str) -> bool:
        value = _ts_value(ts)
        if oldest is not None and (value < oldest or (value == oldest and not inclusive)):
            return False
        return latest is None or value < latest or (value == latest and inclusive)

    return within


def _page(
    messages: list[Message], args: dict, *, default_limit: int, max_limit: int, newest_first: bool
) -> tuple[list[Message], str]:
    """One page of ``messages`` (already in page order) from ``cursor``; and the next page's cursor."""
    try:
        limit = int(args.get("limit") or default_limit)
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments") from None
    limit = min(max(limit, 1), max_limit)
    start = 0
    if args.get("cursor"):
        at = _cursor_ts(args["cursor"])
        start = next(
            (i for i, m in enumerate(messages) if (_ts_value(m.ts) <= at if newest_first else _ts_value(m.ts) >= at)),
            len(messages),
        )
    rest = messages[start + limit :]
    return messages[start : start + limit], _cursor(rest[0].ts) if rest else ""


def _cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _cursor_ts(cursor: str) -> Decimal:
    try:
        kind, _, ts = base64.b64decode(cursor, validate=True).decode().partition(":")
        if kind != "next_ts":
            raise ValueError(cursor)
        return _ts_value(ts)
    except (binascii.Error, UnicodeDecodeError, ValueError, InvalidOperation):
        raise SlackError("invalid_cursor") from None


def _no_answer(connection: socket.socket | None) -> Response:
    """An answer that never arrives: the connection closes before a byte of it is sent."""

    def close() -> Iterator[bytes]:
        if connection is not None:  # werkzeug's server hands its socket over; other servers just drop
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        # werkzeug's server takes a ConnectionError while sending for a client that went away:
        # it writes nothing more and logs nothing.
        raise ConnectionAbortedError("fake Slack dropped this answer")
        yield b""  # never reached: it makes this a generator, run when the server sends the answer

    return Response(close(), mimetype="application/json")
