"""The run's results as Markdown (printed and in docs/performance.md), JSON, a PNG, and the issue's targets."""

from __future__ import annotations

import json
import math
from pathlib import Path

from .workload import BY_NAME, KINDS, Kind

BARE_DEFAULT = "bare Bolt (default)"
BARE_PBR = "bare Bolt (process_before_response)"
JOB_QUERIES = ("due-returns", "overdue-returns", "critical-tickets")
TARGET_BACKEND, TARGET_CLIENTS = "postgres", 8
WRITE_RATE, READ_RATE, ACK_P50_MS = 400, 1000, 5  # issue 13's targets at 8 clients


def _f(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _row(results: dict, backend: str, kind: str, clients: int) -> dict | None:
    return next(
        (r for r in results["latency"] if r["backend"] == backend and r["kind"] == kind and r["clients"] == clients),
        None,
    )


def _baseline(results: dict, name: str, clients: int) -> dict | None:
    return next((r for r in results["baselines"] if r["target"] == name and r["clients"] == clients), None)


# ---- targets ------------------------------------------------------------------------


def _target_rate(kind: Kind) -> int:
    return WRITE_RATE if kind.write else READ_RATE


def analyse(results: dict) -> None:
    """Add to a run's results the targets' verdicts and the machine's floors (also for a saved run)."""
    results["targets"] = targets(results)
    results["floors"] = floors(results)


def targets(results: dict) -> list[dict]:
    """Each target of issue 13: what was measured and whether it is met (None: not measured in this run)."""
    checks: list[dict] = []

    def check(what: str, measured, limit: float, unit: str, at_most: bool = True) -> None:
        met = (
            None if measured is None or math.isnan(measured) else (measured <= limit if at_most else measured >= limit)
        )
        checks.append(
            {"target": what, "measured": measured, "limit": limit, "unit": unit, "at_most": at_most, "met": met}
        )

    bare = _baseline(results, BARE_DEFAULT, TARGET_CLIENTS)
    for kind in KINDS:
        row = _row(results, TARGET_BACKEND, kind.name, TARGET_CLIENTS)
        if row is None:
            continue
        check(f"{kind.label}: ack p50", row["p50"], ACK_P50_MS, "ms")
        check(f"{kind.label}: ack p99", row["p99"], 25, "ms")
        if bare:
            check(f"{kind.label}: p50 ÷ bare Bolt default p50", row["p50"] / bare["p50"], 0.5, "×")
        check(f"{kind.label}: throughput", row["rate"], _target_rate(kind), "req/s", at_most=False)
        if kind.effect_method and row.get("effect"):
            check(f"{kind.label}: time to effect p50", row["effect"]["p50"], 50, "ms")
            check(f"{kind.label}: time to effect p99", row["effect"]["p99"], 250, "ms")
        sqlite = _row(results, "sqlite", kind.name, TARGET_CLIENTS)
        if kind.write and sqlite is not None:
            check(f"{kind.label} on SQLite: ack p99", sqlite["p99"], 100, "ms")
    for mixed in results["mixed"]:
        check(f"memory growth, mixed requests ({mixed['backend']})", mixed["rss_growth_pct"], 5, "%")
    scale = {r["rows"]: r for r in results["scale"]}
    largest, smallest = scale.get(1_000_000), scale.get(10_000)
    for job in JOB_QUERIES:
        check(f"scheduler {job} query at 10⁶ rows", largest["jobs"][job] if largest else None, 10, "ms")
        growth = largest["jobs"][job] / smallest["jobs"][job] if largest and smallest else None
        check(f"scheduler {job}: growth 10⁴ → 10⁶", growth, 2, "×")
    check("digest at 10⁶ rows", largest["jobs"]["digest"] if largest else None, 50, "ms")
    return checks


def floors(results: dict) -> list[dict]:
    """What this machine allows each request kind, whatever HireDesk's own code does (PostgreSQL, 8 clients).

    The floor is the CPU a request costs that HireDesk can't cut: the fake Slack answering the Web API
    calls the product requires (its card, thread note, DM), the load generator sending the request, and
    Bolt with its web stack when the listener only acks (the ``process_before_response`` baseline). On
    ``cores`` cores no app on Bolt gets past ``cores`` s ÷ that floor per second, and by Little's law
    ``clients`` closed-loop clients then wait at least ``clients`` ÷ that rate on average. What is left of
    the target's rate is the budget for HireDesk's own Python and its database."""
    bare = _baseline(results, BARE_PBR, TARGET_CLIENTS)
    if bare is None:
        return []
    bolt = bare["cpu_ms_per_request"]["app"]
    cores = results["meta"]["cores"]
    out = []
    for kind in KINDS:
        row = _row(results, TARGET_BACKEND, kind.name, TARGET_CLIENTS)
        if row is None:
            continue
        cpu = row["cpu_ms_per_request"]
        floor = cpu["fake Slack"] + cpu["load generator"] + bolt
        ceiling = cores * 1000 / floor
        target_rate = _target_rate(kind)
        own = cpu["app"] - bolt + cpu["PostgreSQL"]
        budget = cores * 1000 / target_rate - floor
        out.append(
            {
                "kind": kind.name,
                "floor_cpu_ms": floor,
                "ceiling_rate": ceiling,
                "least_mean_latency_ms": TARGET_CLIENTS / ceiling * 1000,
                "own_cpu_ms": own,
                "target_rate": target_rate,
                "budget_ms": budget,
                "cut_needed": own / budget if budget > 0 else None,  # None: no budget at all
            }
        )
    return out


# ---- Markdown -----------------------------------------------------------------------


def other_share(results: dict) -> float:
    """The share of all CPU used during the request phases that went to processes outside the benchmark."""
    total = others = 0.0
    for row in results["latency"] + results["baselines"] + results["mixed"]:
        cpu = row.get("cpu_ms_per_request") or {}
        total += sum(cpu.values()) * row["n"]
        others += cpu.get("other processes", 0.0) * row["n"]
    return others / total if total else 0.0


def markdown(results: dict) -> str:
    meta = results["meta"]
    out = [
        f"Run of {meta['date']} on commit `{meta['commit']}`{' (--quick)' if meta['quick'] else ''}: "
        f"{meta['cores']} cores, {meta['memory_gb']} GB, Python {meta['python']}; gunicorn {meta['workers']} workers × "
        f"{meta['threads']} threads (gthread); keep-alive clients; per request kind "
        + ", ".join(
            f"{n:,} requests at {c} client{'s' if int(c) > 1 else ''}" for c, n in meta["requests_per_kind"].items()
        )
        + f", each after {meta['warmup']} warm-up requests. Load average before the run "
        f"{meta.get('load_average_before')}, after {meta.get('load_average_after')}.",
        "",
    ]
    others = other_share(results)
    out[-2] += f" Other processes used {others:.0%} of the CPU spent during the request phases."
    if others > 0.15:
        out += [
            f"**The machine was busy with other work during this run** ({others:.0%} of the CPU went to other "
            'processes; see the "other processes" column): every figure is slower and noisier than on a '
            "quiet machine.",
            "",
        ]
    bare_default = {c: _baseline(results, BARE_DEFAULT, c) for c in (1, TARGET_CLIENTS)}
    backends = sorted({r["backend"] for r in results["latency"]}, key=lambda b: b != "postgres")
    for clients in sorted({r["clients"] for r in results["latency"]}):
        out += [f"### Ack latency, {clients} client{'s' if clients > 1 else ''} (request sent → HTTP answer)", ""]
        head = (
            "| request | "
            + " | ".join(f"{b} p50 ms | p90 | p99 | req/s | ÷ bare p50" for b in backends)
            + " | errors |"
        )
        out += [head, "|" + "---|" * (head.count("|") - 1)]
        for name in (BARE_DEFAULT, BARE_PBR):
            row = _baseline(results, name, clients)
            if row:
                cells = (
                    f"{_f(row['p50'])} | {_f(row['p90'])} | {_f(row['p99'])} | {_f(row['rate'], 0)} | "
                    f"{_f(row['p50'] / bare_default[clients]['p50'], 2) if bare_default[clients] else '–'}"
                )
                out.append(
                    f"| {name}, listener only acks (all kinds' payloads) | {cells}"
                    + " | – | – | – | – | –" * (len(backends) - 1)
                    + f" | {row['errors']} |"
                )
        for kind in KINDS:
            cells, errors = [], 0
            for backend in backends:
                row = _row(results, backend, kind.name, clients)
                if row is None:
                    cells.append("– | – | – | – | –")
                    continue
                bare = bare_default[clients]
                ratio = _f(row["p50"] / bare["p50"], 2) if bare else "–"
                cells.append(f"{_f(row['p50'])} | {_f(row['p90'])} | {_f(row['p99'])} | {_f(row['rate'], 0)} | {ratio}")
                errors += row["errors"] + row["error_replies"] + row["effect_missing"]
            out.append(f"| HireDesk {kind.label} | " + " | ".join(cells) + f" | {errors} |")
        out += [
            "",
            "Errors: an answer other than the one expected, an error message sent to the user out of band, "
            "or an expected Web API effect that never came.",
            "",
        ]

    out += [
        f"### Time to effect, {TARGET_CLIENTS} clients (request sent → the card posted/updated or the modal "
        "opened, at the fake Web API)",
        "",
    ]
    head = "| request | effect | " + " | ".join(f"{b} p50 ms | p90 | p99 | missing" for b in backends) + " |"
    out += [head, "|" + "---|" * (head.count("|") - 1)]
    for kind in KINDS:
        if not kind.effect_method:
            continue
        cells = []
        for backend in backends:
            row = _row(results, backend, kind.name, TARGET_CLIENTS)
            effect = (row or {}).get("effect") or {}
            cells.append(
                f"{_f(effect.get('p50'))} | {_f(effect.get('p90'))} | {_f(effect.get('p99'))} | "
                f"{row['effect_missing'] if row else '–'}"
            )
        out.append(f"| {kind.label} | `{kind.effect_method}` | " + " | ".join(cells) + " |")
    out.append("")

    if results["mixed"]:
        marks = list(results["mixed"][0]["marks"])
        out += [
            f"### Mixed requests, {results['mixed'][0]['clients']} clients (all kinds in turn)",
            "",
            "| database | requests | req/s | p50 ms | p99 ms | errors | "
            + " | ".join(f"peak RSS after {int(m):,} MB" for m in marks)
            + " | growth |",
            "|" + "---|" * (7 + len(marks)),
        ]
        for mixed in results["mixed"]:
            rss = " | ".join(_f(mixed["marks"].get(m, {}).get("peak_rss_mb"), 0) for m in marks)
            errors = mixed["errors"] + mixed["effects"]["error_replies"] + mixed["effects"]["missing"]
            out.append(
                f"| {mixed['backend']} | {mixed['n']:,} | {_f(mixed['rate'], 0)} | {_f(mixed['p50'])} | "
                f"{_f(mixed['p99'])} | {errors} | {rss} | {_f(mixed['rss_growth_pct'], 1)} % |"
            )
        out += ["", "RSS: gunicorn's master and its workers together (resident set, sampled every 0.2 s).", ""]

    cpu_rows = [r for r in results["latency"] if r["backend"] == TARGET_BACKEND and r["clients"] == TARGET_CLIENTS]
    if cpu_rows:
        names = list(cpu_rows[0]["cpu_ms_per_request"])
        out += [
            f"### Where the CPU goes ({TARGET_BACKEND}, {TARGET_CLIENTS} clients; CPU ms per request)",
            "",
            "| request | " + " | ".join(names) + " | SQL statements per request | their execution ms |",
            "|" + "---|" * (len(names) + 3),
        ]
        for row in cpu_rows:
            sql = row.get("sql") or {}
            out.append(
                f"| {BY_NAME[row['kind']].label} | "
                + " | ".join(_f(row["cpu_ms_per_request"][n], 2) for n in names)
                + f" | {_f(sql.get('statements_per_request'))} | {_f(sql.get('db_exec_ms_per_request'), 2)} |"
            )
        for row in results["baselines"]:
            if row["clients"] == TARGET_CLIENTS:
                cpu = row["cpu_ms_per_request"]
                out.append(f"| {row['target']} | " + " | ".join(_f(cpu.get(n), 2) for n in names) + " | – | – |")
        out.append("")

    if results["scale"]:
        sizes = [r["rows"] for r in results["scale"]]
        out += [
            "### Scheduler scale (PostgreSQL; one workspace's run of each job, median ms; rows = tickets = bookings)",
            "",
            "| job | "
            + " | ".join(f"{n:,} rows" for n in sizes)
            + " | growth | its SQL alone, "
            + " / ".join(_power_of_ten(n) for n in sizes)
            + " | without indexes, largest |",
            "|" + "---|" * (len(sizes) + 4),
        ]
        for job in results["scale"][0]["jobs"]:
            times = [r["jobs"][job] for r in results["scale"]]
            growth = times[-1] / times[0] if len(times) > 1 else float("nan")
            sql = " / ".join(_f((r.get("sql") or {}).get(job), 2) for r in results["scale"])
            out.append(
                f"| {job} | " + " | ".join(_f(t, 2) for t in times) + f" | {_f(growth, 2)}× | {sql} | "
                f"{_f(results['scale'][-1]['no_index'][job], 1)} |"
            )
        out += [
            "",
            "A job's time is its `find_due` (the digest: `build_digest`) in one transaction: the SQL (its "
            "statements' execution time from EXPLAIN ANALYZE, next column) and the Python that loads the rows "
            "and builds the reminders.",
        ]
        out += [
            "",
            "Fill times: " + ", ".join(f"{r['rows']:,} rows {r['fill_seconds']:.1f} s" for r in results["scale"]),
            "",
        ]

    if results.get("floors"):
        out += [
            f"### What this machine allows ({TARGET_BACKEND}, {TARGET_CLIENTS} clients; CPU ms per request)",
            "",
            "| request | floor: fake Slack + load generator + bare Bolt | most req/s on "
            f"{results['meta']['cores']} cores | least mean latency ms | HireDesk's own (app minus bare Bolt, plus "
            "PostgreSQL) | its budget at the target rate | cut needed |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in results["floors"]:
            possible = f["budget_ms"] > 0
            budget = f"{_f(f['budget_ms'], 2)} (at {f['target_rate']:,}/s)" if possible else "none"
            if not possible:
                cut = f"{f['target_rate']:,}/s is past the floor"
            elif f["cut_needed"] <= 1:
                cut = "none: within the budget"
            else:
                cut = f"{_f(f['cut_needed'], 1)}×"
            out.append(
                f"| {BY_NAME[f['kind']].label} | {_f(f['floor_cpu_ms'], 2)} | {_f(f['ceiling_rate'], 0)} | "
                f"{_f(f['least_mean_latency_ms'])} | {_f(f['own_cpu_ms'], 2)} | {budget} | {cut} |"
            )
        out += [
            "",
            "The floor is what a request costs on this machine whatever HireDesk does: the fake Slack answering "
            "its Web API calls, the load generator, and Bolt with a listener that only acks. The most req/s is "
            f"{results['meta']['cores']} cores' worth of CPU ÷ the floor; at that rate {TARGET_CLIENTS} closed-loop "
            "clients wait at least the least mean latency (Little's law; less their own time between requests, "
            "well under a millisecond). The budget is what the target's "
            "rate leaves for HireDesk's own Python and its database.",
            "",
        ]

    if results.get("scale_error"):
        out += [f"The scheduler scale part failed: {results['scale_error']}", ""]
    out += [
        "### Targets (issue 13; PostgreSQL, 8 clients unless named)",
        "",
        "| target | measured | limit | |",
        "|---|---|---|---|",
    ]
    for t in results.get("targets", []):
        mark = {True: "met", False: "**missed**", None: "not measured"}[t["met"]]
        sign = "≤" if t["at_most"] else "≥"
        out.append(
            f"| {t['target']} | {_f(t['measured'], 2)} {t['unit']} | {sign} {_f(t['limit'], 1)} {t['unit']} | {mark} |"
        )
    met = sum(1 for t in results.get("targets", []) if t["met"])
    missed = sum(1 for t in results.get("targets", []) if t["met"] is False)
    out += ["", f"{met} met, {missed} missed."]
    return "\n".join(out) + "\n"


def _power_of_ten(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"10{str(exponent).translate(str.maketrans('0123456789', '⁰¹²³⁴⁵⁶⁷⁸⁹'))}" if n == 10**exponent else f"{n:,}"


def explain_text(results: dict) -> str:
    """The EXPLAIN plans of the largest size: which index each job's queries use."""
    if not results["scale"]:
        return ""
    largest = results["scale"][-1]
    out = [
        f"EXPLAIN ANALYZE at {largest['rows']:,} rows: each statement of each job, [execution time, rows], its scan lines",
        "",
    ]
    for job, lines in largest["plans"].items():
        out.append(f"{job}:")
        out += [f"  {line}" for line in lines]
    return "\n".join(out) + "\n"


BEGIN, END = "<!-- bench:begin (python -m bench --update-doc rewrites this part) -->", "<!-- bench:end -->"


def update_doc(doc: Path, table: str, explain: str) -> None:
    """Replace the run's part of ``doc`` (between BEGIN and END) with this run's table and plans."""
    text = doc.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"bench: {doc} has no bench markers; add {BEGIN} … {END}")
    block = (
        f"{BEGIN}\n{table}\n<details><summary>EXPLAIN ANALYZE of the jobs' statements</summary>\n\n"
        f"```\n{explain}```\n</details>\n{END}"
    )
    head, rest = text.split(BEGIN, 1)
    doc.write_text(head + block + rest.split(END, 1)[1])


# ---- JSON and the picture -------------------------------------------------------------


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)

    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):  # NaN, ±Infinity: not JSON
            return None
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    path.write_text(json.dumps(clean(results), indent=1) + "\n")


