"""A fake of the Slack Web API that runs as a real HTTP server.

It answers the methods HireDesk calls the way Slack does (same response
shapes and error codes), keeps the messages, views and App Home tabs it was
given, and records every call (method, arguments, token) so tests can assert
on them. Failures can be injected per method: an error code, or a 429 with
``Retry-After``.

Run it with ``FakeSlack().start()``; point the app at ``fake.api_url``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, request
from werkzeug.serving import BaseWSGIServer, make_server

from bot.services.clock import utcnow


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.time)


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
    metadata: dict | None = None
    deleted: bool = False
    posted_at: datetime = field(default_factory=utcnow)  # on the (sandbox) clock, for the page


@dataclass
class Stall:
    """A call held unanswered (see ``FakeSlack.stall``)."""

    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


# What views.update keeps of a view: who it is, not what it shows.
VIEW_IDENTITY = ("id", "team_id", "root_view_id", "previous_view_id", "app_id", "bot_id", "state", "external_id")


class SlackError(Exception):
    def __init__(self, error: str, status: int = 200, headers: dict | None = None) -> None:
        super().__init__(error)
        self.error, self.status, self.headers = error, status, headers or {}


class FakeSlack:
    """State and behaviour of the fake workspace(s). Thread-safe."""

    BOT_USER = "UHIREDESKBOT"
    BOT_ID = "BHIREDESK"

    def __init__(self, team_id: str = "T0001", token: str = "xoxb-test-token") -> None:
        self.team_id = team_id
        self.tokens = {token}
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.views: dict[str, dict] = {}
        self.view_stacks: dict[str, list[str]] = {}  # root view id -> stack of view ids
        self.home_tabs: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.channels: dict[str, str] = {}
        self.triggers: dict[str, float] = {}  # trigger_id -> issued at (monotonic)
        self.trigger_users: dict[str, str] = {}  # trigger_id -> the user whose click issued it
        self.view_owners: dict[str, str] = {}  # root view id -> the user the modal is open for
        self.version = 0  # bumped on every change, so the sandbox page can wait for news
        self.failures: dict[str, list[Failure]] = {}
        self.stalls: dict[str, Stall] = {}
        self._ts = itertools.count(1)
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
            "users.list": self._users_list,
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
            self.calls.clear()
            self.messages.clear()
            self.views.clear()
            self.view_stacks.clear()
            self.home_tabs.clear()
            self.failures.clear()
            self.triggers.clear()
            self.trigger_users.clear()
            self.view_owners.clear()
            for stall in self.stalls.values():
                stall.release()
            self.stalls.clear()

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
        """The next ``times`` calls of ``method`` answer ``{"ok": false, "error": error}``."""
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

    def issue_trigger(self, user: str | None = None) -> str:
        """A fresh trigger_id (valid 3 s); ``user`` is who clicked, so modals open for them."""
        trigger = f"{next(self._ids)}.{int(time.time())}.trigger"
        with self._lock:
            self.triggers[trigger] = time.monotonic()
            if user:
                self.trigger_users[trigger] = user
        return trigger

    # ---- queries for tests -----------------------------------------------
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
            return next((m for m in self.messages if m.channel == channel and m.ts == ts), None)

    def dm_channel(self, user_id: str) -> str:
        return f"D{user_id}"

    # ---- HTTP ------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask("fake-slack")

        @app.post("/api/<method>")
        def api(method: str) -> Response:
            args = _request_args()
            token = _bearer_token() or args.pop("token", None)
            return self._dispatch(method, args, token)

        @app.post("/response/<key>")
        def response_url(key: str) -> Response:
            args = request.get_json(force=True, silent=True) or {}
            self._record(Call("response_url", {"key": key, **args}, None))
            self._apply_response_url(key, args)
            return Response("ok", mimetype="text/plain")

        return app

    def response_url_for(self, channel: str, user: str, message_ts: str | None = None) -> str:
        key = f"{channel}.{user}.{message_ts or ''}"
        return f"{self.base_url}/response/{key}"

    def _dispatch(self, method: str, args: dict, token: str | None) -> Response:
        call = Call(method, args, token)
        try:
            self._maybe_stall(method)
            self._maybe_fail(method)
            if token not in self.tokens:
                raise SlackError("not_authed" if not token else "invalid_auth")
            handler = self.handlers.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            with self._lock:
                body = {"ok": True, **handler(args)}
            self._record(call)
            return Response(json.dumps(body), mimetype="application/json")
        except SlackError as error:
            call.args = {**args, "_error": error.error}
            self._record(call)
            return Response(
                json.dumps({"ok": False, "error": error.error}),
                status=error.status,
                headers=error.headers,
                mimetype="application/json",
            )

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
        return f"{1_700_000_000 + next(self._ts)}.{next(self._ids):06d}"

    def _channel(self, channel: str | None) -> str:
        if not channel:
            raise SlackError("channel_not_found")
        if channel.startswith(("U", "W")):  # posting to a user ID posts to the DM with them
            return self.dm_channel(channel)
        return channel

    def _auth_test(self, args: dict) -> dict:
        return {
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "user": "hiredesk",
            "team_id": self.team_id,
            "user_id": self.BOT_USER,
            "bot_id": self.BOT_ID,
        }

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
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=args.get("text", ""),
            blocks=_json_arg(args.get("blocks")) or [],
            user=self.BOT_USER,
            thread_ts=thread_ts,
            metadata=_json_arg(args.get("metadata")),
        )
        self.messages.append(message)
        return {"channel": channel, "ts": message.ts, "message": _message_json(message)}

    def _chat_update(self, args: dict) -> dict:
        self._check_text(args)
        channel = self._channel(args.get("channel"))
        message = self.message(channel, args.get("ts", ""))
        if message is None or message.deleted:
            raise SlackError("message_not_found")
        message.text = args.get("text", message.text)
        if "blocks" in args:
            message.blocks = _json_arg(args.get("blocks")) or []
        return {"channel": channel, "ts": message.ts, "text": message.text, "message": _message_json(message)}

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
        return {"channel": channel, "permalink": f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}"}

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
            return {"messages": [{**asdict(m), "posted_at": m.posted_at.isoformat()} for m in self.messages]}

    def restore(self, snapshot: dict) -> None:
        """Load a ``snapshot``; new timestamps and IDs continue after the restored ones."""
        with self._changed:
            self.messages = [
                Message(**{**m, "posted_at": datetime.fromisoformat(m["posted_at"])})
                for m in snapshot.get("messages", [])
            ]
            seconds, ids = zip(*(m.ts.split(".") for m in self.messages), strict=True) if self.messages else ((), ())
            self._ts = itertools.count(max((int(n) - 1_700_000_000 for n in seconds), default=0) + 1)
            self._ids = itertools.count(max((int(n) for n in ids), default=0) + 1)
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
    ) -> Message:
        """A message written by a person (or Slackbot), not through the Web API."""
        with self._changed:
            message = Message(
                channel=self._channel(channel),
                ts=self._next_ts(),
                text=text,
                blocks=blocks or [],
                user=user,
                thread_ts=thread_ts,
                ephemeral_for=ephemeral_for,
            )
            self.messages.append(message)
            self._touch()
            return message

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
    if request.is_json:
        return dict(request.get_json(silent=True) or {})
    body = request.get_data(as_text=True)
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


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


def _message_json(message: Message) -> dict:
    return {
        "type": "message",
        "user": message.user,
        "bot_id": FakeSlack.BOT_ID,
        "text": message.text,
        "blocks": message.blocks,
        "ts": message.ts,
        **({"thread_ts": message.thread_ts} if message.thread_ts else {}),
    }
