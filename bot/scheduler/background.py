"""Running the jobs periodically inside the app process (APScheduler).

Every process that runs this may run it: the claims in the database keep
reminders exactly-once, so replicas need no leader election. Set
HIREDESK_SCHEDULER=off to run it in fewer processes anyway.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot import metrics
from bot.context import AppContext
from bot.services.clock import utcnow
from bot.settings import Settings
from db.session import Database

from .jobs import JOBS, Job
from .runner import run_job

log = logging.getLogger("hiredesk.scheduler")


def start_scheduler(settings: Settings) -> BackgroundScheduler:
    """Start the jobs in a background thread, with a database engine of their own."""
    ctx = AppContext(
        settings=settings,
        db=Database(
            settings.database_url, pool_size=settings.database_pool_size, max_overflow=settings.database_max_overflow
        ),
    )
    # gunicorn forks its workers from the process that runs the scheduler: a
    # child must never use (or close) the parent's pooled connections.
    os.register_at_fork(after_in_child=lambda: ctx.db.engine.dispose(close=False))
    metrics.instrument_pool(ctx.db.engine, "scheduler")
    # APScheduler logs every run at INFO; our own line reports the runs that posted or failed.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BackgroundScheduler(timezone=UTC)
    for job in JOBS.values():
        scheduler.add_job(
            _run_logged,
            "interval",
            args=(ctx, job),
            id=job.name,
            name=job.name,
            seconds=job.every.total_seconds(),
            next_run_time=utcnow() + timedelta(seconds=1),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    scheduler.start()
    log.info("scheduler started: %s", ", ".join(JOBS))
    return scheduler


def _run_logged(ctx: AppContext, job: Job) -> None:
    started = time.monotonic()
    try:
        report = run_job(ctx, job)
    except Exception:  # the next run retries; say why this one failed
        log.exception("scheduled job %s failed", job.name)
        metrics.observe_job_run(job.name, "error", time.monotonic() - started, finished_at=time.time())
        return
    metrics.observe_job_run(job.name, "ok", time.monotonic() - started, posted=report.queued, finished_at=time.time())
    if report.claimed or report.errors:
        (log.warning if report.errors else log.info)("%s", report.summary())
