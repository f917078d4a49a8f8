"""One benchmark run: what it starts, in which order, and what it measures."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
import sqlalchemy as sa

from db.session import Database

from . import processes
from .effects import error_replies, failed_calls, match_effects, percentile
from .load import PhaseResult, run_phase
from .processes import SIGNING_SECRET, FakeSlackProcess, ProcessTree, Server
from .seed import seed
from .workload import KINDS, Workload

MB = 1024 * 1024


@dataclass
class Plan:
    quick: bool
    backends: list[str]
    kinds: list[str]
    requests: dict[int, int]  # clients → measured requests per kind
    warmup: int
    baseline_requests: dict[int, int]
    mixed_requests: int
    mixed_marks: tuple[int, ...]
    scale_sizes: list[int]
    scale_repeats: int
    workers: int = 2
    threads: int = 8
    effect_patience: float = 60.0  # how long after a phase its effects may still come (the outbox's backlog)

    @classmethod
    def make(cls, quick: bool) -> Plan:
        if quick:
            return cls(
                quick=True,
                backends=["postgres", "sqlite"],
                kinds=[k.name for k in KINDS],
                requests={1: 10, 8: 40},
                warmup=3,
                baseline_requests={1: 40, 8: 160},
                mixed_requests=300,
                mixed_marks=(150, 300),
                scale_sizes=[10_000],
                scale_repeats=2,
                effect_patience=10.0,
            )
        return cls(
            quick=False,
            backends=["postgres", "sqlite"],
            kinds=[k.name for k in KINDS],
            requests={1: 200, 8: 1000},
            warmup=40,
            baseline_requests={1: 1000, 8: 4000},
            mixed_requests=20_000,
            mixed_marks=(10_000, 20_000),
            scale_sizes=[10_000, 100_000, 1_000_000],
            scale_repeats=11,
        )

    def assign_requests(self) -> int:
        """Assign to me takes an unassigned ticket each time: how many the run uses, and a margin."""
        per_kind = sum(self.warmup + n for n in self.requests.values())
        return per_kind + self.mixed_requests // len(self.kinds) + self.warmup + 50


@dataclass
class Run:
    plan: Plan
    log: callable = print
    results: dict = field(default_factory=dict)
    latencies: dict = field(default_factory=dict)  # (target, backend, kind, clients) → [ms]; for the picture
    effects: dict = field(default_factory=dict)  # (backend, kind, clients) → [ms]


def execute(plan: Plan, log=print) -> Run:
    run = Run(plan, log)
    run.results = {"meta": _meta(plan), "latency": [], "baselines": [], "mixed": [], "scale": []}
    workdir = Path(tempfile.mkdtemp(prefix="hiredesk-bench-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        from tests.harness.postgres import start_cluster, wait_until_accepting

        log("starting PostgreSQL, the fake Slack …")
        cluster = start_cluster()
        stack.callback(cluster.stop)
        statements = _with_statement_counts(cluster)
        wait_until_accepting(cluster.admin_url)
        postgres = ProcessTree(_postmaster_pid(cluster.datadir))
        fake = FakeSlackProcess(workdir)
        stack.callback(fake.stop)
        watched = {"fake Slack": fake.server, "PostgreSQL": postgres}

        baseline_workload = None
        for backend in plan.backends:
            url = _database(backend, cluster, workdir)
            fake.reset()
            port = processes.free_port()
            env = processes.app_env(url, fake.api_url, port, [f"UBENCH{i + 1}" for i in range(max(plan.requests))])
            app_log = workdir / f"hiredesk-{backend}.log"
            processes.migrate(env, app_log)
            log(f"[{backend}] seeding …")
            db = Database(url)
            seeded = seed(db, fake, plan.assign_requests())
            db.dispose()
            workload = Workload(seeded, fake.base_url)
            baseline_workload = baseline_workload or Workload(seeded, fake.base_url, baseline=True)
            app = processes.start_hiredesk(env, app_log, plan.workers)
            counter = StatementCounter(url) if backend == "postgres" and statements else None
            try:
                _measure_kinds(run, app, fake, workload, backend, {**watched, "app": app}, counter)
                if plan.mixed_requests:
                    _measure_mixed(run, app, fake, workload, backend, {**watched, "app": app})
            finally:
                app.stop()
                if counter:
                    counter.close()
                run.results.setdefault("logs", {})[backend] = _log_problems(app)

        for pbr in (False, True) if baseline_workload and plan.baseline_requests else ():
            bare = processes.start_bare_bolt(workdir, plan.workers, pbr, fake.api_url)
            try:
                _measure_baseline(run, bare, baseline_workload, {**watched, "app": bare})
            finally:
                bare.stop()

        if plan.scale_sizes:
            from .scale import run_scale

            log(f"scheduler scale at {', '.join(f'{n:,}' for n in plan.scale_sizes)} rows …")
            try:
                run.results["scale"] = [
                    r.to_json() for r in run_scale(cluster.admin_url, plan.scale_sizes, plan.scale_repeats, log=log)
                ]
            except Exception as error:  # the request figures are kept; the report says what failed
                log(f"scheduler scale failed: {error}")
                run.results["scale_error"] = str(error)[:500]
    return run


def _meta(plan: Plan) -> dict:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=processes.ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "quick": plan.quick,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3),
        "python": platform.python_version(),
        "workers": plan.workers,
        "threads": plan.threads,
        "requests_per_kind": plan.requests,
        "warmup": plan.warmup,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }


def _with_statement_counts(cluster) -> bool:
    """Restart the cluster with pg_stat_statements loaded (to count each request's SQL statements)."""
    cluster.pause()
    cluster.options += " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
    try:
        cluster.resume()
        return True
    except Exception:
        cluster.options = cluster.options.split(" -c shared_preload_libraries")[0]
        cluster.resume()
        return False


class StatementCounter:
    """SQL statements and their execution time in one database, between ``reset`` and ``read``."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with self.engine.connect() as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            self.dbid = conn.exec_driver_sql("SELECT oid FROM pg_database WHERE datname = current_database()").scalar()

    def reset(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_stat_statements_reset()")

    def read(self, requests: int) -> dict:
        with self.engine.connect() as conn:
            calls, ms = conn.exec_driver_sql(
                "SELECT coalesce(sum(calls), 0), coalesce(sum(total_exec_time), 0) FROM pg_stat_statements "
                "WHERE dbid = %(db)s AND query NOT LIKE '%%pg_stat_statements%%'",
                {"db": self.dbid},
            ).one()
            top = conn.exec_driver_sql(
                "SELECT calls, total_exec_time, query FROM pg_stat_statements WHERE dbid = %(db)s "
                "AND query NOT LIKE '%%pg_stat_statements%%' ORDER BY total_exec_time DESC LIMIT 60",
                {"db": self.dbid},
            ).all()
        per = max(requests, 1)
        return {
            "statements_per_request": round(float(calls) / per, 1),
            "db_exec_ms_per_request": round(float(ms) / per, 3),
            "slowest": [
                {
                    "per_request": round(c / per, 2),
                    "ms_per_request": round(t / per, 3),
                    "query": " ".join(q.split())[:300],
                }
                for c, t, q in top
            ],
        }

    def close(self) -> None:
        self.engine.dispose()


def _postmaster_pid(datadir: Path) -> int:
    return int((datadir / "postmaster.pid").read_text().split()[0])


def _database(backend: str, cluster, workdir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    admin = sa.create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql('CREATE DATABASE "hiredesk_bench"')
    admin.dispose()
    return cluster.url("hiredesk_bench")


class CpuMeter:
    """CPU seconds each watched process tree (and this process) used between start and stop."""

    def __init__(self, watched: dict[str, ProcessTree]) -> None:
        self.watched = watched
        self.before = self._now()

    def _now(self) -> dict[str, float]:
        now = {name: tree.cpu_seconds() for name, tree in self.watched.items()}
        own = psutil.Process().cpu_times()
        now["load generator"] = own.user + own.system
        machine = psutil.cpu_times()
        # Everything else on the machine (other jobs sharing it make every figure slower).
        # (Interrupt time, e.g. loopback networking, is not counted: it belongs to no process.)
        now["other processes"] = machine.user + machine.system + machine.nice - sum(now.values())
        return now

    def per_request_ms(self, requests: int) -> dict[str, float]:
        after = self._now()
        return {
            name: round(max(after[name] - self.before.get(name, 0.0), 0.0) * 1000 / max(requests, 1), 2)
            for name in after
        }


def _summary(phase: PhaseResult, kind: str | None = None) -> dict:
    samples = [s for s in phase.samples if kind is None or s.kind == kind]
    ms = [s.latency * 1000 for s in samples if s.error is None]
    errors = [s.error for s in samples if s.error]
    return {
        "n": len(samples),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "p50": percentile(ms, 50),
        "p90": percentile(ms, 90),
        "p99": percentile(ms, 99),
        "mean": sum(ms) / len(ms) if ms else float("nan"),
        "rate": phase.rate,
    }


def _calls_after(phase: PhaseResult, fake: FakeSlackProcess, patience: float = 60.0, quiet: float = 1.0) -> list[dict]:
    """The fake Slack's calls for this phase. Effects come after the answers (from the outbox, maybe
    seconds later under load), so take calls until every expected effect is there and nothing more
    came for ``quiet`` seconds: the next phase then starts with no backlog of this one's deliveries."""
    calls: list[dict] = []
    deadline = time.monotonic() + patience
    last_news = time.monotonic()
    while time.monotonic() < deadline:
        news = fake.take_calls()
        if news:
            calls += news
            last_news = time.monotonic()
        elif time.monotonic() - last_news >= quiet and match_effects(phase.warmup + phase.samples, calls)[1] == 0:
            break
        time.sleep(0.1)
    return calls


