"""Where HireDesk's CPU goes for one request kind: py-spy on the gunicorn workers under load.

    python -m bench.profile [--kind booking_submit] [--mode cpu|wall] [--requests 1500] [--backend postgres]

Starts what ``python -m bench`` starts (PostgreSQL, the fake Slack, HireDesk via
``python app.py``), warms the app up, then samples every worker with py-spy
(250 Hz) while 8 clients send ``--requests`` requests of one kind:

- ``--mode cpu``: only stacks holding the GIL, i.e. where the workers' Python CPU goes;
- ``--mode wall``: every stack of the threads serving requests, waiting included
  (database round trips and locks, Bolt's ack polling, Web API calls).

Prints the share of samples spent in each layer (a sample counts for every layer
on its stack, so shares overlap) and the hottest functions of HireDesk's own code,
and writes the raw stacks (``--raw``) and a flame graph per worker (``--svg``).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import processes  # noqa: E402
from bench.load import run_phase  # noqa: E402
from bench.processes import SIGNING_SECRET, FakeSlackProcess  # noqa: E402
from bench.run import _database  # noqa: E402
from bench.seed import seed  # noqa: E402
from bench.workload import BY_NAME, Workload  # noqa: E402
from db.session import Database  # noqa: E402

# Layers of the request path, recognised by the file a frame is in (first match wins per frame).
LAYERS = [
    ("Bolt: waiting for ack (10 ms polls)", ("slack_bolt/listener/thread_runner.py:run",)),
    (
        "Web API calls (slack_sdk WebClient, urllib, http.client)",
        ("slack_sdk/web/", "urllib/request.py", "http/client.py"),
    ),
    ("Block Kit building (slack_sdk.models, bot/views)", ("slack_sdk/models/", "/bot/views/")),
    ("SQLAlchemy ORM and Core", ("sqlalchemy/",)),
    ("database driver (psycopg2 / sqlite3)", ("psycopg2/", "sqlite3/")),
    ("Bolt request handling (parse, middleware, listener matching)", ("slack_bolt/",)),
    ("Flask / Werkzeug / gunicorn", ("flask/", "werkzeug/", "gunicorn/")),
    ("signature check (bot/web.py, slack_sdk.signature)", ("slack_sdk/signature/",)),
    ("JSON", ("json/",)),
    ("logging", ("logging/",)),
    ("HireDesk services (bot/services)", ("/bot/services/",)),
    ("HireDesk handlers", ("/handlers/",)),
]


# A thread is serving a request when one of these is on its stack (idle pool threads are not).
REQUEST_FRAMES = ("/bot/web.py", "slack_bolt/", "/handlers/")


def summarize(raw: Path, top: int = 25, only_requests: bool = False) -> str:
    """Layer shares and the hottest HireDesk functions from py-spy's raw (collapsed) stacks;
    ``only_requests``: only samples of threads serving a request."""
    total = 0
    layers: Counter[str] = Counter()
    own: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = stack.split(";")
        if only_requests and not any(needle in frame for frame in frames for needle in REQUEST_FRAMES):
            continue
        total += n
        seen_layers, seen_own = set(), set()
        for frame in frames:
            for name, needles in LAYERS:
                if any(needle in frame for needle in needles):
                    seen_layers.add(name)
            if ("/bot/" in frame or "/handlers/" in frame or "/db/" in frame) and "site-packages" not in frame:
                seen_own.add(_short(frame))
        layers.update({name: n for name in seen_layers})
        own.update({name: n for name in seen_own})
        leaves[_short(frames[-1])] += n
    if not total:
        return "no samples (is py-spy allowed to trace? it needs ptrace)"
    what = (
        "samples of the threads serving requests (waiting included)"
        if only_requests
        else "samples of the gunicorn workers holding the GIL (Python CPU)"
    )
    out = [f"{total:,} {what}", "", "| layer (inclusive) | share of samples |", "|---|---|"]
    out += [f"| {name} | {layers[name] / total:.0%} |" for name, _ in LAYERS if layers[name]]
    out += ["", "| HireDesk function (inclusive) | share |", "|---|---|"]
    out += [f"| `{name}` | {n / total:.1%} |" for name, n in own.most_common(top)]
    out += ["", "| hottest leaf functions (self) | share |", "|---|---|"]
    out += [f"| `{name}` | {n / total:.1%} |" for name, n in leaves.most_common(15)]
    return "\n".join(out) + "\n"


def _short(frame: str) -> str:
    """``func (/path/to/site-packages/pkg/mod.py)`` → ``func (pkg/mod.py)``."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", str(ROOT) + "/", "lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{name} ({where})"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", default="booking_submit", choices=list(BY_NAME))
    parser.add_argument("--mode", default="cpu", choices=["cpu", "wall"])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--backend", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--raw", type=Path, default=ROOT / "bench" / "results" / "profile.txt")
    parser.add_argument("--svg", type=Path, default=ROOT / "bench" / "results" / "profile.svg")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    processes.stop_on_signals()
    workdir = Path(tempfile.mkdtemp(prefix="hiredesk-profile-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        from tests.harness.postgres import start_cluster, wait_until_accepting

        cluster = start_cluster()
        stack.callback(cluster.stop)
        wait_until_accepting(cluster.admin_url)
        fake = FakeSlackProcess(workdir)
        stack.callback(fake.stop)
        url = _database(args.backend, cluster, workdir)
        env = processes.app_env(
            url, fake.api_url, processes.free_port(), [f"UBENCH{i + 1}" for i in range(args.clients)]
        )
        log = workdir / "hiredesk.log"
        processes.migrate(env, log)
        db = Database(url)
        workload = Workload(seed(db, fake, args.requests + 200), fake.base_url)
        db.dispose()
        app = processes.start_hiredesk(env, log, workers=2)
        stack.callback(app.stop)
        run_phase("warm-up", app.url, SIGNING_SECRET, workload, [args.kind], args.clients, 100)
        fake.take_calls()
        args.raw.parent.mkdir(parents=True, exist_ok=True)
        recorders = []
        for worker in app.processes()[1:]:  # gunicorn's workers (the master only forks and watches)
            for fmt, out in (
                ("raw", args.raw.with_suffix(f".{worker.pid}.txt")),
                ("flamegraph", args.svg.with_suffix(f".{worker.pid}.svg")),
            ):
                recorders.append(
                    (
                        out,
                        subprocess.Popen(
                            [
                                py_spy,
                                "record",
                                "--pid",
                                str(worker.pid),
                                "--rate",
                                "250",
                                "--format",
                                fmt,
                                "--output",
                                str(out),
                                "--nolineno",
                                "--full-filenames",
                                "--gil" if args.mode == "cpu" else "--idle",
                            ],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE,
                        ),
                    )
                )
        time.sleep(1.0)  # py-spy attaches
        phase = run_phase("profiled", app.url, SIGNING_SECRET, workload, [args.kind], args.clients, args.requests)
        for _, recorder in recorders:
            recorder.send_signal(signal.SIGINT)
        for out, recorder in recorders:
            _, err = recorder.communicate(timeout=60)
            if not out.exists():
                print(f"py-spy wrote nothing to {out}: {err.decode()[-500:]}", file=sys.stderr)
        raws = [out for out, _ in recorders if out.suffix == ".txt" and out.exists()]
        with open(args.raw, "w") as merged:
            for raw in raws:
                merged.write(raw.read_text())
                raw.unlink()
        errors = sum(1 for s in phase.samples if s.error)
        ms = sorted(s.latency * 1000 for s in phase.samples)
        print(
            f"{args.kind} ×{args.clients} on {args.backend}: {phase.rate:.0f}/s, p50 {ms[len(ms) // 2]:.1f} ms, "
            f"errors {errors}\n"
        )
        print(summarize(args.raw, only_requests=args.mode == "wall"))
        print(f"raw stacks: {args.raw}; flame graphs: {', '.join(str(o) for o, _ in recorders if o.suffix == '.svg')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