def draw(latencies: dict, effects: dict, path: Path) -> None:
    """Latency distributions as cumulative curves (log scale): each request kind and the bare Bolt
    baselines at 8 clients on PostgreSQL and on SQLite, at 1 client on PostgreSQL; and the time to effect."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    most = max((key[3] for key in latencies), default=1)
    panels = [
        (f"ack latency, PostgreSQL, {most} clients", "postgres", most),
        (f"ack latency, SQLite, {most} clients", "sqlite", most),
        ("ack latency, PostgreSQL, 1 client", "postgres", 1),
        (f"time to effect, PostgreSQL, {most} clients", "effect", most),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(13, 10), sharey=True)
    colours = {kind.name: plt.get_cmap("tab10")(i) for i, kind in enumerate(KINDS)}
    for ax, (title, which, clients) in zip(axes.flat, panels, strict=False):
        series = []  # (label, ms, colour, style)
        if which == "effect":
            series = [
                (BY_NAME[kind].label, ms, colours[kind], "-")
                for (backend, kind, c), ms in effects.items()
                if backend == "postgres" and c == clients and ms
            ]
        else:
            for (target, backend, kind, c), ms in latencies.items():
                if c != clients or not ms:
                    continue
                if target == BARE_DEFAULT:
                    series.append((target, ms, "black", "--"))
                elif target == BARE_PBR:
                    series.append((target, ms, "grey", "--"))
                elif backend == which:
                    series.append((BY_NAME[kind].label, ms, colours[kind], "-"))
        for label, ms, colour, style in series:
            ordered = sorted(ms)
            ys = [(j + 1) / len(ordered) for j in range(len(ordered))]
            ax.plot(ordered, ys, style, color=colour, label=label.replace("`", ""), lw=1.6)
        if not series:
            ax.text(0.5, 0.5, "not measured in this run", ha="center", transform=ax.transAxes)
        ax.set_xscale("log")
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("milliseconds (log scale)")
        ax.grid(True, which="both", alpha=0.3)
        for q in (0.5, 0.99):
            ax.axhline(q, color="grey", lw=0.6, alpha=0.6)
        if series:
            ax.legend(fontsize=7.5, loc="lower right")
    for ax in axes[:, 0]:
        ax.set_ylabel("fraction of requests answered within")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
