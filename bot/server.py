"""Running the web app: gunicorn for HTTP mode, Bolt's Socket Mode handler otherwise.

In HTTP mode gunicorn manages the processes (forks the workers, replaces a dead or stuck one,
relays SIGTERM, runs the exit hooks, writes the logs), and each worker serves with
``BufferingWorker``: waitress's event loop reads every request whole before one of the worker's
threads sees it, so slow or stalled clients cost a socket, never a thread (docs/operations.md,
"Serving and the front door")."""

from __future__ import annotations

import itertools
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import waitress
from gunicorn.app.base import BaseApplication
from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer
from waitress.utilities import Error, RequestEntityTooLarge
from werkzeug.wsgi import ClosingIterator

from bot import metrics
from bot.context import AppContext
from bot.delivery import after_answer
from bot.web import MAX_BODY_BYTES, SLACK_EVENTS, signature_headers_well_formed

log = logging.getLogger("hiredesk")

# After the requests in flight (the graceful time-out), the worker's exit hook hands the delivery
# worker's claims back: gunicorn kills a worker only this much later. Docker and Kubernetes wait
# 10 s after SIGTERM before SIGKILL: the default 6 s + 3 s fits.
HAND_BACK_SECONDS = 3
# How often the worker's event loop wakes up with nothing to do (heartbeat, SIGTERM).
LOOP_SECONDS = 0.25
_exit_callbacks: list[Callable[[], None]] = []


@dataclass(frozen=True)
class ServingOptions:
    workers: int = 2
    threads: int = 8
    request_timeout: int = 30
    idle_timeout: int = 30
    graceful_timeout: int = 6


def on_worker_exit(callback: Callable[[], None]) -> None:
    """Run ``callback`` when this gunicorn worker process exits (e.g. stop its delivery worker)."""
    _exit_callbacks.append(callback)


def _worker_exit(server, worker) -> None:
    for callback in _exit_callbacks:
        try:
            callback()
        except Exception:
            log.exception("while stopping a worker process")


