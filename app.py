"""HireDesk — the composition root and command line.

Usage:
    python app.py              serve Slack (HTTP, or Socket Mode with SLACK_APP_TOKEN)
    python app.py migrate      bring the database schema up to date
    python app.py seed-demo    load demo data for the local sandbox
    python app.py job --list   the scheduled jobs
    python app.py job <name>   run one job once, now, and exit
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime

from bot.context import AppContext
from bot.logs import configure_logging, secrets_of
from bot.settings import Settings, SettingsError, load_settings
from db.migrate import SchemaIncompatible, check_compatible, migrate, upgrade
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
    check_compatible(ctx.db.engine)
    from bot import server

    if not settings.socket_mode:
        from bot import metrics

        metrics.use_multiprocess_dir()  # gunicorn's processes add up their metrics (before any is recorded)
    if settings.scheduler:
        # Safe in every replica: reminders are claimed in the database. In HTTP
        # mode this is gunicorn's master: one scheduler per replica, not per worker.
        from bot.scheduler.background import start_scheduler

        start_scheduler(settings)
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
    outcome = migrate(settings.database_url)
    print(f"hiredesk: {outcome} ({_display_url(settings.database_url)})")
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Demo data for the sandbox's workspace (what its "Load demo data" button does)."""
    from bot.sandbox.demo_data import seed_demo

    upgrade(settings.database_url)
    print(f"hiredesk: {seed_demo(build_context(settings)).describe()}")
    return 0


def cmd_job(settings: Settings, args: argparse.Namespace) -> int:
    from bot.scheduler.jobs import JOBS

    if args.list or not args.name:
        for listed in JOBS.values():
            print(f"{listed.name:<17} every {int(listed.every.total_seconds() // 60)} min  {listed.description}")
        return 0
    job = JOBS.get(args.name)
    if job is None:
        print(f"hiredesk: no job {args.name!r}; jobs: {', '.join(JOBS)}", file=sys.stderr)
        return 2
    if not settings.slack_bot_token:
        print("hiredesk: SLACK_BOT_TOKEN is not set: a job needs it to post", file=sys.stderr)
        return 2
    from bot.scheduler.runner import run_job
    from bot.slack_client import make_web_client

    ctx = build_context(settings)
    check_compatible(ctx.db.engine)
    report = run_job(ctx, make_web_client(settings), job, now=args.now)
    print(f"hiredesk: {report.summary()}", file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def _instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset, e.g. 2026-11-23T08:30:00+00:00."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give the offset too, e.g. 2026-11-23T08:30:00Z")
    return value


def _display_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python app.py", description="HireDesk: IT help desk and car hire desk for Slack."
    )
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve Slack (the default)")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed-demo", help="load demo data for the local sandbox")
    job = sub.add_parser("job", help="run a scheduled job once, now (--list: the jobs)")
    job.add_argument("name", nargs="?", help="the job to run")
    job.add_argument("--list", action="store_true", help="list the jobs")
    job.add_argument(
        "--now", type=_instant, default=None, help="run as if at this instant (ISO 8601 with offset): replays and tests"
    )
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["serve", *argv])
    return args


COMMANDS = {"serve": cmd_serve, "migrate": cmd_migrate, "job": cmd_job, "seed-demo": cmd_seed_demo}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
        if args.command == "serve":
            settings.check_can_serve()
    except SettingsError as error:
        print(f"hiredesk: configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format, secrets_of(settings))
    try:
        return COMMANDS[args.command](settings, args)
    except SchemaIncompatible as error:
        print(f"hiredesk: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # one clear line for the operator; the traceback goes to the log
        from sqlalchemy.exc import OperationalError

        if isinstance(error, OperationalError):
            log.debug("database error", exc_info=True)
            print(
                f"hiredesk: cannot reach the database ({_display_url(settings.database_url)}): {error.orig}",
                file=sys.stderr,
            )
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
