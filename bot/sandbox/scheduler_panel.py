"""The sandbox's scheduler panel: run a job now, or move the clock forward
and run every job, as the scheduler would once that time had come.

Jobs come from the app's job registry (the same one ``python app.py job``
uses); the panel knows nothing about any particular job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.context import AppContext
from bot.errors import DomainError
from bot.services import clock

log = logging.getLogger("hiredesk.sandbox")

LONGEST_STEP = timedelta(days=7)


@dataclass(frozen=True)
class PanelJob:
    name: str
    description: str


def list_jobs() -> list[PanelJob]:
    jobs = _registry()
    return [PanelJob(job.name, job.description) for job in jobs.values()] if jobs else []


def run_job(ctx: AppContext, name: str) -> str:
    """Run one job now, through the same runner the scheduler uses; returns its one-line report."""
    jobs = _registry()
    if not jobs or name not in jobs:
        raise DomainError(f"There is no job called {name!r}.")
    from bot.scheduler.runner import run_job as run_scheduled_job

    return run_scheduled_job(ctx, jobs[name]).summary()


def advance_clock(ctx: AppContext, step: timedelta) -> str:
    """Move the sandbox clock forward, then run every job once (a missed slot is posted once, late)."""
    if not timedelta(0) < step <= LONGEST_STEP:
        raise DomainError("The sandbox clock moves forward by up to a week at a time.")
    clock.advance(step)
    results = []
    for job in list_jobs():
        try:
            results.append(run_job(ctx, job.name))
        except Exception:  # one failing job must not hide the others' posts; the log says why
            log.exception("sandbox: job %s failed after the clock moved", job.name)
            results.append(f"{job.name}: failed (see the terminal)")
    return "Clock moved forward. " + " · ".join(results)


def _registry() -> dict | None:
    """The app's job registry (``python app.py job --list``), when this build has the scheduler."""
    try:
        from bot.scheduler.jobs import JOBS
    except ImportError:
        return None
    return JOBS
