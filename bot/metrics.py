"""Prometheus metrics (``/metrics``, text format), correct under gunicorn's several processes.

gunicorn runs several worker processes (and the scheduler in its master); each
counts in its own memory, and a scrape reaches only one of them. So when serving
with gunicorn every process writes its samples to files in a shared directory
(prometheus-client's multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``) and a scrape
adds them up. ``use_multiprocess_dir()`` must run in the master before the first
metric is recorded; ``gunicorn_child_exit`` tells the library a worker has gone.
Without it (Socket Mode, the sandbox, tests) the metrics live in this process.

Some values are read when scraped rather than counted: deliveries by state (from
the database, through a function registered with ``register_delivery_counts``).
Connection pool use is counted by pool events (``instrument_pool``), since a
scrape-time read would only see the pools of the process that serves the scrape.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event

log = logging.getLogger("hiredesk.metrics")

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# Scheduled jobs are labelled job_name: Prometheus gives every target a "job" label of its own.
# Slack waits 3 s for an ack; the buckets resolve the range around it.
ACK_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)
DELIVERY_STATES = ("pending", "failed", "posted")


@dataclass(frozen=True)
class _Metrics:
    slack_requests: Counter
    slack_ack_seconds: Histogram
    job_runs: Counter
    job_seconds: Histogram
    job_posts: Counter
    job_last_success: Gauge
    pool_in_use: Gauge
    pool_capacity: Gauge
    request_path_calls: Counter


_lock = threading.Lock()
_own_registry = CollectorRegistry()
_metrics: _Metrics | None = None
_delivery_counts: Callable[[], Mapping[str, int]] | None = None


def _m() -> _Metrics:
    """The metric objects, made on first use (after the process chose its mode)."""
    global _metrics
    with _lock:
        if _metrics is None:
            registry = _own_registry
            _metrics = _Metrics(
                slack_requests=Counter(
                    "hiredesk_slack_requests",
                    "Requests from Slack by kind (slash_command, block_action, view_submission, event, options, …) "
                    "and outcome (ok, unauthorized, malformed, unhandled, rejected, error).",
                    ["kind", "outcome"],
                    registry=registry,
                ),
                slack_ack_seconds=Histogram(
                    "hiredesk_slack_ack_seconds",
                    "Time from a Slack request's arrival to its answer (the ack; Slack gives up after 3 s).",
                    ["kind", "outcome"],
                    buckets=ACK_BUCKETS,
                    registry=registry,
                ),
                job_runs=Counter(
                    "hiredesk_job_runs",
                    "Scheduled job runs by job and outcome (ok, post_failed: retried next run, error: the run failed).",
                    ["job_name", "outcome"],
                    registry=registry,
                ),
                job_seconds=Histogram(
                    "hiredesk_job_duration_seconds",
                    "How long one run of a job took.",
                    ["job_name"],
                    buckets=JOB_BUCKETS,
                    registry=registry,
                ),
                job_posts=Counter(
                    "hiredesk_job_posts", "Messages the scheduled jobs posted.", ["job_name"], registry=registry
                ),
                job_last_success=Gauge(
                    "hiredesk_job_last_success_timestamp_seconds",
                    "When each job last ran without a failure (Unix time), over all processes.",
                    ["job_name"],
                    multiprocess_mode="max",
                    registry=registry,
                ),
                pool_in_use=Gauge(
                    "hiredesk_db_connections_in_use",
                    "Database connections checked out of the pools, by pool, summed over live processes.",
                    ["pool"],
                    multiprocess_mode="livesum",
                    registry=registry,
                ),
                pool_capacity=Gauge(
                    "hiredesk_db_connections_max",
                    "Connections the pools may open (pool size + overflow), by pool, summed over live processes.",
                    ["pool"],
                    multiprocess_mode="livesum",
                    registry=registry,
                ),
                request_path_calls=Counter(
                    "hiredesk_request_path_slack_calls",
                    "Web API calls made while answering a Slack request, before the answer, by method "
                    "(only views.open/push/update are expected: nothing else may delay an answer).",
                    ["method"],
                    registry=registry,
                ),
            )
        return _metrics


# ---- processes -------------------------------------------------------------


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROCESS_DIR_VARIABLE) or None


def use_multiprocess_dir(path: str | None = None) -> str:
    """Make this process (and those it forks) write samples to files: in gunicorn's master,
    before forking and before recording anything. Uses PROMETHEUS_MULTIPROC_DIR if set
    (emptied: a restarted container reuses process ids), else a new temporary directory,
    removed when this process exits."""
    if _metrics is not None and multiprocess_dir() is None:
        raise RuntimeError("metrics were recorded in this process already; choose the directory first")
    given = path or multiprocess_dir()
    chosen = Path(given or tempfile.mkdtemp(prefix="hiredesk-metrics-"))
    chosen.mkdir(parents=True, exist_ok=True)
    for stale in chosen.glob("*.db"):
        stale.unlink()
    if not given:
        owner = os.getpid()

        def remove() -> None:
            if os.getpid() == owner:  # forked workers exit too: only the process that made it removes it
                shutil.rmtree(chosen, ignore_errors=True)

        atexit.register(remove)
    os.environ[MULTIPROCESS_DIR_VARIABLE] = str(chosen)
    # prometheus-client picks file-backed values when imported with the variable set;
    # it may have been imported before, so pick again (metrics are made after this).
    values.ValueClass = values.get_value_class()
    return str(chosen)


def gunicorn_child_exit(server: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook: drop a dead worker's live gauges."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(worker.pid)


# ---- recording ---------------------------------------------------------------


def observe_slack_request(kind: str, outcome: str, seconds: float) -> None:
    metrics = _m()
    metrics.slack_requests.labels(kind, outcome).inc()
    metrics.slack_ack_seconds.labels(kind, outcome).observe(seconds)


def observe_job_run(job: str, outcome: str, seconds: float, *, posted: int = 0, finished_at: float) -> None:
    """One run of a scheduled job; ``finished_at`` (Unix time) counts as its last success if ok."""
    metrics = _m()
    metrics.job_runs.labels(job, outcome).inc()
    metrics.job_seconds.labels(job).observe(seconds)
    if posted:
        metrics.job_posts.labels(job).inc(posted)
    if outcome == "ok":
        metrics.job_last_success.labels(job).set(finished_at)


def count_request_path_call(method: str) -> None:
    """A listener called the Web API before its request's answer (bot/request_path.py)."""
    _m().request_path_calls.labels(method).inc()