def _effect_summary(phase: PhaseResult, calls: list[dict]) -> tuple[dict, dict[str, list[float]]]:
    # Warm-up requests are matched too (they may act on the same cards), then left out.
    everything = phase.warmup + phase.samples
    found, missing = match_effects(everything, calls)
    per_kind: dict[str, list[float]] = {}
    for index, seconds in found.items():
        if index >= len(phase.warmup):
            per_kind.setdefault(everything[index].kind, []).append(seconds * 1000)
    summary = {
        kind: {"n": len(ms), "p50": percentile(ms, 50), "p90": percentile(ms, 90), "p99": percentile(ms, 99)}
        for kind, ms in per_kind.items()
    }
    return {
        "kinds": summary,
        "missing": missing,
        "error_replies": error_replies(calls),
        "failed_calls": failed_calls(calls),
    }, per_kind


def _measure_kinds(
    run: Run,
    app: Server,
    fake: FakeSlackProcess,
    workload: Workload,
    backend: str,
    watched,
    counter: StatementCounter | None = None,
) -> None:
    plan = run.plan
    for kind in plan.kinds:
        for clients, requests in plan.requests.items():
            fake.take_calls()
            meter = CpuMeter(watched)
            if counter:
                counter.reset()
            phase = run_phase(
                f"{backend} {kind} ×{clients}",
                app.url,
                SIGNING_SECRET,
                workload,
                [kind],
                clients,
                requests,
                warmup=plan.warmup,
            )
            sent = len(phase.samples) + len(phase.warmup)  # the meters saw the warm-up too
            cpu = meter.per_request_ms(sent)
            effects, effect_ms = _effect_summary(phase, _calls_after(phase, fake, plan.effect_patience))
            sql = counter.read(sent) if counter else {}
            row = {
                "target": "HireDesk",
                "backend": backend,
                "kind": kind,
                "clients": clients,
                **_summary(phase),
                "effect": effects["kinds"].get(kind),
                "effect_missing": effects["missing"],
                "error_replies": effects["error_replies"],
                "failed_calls": effects["failed_calls"],
                "cpu_ms_per_request": cpu,
                "sql": sql,
            }
            run.results["latency"].append(row)
            run.latencies[("HireDesk", backend, kind, clients)] = [
                s.latency * 1000 for s in phase.samples if not s.error
            ]
            run.effects[(backend, kind, clients)] = effect_ms.get(kind, [])
            run.log(
                f"  {backend:<8} {kind:<17} ×{clients}: p50 {row['p50']:6.1f} ms  p99 {row['p99']:7.1f} ms  "
                f"{row['rate']:6.0f}/s  errors {row['errors'] + row['error_replies'] + row['effect_missing']}"
                + (f"  effect p50 {row['effect']['p50']:.1f} ms" if row["effect"] else "")
            )


