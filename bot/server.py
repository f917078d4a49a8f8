"""Running the web app: gunicorn for HTTP mode, Bolt's Socket Mode handler otherwise."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from wsgiref.simple_server import WSGIRequestHandler, make_server

from gunicorn.app.base import BaseApplication

from bot import metrics
from bot.context import AppContext

log = logging.getLogger("hiredesk")

# SIGTERM: gunicorn lets requests in flight finish within this, then the worker exits; Kubernetes
# and Docker wait 10 s before SIGKILL, and the delivery worker's hand-back needs a moment after.
GRACEFUL_TIMEOUT = 6
_exit_callbacks: list[Callable[[], None]] = []


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

    def __init__(self, build_wsgi_app, bind: str, workers: int = 2, threads: int = 8) -> None:
        self._build = build_wsgi_app
        self._options = {
            "bind": bind,
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 30,
            "graceful_timeout": GRACEFUL_TIMEOUT,
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


def serve_http(ctx: AppContext, build_wsgi_app, workers: int) -> None:
    bind = f"{ctx.settings.host}:{ctx.settings.port}"
    log.info("HireDesk serving Slack over HTTP at http://%s/slack/events", bind)
    GunicornServer(build_wsgi_app, bind, workers=workers).run()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # health probes every few seconds: keep logs clean
        pass


def serve_socket_mode(ctx: AppContext, bolt_app, web_app, delivery_worker) -> None:
    """Socket Mode: Slack connects out over a WebSocket; /healthz stays on HTTP.
    SIGTERM closes the socket, hands the delivery worker's claims back and exits."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    health = make_server(ctx.settings.host, ctx.settings.port, web_app, handler_class=_QuietHandler)
    threading.Thread(target=health.serve_forever, name="healthz", daemon=True).start()
    log.info("HireDesk connecting to Slack in Socket Mode; health checks on port %s", ctx.settings.port)
    handler = SocketModeHandler(bolt_app, ctx.settings.slack_app_token)
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
