"""HireDesk — the composition root and command line.

Usage:
    python app.py              serve Slack (HTTP, or Socket Mode with SLACK_APP_TOKEN); needs credentials
    python app.py sandbox      the local sandbox (a fake Slack on 127.0.0.1, its own sandbox.db)
    python app.py migrate      bring the database schema up to date
    python app.py seed-demo    load demo data for the local sandbox
    python app.py job --list   the scheduled jobs
    python app.py job <name>   run one job once, now, deliver its messages, and exit
    python app.py deliver      send what the outbox holds (normally the serving processes do)
    python app.py purge-workspace <team_id>   delete every row of one workspace
    python app.py manifest --mode http|socket|oauth [--url https://…]   the Slack app manifest
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import datetime

from bot.context import AppContext
from bot.logs import configure_logging, secrets_of
from bot.settings import DEFAULT_SANDBOX_URL, Settings, SettingsError, load_settings
from db.migrate import SchemaIncompatible, check_compatible, migrate, upgrade
from db.session import Database

log = logging.getLogger("hiredesk")


def build_context(settings: Settings) -> AppContext:
    return AppContext(settings=settings, db=database_for(settings))


def database_for(settings: Settings) -> Database:
    return Database(
        settings.database_url, pool_size=settings.database_pool_size, max_overflow=settings.database_max_overflow
    )


def build_wsgi_app(settings: Settings):
    """Settings → database → Bolt app with its listeners → WSGI app, and this process's delivery worker.

    Runs in each gunicorn worker after the fork; the worker's exit hands the
    delivery worker's claims back (bot.server)."""
    from bot import metrics, server
    from bot.delivery.worker import start_delivery_worker
    from bot.slack_app import build_bolt_app
    from bot.web import create_web_app

    ctx = build_context(settings)
    ctx.tenancy.start()  # who the bot token is: learnt and refreshed in the background
    metrics.instrument_pool(ctx.db.engine, "web")
    server.on_worker_exit(start_delivery_worker(settings, ctx.db, ctx.tenancy.client_for).stop)
    return create_web_app(ctx, build_bolt_app(ctx))


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
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
        from bot.delivery.worker import start_delivery_worker
        from bot.slack_app import build_bolt_app
        from bot.web import create_web_app

        bolt_app = build_bolt_app(ctx)
        ctx.tenancy.start()
        server.serve_socket_mode(
            ctx,
            bolt_app,
            create_web_app(ctx, bolt_app),
            start_delivery_worker(settings, ctx.db, ctx.tenancy.client_for),
        )
    else:
        ctx.db.dispose()  # each gunicorn worker opens its own connections
        options = server.ServingOptions(
            workers=args.workers or settings.web_concurrency,
            threads=settings.web_threads,
            request_timeout=settings.web_request_timeout_seconds,
            idle_timeout=settings.web_idle_timeout_seconds,
            graceful_timeout=settings.web_graceful_timeout_seconds,
        )
        server.serve_http(ctx, lambda: build_wsgi_app(settings), options)
    return 0


def cmd_sandbox(settings: Settings, args: argparse.Namespace) -> int:
    """The local sandbox: a Slack-like page on 127.0.0.1 with a fake Slack and HireDesk behind it,
    on a database of its own (never the operator's DATABASE_URL). Only ever started when asked."""
    from bot.sandbox.server import serve_sandbox

    return serve_sandbox(sandbox_settings(settings, args))


