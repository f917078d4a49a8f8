"""Running the web app: gunicorn for HTTP mode, Bolt's Socket Mode handler otherwise."""

from __future__ import annotations

import logging
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

from gunicorn.app.base import BaseApplication

from bot.context import AppContext

log = logging.getLogger("hiredesk")


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
            "accesslog": "-",
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


def serve_socket_mode(ctx: AppContext, bolt_app, web_app) -> None:
    """Socket Mode: Slack connects out over a WebSocket; /healthz stays on HTTP."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    health = make_server(ctx.settings.host, ctx.settings.port, web_app, handler_class=_QuietHandler)
    threading.Thread(target=health.serve_forever, name="healthz", daemon=True).start()
    log.info("HireDesk connecting to Slack in Socket Mode; health checks on port %s", ctx.settings.port)
    SocketModeHandler(bolt_app, ctx.settings.slack_app_token).start()
