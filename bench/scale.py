"""Scheduler scale: each job's "what is due" query and the digest at 10⁴, 10⁵, 10⁶ rows.

Each size gets a fresh database (copied from one migrated template) filled by
PostgreSQL itself (``INSERT … SELECT generate_series``, see ``reminder_queries``):
that many tickets and as many bookings over five workspaces and two years, with
their events. The jobs are timed for one workspace (a fifth of the rows).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa

from bot.services.clock import utcnow
from db.migrate import upgrade
from db.session import Database

from . import reminder_queries


@dataclass
class ScaleResult:
    rows: int
    fill_seconds: float
    jobs: dict[str, float]  # job → median ms with the indexes
    no_index: dict[str, float]  # job → median ms with index scans off (what the indexes save)
    plans: dict[str, list[str]] = field(default_factory=dict)  # EXPLAIN ANALYZE of each statement
    sql: dict[str, float] = field(default_factory=dict)  # job → its statements' execution time, ms

    @staticmethod
    def sql_ms(lines: list[str]) -> float:
        """The execution times at the head of EXPLAIN ANALYZE lines (``[0.591 ms, 150 rows] …``), added up."""
        return sum(float(line[1:].split(" ms", 1)[0]) for line in lines if line.startswith("[") and " ms" in line)

    def to_json(self) -> dict:
        return asdict(self)


class ScaleDatabases:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = sa.engine.make_url(admin_url)
        self.admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self._execute('DROP DATABASE IF EXISTS "bench_scale_template"')
        self._execute('CREATE DATABASE "bench_scale_template"')
        upgrade(self._url("bench_scale_template"))

    def _url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def fresh(self, name: str) -> str:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "bench_scale_template"')
        return self._url(name)

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self.drop("bench_scale_template")
        self.admin.dispose()


def run_scale(admin_url: str, sizes: list[int], repeats: int, log=print) -> list[ScaleResult]:
    databases = ScaleDatabases(admin_url)
    results = []
    try:
        for rows in sizes:
            name = f"bench_scale_{rows}"
            db = Database(databases.fresh(name), poolclass=sa.pool.NullPool)
            try:
                now = reminder_queries.measured_at(utcnow())
                started = time.perf_counter()
                reminder_queries.fill(db, rows, now)
                filled = time.perf_counter() - started
                log(f"  scale: {rows:,} tickets and {rows:,} bookings (with events) filled in {filled:.1f} s")
                timings = reminder_queries.measure(db, now, repeats, baseline=True)
                plans = reminder_queries.plans(db, now, analyze=True)
                results.append(
                    ScaleResult(
                        rows=rows,
                        fill_seconds=filled,
                        jobs={t.job: t.indexed_ms for t in timings},
                        no_index={t.job: t.baseline_ms for t in timings},
                        plans=plans,
                        sql={job: round(ScaleResult.sql_ms(lines), 3) for job, lines in plans.items()},
                    )
                )
            finally:
                db.dispose()
                databases.drop(name)
    finally:
        databases.close()
    return results