def _measure_mixed(run: Run, app: Server, fake: FakeSlackProcess, workload: Workload, backend: str, watched) -> None:
    plan = run.plan
    fake.take_calls()
    peak = {"rss": 0}
    stop = threading.Event()

    def sample_rss() -> None:  # the peak between marks, sampled often
        while not stop.is_set():
            peak["rss"] = max(peak["rss"], app.rss_bytes())
            stop.wait(0.2)

    def at_mark() -> dict:
        rss = app.rss_bytes()
        peak["rss"] = max(peak["rss"], rss)
        return {
            "rss_mb": rss / MB,
            "peak_rss_mb": peak["rss"] / MB,
            "workers_rss_mb": [p.memory_info().rss / MB for p in app.processes()[1:]],
        }

    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    meter = CpuMeter(watched)
    try:
        phase = run_phase(
            f"{backend} mixed ×8",
            app.url,
            SIGNING_SECRET,
            workload,
            plan.kinds,
            max(plan.requests),
            plan.mixed_requests,
            warmup=0,
            marks=plan.mixed_marks,
            on_mark=at_mark,
        )
    finally:
        stop.set()
        sampler.join()
    cpu = meter.per_request_ms(len(phase.samples))
    effects, _ = _effect_summary(phase, _calls_after(phase, fake, plan.effect_patience))
    first, last = (phase.marks.get(m, {}).get("peak_rss_mb") for m in (plan.mixed_marks[0], plan.mixed_marks[-1]))
    growth = (last - first) / first * 100 if first and last else float("nan")
    row = {
        "backend": backend,
        "clients": max(plan.requests),
        **_summary(phase),
        "marks": phase.marks,
        "rss_growth_pct": growth,
        "effects": effects,
        "cpu_ms_per_request": cpu,
        "by_kind": {kind: _summary(phase, kind) for kind in plan.kinds},
    }
    run.results["mixed"].append(row)
    run.log(
        f"  {backend:<8} mixed ×{row['clients']}: {row['rate']:.0f}/s, p50 {row['p50']:.1f} ms, p99 {row['p99']:.1f} ms,"
        f" errors {row['errors'] + effects['error_replies'] + effects['missing']}, peak RSS {first:.0f} → {last:.0f} MB ({growth:+.1f} %)"
    )