def sandbox_settings(settings: Settings, args: argparse.Namespace) -> Settings:
    return settings.model_copy(update={"database_url": args.database or DEFAULT_SANDBOX_URL})


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    outcome = migrate(settings.database_url)
    print(f"hiredesk: {outcome} ({_display_url(settings.database_url)})")
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Demo data for the sandbox's workspace (what its "Load demo data" button does), in the
    sandbox's database (``--database``: another)."""
    from bot.sandbox.demo_data import seed_demo

    settings = sandbox_settings(settings, args)
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
    if not (settings.slack_bot_token or settings.distributed):
        print("hiredesk: SLACK_BOT_TOKEN is not set: a job needs it to post", file=sys.stderr)
        return 2
    from bot.scheduler.runner import run_job

    ctx = build_context(settings)
    check_compatible(ctx.db.engine)
    _learn_identity(ctx)
    report = run_job(ctx, job, now=args.now)
    report.errors = _deliver_now(settings, ctx, report.delivery_keys)
    print(f"hiredesk: {report.summary()}", file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def cmd_deliver(settings: Settings, args: argparse.Namespace) -> int:
    """Send what the outbox holds now, once, and exit (1 if some could not be sent yet)."""
    if not (settings.slack_bot_token or settings.distributed):
        print("hiredesk: SLACK_BOT_TOKEN is not set: delivering needs it", file=sys.stderr)
        return 2
    ctx = build_context(settings)
    check_compatible(ctx.db.engine)
    _learn_identity(ctx)
    problems = _deliver_now(settings, ctx)
    for problem in problems:
        print(f"hiredesk: {problem}", file=sys.stderr)
    print(f"hiredesk: outbox drained; {len(problems)} delivery(ies) not posted")
    return 0 if not problems else 1


def cmd_manifest(settings: Settings, args: argparse.Namespace) -> int:
    """Print the Slack app manifest for one way of running, with your public URL in it."""
    from bot import manifest

    print(manifest.dump(manifest.variant(args.mode, args.url or settings.public_url or manifest.EXAMPLE_HOST)), end="")
    return 0


def cmd_purge_workspace(settings: Settings, args: argparse.Namespace) -> int:
    """Delete every row of one workspace (after it uninstalled the app, or on its request)."""
    from bot.services import workspaces

    ctx = build_context(settings)
    check_compatible(ctx.db.engine)
    with ctx.db.transaction() as session:
        deleted = workspaces.purge(session, args.team_id)
    counts = ", ".join(f"{table} {count}" for table, count in sorted(deleted.items())) or "nothing was stored"
    print(f"hiredesk: workspace {args.team_id} purged: {counts}")
    return 0


def _learn_identity(ctx: AppContext) -> None:
    """A one-off command with one bot token: check who the token is now if that is due (as a serving
    process's background check would), so its posts go where the token is accepted."""
    from bot.tenancy import SingleWorkspace

    if isinstance(ctx.tenancy, SingleWorkspace):
        ctx.tenancy.identity.refresh_if_due()


def _deliver_now(settings: Settings, ctx: AppContext, keys: list[str] | None = None) -> list[str]:
    """Drain the outbox in this process; describe what is not posted: of ``keys`` (waiting a little
    for those another process is sending), or else of the last hour."""
    from datetime import timedelta

    from bot.delivery.worker import make_delivery_worker
    from bot.services import outbox

    worker = make_delivery_worker(settings, ctx.db, ctx.tenancy.client_for)
    worker.drain()
    if keys is None:
        with ctx.db.transaction(readonly=True) as session:
            return outbox.problems(session, since=timedelta(hours=1))
    for _ in range(300):  # another process may be sending some of them right now
        with ctx.db.transaction(readonly=True) as session:
            problems = outbox.problems(session, since=timedelta(days=1), keys=keys)
        if not any(problem.endswith(": sending") or ": pending" in problem for problem in problems):
            return problems
        time.sleep(0.1)
    return problems


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
    serve = sub.add_parser("serve", help="serve Slack (the default; needs Slack credentials)")
    serve.add_argument("--workers", type=int, default=None, help="worker processes (default: WEB_CONCURRENCY, 2)")
    sandbox = sub.add_parser("sandbox", help="the local sandbox: a Slack-like page, no Slack needed")
    sandbox.add_argument("--database", help=f"its database URL (default: {DEFAULT_SANDBOX_URL})")
    sub.add_parser("migrate", help="apply database migrations")
    seed = sub.add_parser("seed-demo", help="load demo data into the local sandbox's database")
    seed.add_argument("--database", help=f"its database URL (default: {DEFAULT_SANDBOX_URL})")
    sub.add_parser("deliver", help="send the queued Slack messages once, and exit")
    manifest = sub.add_parser("manifest", help="print the Slack app manifest for a way of running")
    manifest.add_argument("--mode", choices=["http", "socket", "oauth"], default="http")
    manifest.add_argument("--url", help="your public https address (default: HIREDESK_PUBLIC_URL)")
    purge = sub.add_parser("purge-workspace", help="delete every row of one workspace")
    purge.add_argument("team_id", help="the workspace's team ID, e.g. T012AB3CD")
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


COMMANDS = {
    "serve": cmd_serve,
    "sandbox": cmd_sandbox,
    "migrate": cmd_migrate,
    "job": cmd_job,
    "deliver": cmd_deliver,
    "seed-demo": cmd_seed_demo,
    "purge-workspace": cmd_purge_workspace,
    "manifest": cmd_manifest,
}


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
    from bot.log_limits import limit_repeats

    limit_repeats()
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
