"""``python -m bench --quick`` runs as a user would run it, so the benchmark cannot rot.

Figures are printed, never asserted: a timed assertion on a shared CI machine
would only measure the machine. What is checked is that every part ran, every
request kind got answers, and the JSON and the picture were written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.workload import KINDS

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_runs_and_writes_json_and_png(tmp_path):
    out = tmp_path / "quick.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    print(result.stderr[-3000:])  # the figures, for the CI log
    assert result.returncode == 0, result.stderr[-3000:]
    assert "bare Bolt (default)" in result.stdout and "### Targets" in result.stdout

    results = json.loads(out.read_text())
    measured = {(row["backend"], row["kind"], row["clients"]) for row in results["latency"]}
    for backend in ("postgres", "sqlite"):
        for kind in KINDS:
            assert {(backend, kind.name, 1), (backend, kind.name, 8)} <= measured
    for row in results["latency"]:
        assert row["n"] > 0 and row["errors"] < row["n"], row
        if row["backend"] == "postgres" and row["kind"] != "ticket_queue":
            assert row["effect"] and row["effect"]["n"] > 0, row  # its Web API effect was seen
    assert {row["target"] for row in results["baselines"]} == {
        "bare Bolt (default)",
        "bare Bolt (process_before_response)",
    }
    assert all(row["errors"] == 0 for row in results["baselines"])
    assert [row["backend"] for row in results["mixed"]] == ["postgres", "sqlite"]
    assert all(row["marks"] for row in results["mixed"])
    assert [row["rows"] for row in results["scale"]] == [10_000]
    assert results["targets"]
    assert [f["kind"] for f in results["floors"]] == [kind.name for kind in KINDS]  # what the machine allows

    png = out.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
