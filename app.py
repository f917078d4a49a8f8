"""HireDesk — the composition root and command line.

    python app.py              serve Slack (HTTP, or Socket Mode with SLACK_APP_TOKEN)
    python app.py migrate      bring the database schema up to date
    python app.py seed-demo    load demo data for the local sandbox
"""
from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.context import AppContext
from bot.settings import Settings, SettingsError, load_settings
from db.migrate import DatabaseBehind, check_up_to_date, upgrade
from db.session import Database

log = logging.getLogger("hiredesk")


def build_context(settings: Settings) -> AppContext:
    return AppContext(settings=settings, db=Database(settings.database_url))


def build_wsgi_app(settings: Settings):
    """Settings → database → Bolt app with its listeners → WSGI app."""
    from bot.slack_app import build_bolt_app
    from bot.web import create_web_app

    ctx = build_context(settings)
    return create_web_app(ctx, build_bolt_app(ctx))


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.has_slack_credentials:
        # No Slack to talk to: serve the local sandbox, a Slack-like page on localhost.
        from bot.sandbox.server import serve_sandbox

        return serve_sandbox(settings)
    ctx = build_context(settings)
    check_up_to_date(ctx.db.engine)
    from bot import server

    if settings.socket_mode:
        from bot.slack_app import build_bolt_app
        from bot.web import create_web_app

        bolt_app = build_bolt_app(ctx)
        server.serve_socket_mode(ctx, bolt_app, create_web_app(ctx, bolt_app))
    else:
        ctx.db.dispose()  # each gunicorn worker opens its own connections
        server.serve_http(ctx, lambda: build_wsgi_app(settings), workers=args.workers)
    return 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    print(f"hiredesk: database is up to date ({_display_url(settings.database_url)})")
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Demo data for the sandbox's workspace (what its "Load demo data" button does)."""
    from bot.sandbox.demo_data import seed_demo

    upgrade(settings.database_url)
    print(f"hiredesk: {seed_demo(build_context(settings)).describe()}")
    return 0


def _display_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python app.py", description="HireDesk: IT help desk and car hire desk for Slack.")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve Slack (the default)")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed-demo", help="load demo data for the local sandbox")
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["serve", *argv])
    return args


COMMANDS = {"serve": cmd_serve, "migrate": cmd_migrate, "seed-demo": cmd_seed_demo}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"hiredesk: configuration error: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](settings, args)
    except DatabaseBehind as error:
        print(f"hiredesk: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # one clear line for the operator; the traceback goes to the log
        from sqlalchemy.exc import OperationalError

        if isinstance(error, OperationalError):
            log.debug("database error", exc_info=True)
            print(f"hiredesk: cannot reach the database ({_display_url(settings.database_url)}): {error.orig}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