def instrument_pool(engine: Engine, pool: str) -> None:
    """Count ``engine``'s connections in use (and its capacity) under the label ``pool``
    (web, scheduler, delivery …): call once per engine, in the process that uses it."""
    metrics = _m()
    in_use = metrics.pool_in_use.labels(pool)
    size, overflow = getattr(engine.pool, "size", None), getattr(engine.pool, "_max_overflow", None)
    if callable(size) and isinstance(overflow, int):
        metrics.pool_capacity.labels(pool).inc(size() + max(overflow, 0))
    event.listen(engine, "checkout", lambda *_: in_use.inc())
    event.listen(engine, "checkin", lambda *_: in_use.dec())


def register_delivery_counts(count: Callable[[], Mapping[str, int]] | None) -> None:
    """The function a scrape calls for deliveries by state: {"pending": n, "failed": n, "posted": n}.
    It reads the database, so every process gives the same answer. Registering again replaces it
    (None: none)."""
    global _delivery_counts
    _delivery_counts = count


class _ScrapeTime(Collector):
    """Values read when scraped."""

    def collect(self) -> Iterator[Metric]:
        if _delivery_counts is None:
            return
        up = GaugeMetricFamily(
            "hiredesk_scrape_source_up",
            "Whether a value read at scrape time could be read (1) or not (0).",
            labels=["source"],
        )
        try:
            counts = dict(_delivery_counts())
        except Exception as error:  # a database outage must not break the other metrics
            log.warning("metrics: could not count deliveries: %s", error)
            up.add_metric(["deliveries"], 0)
            yield up
            return
        deliveries = GaugeMetricFamily(
            "hiredesk_deliveries", "Slack deliveries in the outbox, by state.", labels=["state"]
        )
        for state in (*DELIVERY_STATES, *sorted(set(counts) - set(DELIVERY_STATES))):
            deliveries.add_metric([state], counts.get(state, 0))
        up.add_metric(["deliveries"], 1)
        yield deliveries
        yield up


class _Own(Collector):
    """This process's metrics (single-process mode)."""

    def collect(self) -> Iterable[Metric]:
        return _own_registry.collect()


# ---- exposition ----------------------------------------------------------------


def render() -> tuple[bytes, str]:
    """The exposition (text format) and its content type."""
    _m()  # every family appears, with its help text, before its first sample
    registry = CollectorRegistry()
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Own())
    registry.register(_ScrapeTime())
    return generate_latest(registry), CONTENT_TYPE_LATEST


def metrics_wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """A WSGI app serving the exposition (mount it at ``/metrics``)."""
    body, content_type = render()
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
