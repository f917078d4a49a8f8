"""The benchmark runs (tiny), so it cannot rot."""

from __future__ import annotations

import io

from bench.reminder_queries import JOBS, run


def test_benchmark_runs_and_shows_the_indexes_used(postgres_url):
    out = io.StringIO()
    timings = run(postgres_url, rows=2000, repeats=1, out=out)
    assert [t.job for t in timings] == list(JOBS)
    assert all(t.indexed_ms > 0 and t.baseline_ms > 0 for t in timings)
    report = out.getvalue()
    for index in ("ix_bookings_due", "ix_tickets_open_queue", "ix_tickets_resolved"):
        assert index in report