def _measure_baseline(run: Run, bare: Server, workload: Workload, watched) -> None:
    plan = run.plan
    for clients, requests in plan.baseline_requests.items():
        meter = CpuMeter(watched)
        phase = run_phase(
            f"{bare.name} ×{clients}",
            bare.url,
            SIGNING_SECRET,
            workload,
            plan.kinds,
            clients,
            requests,
            warmup=plan.warmup,
        )
        row = {
            "target": bare.name,
            "clients": clients,
            **_summary(phase),
            "cpu_ms_per_request": meter.per_request_ms(len(phase.samples) + len(phase.warmup)),
        }
        run.results["baselines"].append(row)
        run.latencies[(bare.name, "", "ack only", clients)] = [s.latency * 1000 for s in phase.samples if not s.error]
        run.log(
            f"  {bare.name:<36} ×{clients}: p50 {row['p50']:6.1f} ms  p99 {row['p99']:7.1f} ms  {row['rate']:6.0f}/s"
            f"  errors {row['errors']}"
        )


def _log_problems(app: Server) -> dict:
    """Errors and tracebacks the app logged (its access log lines are not counted)."""
    text = app.log.read_text(errors="replace") if app.log and app.log.exists() else ""
    lines = text.splitlines()
    problems = [line for line in lines if " ERROR " in line or " WARNING " in line or "Traceback" in line]
    return {"problem_lines": len(problems), "first": problems[:5]}
