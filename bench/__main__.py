"""HireDesk's benchmark, beside bare Bolt apps, in one run.

    python -m bench [--quick] [--json PATH] [--png PATH] [--markdown PATH]

Starts a throwaway PostgreSQL, the fake Slack Web API, HireDesk as in production
(``python app.py``: gunicorn, on PostgreSQL and then on SQLite) and two bare Bolt
apps served the same way; sends signed Slack requests from keep-alive clients;
times the scheduler's queries at 10⁴–10⁶ rows; prints a Markdown table, writes
it as JSON and draws the latency distributions; stops everything it started.
``--quick`` (under a minute, for CI) sends fewer requests and fills 10⁴ rows only.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.processes import stop_on_signals  # noqa: E402
from bench.run import Plan, execute  # noqa: E402
from bench.workload import BY_NAME  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute), as in CI")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--png", type=Path, default=None, help="default: beside the JSON, .png")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table here")
    parser.add_argument(
        "--update-doc",
        action="store_true",
        help="put the table into docs/performance.md (between its bench markers) and the picture "
        "into docs/performance.png",
    )
    parser.add_argument("--backends", default=None, help="postgres,sqlite (default both)")
    parser.add_argument("--kinds", default=None, help=f"some of: {', '.join(BY_NAME)}")
    parser.add_argument("--no-scale", action="store_true", help="skip the scheduler scale part")
    parser.add_argument("--scale-only", action="store_true", help="only the scheduler scale part")
    parser.add_argument("--no-mixed", action="store_true", help="skip the mixed requests (and memory) part")
    parser.add_argument("--no-baselines", action="store_true", help="skip the bare Bolt apps")
    parser.add_argument(
        "--report-from",
        type=Path,
        default=None,
        metavar="JSON",
        help="run nothing: print (and with --update-doc, put in the doc) the tables of a saved run",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine's load average to fall below 1",
    )
    return parser.parse_args(argv)


def wait_until_quiet(patience: float) -> None:
    """Other work on the machine slows every figure down: give it a chance to finish."""
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] >= 1.0 and time.monotonic() < deadline:
        print(
            f"bench: load average {os.getloadavg()[0]:.1f}; waiting for a quiet machine …", file=sys.stderr, flush=True
        )
        time.sleep(min(30.0, max(deadline - time.monotonic(), 0.1)))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    plan = Plan.make(args.quick)
    if args.backends:
        plan.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if args.kinds:
        plan.kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
        unknown = [k for k in plan.kinds if k not in BY_NAME]
        if unknown:
            print(f"bench: unknown kinds {unknown}; known: {', '.join(BY_NAME)}", file=sys.stderr)
            return 2
    if args.no_scale:
        plan.scale_sizes = []
    if args.no_mixed:
        plan.mixed_requests = 0
    if args.no_baselines:
        plan.baseline_requests = {}
    if args.scale_only:
        plan.backends, plan.baseline_requests = [], {}
    stop_on_signals()
    if args.report_from:
        results = json.loads(args.report_from.read_text())
        report.analyse(results)
        table = report.markdown(results)
        print(table)
        if args.update_doc:
            report.update_doc(ROOT / "docs" / "performance.md", table, report.explain_text(results))
        return 0
    if args.wait_quiet:
        wait_until_quiet(args.wait_quiet)
    started = time.monotonic()
    try:
        run = execute(plan, log=lambda line: print(line, file=sys.stderr, flush=True))
    except KeyboardInterrupt:
        print("bench: interrupted; everything it started is stopped", file=sys.stderr)
        return 130
    results = run.results
    results["meta"]["seconds"] = round(time.monotonic() - started, 1)
    results["meta"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report.analyse(results)
    table = report.markdown(results)
    print(table)
    print(report.explain_text(results))
    png = args.png or args.json.with_suffix(".png")
    report.write_json(results, args.json)
    report.draw(run.latencies, run.effects, png)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table)
    if args.update_doc:
        report.update_doc(ROOT / "docs" / "performance.md", table, report.explain_text(results))
        shutil.copyfile(png, ROOT / "docs" / "performance.png")
    print(f"bench: {results['meta']['seconds']:.0f} s; wrote {args.json} and {png}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