class GunicornServer(BaseApplication):
    """gunicorn, configured from code. Each worker builds its own app after the
    fork (``load``), so no database connection is shared across processes."""

    def __init__(self, build_wsgi_app, bind: str, options: ServingOptions | None = None) -> None:
        options = options or ServingOptions()
        self._build = build_wsgi_app
        self._options = {
            "bind": bind,
            "workers": options.workers,
            "worker_class": "bot.server.BufferingWorker",
            "threads": options.threads,
            "timeout": options.request_timeout,
            "keepalive": options.idle_timeout,
            "graceful_timeout": options.graceful_timeout + HAND_BACK_SECONDS,
            "worker_exit": _worker_exit,
            "accesslog": "-",
            "logger_class": "bot.logs.GunicornLogger",  # JSON when asked; no health probes in the access log
            "child_exit": metrics.gunicorn_child_exit,  # a dead worker's live gauges go with it
            "errorlog": "-",
            "forwarded_allow_ips": "*",
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._build()


class BufferingWorker(Worker):
    """A gunicorn worker that hands a thread only complete requests.

    gunicorn's own ``gthread`` worker gives a connection to a thread as soon as its first bytes
    arrive, and the thread then waits for the rest: a few clients sending slowly hold every
    thread. Here waitress's event loop reads each request — headers and body, at most
    ``MAX_BODY_BYTES``, larger ones spooled to a file — and queues it for one of ``threads``
    threads; a connection that sends nothing for ``keepalive`` seconds is closed. The loop also
    beats gunicorn's heartbeat, unless a request has run past ``timeout`` (then gunicorn replaces
    the worker), and on SIGTERM stops accepting, lets the requests in flight finish within the
    graceful time-out and returns, so that the exit hook runs."""

    def run(self) -> None:
        requests = InFlightRequests(self.wsgi, self.log)
        channels: dict[int, Any] = {}
        server = waitress.create_server(
            requests,
            map=channels,
            sockets=[listener.sock for listener in self.sockets],
            # A thread that sends its request's messages after the answer is one of the extra ones:
            # the requests always have ``threads`` (bot.delivery.after_answer).
            threads=self.cfg.threads + after_answer.sending_threads(self.cfg.threads),
            channel_timeout=self.cfg.keepalive,
            cleanup_interval=max(1, min(30, self.cfg.keepalive / 2)),
            connection_limit=self.cfg.worker_connections,
            backlog=self.cfg.backlog,
            max_request_body_size=MAX_BODY_BYTES + 1,  # waitress refuses at the size itself; bot.web past it
            asyncore_use_poll=True,
            trusted_proxy="*",  # behind the proxy: https in X-Forwarded-Proto
            trusted_proxy_headers={"x-forwarded-proto"},
            clear_untrusted_proxy_headers=False,  # the access log shows X-Forwarded-For
            ident="HireDesk",
        )
        listeners = [channel for channel in channels.values() if isinstance(channel, BaseWSGIServer)]
        for listener in listeners:
            listener.channel_class = SignedOnlyChannel
        overdue_reported = False
        while self.alive:
            wasyncore.loop(timeout=LOOP_SECONDS, map=channels, use_poll=True, count=1)
            if self.ppid != os.getppid():
                log.info("gunicorn's master has gone: worker exiting")
                break
            if requests.oldest_age() < self.cfg.timeout:
                self.notify()
                overdue_reported = False
            elif not overdue_reported:
                log.error("a request has run for over %s s: gunicorn will replace this worker", self.cfg.timeout)
                overdue_reported = True
        self._finish_in_flight(listeners, channels)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(channels)

    def _finish_in_flight(self, listeners: list[BaseWSGIServer], channels: dict[int, Any]) -> None:
        """Stop accepting; serve the requests already received until they are answered, or
        until the graceful time-out; idle and half-received connections are dropped."""
        for listener in listeners:
            listener.accepting = False
            listener.del_channel()
        deadline = time.monotonic() + max(0.0, self.cfg.graceful_timeout - HAND_BACK_SECONDS)
        while time.monotonic() < deadline:
            busy = False
            for channel in list(channels.values()):
                if isinstance(channel, BaseWSGIServer) or not hasattr(channel, "requests"):
                    continue  # the trigger that wakes the loop
                if channel.requests or channel.total_outbufs_len:
                    busy = True
                elif not channel.will_close:
                    channel.will_close = True  # idle, or still sending its request: closed
            if not busy:
                return
            wasyncore.loop(timeout=0.05, map=channels, use_poll=True, count=1)
            self.notify()
        log.warning("requests still running after the graceful time-out: stopping anyway")


class Unsigned(Error):
    code = 401
    reason = "Unauthorized"


class SignedOnlyParser(HTTPRequestParser):
    """waitress's request parser, refusing ``POST /slack/events`` as soon as its headers are in when
    they can't carry a signature (``bot.web.signature_headers_well_formed``): 401 before a byte of
    the body is read, as ``bot.web`` does behind any other server (here the app would only see the
    request once its body had been read). Also ahead of waitress's own 413, as in ``bot.web``."""

    def __init__(self, adj, channel: SignedOnlyChannel) -> None:
        super().__init__(adj)
        self._channel = channel

    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if self._unsigned():
            self.error = Unsigned("invalid request signature")
            self.completed = True
            self.expect_continue = False  # no "100 Continue": the body is not wanted
            self._channel.refused = True
            return len(data)  # the rest of what arrived is body: never parsed as a next request
        return consumed

    def _unsigned(self) -> bool:
        """Headers in, no other refusal but "too large", for Slack's URL, and no signature shape."""
        return (
            self.headers_finished
            and (self.error is None or isinstance(self.error, RequestEntityTooLarge))
            and self.command == "POST"
            and self.path == SLACK_EVENTS
            and not signature_headers_well_formed(
                self.headers.get("X_SLACK_REQUEST_TIMESTAMP", ""), self.headers.get("X_SLACK_SIGNATURE", "")
            )
        )


class SignedOnlyChannel(HTTPChannel):
    """A connection whose requests are parsed by ``SignedOnlyParser``; after a refusal, whatever
    else the client sends is dropped unread until the 401 is flushed and the connection closed."""

    refused = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parser_class = lambda adj: SignedOnlyParser(adj, self)

    def received(self, data: bytes) -> bool:
        if self.refused:
            return False
        return super().received(data)

    def service(self) -> None:
        # Once waitress has written the answer and handed this connection's next request (if any)
        # to another thread, this one sends the messages the request queued (bot.delivery.after_answer).
        with after_answer.after_service():
            super().service()


class InFlightRequests:
    """The WSGI app, wrapped: knows how long the oldest request in flight has run (for the
    heartbeat) and writes gunicorn's access log line for each request."""

    def __init__(self, app, access_log) -> None:
        self._app = app
        self._access_log = access_log
        self._ids = itertools.count()
        self._lock = threading.Lock()
        self._started: dict[int, float] = {}

    def oldest_age(self) -> float:
        with self._lock:
            oldest = min(self._started.values(), default=None)
        return 0.0 if oldest is None else time.monotonic() - oldest

    def __call__(self, environ: dict[str, Any], start_response) -> Iterable[bytes]:
        request_id = next(self._ids)
        started = time.monotonic()
        with self._lock:
            self._started[request_id] = started
        response = SimpleNamespace(status="500 Internal Server Error", headers=[], sent=None)

        def recording_start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
            # bot.web asks to close when it refuses a body it did not read; waitress has read it
            # (and, per PEP 3333, refuses hop-by-hop headers from the app)
            headers = [(name, value) for name, value in headers if name.lower() != "connection"]
            response.status, response.headers = status, headers
            return start_response(status, headers, exc_info)

        def done() -> None:
            with self._lock:
                self._started.pop(request_id, None)
            self._log_access(environ, response, time.monotonic() - started)

        try:
            body = self._app(environ, recording_start_response)
        except BaseException:
            done()
            raise
        return ClosingIterator(body, done)

    def _log_access(self, environ: dict[str, Any], response: SimpleNamespace, seconds: float) -> None:
        lengths = [value for name, value in response.headers if name.lower() == "content-length"]
        response.sent = int(lengths[0]) if lengths else None
        request = SimpleNamespace(
            method=environ.get("REQUEST_METHOD"),
            path=environ.get("PATH_INFO"),
            headers=[(key[5:].replace("_", "-"), value) for key, value in environ.items() if key.startswith("HTTP_")],
        )
        # gunicorn's log format reads RAW_URI; waitress calls it REQUEST_URI
        logged = dict(environ, RAW_URI=environ.get("REQUEST_URI", environ.get("PATH_INFO", "")))
        try:
            self._access_log.access(response, request, logged, timedelta(seconds=seconds))
        except Exception:
            log.exception("while writing the access log")


def serve_http(ctx: AppContext, build_wsgi_app, options: ServingOptions) -> None:
    bind = f"{ctx.settings.host}:{ctx.settings.port}"
    log.info("HireDesk serving Slack over HTTP at http://%s/slack/events", bind)
    GunicornServer(build_wsgi_app, bind, options).run()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # health probes every few seconds: keep logs clean
        pass


def serve_socket_mode(ctx: AppContext, bolt_app, web_app, delivery_worker) -> None:
    """Socket Mode: Slack connects out over a WebSocket; /healthz stays on HTTP.
    SIGTERM closes the socket, hands the delivery worker's claims back and exits."""
    from bot.socket_mode import EnvelopeKeyedSocketModeHandler

    health = make_server(ctx.settings.host, ctx.settings.port, web_app, handler_class=_QuietHandler)
    threading.Thread(target=health.serve_forever, name="healthz", daemon=True).start()
    log.info("HireDesk connecting to Slack in Socket Mode; health checks on port %s", ctx.settings.port)
    handler = EnvelopeKeyedSocketModeHandler(bolt_app, ctx.settings.slack_app_token)
    stopped = threading.Event()

    def stop(signum, frame) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    handler.connect()
    stopped.wait()
    handler.close()
    delivery_worker.stop()
    health.shutdown()
