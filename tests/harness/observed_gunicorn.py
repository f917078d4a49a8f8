"""HireDesk under gunicorn with its observability wired as the serving code is to wire it:
gunicorn's logs through ``bot.logs.GunicornLogger``, every process's metrics in one
directory (``child_exit`` drops a dead worker's), each worker's pool counted, and the
request observer with ``/metrics`` in the web app.

    python -m tests.harness.observed_gunicorn WORKERS     (settings from the environment)
"""

from __future__ import annotations

import sys

from app import build_context
from bot import metrics
from bot.logs import configure_logging, secrets_of
from bot.server import GunicornServer
from bot.settings import load_settings
from bot.slack_app import build_bolt_app
from bot.web import create_web_app


class ObservedGunicorn(GunicornServer):
    def load_config(self) -> None:
        super().load_config()
        self.cfg.set("logger_class", "bot.logs.GunicornLogger")
        self.cfg.set("child_exit", metrics.gunicorn_child_exit)


def main(workers: int) -> None:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, secrets_of(settings))
    metrics.use_multiprocess_dir()

    def build_wsgi_app():
        ctx = build_context(settings)
        metrics.instrument_pool(ctx.db.engine, "web")
        return create_web_app(ctx, build_bolt_app(ctx))  # bot/web.py installs the observer

    ObservedGunicorn(build_wsgi_app, f"{settings.host}:{settings.port}", workers=workers).run()


if __name__ == "__main__":
    main(int(sys.argv[1]))
