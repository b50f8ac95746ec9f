"""Time the addon's hot paths against PostgreSQL's own floor (issue 11).

    make bench SIZE=tiny|small|large [SFA_BENCH_DB=name] [REPEAT=3]

For each hot path this measures, in one run, the addon's entry point and a hand-written SQL
"floor" doing the same work (same reads, same writes) in the same process on the same
cursor: wall time, SQL queries (``cr.sql_log_count``) and the peak RSS of the process. Each
path runs in a process of its own (``benchmark.py --path NAME``, started by the driver), so
that one path's memory does not count for the next. Every repetition runs in a transaction
that is rolled back: each starts from the same data and the benchmark never changes the
database (the cursor refuses to commit). Inside each timed section the ORM is flushed; its
caches are invalidated before. The floor runs first, then the addon. The tables a path
writes are vacuumed before its first run and after each (untimed): a rolled-back run leaves
dead rows that would slow the next. JIT is off for both sides by default (``--jit server``
keeps the server's setting): its compile time, tens of milliseconds, would otherwise be
charged to whichever statement the planner finds costly. A side stops repeating once its
runs took ``--budget`` seconds (after at least one timed run).

The driver prints an aligned table, the goal of each path with PASS / FAIL (ratio addon /
floor of the fastest runs <= 1.5, the re-tier job <= 2.0; peak RSS < 300 MB; the deal form
< 25 queries), and writes the same as Markdown (``--output``) with the machine it ran on and
the EXPLAIN (ANALYZE, BUFFERS) of each floor's main statement. ``--replica`` adds the output
of ``scripts/replica.sh check <db>``. It exits non-zero when a path does not pass (FAIL,
MISSING entry point or ERROR); the report is written either way.

Run it through ``make bench`` (which sets up the venv, the cluster and .local/odoo.conf), or
directly: ``python scripts/benchmark.py --db NAME [--paths preview,apply] [--trace]``.
"""

import argparse
import json
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import traceback
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Odoo: the tree make finds (ODOO_SRC), else /opt/odoo18, else an installed package
for _src in (os.environ.get("ODOO_SRC"), "/opt/odoo18"):
    if _src and (Path(_src) / "odoo" / "release.py").exists():
        sys.path.insert(0, _src)
        break

import psycopg2  # noqa: E402
from dateutil.relativedelta import relativedelta  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402
from odoo.sql_db import connection_info_for  # noqa: E402
from odoo.tools import SQL, config  # noqa: E402

PATHS = (
    "preview",
    "apply",
    "retier_job",
    "health",
    "map",
    "map_job",
    "deal_form",
    "attainment",
    "statements",
    "org_chart",
)
MAX_RATIO = 1.5
MAX_RATIO_JOB = 2.0
MAX_RSS_MB = 300
MAX_FORM_QUERIES = 25
MANIFEST_PARAM = "sfa_bench.manifest"
RESULT_MARK = "@@SFA_BENCH_RESULT@@ "
# a job called until it says nothing is left stops after this many calls anyway
MAX_JOB_CALLS = 1_000


# --------------------------------------------------------------------------------------------
# Driver: one subprocess per path, then the table and the Markdown report
# --------------------------------------------------------------------------------------------
def main(argv=None):
    args = parse_args(argv)
    if args.path:
        return run_child(args)
    return run_driver(args)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="tiny", help="data size label (tiny, small, large)")
    parser.add_argument("--db", help="database (default: sfa_bench_<size>)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per path (default 3)")
    parser.add_argument("--conf", default=str(ROOT / ".local" / "odoo.conf"), help="odoo.conf")
    parser.add_argument("--paths", help="comma-separated subset of: " + ", ".join(PATHS))
    parser.add_argument("--output", help="Markdown report (default: docs/benchmarks-<size>.md)")
    parser.add_argument("--no-output", action="store_true", help="print the table only")
    parser.add_argument("--replica", action="store_true", help="run scripts/replica.sh check")
    parser.add_argument(
        "--trace", action="store_true", help="print the addon's SQL statements (stderr)"
    )
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per path")
    parser.add_argument(
        "--budget",
        type=float,
        default=300,
        help="seconds of runs per side after which a path stops repeating (default 300)",
    )
    parser.add_argument(
        "--jit",
        choices=("off", "server"),
        default="off",
        help="PostgreSQL JIT for both sides: off (default) or the server's setting",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="exit 0 when every path ran and floor and addon gave the same result, whatever "
        "the goals (the test command runs the benchmark on tiny data, where fixed costs "
        "decide the ratios; the goals are for the large size)",
    )
    parser.add_argument("--path", choices=PATHS, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    args.db = args.db or f"sfa_bench_{args.size}"
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.paths:
        wanted = [p.strip() for p in args.paths.split(",") if p.strip()]
        unknown = sorted(set(wanted) - set(PATHS))
        if unknown:
            parser.error(f"unknown paths: {', '.join(unknown)}")
        args.paths = [p for p in PATHS if p in wanted]
    else:
        args.paths = list(PATHS)
    return args


def run_driver(args):
    say(f"benchmark of {args.db} ({args.size}), {args.repeat} repetitions per path")
    load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    results = []
    for name in args.paths:
        say(f"{name}: running")
        result = run_path_process(args, name)
        results.append(result)
        say(
            f"{name}: {result['status']}" + (f" ({result['error']})" if result.get("error") else "")
        )
    machine = machine_info(results)
    machine["load"] = (
        f"{load_before} before, {' / '.join(f'{x:.2f}' for x in os.getloadavg())} after"
    )
    replica = run_replica(args) if args.replica else None
    table = format_table(results)
    print()
    print(table)
    print()
    for line in format_goals(results):
        print(line)
    if replica is not None:
        print()
        print("replica check:")
        print(replica["output"].rstrip())
    if not args.no_output:
        output = Path(args.output or ROOT / "docs" / f"benchmarks-{args.size}.md")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(format_markdown(args, machine, results, replica), encoding="utf-8")
        say(f"report written to {output}")
    passed = sum(r["verdict"] == "PASS" for r in results)
    print(f"\nRESULT: {passed} of {len(results)} paths pass")
    if args.smoke:
        broken = [
            r["path"]
            for r in results
            if r["verdict"] not in ("PASS", "FAIL") or not str(r.get("check", "")).startswith("yes")
        ]
        verdict = "broken: " + ", ".join(broken) if broken else "every path ran, same results"
        print(f"SMOKE: {verdict}")
        return 1 if broken else 0
    return 0 if passed == len(results) else 1


def run_path_process(args, name):
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--path",
        name,
        "--db",
        args.db,
        "--repeat",
        str(args.repeat),
        "--conf",
        args.conf,
        "--size",
        args.size,
        "--jit",
        args.jit,
        "--budget",
        str(args.budget),
    ]
    if args.trace:
        cmd.append("--trace")
    started = time.monotonic()
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=args.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return failed_result(name, f"timed out after {args.timeout} s")
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK) :])
    if args.trace or result is None or result.get("status") == "error":
        sys.stderr.write(proc.stderr)
    if result is None:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return failed_result(name, f"the path's process failed (exit {proc.returncode}): {tail}")
    result["seconds"] = round(time.monotonic() - started, 1)
    judge(result)
    return result


def failed_result(name, error):
    result = {"path": name, "status": "error", "error": error, "notes": [], "floor": None}
    result["addon"] = None
    judge(result)
    return result


def judge(result):
    """PASS / FAIL of a path against its goals (ratio, peak RSS, form queries)."""
    limit = MAX_RATIO_JOB if result["path"] == "retier_job" else MAX_RATIO
    # the deal form's goal is its number of queries (issue 11): its floor, one SELECT of the
    # same columns, is shown for scale, not judged
    judged_ratio = result["path"] != "deal_form"
    goals = [f"ratio <= {limit}"] if judged_ratio else []
    goals.append(f"peak RSS < {MAX_RSS_MB} MB")
    if result["path"] == "deal_form":
        goals.append(f"queries < {MAX_FORM_QUERIES}")
    result["goal"] = ", ".join(goals)
    floor, addon = result.get("floor"), result.get("addon")
    if result["status"] != "ok" or not floor or not addon:
        result["ratio"] = None
        result["verdict"] = "MISSING" if result["status"] == "missing" else "ERROR"
        result["why"] = result.get("error") or result["status"]
        return
    ratio = min(addon["times"]) / max(min(floor["times"]), 1e-9)
    result["ratio"] = ratio
    why = []
    if judged_ratio and ratio > limit:
        why.append(f"ratio {ratio:.2f} > {limit}")
    if result["rss_peak_mb"] >= MAX_RSS_MB:
        why.append(f"peak RSS {result['rss_peak_mb']:.0f} MB >= {MAX_RSS_MB} MB")
    if result["path"] == "deal_form" and min(addon["queries"]) >= MAX_FORM_QUERIES:
        why.append(f"{min(addon['queries'])} queries >= {MAX_FORM_QUERIES}")
    result["verdict"] = "FAIL" if why else "PASS"
    result["why"] = "; ".join(why)


def run_replica(args):
    """``scripts/replica.sh check <db>``: a streaming replica serving an @api.readonly call.
    A replica this run started is stopped afterwards; one already running is left alone."""
    script = ROOT / "scripts" / "replica.sh"
    cmd = ["bash", str(script), "check", args.db]
    if not script.exists():
        return {"command": " ".join(cmd), "rc": None, "output": "scripts/replica.sh is missing"}

    def replica(*words):
        try:
            proc = subprocess.run(
                ["bash", str(script), *words],
                capture_output=True,
                text=True,
                timeout=args.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None, f"timed out after {args.timeout} s"
        return proc.returncode, proc.stdout + proc.stderr

    _rc, status = replica("status")
    was_running = "not running" not in status
    say("replica: " + " ".join(cmd))
    rc, output = replica("check", args.db)
    if not was_running:
        say("replica: stopping the replica this run started")
        replica("stop")
    return {"command": " ".join(cmd), "rc": rc, "output": output}


def machine_info(results):
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    server = next((r["server"] for r in results if r.get("server")), {})
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram,
        "postgresql": server.get("version", "?"),
        "python": platform.python_version(),
        "odoo": server.get("odoo", "?"),
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "os": platform.platform(),
        "counts": server.get("counts"),
        "manifest": server.get("manifest"),
        "settings": server.get("settings") or {},
    }


def ms(seconds):
    return f"{seconds * 1000:,.1f}"


def cells(result):
    """The table's cells of one path."""
    floor, addon = result.get("floor"), result.get("addon")

    def timing(side):
        if not side:
            return ["-", "-", "-"]
        times, queries = side["times"], side["queries"]
        qmin, qmax = min(queries), max(queries)
        return [
            ms(min(times)),
            ms(statistics.median(times)),
            str(qmin) if qmin == qmax else f"{qmin}-{qmax}",
        ]

    ratio = f"{result['ratio']:.2f}" if result.get("ratio") is not None else "-"
    rss = f"{result['rss_peak_mb']:.0f}" if result.get("rss_peak_mb") else "-"
    return [
        result["path"],
        *timing(floor),
        *timing(addon),
        ratio,
        rss,
        result.get("check") or "-",
        result["verdict"],
    ]


HEADERS = [
    "path",
    "floor min ms",
    "floor med ms",
    "floor q",
    "addon min ms",
    "addon med ms",
    "addon q",
    "ratio",
    "peak RSS MB",
    "same result",
    "result",
]


def format_table(results):
    rows = [HEADERS, *(cells(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(w) if i in (0, 9, 10) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_goals(results):
    lines = []
    for r in results:
        line = f"{r['verdict']:<7} {r['path']:<11} goal: {r['goal']}"
        if r.get("why") and r["verdict"] != "PASS":
            line += f" -- {r['why']}"
        lines.append(line)
        lines.extend(f"{'':<8}{'':<12}note: {note}" for note in r.get("notes", []))
    return lines


def format_markdown(args, machine, results, replica):
    out = [f"# Benchmark: {args.size} data", ""]
    out.append(
        f"`make bench SIZE={args.size}` on database `{args.db}`, {args.repeat} repetitions per "
        "path; min and median wall time in milliseconds, SQL queries per run (`q`), ratio = "
        "addon min / floor min, peak RSS of the path's own process. Each repetition runs in a "
        "rolled-back transaction; the ORM is flushed inside the timed section and its caches "
        "invalidated before; the tables a path writes are vacuumed between runs (untimed). "
        "The floor is hand-written SQL doing the same reads and writes. The same result: "
        "whether the floor and the addon left the same rows (write paths, compared by a "
        "fingerprint) or returned the same values (read paths)."
    )
    out += ["", "## Machine", ""]
    ram = f"{machine['ram_gb']:.1f} GB" if machine.get("ram_gb") else "?"
    out += [
        f"- CPU: {machine['cpu']} ({machine['cores']} cores)",
        f"- RAM: {ram}",
        f"- PostgreSQL: {machine['postgresql']} ("
        + ", ".join(f"{k} {v}" for k, v in machine["settings"].items())
        + f"; the runs: jit {'off' if args.jit == 'off' else 'as the server'})",
        f"- Python: {machine['python']}, Odoo {machine['odoo']}",
        f"- OS: {machine['os']}",
        f"- Load average (1 / 5 / 15 min): {machine['load']}",
        f"- Date: {machine['date']}",
    ]
    if machine.get("counts"):
        counts = ", ".join(f"{k}: {v:,}" for k, v in machine["counts"].items())
        out.append(f"- Data: {counts}")
    out += ["", "## Results", ""]
    out.append("| " + " | ".join(HEADERS) + " |")
    out.append("|" + "|".join("---" if i in (0, 9, 10) else "---:" for i in range(11)) + "|")
    for r in results:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + " |")
    out += ["", "## Memory", ""]
    out.append(
        "Peak RSS of each path's process (MB): after starting Python, after loading Odoo's "
        "registry, before the addon's runs (the floor ran), and at the end (the figure "
        "judged)."
    )
    out.append("")
    out.append("| path | start | registry loaded | before addon | peak |")
    out.append("|---|---:|---:|---:|---:|")
    for r in results:
        if r.get("rss_peak_mb"):
            out.append(
                f"| {r['path']} | {r['rss_start_mb']:.0f} | {r['rss_loaded_mb']:.0f} | "
                f"{r['rss_before_addon_mb']:.0f} | {r['rss_peak_mb']:.0f} |"
            )
    out += ["", "## Goals", ""]
    for r in results:
        line = f"- **{r['path']}** ({r['verdict']}): {r['goal']}"
        if r.get("why") and r["verdict"] != "PASS":
            line += f". {r['why']}"
        out.append(line)
        out.extend(f"  - {note}" for note in r.get("notes", []))
    passed = sum(r["verdict"] == "PASS" for r in results)
    out += ["", f"**{passed} of {len(results)} paths pass.**"]
    out += ["", "## What each path measures", ""]
    for r in results:
        if r.get("describe"):
            out.append(f"- **{r['path']}**: {r['describe']}")
    out += ["", "## Floors: EXPLAIN (ANALYZE, BUFFERS) of the main statement", ""]
    for r in results:
        if r.get("explain"):
            out += [f"### {r['path']}", "", "```", r["explain"].rstrip(), "```", ""]
    if replica is not None:
        out += ["## Replica", "", f"`{replica['command']}` (exit {replica['rc']}):", ""]
        out += ["```", replica["output"].rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"


def say(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Child: one path in this process
# --------------------------------------------------------------------------------------------
def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Missing(Exception):
    """The addon's entry point for a path does not exist (yet)."""


def run_child(args):
    rss_start = maxrss_mb()
    config.parse_config(["-c", args.conf, "--log-level=warn", "--no-http"])
    registry = Registry(args.db)
    rss_loaded = maxrss_mb()
    cr = registry.cursor()

    def refuse_commit():
        raise RuntimeError("the benchmark never commits: every repetition is rolled back")

    cr.commit = refuse_commit
    session = SQL("SET jit = off") if args.jit == "off" else None
    _name, info = connection_info_for(args.db)
    maintenance = psycopg2.connect(**info)
    maintenance.autocommit = True  # VACUUM runs outside a transaction
    result = {"path": args.path, "status": "ok", "notes": [], "floor": None, "addon": None}
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        result["server"] = server_info(env)
        path = PATH_CLASSES[args.path](env, result["server"].get("manifest") or {})
        path.session = session
        path.maintenance = maintenance
        result["describe"] = path.describe
        path.prepare()
        cr.rollback()
        result["floor"], floor_check = measure(env, path, "floor", args)
        rss_before_addon = maxrss_mb()
        try:
            result["addon"], addon_check = measure(env, path, "addon", args)
        except Missing as exc:
            result["status"] = "missing"
            result["error"] = f"missing: {exc}"
            addon_check = None
        result["rss_start_mb"] = rss_start
        result["rss_loaded_mb"] = rss_loaded
        result["rss_before_addon_mb"] = rss_before_addon
        result["rss_peak_mb"] = maxrss_mb()
        if addon_check is not None:
            result["check"] = path.compare(floor_check, addon_check)
        if path.differs:
            try:
                path.detail()
            except Exception as exc:  # the difference is reported; its detail is a bonus
                path.notes.append(f"no detail of the difference: {type(exc).__name__}: {exc}")
        result["explain"] = explain(env, path)
        result["notes"] = path.notes
    except Exception as exc:  # report it and let the driver carry on with the next path
        traceback.print_exc()
        result["status"] = "error"
        result["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        result["notes"] = getattr(locals().get("path"), "notes", [])
    finally:
        cr.rollback()
        cr.close()
        maintenance.close()
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)
    return 0


def server_info(env):
    cr = env.cr
    cr.execute("SHOW server_version")
    version = cr.fetchone()[0]
    settings = {}
    for name in ("jit", "shared_buffers", "work_mem", "max_parallel_workers_per_gather"):
        cr.execute(SQL("SELECT current_setting(%s)", name))
        settings[name] = cr.fetchone()[0]
    manifest = env["ir.config_parameter"].sudo().get_param(MANIFEST_PARAM)
    try:
        manifest = json.loads(manifest) if manifest else None
    except ValueError:
        manifest = None
    counts = {}
    for table in (
        "res_partner",
        "crm_lead",
        "sfa_key_account",
        "sfa_account_plan",
        "sfa_stakeholder",
        "sfa_deal_contact",
        "sfa_sales_target",
        "sfa_comp_assignment",
    ):
        cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
        counts[table] = cr.fetchone()[0]
    return {
        "version": version,
        "odoo": odoo.release.version,
        "settings": settings,
        "manifest": manifest,
        "counts": counts,
    }


def measure(env, path, side, args):
    """Run one side (floor or addon) ``args.repeat`` times, each in a rolled-back transaction;
    returns ({times, queries}, what the first run produced for the comparison)."""
    cr = env.cr
    setup, run = getattr(path, f"{side}_setup"), getattr(path, side)
    times, queries, check, spent = [], [], None, 0.0
    path.vacuum()
    for n in range(args.repeat + (1 if path.warmup else 0)):
        if times and spent > args.budget:
            path.notes.append(
                f"{side}: {len(times)} of {args.repeat} runs, its runs took {spent:.0f} s "
                f"(over the --budget of {args.budget:.0f} s)"
            )
            break
        try:
            path.start_transaction()
            setup()
            env.flush_all()
            env.invalidate_all()
            if side == "addon" and args.trace:
                trace(True)
            start_q, start_t = cr.sql_log_count, time.perf_counter()
            out = run()
            env.flush_all()
            elapsed, count = time.perf_counter() - start_t, cr.sql_log_count - start_q
            spent += elapsed
            trace(False)
            if n == 0:
                check = path.collect(side, out)
            if path.warmup and n == 0:
                continue
            times.append(elapsed)
            queries.append(count)
        finally:
            trace(False)
            cr.rollback()
            path.vacuum()
    return {"times": times, "queries": queries}, check


def trace(on):
    logging.getLogger("odoo.sql_db").setLevel(logging.DEBUG if on else logging.WARNING)


def explain(env, path):
    """EXPLAIN (ANALYZE, BUFFERS) of the floor's main statement, in a rolled-back
    transaction (ANALYZE runs it, writes included)."""
    cr = env.cr
    try:
        path.start_transaction()
        path.floor_setup()
        env.flush_all()
        query = path.explain_sql()
        if query is None:
            return None
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
        return "\n".join(row[0] for row in cr.fetchall())
    except Exception as exc:  # the report says why instead of failing the path
        return f"EXPLAIN failed: {type(exc).__name__}: {exc}"
    finally:
        cr.rollback()


# --------------------------------------------------------------------------------------------
# The hot paths: the addon's entry point and the floor of each
# --------------------------------------------------------------------------------------------
NOW = SQL("(now() AT TIME ZONE 'UTC')")
AUTO_APPLY_PARAM = "sfa_key_accounts.retier_auto_apply"


def pick(manifest, *keys):
    """The first of ``keys`` the generator's manifest holds (its names may still move)."""
    for key in keys:
        if manifest.get(key):
            return manifest[key]
    return None


def rounded(value, digits=2):
    if value is None or value is False:
        return None
    return round(float(value), digits)


def compare_rows(floor, addon):
    """Whether the floor and the addon produced the same rows ({key: values}): the table's
    cell, "yes (n)" or "no (k/n)", and a note with the first difference."""
    keys = set(floor) | set(addon)
    bad = sorted((k for k in keys if floor.get(k) != addon.get(k)), key=str)
    if not bad:
        return f"yes ({len(keys)})", None
    k = bad[0]
    return (
        f"no ({len(bad)}/{len(keys)})",
        f"floor and addon differ on {len(bad)} of {len(keys)} rows, e.g. {k}: "
        f"floor {floor.get(k)!r}, addon {addon.get(k)!r}",
    )


class HotPath:
    """One hot path. ``floor``/``addon`` are timed; ``*_setup``, ``collect`` are not."""

    name = ""
    describe = ""
    warmup = False  # a read path: one untimed run first, so that the ORM's caches are warm
    # Tables a run writes: the rows of a rolled-back run stay behind as dead tuples until a
    # VACUUM, and would slow the runs after it (the addon's, which run last): they are
    # vacuumed before the first run and after each one (untimed).
    touched = ()

    def __init__(self, env, manifest):
        self.env = env
        self.cr = env.cr
        self.manifest = manifest
        self.notes = []
        self._columns = {}
        self.session = None
        self.maintenance = None
        self.differs = False

    # --- helpers ------------------------------------------------------------------------------
    def query(self, query):
        self.cr.execute(query)
        return self.cr.fetchall() if self.cr.description else None

    def columns(self, table):
        if table not in self._columns:
            rows = self.query(
                SQL(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                    table,
                )
            )
            self._columns[table] = {row[0] for row in rows}
        return self._columns[table]

    def company(self):
        company_id = pick(self.manifest, "company_id")
        if company_id:
            return self.env["res.company"].browse(company_id)
        return self.env.ref("base.main_company")

    def today(self):
        return fields.Date.context_today(self.env["res.users"])

    def entry(self, model, method):
        """The bound method, or Missing when the addon does not have it (yet)."""
        if model not in self.env:
            raise Missing(f"model {model}")
        records = self.env[model]
        if not hasattr(type(records), method):
            raise Missing(f"{model}.{method}()")
        return records, getattr(records, method)

    # --- the protocol -------------------------------------------------------------------------
    def vacuum(self):
        if not self.touched or self.maintenance is None:
            return
        with self.maintenance.cursor() as cur:
            for table in self.touched:
                query = SQL("VACUUM %s", SQL.identifier(table))
                cur.execute(query.code, query.params)

    def start_transaction(self):
        """At the start of each transaction (a SET is undone by the rollback)."""
        if self.session is not None:
            self.cr.execute(self.session)

    def prepare(self):
        """Once, before any run (untimed, rolled back)."""

    def floor_setup(self):
        """Before each floor run (untimed)."""

    def addon_setup(self):
        """Before each addon run (untimed)."""

    def floor(self):
        raise NotImplementedError

    def addon(self):
        raise NotImplementedError

    def explain_sql(self):
        """The floor's main statement (after floor_setup), for EXPLAIN."""
        return None

    def state_sql(self, out):
        """For a path that writes: (key, value) text rows of what a run wrote. The floor and
        the addon are compared by a fingerprint PostgreSQL computes, so that the check costs
        this process no memory (its peak RSS is the addon's)."""
        return None

    def collect(self, side, out):
        """What the first run produced (untimed), to check that floor and addon agree: a
        fingerprint of ``state_sql``, or (read paths) what they returned."""
        state = self.state_sql(out)
        if state is None:
            return None
        [(count, digest)] = self.query(
            SQL(
                """SELECT COUNT(*), MD5(STRING_AGG(k || '=' || COALESCE(v, '~'), '|' ORDER BY k))
                     FROM (%s) s(k, v)""",
                state,
            )
        )
        return ("fingerprint", count, digest)

    def compare(self, floor, addon):
        if floor is None or addon is None:
            return None
        if isinstance(floor, tuple) and floor[:1] == ("fingerprint",):
            if floor == addon:
                return f"yes ({floor[1]})"
            self.differs = True
            return f"no ({floor[1]}/{addon[1]} rows)"
        cell, note = compare_rows(floor, addon)
        if note:
            self.notes.append(note)
        return cell

    def detail(self):
        """After different fingerprints (and once the peak RSS is taken): each side once
        more, untimed, to say where they differ."""
        env, rows = self.env, {}
        for side in ("floor", "addon"):
            try:
                self.start_transaction()
                getattr(self, f"{side}_setup")()
                env.flush_all()
                env.invalidate_all()
                out = getattr(self, side)()
                env.flush_all()
                rows[side] = dict(self.query(self.state_sql(out)))
            finally:
                self.cr.rollback()
        _cell, note = compare_rows(rows["floor"], rows["addon"])
        if note:
            self.notes.append(note)


# --- 1. preview ---------------------------------------------------------------------------------
SELECTION_TABLES = ("sfa_key_account_selection", "sfa_key_account_selection_line")
ACCOUNT_TABLES = (
    *SELECTION_TABLES,
    "sfa_key_account",
    "sfa_key_account_tier_history",
    "ir_config_parameter",
)


class Preview(HotPath):
    name = "preview"
    touched = SELECTION_TABLES
    describe = (
        "80/20 preview of one company: `sfa.key.account.selection` create + `action_compute()` "
        "(won revenue of the last 12 months per customer, ranked, tiered, one preview line per "
        "customer). Floor: one INSERT of the wizard and its lines from one SELECT with window "
        "functions (rank, share, cumulative share, tier by the tier set's thresholds)."
    )

    def prepare(self):
        self.company_ids = [self.company().id]
        defaults = self.env["sfa.key.account.selection"].default_get(["date_from", "date_to"])
        self.date_from = fields.Date.to_date(defaults["date_from"])
        self.date_to = fields.Date.to_date(defaults["date_to"])
        self.line_columns = self.columns("sfa_key_account_selection_line")
        self.wizard_columns = self.columns("sfa_key_account_selection")
        self.wizard_id = None
        self.today_value = self.today()

    def preview_sql(self, company_id, is_job=False):
        """Rank, tier and store the preview of one company: returns (wizard id, lines)."""
        extra_wizard = SQL(", is_job") if "is_job" in self.wizard_columns else SQL()
        extra_wizard_value = SQL(", %s", is_job) if "is_job" in self.wizard_columns else SQL()
        extra_line = SQL(", done") if "done" in self.line_columns else SQL()
        extra_line_value = SQL(", FALSE") if "done" in self.line_columns else SQL()
        return SQL(
            """
            WITH tier AS (
                SELECT id, rule, threshold_pct,
                       LAG(threshold_pct) OVER w AS below,
                       ROW_NUMBER() OVER w AS pos,
                       COUNT(*) OVER () AS n
                  FROM sfa_key_account_tier
                 WHERE company_id = %(company)s AND active
                WINDOW w AS (ORDER BY sequence, threshold_pct, id)
            ),
            last_tier AS (SELECT id, rule FROM tier WHERE pos = n),
            revenue AS (
                SELECT p.commercial_partner_id AS partner_id, SUM(l.expected_revenue) AS revenue
                  FROM crm_lead l
                  JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.type = 'opportunity' AND l.active AND l.company_id = %(company)s
                   AND l.date_closed >= %(start)s AND l.date_closed < %(end)s
                   AND p.commercial_partner_id IS NOT NULL
              GROUP BY p.commercial_partner_id
            ),
            candidate AS (
                SELECT COALESCE(r.partner_id, a.partner_id) AS partner_id,
                       COALESCE(r.revenue, 0) AS revenue, a.tier_id AS current_tier_id
                  FROM revenue r
             FULL JOIN (SELECT partner_id, tier_id FROM sfa_key_account
                         WHERE company_id = %(company)s) a ON a.partner_id = r.partner_id
                 WHERE r.partner_id IS NOT NULL OR a.tier_id IN (SELECT id FROM tier)
            ),
            positive AS (
                SELECT c.partner_id, c.revenue, c.current_tier_id,
                       RANK() OVER by_revenue AS rank,
                       SUM(c.revenue) OVER (ORDER BY c.revenue DESC, p.name COLLATE "C",
                                            c.partner_id ROWS UNBOUNDED PRECEDING) AS cumulative,
                       SUM(c.revenue) OVER by_revenue
                           - SUM(c.revenue) OVER (PARTITION BY c.revenue) AS above,
                       SUM(c.revenue) OVER () AS total,
                       COUNT(*) OVER () AS n
                  FROM candidate c
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.revenue > 0
                WINDOW by_revenue AS (ORDER BY c.revenue DESC)
            ),
            ranked AS (
                SELECT r.partner_id, r.revenue, r.current_tier_id, r.rank,
                       r.revenue * 100.0 / r.total AS share,
                       r.cumulative * 100.0 / r.total AS cumulative_share,
                       COALESCE(t.id, (SELECT id FROM last_tier)) AS tier_id
                  FROM (SELECT positive.*,
                               CASE WHEN (SELECT rule FROM last_tier) = 'customer_share'
                                    THEN (rank - 1) * 100.0 / n
                                    ELSE above * 100.0 / total END AS above_pct
                          FROM positive) r
             LEFT JOIN tier t ON r.above_pct + 1e-9 < t.threshold_pct
                             AND (t.below IS NULL OR r.above_pct + 1e-9 >= t.below)
                UNION ALL
                SELECT c.partner_id, c.revenue, c.current_tier_id,
                       (SELECT COUNT(*) FROM positive) + 1, 0,
                       CASE WHEN EXISTS (SELECT 1 FROM positive) THEN 100 ELSE 0 END,
                       (SELECT id FROM last_tier)
                  FROM candidate c
                 WHERE NOT c.revenue > 0
            ),
            wizard AS (
                INSERT INTO sfa_key_account_selection
                    (company_id, date_from, date_to, state, rule, total_revenue,
                     create_uid, create_date, write_uid, write_date %(extra_wizard)s)
                SELECT %(company)s, %(date_from)s, %(date_to)s, 'computed',
                       CASE (SELECT rule FROM last_tier)
                            WHEN 'customer_share' THEN 'Share of customers'
                            ELSE 'Share of cumulative revenue' END,
                       COALESCE((SELECT SUM(revenue) FROM candidate WHERE revenue > 0), 0),
                       %(uid)s, %(now)s, %(uid)s, %(now)s %(extra_wizard_value)s
             RETURNING id
            ),
            line AS (
                INSERT INTO sfa_key_account_selection_line
                    (selection_id, partner_id, rank, revenue, share, cumulative_share,
                     current_tier_id, proposed_tier_id, is_change, to_apply,
                     create_uid, create_date, write_uid, write_date %(extra_line)s)
                SELECT wizard.id, r.partner_id, r.rank, r.revenue, ROUND(r.share, 2),
                       ROUND(r.cumulative_share, 2), r.current_tier_id, r.tier_id,
                       r.current_tier_id IS DISTINCT FROM r.tier_id,
                       r.current_tier_id IS DISTINCT FROM r.tier_id,
                       %(uid)s, %(now)s, %(uid)s, %(now)s %(extra_line_value)s
                  FROM ranked r, wizard
             RETURNING 1
            )
            SELECT (SELECT id FROM wizard), (SELECT COUNT(*) FROM line)
            """,
            company=company_id,
            start=self.date_from,
            end=self.date_to + timedelta(days=1),
            date_from=self.date_from,
            date_to=self.date_to,
            uid=self.env.uid,
            now=NOW,
            extra_wizard=extra_wizard,
            extra_wizard_value=extra_wizard_value,
            extra_line=extra_line,
            extra_line_value=extra_line_value,
        )

    def floor(self):
        [(wizard_id, _count)] = self.query(self.preview_sql(self.company_ids[0]))
        return wizard_id

    def addon(self):
        Selection = self.env["sfa.key.account.selection"]
        if not hasattr(type(Selection), "action_compute"):
            raise Missing("sfa.key.account.selection.action_compute()")
        wizard = Selection.with_company(self.company_ids[0]).create(
            {"company_id": self.company_ids[0]}
        )
        wizard.action_compute()
        return wizard.id

    def explain_sql(self):
        return self.preview_sql(self.company_ids[0])

    def state_sql(self, out):
        return SQL(
            """SELECT partner_id::text,
                      ROW(rank, ROUND(revenue::numeric, 2), ROUND(share::numeric, 2),
                          ROUND(cumulative_share::numeric, 2), current_tier_id,
                          proposed_tier_id, COALESCE(is_change, FALSE),
                          COALESCE(to_apply, FALSE))::text
                 FROM sfa_key_account_selection_line WHERE selection_id = %s""",
            out,
        )


# --- 2. apply -----------------------------------------------------------------------------------
class Apply(Preview):
    name = "apply"
    touched = ACCOUNT_TABLES
    describe = (
        "`action_apply()` of a computed 80/20 preview (every change ticked), timed alone: "
        "missing key accounts created, tier + key flag + tier date of the changed ones, one "
        "tier-history row per change, rank / revenue / cumulative share kept. Floor: one "
        "statement (INSERT the missing key accounts, UPDATE the ones whose figures or tier "
        "change, INSERT the history rows) over the preview's lines."
    )

    def prepare(self):
        super().prepare()
        self.account_columns = self.columns("sfa_key_account")
        [(self.history_before,)] = self.query(
            SQL("SELECT COALESCE(MAX(id), 0) FROM sfa_key_account_tier_history")
        )
        self.reason = f"80/20 selection over {self.date_from} - {self.date_to}"

    def apply_sql(self, wizard_id, company_id):
        """Apply a stored preview: returns the number of tier changes."""
        proposed = "sfa_proposed_tier_id" in self.account_columns
        done = "done" in self.line_columns
        return SQL(
            """
            WITH line AS MATERIALIZED (
                SELECT partner_id, rank, revenue, cumulative_share, proposed_tier_id,
                       COALESCE(is_change AND to_apply, FALSE) AS apply
                  FROM sfa_key_account_selection_line
                 WHERE selection_id = %(wizard)s %(not_done)s
            ),
            tier AS (SELECT id, is_key FROM sfa_key_account_tier WHERE company_id = %(company)s),
            created AS (
                INSERT INTO sfa_key_account
                    (partner_id, company_id, name, is_key, tier_id, tier_date, rank, revenue,
                     cumulative_share, health_assessed, create_uid, create_date, write_uid,
                     write_date)
                SELECT l.partner_id, %(company)s, p.name,
                       l.apply AND COALESCE(t.is_key, FALSE),
                       CASE WHEN l.apply THEN l.proposed_tier_id END,
                       CASE WHEN l.apply AND l.proposed_tier_id IS NOT NULL THEN %(today)s END,
                       l.rank, l.revenue, l.cumulative_share, FALSE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM line l
                  JOIN res_partner p ON p.id = l.partner_id
             LEFT JOIN tier t ON t.id = l.proposed_tier_id
                 WHERE NOT EXISTS (SELECT 1 FROM sfa_key_account a
                                    WHERE a.partner_id = l.partner_id
                                      AND a.company_id = %(company)s)
             RETURNING id, partner_id, tier_id
            ),
            updated AS (
                UPDATE sfa_key_account a
                   SET tier_id = CASE WHEN l.apply THEN l.proposed_tier_id ELSE a.tier_id END,
                       is_key = CASE WHEN l.apply THEN COALESCE(t.is_key, FALSE)
                                     ELSE a.is_key END,
                       tier_date = CASE WHEN l.apply AND a.tier_id IS DISTINCT FROM
                                             l.proposed_tier_id THEN %(today)s
                                        ELSE a.tier_date END,
                       rank = l.rank, revenue = l.revenue,
                       cumulative_share = l.cumulative_share,
                       write_uid = %(uid)s, write_date = %(now)s %(clear_proposed)s
                  FROM line l
                  JOIN sfa_key_account old
                    ON old.partner_id = l.partner_id AND old.company_id = %(company)s
             LEFT JOIN tier t ON t.id = l.proposed_tier_id
                 WHERE a.id = old.id
                   AND ((l.apply AND (a.tier_id IS DISTINCT FROM l.proposed_tier_id
                                      OR a.is_key IS DISTINCT FROM COALESCE(t.is_key, FALSE)))
                        OR a.rank IS DISTINCT FROM l.rank
                        OR a.revenue IS DISTINCT FROM l.revenue
                        OR a.cumulative_share IS DISTINCT FROM l.cumulative_share
                        %(proposed_set)s)
             RETURNING a.id, a.partner_id, old.tier_id AS from_tier, a.tier_id AS to_tier
            ),
            history AS (
                INSERT INTO sfa_key_account_tier_history
                    (key_account_id, partner_id, company_id, date, user_id, from_tier_id,
                     to_tier_id, reason, create_uid, create_date, write_uid, write_date)
                SELECT c.id, c.partner_id, %(company)s, %(now)s, %(uid)s, c.from_tier,
                       c.to_tier, %(reason)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (SELECT id, partner_id, from_tier, to_tier FROM updated
                         WHERE from_tier IS DISTINCT FROM to_tier
                        UNION ALL
                        SELECT id, partner_id, NULL, tier_id FROM created
                         WHERE tier_id IS NOT NULL) c
             RETURNING 1
            ) %(mark_done)s
            SELECT COUNT(*) FROM history
            """,
            wizard=wizard_id,
            company=company_id,
            today=self.today_value,
            uid=self.env.uid,
            now=NOW,
            reason=self.reason,
            not_done=SQL("AND NOT COALESCE(done, FALSE)") if done else SQL(),
            clear_proposed=SQL(", sfa_proposed_tier_id = NULL") if proposed else SQL(),
            proposed_set=SQL("OR a.sfa_proposed_tier_id IS NOT NULL") if proposed else SQL(),
            mark_done=(
                SQL(
                    """, done AS (
                        UPDATE sfa_key_account_selection_line SET done = TRUE
                         WHERE selection_id = %s AND NOT COALESCE(done, FALSE))""",
                    wizard_id,
                )
                if done
                else SQL()
            ),
        )

    def floor_setup(self):
        self.wizard_id = Preview.floor(self)

    def floor(self):
        return self.query(self.apply_sql(self.wizard_id, self.company_ids[0]))[0][0]

    def addon_setup(self):
        self.wizard = self.env["sfa.key.account.selection"].browse(Preview.addon(self))
        if not hasattr(type(self.wizard), "action_apply"):
            raise Missing("sfa.key.account.selection.action_apply()")

    def addon(self):
        self.wizard.action_apply()

    def explain_sql(self):
        return self.apply_sql(self.wizard_id, self.company_ids[0])

    def state_sql(self, out):
        return SQL(
            """SELECT 'account ' || partner_id || '/' || company_id,
                      ROW(tier_id, COALESCE(is_key, FALSE), rank, ROUND(revenue::numeric, 2),
                          ROUND(cumulative_share::numeric, 2), tier_date)::text
                 FROM sfa_key_account WHERE company_id = ANY(%s)
               UNION ALL
               SELECT 'history ' || partner_id || '/' || company_id,
                      STRING_AGG(COALESCE(from_tier_id, 0) || '>' || COALESCE(to_tier_id, 0),
                                 ',' ORDER BY from_tier_id, to_tier_id)
                 FROM sfa_key_account_tier_history WHERE id > %s
             GROUP BY partner_id, company_id""",
            self.company_ids,
            self.history_before,
        )


# --- 3. retier_job ------------------------------------------------------------------------------
class RetierJob(Apply):
    name = "retier_job"
    describe = (
        "The monthly re-tiering job, `_cron_retier()` called until it returns 0 (once when it "
        "returns None), with the auto-apply setting on for the run (rolled back), over every "
        "company with tiers. Floor: the preview and apply floors of each company (2 "
        "statements per company)."
    )

    def prepare(self):
        super().prepare()
        rows = self.query(
            SQL("SELECT DISTINCT company_id FROM sfa_key_account_tier WHERE active ORDER BY 1")
        )
        self.company_ids = [row[0] for row in rows]

    def floor_setup(self):
        self.env["ir.config_parameter"].set_param(AUTO_APPLY_PARAM, "True")

    addon_setup = floor_setup

    def floor(self):
        for company_id in self.company_ids:
            [(wizard_id, _count)] = self.query(self.preview_sql(company_id, is_job=True))
            self.query(self.apply_sql(wizard_id, company_id))

    def addon(self):
        _selection, retier = self.entry("sfa.key.account.selection", "_cron_retier")
        calls = 0
        while True:
            calls += 1
            remaining = retier()
            if not remaining or calls >= MAX_JOB_CALLS:
                break
        if calls > 1 and f"{calls} calls" not in " ".join(self.notes):
            self.notes.append(f"the job took {calls} calls (batches) to finish")
        if remaining is None and not any("returns None" in n for n in self.notes):
            self.notes.append("`_cron_retier()` returns None (not the number left): called once")

    def explain_sql(self):
        return self.preview_sql(self.company_ids[0], is_job=True) if self.company_ids else None


# --- 4. health ----------------------------------------------------------------------------------
HEALTH_FIELDS = (
    "health_score",
    "health_signal",
    "health_indicator",
    "health_assessed",
    "health_signal_assessed",
    "health_indicator_assessed",
)


class Health(HotPath):
    name = "health"
    touched = ("sfa_account_plan", "sfa_key_account")
    describe = (
        "Relationship health of every account plan: `sfa.account.plan.search([])."
        "_sfa_recompute_health()` (fallback: the health fields marked for recompute and "
        "flushed), with the stored health of every plan cleared first (untimed, as after a "
        "change of the criteria), so that every assessed plan and its key account are "
        "written. Floor: one UPDATE of the plans whose figures change, from an aggregate of "
        "their assessment answers (engine/health.py: signals and indicators, weighted "
        "40/30 over the parts assessed; answers of other kinds left out), chained to the "
        "key accounts' copy."
    )

    def floor_setup(self):
        self.query(
            SQL(
                "UPDATE sfa_account_plan SET %s",
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(f), False if f.endswith("assessed") else None)
                    for f in HEALTH_FIELDS
                ),
            )
        )

    addon_setup = floor_setup

    def health_sql(self):
        parts = SQL(
            """
            WITH part AS (
                SELECT plan_id, kind,
                       SUM(COALESCE(weight, 0)) AS weight_all,
                       BOOL_OR(COALESCE(present, FALSE)) AS any_present,
                       SUM(COALESCE(weight, 0)) FILTER (WHERE present) AS weight_present,
                       SUM(COALESCE(weight, 0)) FILTER (WHERE score > '') AS weight_answered,
                       SUM(COALESCE(weight, 0) * (score::int - 1) / 4.0)
                           FILTER (WHERE score > '') AS weight_scored
                  FROM sfa_account_plan_assessment
              GROUP BY plan_id, kind
            ),
            score AS (
                SELECT plan_id,
                       MAX(CASE WHEN kind = 'signal' AND any_present AND weight_all > 0
                                THEN 100.0 * COALESCE(weight_present, 0) / weight_all END) AS s,
                       MAX(CASE WHEN kind = 'indicator' AND weight_answered > 0
                                THEN 100.0 * weight_scored / weight_answered END) AS i
                  FROM part GROUP BY plan_id
            ),
            health AS (
                SELECT p.id, s.s, s.i,
                       (COALESCE(40 * s.s, 0) + COALESCE(30 * s.i, 0))
                       / NULLIF(CASE WHEN s.s IS NULL THEN 0 ELSE 40 END
                                + CASE WHEN s.i IS NULL THEN 0 ELSE 30 END, 0) AS score
                  FROM sfa_account_plan p
             LEFT JOIN score s ON s.plan_id = p.id
            ),
            plan AS (
                UPDATE sfa_account_plan p
                   SET health_score = h.score, health_signal = h.s,
                       health_indicator = h.i,
                       health_assessed = h.score IS NOT NULL,
                       health_signal_assessed = h.s IS NOT NULL,
                       health_indicator_assessed = h.i IS NOT NULL,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM health h
                 WHERE p.id = h.id
                   AND (p.health_score, p.health_signal, p.health_indicator,
                        p.health_assessed, p.health_signal_assessed,
                        p.health_indicator_assessed)
                       IS DISTINCT FROM
                       (h.score::float8, h.s::float8, h.i::float8,
                        h.score IS NOT NULL, h.s IS NOT NULL, h.i IS NOT NULL)
             RETURNING p.id, p.health_score, p.health_assessed
            )
            UPDATE sfa_key_account k
               SET health = plan.health_score, health_assessed = plan.health_assessed
              FROM plan
             WHERE k.current_plan_id = plan.id
               AND (k.health, k.health_assessed)
                   IS DISTINCT FROM (plan.health_score, plan.health_assessed)
            """,
            uid=self.env.uid,
            now=NOW,
        )
        return parts

    def floor(self):
        self.query(self.health_sql())

    def addon(self):
        Plan = self.env["sfa.account.plan"]
        plans = Plan.search([])
        if hasattr(type(Plan), "_sfa_recompute_health"):
            plans._sfa_recompute_health()
            return
        if not any("fallback" in n for n in self.notes):
            self.notes.append(
                "`sfa.account.plan._sfa_recompute_health()` is missing: fallback, the health "
                "fields of every plan marked for recompute and flushed"
            )
        for fname in HEALTH_FIELDS:
            self.env.add_to_compute(Plan._fields[fname], plans)

    def explain_sql(self):
        return self.health_sql()

    def state_sql(self, out):
        return SQL(
            """SELECT 'plan ' || id,
                      ROW(ROUND(health_score::numeric, 6), ROUND(health_signal::numeric, 6),
                          ROUND(health_indicator::numeric, 6),
                          COALESCE(health_assessed, FALSE),
                          COALESCE(health_signal_assessed, FALSE),
                          COALESCE(health_indicator_assessed, FALSE))::text
                 FROM sfa_account_plan
               UNION ALL
               SELECT 'account ' || id,
                      ROW(ROUND(health::numeric, 6), COALESCE(health_assessed, FALSE))::text
                 FROM sfa_key_account WHERE current_plan_id IS NOT NULL"""
        )


# --- 5. map / 6. map_job ------------------------------------------------------------------------
MAP_LEADS = SQL(
    """SELECT l.id FROM crm_lead l
        WHERE l.active AND EXISTS (SELECT 1 FROM sfa_deal_contact c WHERE c.lead_id = l.id)"""
)
# the job's deals: open opportunities (active, not in a won stage) with people on their map
OPEN_MAP_LEADS = SQL(
    """SELECT l.id FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
        WHERE l.type = 'opportunity' AND l.active AND s.is_won IS NOT TRUE
          AND EXISTS (SELECT 1 FROM sfa_deal_contact c WHERE c.lead_id = l.id)"""
)


def map_sql(leads, only_changed=False, uid=None):
    """Flags, score and status of the political map of ``leads`` (a SELECT of ids), stored
    on the leads in one statement (engine/politics.py); ``only_changed``: only the leads
    whose figures change are written (with their write date)."""
    return SQL(
        """
        WITH lead AS MATERIALIZED (%(leads)s),
        param AS (
            SELECT COALESCE((
                SELECT CASE WHEN value ~ '^\\s*[+-]?[0-9]{1,9}\\s*$'
                             AND btrim(value)::int >= 1 THEN btrim(value)::int END
                  FROM ir_config_parameter WHERE key = 'sfa_key_accounts.stale_days'
            ), 30) AS stale_days,
            date_trunc('second', now() AT TIME ZONE 'UTC') AS now
        ),
        contact AS MATERIALIZED (
            SELECT c.lead_id, st.partner_id, st.circle, c.influence,
                   COALESCE(c.attitude, 'neutral') AS attitude,
                   COALESCE(NULLIF(c.time_spent, ''), '0')::int AS time_spent,
                   ARRAY(SELECT r.code FROM sfa_deal_contact_role_rel rr
                           JOIN sfa_buying_role r ON r.id = rr.role_id AND r.active
                          WHERE rr.contact_id = c.id) AS roles
              FROM sfa_deal_contact c
              JOIN lead ON lead.id = c.lead_id
              JOIN sfa_stakeholder st ON st.id = c.stakeholder_id
        ),
        person AS (SELECT DISTINCT partner_id FROM contact),
        touch AS (
            SELECT rel.res_partner_id AS partner_id, ev.start AS at
              FROM calendar_event ev
              JOIN calendar_event_res_partner_rel rel ON rel.calendar_event_id = ev.id
             WHERE rel.res_partner_id IN (SELECT partner_id FROM person) AND ev.active
               AND ev.start <= (now() AT TIME ZONE 'UTC')
            UNION ALL
            SELECT msg.author_id, msg.date FROM mail_message msg
             WHERE msg.author_id IN (SELECT partner_id FROM person)
               AND msg.message_type IN ('email', 'comment')
            UNION ALL
            SELECT rel.res_partner_id, msg.date FROM mail_message msg
              JOIN mail_message_res_partner_rel rel ON rel.mail_message_id = msg.id
             WHERE rel.res_partner_id IN (SELECT partner_id FROM person)
               AND msg.message_type IN ('email', 'comment')
            UNION ALL
            SELECT msg.res_id, msg.date FROM mail_message msg
             WHERE msg.model = 'res.partner' AND msg.res_id IN (SELECT partner_id FROM person)
               AND msg.message_type IN ('email', 'comment')
        ),
        last_touch AS (SELECT partner_id, MAX(at) AS at FROM touch GROUP BY partner_id),
        flag AS (
            SELECT c.lead_id,
                   NOT BOOL_OR('D' = ANY(c.roles)) AS no_decision_maker,
                   NOT BOOL_OR('A' = ANY(c.roles)) AS no_approver,
                   BOOL_OR(c.roles && '{A,D}' AND c.attitude IN ('neutral', 'against', 'hostile'))
                       AS key_player_against,
                   NOT BOOL_OR(c.attitude = 'champion') AS no_champion,
                   BOOL_OR(c.attitude = 'hostile' AND c.circle = 'core') AS hostile_core,
                   BOOL_OR(c.roles && '{A,D}' AND c.time_spent = 0) AS key_player_not_met,
                   COUNT(*) = 1 AS single_threaded,
                   BOOL_OR((c.roles && '{A,D}' OR c.influence = 'high')
                           AND (t.at IS NULL OR FLOOR(EXTRACT(EPOCH FROM (param.now - t.at))
                                                      / 86400) > param.stale_days))
                       AS stale_key_player
              FROM contact c
              CROSS JOIN param
         LEFT JOIN last_touch t ON t.partner_id = c.partner_id
          GROUP BY c.lead_id
        ),
        all_flags AS (
            SELECT lead.id AS lead_id,
                   COALESCE(f.no_decision_maker, TRUE) AS no_decision_maker,
                   COALESCE(f.no_approver, TRUE) AS no_approver,
                   COALESCE(f.key_player_against, FALSE) AS key_player_against,
                   COALESCE(f.no_champion, TRUE) AS no_champion,
                   COALESCE(f.hostile_core, FALSE) AS hostile_core,
                   COALESCE(f.key_player_not_met, FALSE) AS key_player_not_met,
                   COALESCE(f.single_threaded, FALSE) AS single_threaded,
                   COALESCE(f.stale_key_player, FALSE) AS stale_key_player
              FROM lead LEFT JOIN flag f ON f.lead_id = lead.id
        ),
        scored AS (
            SELECT f.*,
                   (f.no_decision_maker OR f.no_approver OR f.key_player_against) AS blocking,
                   GREATEST(0, 100
                       - 25 * (f.no_decision_maker::int + f.no_approver::int
                               + f.key_player_against::int)
                       - 10 * (f.no_champion::int + f.hostile_core::int
                               + f.key_player_not_met::int + f.single_threaded::int)
                       - 5 * f.stale_key_player::int) AS score,
                   NULLIF(CONCAT_WS(',',
                       CASE WHEN f.no_decision_maker THEN 'no_decision_maker' END,
                       CASE WHEN f.no_approver THEN 'no_approver' END,
                       CASE WHEN f.key_player_against THEN 'key_player_against' END,
                       CASE WHEN f.no_champion THEN 'no_champion' END,
                       CASE WHEN f.hostile_core THEN 'hostile_core' END,
                       CASE WHEN f.key_player_not_met THEN 'key_player_not_met' END,
                       CASE WHEN f.single_threaded THEN 'single_threaded' END,
                       CASE WHEN f.stale_key_player THEN 'stale_key_player' END), '') AS codes
              FROM all_flags f
        )
        UPDATE crm_lead l
           SET political_map_score = s.score, political_map_status = s.status,
               red_flag_codes = s.codes %(stamp)s
          FROM (SELECT scored.*,
                       CASE WHEN blocking OR score < 50 THEN 'red'
                            WHEN codes IS NOT NULL THEN 'amber' ELSE 'green' END AS status
                  FROM scored) s
         WHERE l.id = s.lead_id %(changed)s
        """,
        leads=leads,
        stamp=SQL(", write_uid = %s, write_date = %s", uid, NOW) if only_changed else SQL(),
        changed=SQL(
            """AND (l.political_map_score, l.political_map_status, l.red_flag_codes)
                   IS DISTINCT FROM (s.score, s.status, s.codes)"""
        )
        if only_changed
        else SQL(),
    )


class Map(HotPath):
    name = "map"
    touched = ("crm_lead", "ir_config_parameter")
    describe = (
        "Political maps of every deal with a buying centre: `crm.lead.search([('deal_contact_ids',"
        " '!=', False)])._sfa_recompute_maps()` and a flush. Floor: one statement, an aggregate "
        "of the deal contacts, their roles, stakeholders and last contacts (meetings, messages) "
        "and one UPDATE of crm_lead (flags, score, status as engine/politics.py)."
    )
    leads = MAP_LEADS
    only_changed = False

    def map_sql(self):
        return map_sql(self.leads, self.only_changed, self.env.uid)

    def floor(self):
        self.query(self.map_sql())

    def addon(self):
        Lead, _method = self.entry("crm.lead", "_sfa_recompute_maps")
        leads = Lead.search([("deal_contact_ids", "!=", False)])
        leads._sfa_recompute_maps()

    def explain_sql(self):
        return self.map_sql()

    def state_sql(self, out):
        return SQL(
            """SELECT l.id::text,
                      ROW(l.political_map_score, NULLIF(l.political_map_status, ''),
                          NULLIF(l.red_flag_codes, ''))::text
                 FROM crm_lead l WHERE l.id IN (%s)""",
            self.leads,
        )


class MapJob(Map):
    name = "map_job"
    describe = (
        "The daily map job, `crm.lead._cron_refresh_political_maps()` until it returns 0 "
        "(once when it returns None): the maps of the open deals with people on them, only "
        "those whose figures change written (on unchanged data: none). Floor: as `map` over "
        "those deals, writing only the changed ones."
    )
    leads = OPEN_MAP_LEADS
    only_changed = True

    def addon(self):
        _Lead, refresh = self.entry("crm.lead", "_cron_refresh_political_maps")
        calls = 0
        while True:
            calls += 1
            remaining = refresh()
            if not remaining or calls >= MAX_JOB_CALLS:
                break
        if calls > 1 and not any("calls" in n for n in self.notes):
            self.notes.append(f"the job took {calls} calls (batches) to finish")
        if remaining is None and not any("returns None" in n for n in self.notes):
            self.notes.append(
                "`_cron_refresh_political_maps()` returns None (not the number left): called once"
            )


# --- 7. deal_form -------------------------------------------------------------------------------
def display_expr(comodel, alias):
    """What the floor reads for a record's display name: its complete or rec name column."""
    for fname in ("complete_name", comodel._rec_name, "name"):
        field = comodel._fields.get(fname) if fname else None
        if field and field.store and field.column_type:
            column = SQL.identifier(alias, fname)
            return SQL("(%s->>'en_US')", column) if field.translate else column
    return SQL("NULL")


SKIPPED_TYPES = ("binary", "image", "properties", "properties_definition")


def order_sql(model, alias):
    """``model._order`` on the row ``alias``, for its stored scalar columns, then id."""
    terms = []
    for item in (model._order or "id").split(","):
        words = item.split()
        field = model._fields.get(words[0]) if words else None
        if field and field.store and field.column_type and field.type != "many2one":
            direction = "DESC" if len(words) > 1 and words[1].upper() == "DESC" else "ASC"
            terms.append(SQL("%s %s", SQL.identifier(alias, field.name), SQL(direction)))
    terms.append(SQL.identifier(alias, "id"))
    return SQL(", ").join(terms)


class SpecSelect:
    """One SELECT of the stored columns a web_read specification asks for: scalars, many2one
    ids (and display names when asked), x2many ids and the columns their list shows (the
    first 40 rows), related fields through their many2one chain. Computed fields that are
    not stored are left out (counted)."""

    def __init__(self, env, model, spec):
        self.env = env
        self.model = model
        self.spec = spec
        self.alias_count = 0
        self.skipped = []
        self.selected = []

    def alias(self):
        self.alias_count += 1
        return f"r{self.alias_count}"

    def expr(self, model, alias, field, spec):
        """The SQL of ``field`` of ``model`` on the row ``alias`` as ``spec`` asks, or None."""
        if field.type in SKIPPED_TYPES:
            return None
        if field.related and not field.store:
            return self.related(model, alias, field.related.split("."), spec)
        if field.type in ("one2many", "many2many"):
            return self.x2many(alias, field, spec)
        if not (field.store and field.column_type):
            return None
        column = SQL.identifier(alias, field.name)
        if field.translate:
            return SQL("(%s->>'en_US')", column)
        if field.type == "many2one" and "display_name" in spec.get("fields", {}):
            comodel = self.env[field.comodel_name]
            sub = self.alias()
            return SQL(
                "json_build_object('id', %s, 'display_name', (SELECT %s FROM %s %s WHERE %s = %s))",
                column,
                display_expr(comodel, sub),
                SQL.identifier(comodel._table),
                SQL.identifier(sub),
                SQL.identifier(sub, "id"),
                column,
            )
        return column

    def x2many(self, alias, field, spec):
        if not field.store or field.compute:
            return None
        comodel = self.env[field.comodel_name]
        sub = self.alias()
        active = comodel._fields.get("active")
        conditions = [SQL("TRUE")]
        if active is not None and active.store:
            conditions.append(SQL.identifier(sub, "active"))
        if field.type == "one2many":
            inverse = comodel._fields.get(field.inverse_name)
            if not (inverse and inverse.store and inverse.column_type):
                return None
            source = SQL("%s %s", SQL.identifier(comodel._table), SQL.identifier(sub))
            conditions.append(
                SQL("%s = %s", SQL.identifier(sub, field.inverse_name), SQL.identifier(alias, "id"))
            )
        else:
            rel = self.alias()
            source = SQL(
                "%s %s JOIN %s %s ON %s = %s",
                SQL.identifier(field.relation),
                SQL.identifier(rel),
                SQL.identifier(comodel._table),
                SQL.identifier(sub),
                SQL.identifier(sub, "id"),
                SQL.identifier(rel, field.column2),
            )
            conditions.append(
                SQL("%s = %s", SQL.identifier(rel, field.column1), SQL.identifier(alias, "id"))
            )
        pairs = [SQL("'id', %s", SQL.identifier(sub, "id"))]
        for fname, subspec in (spec.get("fields") or {}).items():
            subfield = comodel._fields.get(fname)
            if fname == "display_name":
                value = display_expr(comodel, sub)
            elif subfield is not None:
                value = self.expr(comodel, sub, subfield, subspec)
            else:
                value = None
            if value is not None:
                pairs.append(SQL("%s::text, %s", fname, value))
        limit = spec.get("limit")
        # every id, and the columns of the first ``limit`` rows (the list's first page)
        return SQL(
            """(SELECT json_build_object('ids', COALESCE(json_agg(x.id), '[]'),
                                         'rows', COALESCE(json_agg(x.row) FILTER
                                                          (WHERE x.n <= %s), '[]'))
                  FROM (SELECT %s AS id, json_build_object(%s) AS row,
                               ROW_NUMBER() OVER (ORDER BY %s) AS n
                          FROM %s WHERE %s) x)""",
            limit or 2**31 - 1,
            SQL.identifier(sub, "id"),
            SQL(", ").join(pairs),
            order_sql(comodel, sub),
            source,
            SQL(" AND ").join(conditions),
        )

    def related(self, model, alias, path, spec):
        field = model._fields.get(path[0])
        if field is None:
            return None
        if len(path) == 1:
            return self.expr(model, alias, field, spec)
        if field.type != "many2one" or not field.store:
            return None
        comodel = self.env[field.comodel_name]
        sub = self.alias()
        inner = self.related(comodel, sub, path[1:], spec)
        if inner is None:
            return None
        return SQL(
            "(SELECT %s FROM %s %s WHERE %s = %s)",
            inner,
            SQL.identifier(comodel._table),
            SQL.identifier(sub),
            SQL.identifier(sub, "id"),
            SQL.identifier(alias, field.name),
        )

    def build(self, record_id):
        items = [SQL("t.id")]
        for fname, spec in self.spec.items():
            field = self.model._fields.get(fname)
            expr = None
            if field and fname != "id":
                expr = self.expr(self.model, "t", field, spec)
            if expr is None:
                self.skipped.append(fname)
                continue
            self.selected.append(fname)
            items.append(SQL("%s AS %s", expr, SQL.identifier(fname)))
        return SQL(
            "SELECT %s FROM %s t WHERE t.id = %s",
            SQL(", ").join(items),
            SQL.identifier(self.model._table),
            record_id,
        )


def normalise(value):
    """A value of web_read or of the floor's SELECT in one comparable form."""
    if isinstance(value, dict):
        if "ids" in value:  # the floor's x2many: every id, and the first rows' columns
            return tuple(sorted(value["ids"])) or None
        return value.get("id")
    if isinstance(value, list):
        return tuple(sorted(v["id"] if isinstance(v, dict) else v for v in value)) or None
    if value is None or value is False or value == "":
        return None
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, datetime | date):
        return str(value)
    if hasattr(value, "as_integer_ratio"):
        return round(float(value), 6)
    return value


class DealForm(HotPath):
    name = "deal_form"
    warmup = True
    describe = (
        "A rep opens a deal with a political map: `lead.with_user(rep).web_read(spec)` with the "
        "specification the web client sends for the deal form (getFieldsSpec, as "
        "TestDealFormQueries builds it with tests/common.form_spec, for the rep), after one "
        "warm-up read. Floor: one SELECT of the same stored columns, many2one display names, "
        "x2many ids and the columns of their lists' first 40 rows (computed fields that are "
        "not stored are not in it)."
    )

    def prepare(self):
        Lead = self.env["crm.lead"]
        lead_id = pick(
            self.manifest,
            "map_lead_id",
            "deal_id",
            "map_deal_id",
            "lead_id",
            "political_map_lead_id",
        )
        if not lead_id:
            rows = self.query(
                SQL(
                    """SELECT c.lead_id FROM sfa_deal_contact c
                         JOIN crm_lead l ON l.id = c.lead_id AND l.active
                     GROUP BY c.lead_id ORDER BY COUNT(*) DESC, c.lead_id LIMIT 1"""
                )
            )
            if not rows:
                raise RuntimeError("no deal with a political map in this database")
            lead_id = rows[0][0]
        self.lead = Lead.browse(lead_id)
        rep_id = pick(self.manifest, "rep_user_id", "rep_id", "rep_uid", "user_rep_id", "rep")
        if isinstance(rep_id, dict):
            rep_id = rep_id.get("id")
        rep = self.env["res.users"].browse(rep_id) if rep_id else self.lead.user_id
        if not rep or rep.id == SUPERUSER_ID:
            rep = self.env.ref("base.user_admin")
            self.notes.append("no rep found (manifest or the deal's salesperson): admin reads")
        if not self.lead.with_user(rep).has_access("read"):
            self.notes.append(
                f"{rep.login} cannot read deal {self.lead.id}: its salesperson "
                f"{self.lead.user_id.login} reads it"
            )
            rep = self.lead.user_id or self.env.ref("base.user_admin")
        self.rep = rep
        # the addon's own builder of the web client's spec (the one its tests pin)
        from odoo.addons.sfa_key_accounts.tests.common import form_spec  # noqa: PLC0415

        self.spec = form_spec(Lead.with_user(rep))
        builder = SpecSelect(self.env, Lead, self.spec)
        self.select = builder.build(self.lead.id)
        self.selected = builder.selected
        contacts = len(self.lead.deal_contact_ids)
        self.notes.append(
            f"deal {self.lead.id} ({contacts} people on its map) read by {rep.login}; "
            f"{len(self.spec)} fields, the floor selects {len(builder.selected)} "
            f"({len(builder.skipped)} left out: computed and not stored, binary or properties)"
        )

    def floor(self):
        self.cr.execute(self.select)
        names = [d.name for d in self.cr.description]
        return [dict(zip(names, row, strict=True)) for row in self.cr.fetchall()]

    def addon(self):
        return self.lead.with_user(self.rep).web_read(self.spec)

    def explain_sql(self):
        return self.select

    def collect(self, side, out):
        [row] = out
        return {name: normalise(row.get(name)) for name in self.selected}


# --- 8. attainment ------------------------------------------------------------------------------
def attainment_sql(today):
    """Achieved, same period last year, attainment, growth, expected by today and pace of
    every sales target, in one statement (README "Targets", engine/targets.py). The targets
    without a dimension whose measure adds up are summed in one pass over the closed deals,
    by salesperson, team and company and by the stretches between the days where periods
    start or end (each period adds up its stretches); the others join their own deals."""
    return SQL(
        """
        WITH target AS MATERIALIZED (
            SELECT id, company_id, user_id, team_id, measure, tag_id, country_id, state_id,
                   tier_id, industry_id, date_from, date_to, market_size, amount, parent_id,
                   (date_from - INTERVAL '1 year')::date AS ly_from,
                   (date_to - INTERVAL '1 year')::date AS ly_to,
                   -- summed by owner in one pass over the deals: no dimension, and a measure
                   -- that adds up
                   (measure IN ('won_revenue', 'won_count', 'win_rate', 'market_share')
                    AND tag_id IS NULL AND country_id IS NULL AND state_id IS NULL
                    AND tier_id IS NULL AND industry_id IS NULL) AS summed
              FROM sfa_sales_target
        ),
        period AS MATERIALIZED (
            -- [day_from, day_end) of the period and of the same period a year before (which
            -- ends where the period starts)
            SELECT t.id, t.company_id, TRUE AS current, t.date_from AS day_from,
                   GREATEST(t.date_to + 1, t.date_from) AS day_end,
                   COALESCE(t.user_id, t.team_id, 0) AS owner,
                   CASE WHEN t.user_id IS NOT NULL THEN 1 WHEN t.team_id IS NOT NULL THEN 2
                        ELSE 3 END AS kind
              FROM target t WHERE t.summed
            UNION ALL
            SELECT t.id, t.company_id, FALSE, t.ly_from,
                   GREATEST(LEAST(t.ly_to + 1, t.date_from), t.ly_from),
                   COALESCE(t.user_id, t.team_id, 0),
                   CASE WHEN t.user_id IS NOT NULL THEN 1 WHEN t.team_id IS NOT NULL THEN 2
                        ELSE 3 END
              FROM target t WHERE t.summed
        ),
        edge AS (
            SELECT ARRAY(SELECT day_from FROM period UNION SELECT day_end FROM period
                         ORDER BY 1) AS days
        ),
        stretch AS MATERIALIZED (
            -- the closed deals by salesperson, team and stretch between period edges
            SELECT l.company_id, l.user_id, l.team_id,
                   width_bucket(l.date_closed::date, (SELECT days FROM edge)) AS stretch,
                   COALESCE(SUM(l.expected_revenue) FILTER (WHERE l.active), 0) AS won_revenue,
                   COUNT(*) FILTER (WHERE l.active) AS won_count,
                   COUNT(*) FILTER (WHERE NOT l.active) AS lost_count
              FROM crm_lead l
             WHERE l.type = 'opportunity' AND l.date_closed IS NOT NULL
               AND (l.active AND l.stage_id IN (SELECT id FROM crm_stage WHERE is_won)
                    OR NOT l.active AND l.probability = 0)
          GROUP BY 1, 2, 3, 4
        ),
        owner_stretch AS MATERIALIZED (
            SELECT company_id,
                   CASE GROUPING(user_id, team_id) WHEN 1 THEN 1 WHEN 2 THEN 2 ELSE 3 END
                       AS kind,
                   CASE GROUPING(user_id, team_id) WHEN 1 THEN user_id WHEN 2 THEN team_id
                        ELSE 0 END AS owner,
                   stretch, SUM(won_revenue) AS won_revenue, SUM(won_count) AS won_count,
                   SUM(lost_count) AS lost_count
              FROM stretch
          GROUP BY company_id, stretch, GROUPING SETS ((user_id), (team_id), ())
        ),
        deal AS (
            %(personal)s
            UNION ALL
            %(team)s
            UNION ALL
            %(company)s
        ),
        agg AS (
            SELECT target_id, current,
                   COALESCE(SUM(expected_revenue) FILTER (WHERE won), 0) AS won_revenue,
                   COUNT(*) FILTER (WHERE won) AS won_count,
                   COUNT(*) FILTER (WHERE lost) AS lost_count,
                   COUNT(DISTINCT partner_id) FILTER (WHERE new_customer) AS new_customers
              FROM deal GROUP BY target_id, current
            UNION ALL
            SELECT p.id, p.current, SUM(o.won_revenue), SUM(o.won_count), SUM(o.lost_count), 0
              FROM period p
              JOIN owner_stretch o
                ON o.company_id = p.company_id AND o.kind = p.kind AND o.owner = p.owner
               AND o.stretch >= width_bucket(p.day_from, (SELECT days FROM edge))
               AND o.stretch < width_bucket(p.day_end, (SELECT days FROM edge))
          GROUP BY p.id, p.current
        ),
        value AS (
            SELECT a.target_id, a.current,
                   CASE t.measure
                       WHEN 'won_revenue' THEN a.won_revenue
                       WHEN 'won_count' THEN a.won_count
                       WHEN 'new_customers' THEN a.new_customers
                       WHEN 'win_rate' THEN CASE WHEN a.won_count + a.lost_count > 0
                           THEN 100.0 * a.won_count / (a.won_count + a.lost_count) ELSE 0 END
                       WHEN 'market_share' THEN CASE WHEN t.market_size > 0
                           THEN 100.0 * a.won_revenue / t.market_size ELSE 0 END
                   END AS amount
              FROM agg a JOIN target t ON t.id = a.target_id
        ),
        figure AS (
            SELECT t.id, t.amount, t.date_from, t.date_to,
                   CASE WHEN t.measure = 'satisfaction' THEN COALESCE((
                            SELECT e.value FROM sfa_sales_target_entry e
                             WHERE e.target_id = t.id
                               AND e.date >= t.date_from AND e.date <= t.date_to
                          ORDER BY e.date DESC, e.id DESC LIMIT 1), 0)
                        ELSE COALESCE(cur.amount, 0) END::numeric AS achieved,
                   COALESCE(ly.amount, 0)::numeric AS last_year
              FROM target t
         LEFT JOIN value cur ON cur.target_id = t.id AND cur.current
         LEFT JOIN value ly ON ly.target_id = t.id AND NOT ly.current
        ),
        whole AS (
            -- a target covering its parent's period among siblings split by period weighs
            -- today by their seasonality
            SELECT t.id FROM target t JOIN sfa_sales_target parent ON parent.id = t.parent_id
             WHERE t.date_from = parent.date_from AND t.date_to = parent.date_to
               AND EXISTS (SELECT 1 FROM sfa_sales_target x
                            WHERE x.parent_id = t.parent_id AND x.date_from <> t.date_from)
        ),
        piece AS (
            SELECT t.id AS target_id, sib.date_from, sib.date_to, sib.amount
              FROM target t
              JOIN whole ON whole.id = t.id
              JOIN sfa_sales_target sib ON sib.parent_id = t.parent_id
            UNION ALL
            -- a target split by period weighs today by its children
            SELECT t.id, child.date_from, child.date_to, child.amount
              FROM target t
              JOIN sfa_sales_target child ON child.parent_id = t.id
             WHERE t.id NOT IN (SELECT id FROM whole)
               AND (SELECT COUNT(DISTINCT x.date_from) FROM sfa_sales_target x
                     WHERE x.parent_id = t.id) > 1
        ),
        season AS (
            SELECT target_id,
                   SUM(amount * LEAST(GREATEST(%(today)s - date_from + 1, 0),
                                      date_to - date_from + 1)::numeric
                       / NULLIF(date_to - date_from + 1, 0))
                   / NULLIF(SUM(amount), 0) AS share
              FROM piece GROUP BY target_id
        ),
        expected AS (
            SELECT f.*,
                   CASE WHEN f.date_to < f.date_from THEN NULL
                        ELSE ROUND(f.amount::numeric * COALESCE(s.share,
                            LEAST(GREATEST(%(today)s - f.date_from + 1, 0),
                                  f.date_to - f.date_from + 1)::numeric
                            / (f.date_to - f.date_from + 1)), 2) END AS due
              FROM figure f LEFT JOIN season s ON s.target_id = f.id
        )
        SELECT id, achieved, last_year,
               CASE WHEN amount > 0 THEN ROUND(achieved / amount::numeric * 100, 2) ELSE 0 END,
               CASE WHEN last_year > 0 THEN ROUND((achieved - last_year) / last_year * 100, 2)
                    ELSE 0 END,
               COALESCE(due, 0),
               CASE WHEN due IS NULL THEN NULL
                    WHEN due <= 0 OR achieved >= due THEN 'on_track'
                    WHEN achieved * 100 >= due * 80 THEN 'behind'
                    ELSE 'at_risk' END
          FROM expected
        """,
        today=today,
        personal=target_deals(
            SQL("l.user_id = t.user_id"), SQL("NOT t.summed AND t.user_id IS NOT NULL")
        ),
        team=target_deals(
            SQL("l.team_id = t.team_id"),
            SQL("NOT t.summed AND t.user_id IS NULL AND t.team_id IS NOT NULL"),
        ),
        company=target_deals(
            SQL("TRUE"), SQL("NOT t.summed AND t.user_id IS NULL AND t.team_id IS NULL")
        ),
    )


def target_deals(owner_join, owner_where):
    """The deals of the targets of one kind of owner (a salesperson's, a team's, the whole
    company's), in the period or the same period a year before, that match the target's
    dimension; a new customer is a won deal's customer with no won deal before the period."""
    return SQL(
        """
        SELECT t.id AS target_id, l.date_closed >= t.date_from AS current,
               l.active AND COALESCE(s.is_won, FALSE) AS won,
               NOT l.active AND l.probability = 0 AS lost,
               l.expected_revenue, lp.commercial_partner_id AS partner_id,
               CASE WHEN t.measure = 'new_customers' AND l.active AND s.is_won
                    THEN NOT EXISTS (
                        SELECT 1 FROM res_partner c
                          JOIN crm_lead w ON w.partner_id = c.id
                          JOIN crm_stage ws ON ws.id = w.stage_id AND ws.is_won
                         WHERE c.commercial_partner_id = lp.commercial_partner_id
                           AND w.company_id = l.company_id AND w.active
                           AND w.type = 'opportunity'
                           AND w.date_closed < CASE WHEN l.date_closed >= t.date_from
                                                    THEN t.date_from ELSE t.ly_from END)
               END AS new_customer
          FROM target t
          JOIN crm_lead l
            ON l.company_id = t.company_id AND %(owner_join)s AND l.type = 'opportunity'
           AND l.date_closed >= t.ly_from AND l.date_closed < t.date_to + 1
           AND (l.date_closed >= t.date_from OR l.date_closed < t.ly_to + 1)
     LEFT JOIN crm_stage s ON s.id = l.stage_id
     LEFT JOIN res_partner lp ON lp.id = l.partner_id
         WHERE %(owner_where)s
           AND (t.tag_id IS NULL OR EXISTS (
                    SELECT 1 FROM crm_tag_rel r WHERE r.lead_id = l.id AND r.tag_id = t.tag_id))
           AND (t.country_id IS NULL AND t.state_id IS NULL AND t.industry_id IS NULL
                OR EXISTS (SELECT 1 FROM res_partner p
                            WHERE p.id = lp.commercial_partner_id
                              AND (t.country_id IS NULL OR p.country_id = t.country_id)
                              AND (t.state_id IS NULL OR p.state_id = t.state_id)
                              AND (t.industry_id IS NULL OR p.industry_id = t.industry_id)))
           AND (t.tier_id IS NULL OR EXISTS (
                    SELECT 1 FROM sfa_key_account k
                     WHERE k.partner_id = lp.commercial_partner_id
                       AND k.company_id = l.company_id AND k.tier_id = t.tier_id))
        """,
        owner_join=owner_join,
        owner_where=owner_where,
    )


class Attainment(HotPath):
    name = "attainment"
    warmup = True
    describe = (
        "Attainment of every sales target: `sfa.sales.target.search([]).read([achieved, last "
        "year, attainment, growth, expected by today, pace])`, after one warm-up read. Floor: "
        "one SELECT computing the same figures (won / lost deals of the owner in the period and "
        "a year before, dimensions, first wins, seasonality of splits by period); the targets "
        "without a dimension whose measure adds up summed in one pass over the deals by owner "
        "and by the stretches between period bounds, as the addon reads them."
    )

    def prepare(self):
        from odoo.addons.sfa_key_accounts.models.sfa_sales_target import (  # noqa: PLC0415
            FIGURE_FIELDS,
        )

        Target = self.env["sfa.sales.target"]
        self.fields = list(FIGURE_FIELDS)  # achieved, last year, attainment, growth, due, pace
        self.today_value = fields.Date.context_today(Target)

    def floor(self):
        return self.query(attainment_sql(self.today_value))

    def addon(self):
        return self.env["sfa.sales.target"].search([]).read(self.fields)

    def explain_sql(self):
        return attainment_sql(self.today_value)

    def collect(self, side, out):
        if side == "floor":
            return {
                r[0]: (
                    rounded(r[1]),
                    rounded(r[2]),
                    rounded(r[3]),
                    rounded(r[4]),
                    rounded(r[5]),
                    r[6] or None,
                )
                for r in out
            }
        return {
            r["id"]: tuple(
                rounded(r.get(f)) if f != "pace_status" else (r.get(f) or None) for f in self.fields
            )
            for r in out
        }


# --- 9. statements ------------------------------------------------------------------------------
def quarter_of(day):
    first = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first, 1)
    return start, start + relativedelta(months=3) - timedelta(days=1)


def statements_sql(date_from, date_to, today, uid):
    """Create and compute the statements of everyone with a plan over ``date_from..date_to``
    (one calendar quarter) in one statement: credited revenue from the won deals (credit
    splits by the largest remainder, else the salesperson), the plan's commission tiers
    (graduated: each deal cut at the bands' edges; retroactive: the band reached), threshold
    and cap, one line per deal and band, the statement's figures and an approval activity."""
    return SQL(
        """
        WITH assignment AS (
            SELECT user_id, company_id FROM sfa_comp_assignment
             WHERE date_from <= %(dt)s AND (date_to IS NULL OR date_to >= %(df)s)
        ),
        around AS (
            SELECT id, user_id, company_id, team_id, date_from, date_to, state,
                   open_dispute_count
              FROM sfa_comp_statement
             WHERE user_id IN (SELECT user_id FROM assignment)
               AND date_from <= %(dt)s AND date_to >= %(df)s
        ),
        todo AS (
            SELECT DISTINCT NULL::int AS statement_id, NULL::int AS team_id, a.user_id,
                   a.company_id
              FROM assignment a
             WHERE NOT EXISTS (SELECT 1 FROM around s
                                WHERE s.user_id = a.user_id AND s.company_id = a.company_id)
            UNION ALL
            SELECT id, team_id, user_id, company_id FROM around
             WHERE date_from = %(df)s AND date_to = %(dt)s AND state IN ('draft', 'computed')
               AND COALESCE(open_dispute_count, 0) = 0
        ),
        plan AS (
            SELECT DISTINCT ON (a.user_id, a.company_id) a.user_id, a.company_id, a.plan_id
              FROM sfa_comp_assignment a
             WHERE a.user_id IN (SELECT user_id FROM todo)
               AND a.date_from <= %(dt)s AND (a.date_to IS NULL OR a.date_to >= %(dt)s)
          ORDER BY a.user_id, a.company_id, a.date_from DESC, a.id
        ),
        target AS (
            SELECT DISTINCT ON (user_id, company_id) user_id, company_id, id, amount
              FROM sfa_sales_target
             WHERE measure = 'won_revenue' AND dimension = 'none' AND state = 'confirmed'
               AND date_from = %(df)s AND date_to = %(dt)s
               AND user_id IN (SELECT user_id FROM todo)
          ORDER BY user_id, company_id, parent_path DESC, id DESC
        ),
        component AS (
            SELECT DISTINCT ON (plan_id) plan_id, id, mode, threshold_pct, cap_amount
              FROM sfa_comp_component
             WHERE component_type = 'commission' AND plan_id IN (SELECT plan_id FROM plan)
          ORDER BY plan_id, sequence, id
        ),
        deal AS (
            SELECT l.id, l.company_id, l.user_id, l.date_closed::date AS date_closed,
                   ROUND(GREATEST(COALESCE(l.expected_revenue, 0), 0)::numeric
                         * 10::numeric ^ cur.decimal_places) AS units,
                   cur.decimal_places AS digits
              FROM crm_lead l
              JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
              JOIN res_company co ON co.id = l.company_id
              JOIN res_currency cur ON cur.id = co.currency_id
             WHERE l.active AND l.type = 'opportunity'
               AND l.company_id IN (SELECT company_id FROM todo)
               AND l.date_closed >= %(df)s AND l.date_closed < %(dt)s::date + 1
               AND (l.user_id IN (SELECT user_id FROM todo)
                    OR EXISTS (SELECT 1 FROM sfa_comp_credit_split c
                                WHERE c.lead_id = l.id
                                  AND c.user_id IN (SELECT user_id FROM todo)))
        ),
        share AS (
            SELECT d.id AS lead_id, d.company_id, d.date_closed, d.units, d.digits,
                   c.user_id, c.share_pct, c.id AS idx
              FROM deal d JOIN sfa_comp_credit_split c ON c.lead_id = d.id
            UNION ALL
            SELECT d.id, d.company_id, d.date_closed, d.units, d.digits, d.user_id, 100, 0
              FROM deal d
             WHERE NOT EXISTS (SELECT 1 FROM sfa_comp_credit_split c WHERE c.lead_id = d.id)
        ),
        exact AS (
            SELECT s.*, s.units * s.share_pct / SUM(s.share_pct) OVER (PARTITION BY s.lead_id)
                        AS exact
              FROM share s
        ),
        credit AS (
            SELECT e.lead_id, e.company_id, e.date_closed, e.user_id, e.share_pct, e.digits,
                   (FLOOR(e.exact)
                    + CASE WHEN ROW_NUMBER() OVER (PARTITION BY e.lead_id
                                                   ORDER BY FLOOR(e.exact) - e.exact, e.idx)
                                <= e.units - SUM(FLOOR(e.exact)) OVER (PARTITION BY e.lead_id)
                           THEN 1 ELSE 0 END) / 10::numeric ^ e.digits AS amount
              FROM exact e
        ),
        running AS (
            SELECT c.*,
                   SUM(c.amount) OVER (PARTITION BY c.user_id, c.company_id
                                       ORDER BY c.date_closed, c.lead_id
                                       ROWS UNBOUNDED PRECEDING) AS upto
              FROM credit c
              JOIN todo t ON t.user_id = c.user_id AND t.company_id = c.company_id
        ),
        credited AS MATERIALIZED (
            SELECT user_id, company_id, SUM(amount) AS credited,
                   SUM(amount) FILTER (WHERE date_closed > %(dt)s::date - 14) AS window_amount
              FROM running GROUP BY user_id, company_id
        ),
        figure AS MATERIALIZED (
            -- each statement's id (a new one drawn from the sequence) and team travel with its
            -- lines: joined back to the statements, which the planner takes for one row, the
            -- lines would run a nested loop
            SELECT t.statement_id, t.user_id, t.company_id, p.plan_id,
                   COALESCE(t.statement_id, nextval('sfa_comp_statement_id_seq')) AS sid,
                   CASE WHEN t.statement_id IS NULL THEN tm.id ELSE t.team_id END AS team_id,
                   tg.id AS target_id, COALESCE(tg.amount, 0) AS target_amount,
                   cm.id AS component_id, cm.mode, COALESCE(cm.threshold_pct, 0) AS threshold,
                   COALESCE(cm.cap_amount, 0) AS cap,
                   COALESCE(c.credited, 0) AS credited,
                   COALESCE(c.window_amount, 0) AS window_amount, cur.decimal_places AS digits
              FROM todo t
              JOIN res_company co ON co.id = t.company_id
              JOIN res_currency cur ON cur.id = co.currency_id
              JOIN res_users u ON u.id = t.user_id
         LEFT JOIN crm_team tm ON tm.id = u.sale_team_id
                              AND (tm.company_id IS NULL OR tm.company_id = t.company_id)
         LEFT JOIN plan p ON p.user_id = t.user_id AND p.company_id = t.company_id
         LEFT JOIN target tg ON tg.user_id = t.user_id AND tg.company_id = t.company_id
         LEFT JOIN component cm ON cm.plan_id = p.plan_id
         LEFT JOIN credited c ON c.user_id = t.user_id AND c.company_id = t.company_id
        ),
        band AS (
            SELECT component_id, lower_pct, upper_pct, rate_pct FROM sfa_comp_tier
             WHERE component_id IN (SELECT component_id FROM figure)
        ),
        piece AS (
            SELECT f.user_id, f.company_id, f.component_id, r.lead_id, r.share_pct,
                   r.amount AS deal_amount, b.lower_pct, b.upper_pct, b.rate_pct, f.digits,
                   f.credited AS person_credited, f.target_amount, f.threshold, f.cap, f.sid,
                   f.team_id,
                   CASE WHEN f.mode = 'retroactive' THEN r.amount
                        ELSE LEAST(r.upto, COALESCE(b.upper_pct * f.target_amount / 100,
                                                    r.upto))
                             - GREATEST(r.upto - r.amount, b.lower_pct * f.target_amount / 100)
                   END AS base
              FROM figure f
              JOIN running r ON r.user_id = f.user_id AND r.company_id = f.company_id
              JOIN band b ON b.component_id = f.component_id
             WHERE f.target_amount > 0
               AND (f.mode <> 'retroactive'
                    OR (b.lower_pct <= f.credited * 100 / NULLIF(f.target_amount, 0)
                        AND (b.upper_pct IS NULL
                             OR f.credited * 100 / NULLIF(f.target_amount, 0) < b.upper_pct)))
        ),
        gross AS (
            SELECT p.*, ROUND(p.base, p.digits) AS credited_amount,
                   ROUND(p.base * p.rate_pct / 100, p.digits) AS gross
              FROM piece p WHERE p.base > 0
        ),
        paid AS (
            -- the person's figures travel with each piece: joined back to the figures, which
            -- the planner takes for one row, the pieces would run a nested loop
            SELECT g.*,
                   CASE WHEN g.person_credited * 100 / NULLIF(g.target_amount, 0) < g.threshold
                        THEN 0
                        WHEN g.cap > 0 AND SUM(g.gross) OVER person > g.cap
                        THEN ROUND(g.gross * g.cap / SUM(g.gross) OVER person, g.digits)
                        ELSE g.gross END AS payout
              FROM gross g
            WINDOW person AS (PARTITION BY g.user_id, g.company_id)
        ),
        total AS (SELECT user_id, company_id, SUM(payout) AS payout FROM paid GROUP BY 1, 2),
        result AS (
            SELECT f.*, ROUND(f.credited, f.digits) AS credited_amount,
                   COALESCE(tot.payout, 0) AS total_payout,
                   CASE WHEN f.target_amount > 0
                        THEN ROUND(f.credited * 100 / f.target_amount, 2) ELSE 0 END
                       AS attainment_pct,
                   CASE WHEN f.window_amount > 0
                        THEN ROUND(100 * f.window_amount / f.credited, 2) ELSE 0 END
                       AS quarter_end_share_pct,
                   CASE WHEN f.credited > 0
                        THEN ROUND(100 * COALESCE(tot.payout, 0) / f.credited, 2) ELSE 0 END
                       AS cost_of_sales_pct,
                   COALESCE((SELECT e.draw_balance FROM sfa_comp_statement e
                              WHERE e.user_id = f.user_id AND e.company_id = f.company_id
                                AND e.state IN ('approved', 'paid') AND e.date_to < %(df)s
                           ORDER BY e.date_to DESC LIMIT 1), 0) AS draw_balance
              FROM figure f
         LEFT JOIN total tot ON tot.user_id = f.user_id AND tot.company_id = f.company_id
        ),
        created AS (
            INSERT INTO sfa_comp_statement
                (id, name, user_id, team_id, company_id, date_from, date_to, state, plan_id,
                 target_id, target_amount, credited_amount, attainment_pct, draw_balance,
                 quarter_end_share_pct, computed_on, total_payout, held_amount,
                 cost_of_sales_pct, open_dispute_count, create_uid, create_date, write_uid,
                 write_date)
            SELECT r.sid, CONCAT(up.name, ' ', %(df)s::text, ' - ', %(dt)s::text), r.user_id,
                   r.team_id,
                   r.company_id, %(df)s, %(dt)s, 'computed', r.plan_id, r.target_id,
                   r.target_amount, r.credited_amount, r.attainment_pct, r.draw_balance,
                   r.quarter_end_share_pct, %(now)s, r.total_payout, 0, r.cost_of_sales_pct, 0,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM result r
              JOIN res_users u ON u.id = r.user_id
              JOIN res_partner up ON up.id = u.partner_id
             WHERE r.statement_id IS NULL
         RETURNING id, user_id, company_id, team_id, name
        ),
        recomputed AS (
            UPDATE sfa_comp_statement s
               SET state = 'computed', plan_id = r.plan_id, target_id = r.target_id,
                   target_amount = r.target_amount, credited_amount = r.credited_amount,
                   attainment_pct = r.attainment_pct, draw_balance = r.draw_balance,
                   quarter_end_share_pct = r.quarter_end_share_pct, computed_on = %(now)s,
                   total_payout = r.total_payout, held_amount = 0,
                   cost_of_sales_pct = r.cost_of_sales_pct, write_uid = %(uid)s,
                   write_date = %(now)s
              FROM result r
             WHERE s.id = r.statement_id
         RETURNING s.id, s.user_id, s.company_id, s.team_id, s.name
        ),
        dropped AS (
            DELETE FROM sfa_comp_statement_line
             WHERE statement_id IN (SELECT statement_id FROM todo WHERE statement_id IS NOT NULL)
        ),
        statement AS (SELECT * FROM created UNION ALL SELECT * FROM recomputed),
        line AS (
            INSERT INTO sfa_comp_statement_line
                (statement_id, sequence, user_id, team_id, company_id, date_from, state,
                 component_id, line_type, lead_id, share_pct, deal_amount, credited_amount,
                 lower_pct, upper_pct, rate_pct, gross, payout, is_clawback, held,
                 create_uid, create_date, write_uid, write_date)
            SELECT p.sid, 10, p.user_id, p.team_id, p.company_id, %(df)s, 'computed',
                   p.component_id, 'commission', p.lead_id, p.share_pct, p.deal_amount,
                   p.credited_amount, p.lower_pct, p.upper_pct, p.rate_pct, p.gross, p.payout,
                   FALSE, FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM paid p
         RETURNING 1
        ),
        kind AS (
            SELECT t.id, t.summary->>'en_US' AS summary, COALESCE(t.delay_count, 0) AS delay
              FROM mail_activity_type t
              JOIN ir_model_data d ON d.model = 'mail.activity.type' AND d.res_id = t.id
             WHERE d.module = 'sfa_key_accounts' AND d.name = 'mail_activity_type_comp_approve'
        ),
        activity AS (
            INSERT INTO mail_activity
                (res_model_id, res_model, res_id, res_name, activity_type_id, user_id,
                 user_tz, summary, date_deadline, automated, active,
                 create_uid, create_date, write_uid, write_date)
            SELECT (SELECT id FROM ir_model WHERE model = 'sfa.comp.statement'),
                   'sfa.comp.statement', st.id, st.name, kind.id, tm.user_id, lp.tz,
                   kind.summary, %(today)s::date + kind.delay, TRUE, TRUE,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM statement st
              JOIN crm_team tm ON tm.id = st.team_id AND tm.user_id IS NOT NULL
              JOIN res_users leader ON leader.id = tm.user_id
              JOIN res_partner lp ON lp.id = leader.partner_id
              CROSS JOIN kind
             WHERE NOT EXISTS (SELECT 1 FROM mail_activity a
                                WHERE a.res_model = 'sfa.comp.statement' AND a.res_id = st.id
                                  AND a.activity_type_id = kind.id)
         RETURNING 1
        )
        SELECT (SELECT COUNT(*) FROM statement), (SELECT COUNT(*) FROM line),
               (SELECT COUNT(*) FROM activity)
        """,
        df=date_from,
        dt=date_to,
        today=today,
        uid=uid,
        now=NOW,
    )


class Statements(HotPath):
    name = "statements"
    touched = (
        "sfa_comp_statement",
        "sfa_comp_statement_line",
        "sfa_comp_statement_compute",
        "mail_activity",
        "mail_message",
        "mail_followers",
    )
    describe = (
        "Incentive statements of everyone with a plan for the last full quarter, as the "
        "*Compute Statements* wizard makes them (`sfa.comp.statement.compute` create + "
        "`action_compute()`: missing statements created, open ones computed by `_compute_batch`"
        "). Floor: one statement computing each person's credited revenue from the won deals "
        "(credit splits by the largest remainder, else the salesperson) and inserting the "
        "statements, one line per deal and commission band (tiers, threshold, cap) and the "
        "approval activities."
    )

    def prepare(self):
        self.today_value = self.today()
        self.date_from, self.date_to = quarter_of(quarter_of(self.today_value)[0] - timedelta(1))
        for _n in range(8):  # a quarter where the statements are still to make
            [(taken,)] = self.query(
                SQL(
                    """SELECT COUNT(*) FROM sfa_comp_statement
                        WHERE date_from <= %s AND date_to >= %s
                          AND (date_from, date_to) != (%s, %s)""",
                    self.date_to,
                    self.date_from,
                    self.date_from,
                    self.date_to,
                )
            )
            if not taken:
                break
            self.notes.append(
                f"{taken} statements of other periods overlap {self.date_from} - "
                f"{self.date_to}: the quarter before is taken"
            )
            self.date_from, self.date_to = quarter_of(self.date_from - timedelta(1))
        rows = self.query(
            SQL(
                """SELECT
                     COUNT(*) FILTER (WHERE component_type = 'kpi_bonus'),
                     COUNT(*) FILTER (WHERE component_type = 'fixed'),
                     COUNT(*) FILTER (WHERE component_type = 'commission' AND quarter_end_rule)
                   FROM sfa_comp_component"""
            )
        )
        bonus, fixed, quarter_end = rows[0]
        self.notes.append(
            f"quarter {self.date_from} - {self.date_to}; the floor computes commission lines "
            "only (per deal and band, each piece rounded), not KPI bonuses "
            f"({bonus} components), spiffs and draws ({fixed}), the quarter-end rule "
            f"({quarter_end}), clawbacks, held-line releases or chatter"
        )

    def floor(self):
        return self.query(
            statements_sql(self.date_from, self.date_to, self.today_value, self.env.uid)
        )

    def addon(self):
        if "sfa.comp.statement.compute" not in self.env:
            raise Missing("model sfa.comp.statement.compute")
        wizard = self.env["sfa.comp.statement.compute"].create(
            {"date_from": self.date_from, "date_to": self.date_to}
        )
        wizard.action_compute()

    def explain_sql(self):
        return statements_sql(self.date_from, self.date_to, self.today_value, self.env.uid)

    def collect(self, side, out):
        rows = self.query(
            SQL(
                """SELECT s.user_id, s.company_id, s.state, s.credited_amount, s.target_amount,
                          s.attainment_pct, s.plan_id, s.total_payout,
                          (SELECT COUNT(*) FROM sfa_comp_statement_line l
                            WHERE l.statement_id = s.id AND l.line_type = 'commission')
                     FROM sfa_comp_statement s
                    WHERE s.date_from = %s AND s.date_to = %s""",
                self.date_from,
                self.date_to,
            )
        )
        return {
            (r[0], r[1]): (
                r[2],
                rounded(r[3]),
                rounded(r[4]),
                rounded(r[5]),
                r[6],
                rounded(r[7]),
                r[8],
            )
            for r in rows
        }

    def compare(self, floor, addon):
        """Statements and credited revenue must agree; payouts may differ by what the floor
        leaves out (bonuses, spiffs, draws) and by per-piece rounding: said in a note."""
        if floor is None or addon is None:
            return None
        same = {k: v[:5] for k, v in floor.items()}
        cell, note = compare_rows(same, {k: v[:5] for k, v in addon.items()})
        if note:
            self.notes.append(note)
        payout_off = [
            k for k in floor if k in addon and abs((floor[k][5] or 0) - (addon[k][5] or 0)) > 0.01
        ]
        if payout_off:
            k = payout_off[0]
            self.notes.append(
                f"total payout differs on {len(payout_off)} of {len(floor)} statements, e.g. "
                f"{k}: floor {floor[k][5]} ({floor[k][6]} lines), addon "
                f"{addon[k][5]} ({addon[k][6]} commission lines)"
            )
        return cell


# --- 10. org_chart ------------------------------------------------------------------------------
def org_chart_sql(account_id):
    return SQL(
        """
        SELECT s.id, s.name, p.function, s.buying_style, s.circle, s.reports_to_id,
               boss.name AS reports_to_name,
               ARRAY(SELECT c.id FROM sfa_stakeholder c WHERE c.reports_to_id = s.id
                      ORDER BY c.account_id, c.name, c.id) AS child_ids,
               (SELECT STRING_AGG(DISTINCT r.code, '' ORDER BY r.code)
                  FROM sfa_deal_contact dc
                  JOIN sfa_deal_contact_role_rel rr ON rr.contact_id = dc.id
                  JOIN sfa_buying_role r ON r.id = rr.role_id AND r.active
                 WHERE dc.stakeholder_id = s.id) AS role_codes,
               last.attitude AS last_attitude, last.time_spent
          FROM sfa_stakeholder s
          JOIN res_partner p ON p.id = s.partner_id
     LEFT JOIN sfa_stakeholder boss ON boss.id = s.reports_to_id
     LEFT JOIN LATERAL (
                SELECT dc.attitude, dc.time_spent FROM sfa_deal_contact dc
                 WHERE dc.stakeholder_id = s.id
              ORDER BY dc.write_date DESC NULLS FIRST, dc.id DESC LIMIT 1) last ON TRUE
         WHERE s.account_id = %s
      ORDER BY s.account_id, s.name, s.id
        """,
        account_id,
    )


class OrgChart(HotPath):
    name = "org_chart"
    warmup = True
    describe = (
        "The org chart of the account with the most stakeholders (the manifest's "
        "`org_chart_partner_id`) as the web client loads it when the customer's *Political "
        "Map* opens (action `sfa_stakeholder_action_org_chart`, hierarchy view "
        "`sfa_stakeholder_view_org_chart`, js_class `sfa_org_chart`): one call of "
        "`sfa.stakeholder.sfa_org_chart_read([('account_id', '=', account)])` with the "
        "action's context, by the admin, after one warm-up call; it returns the whole chart "
        "(name, function, attitude, role letters, buying style, time spent, circle, "
        "reports-to with its name and the direct reports in order), the view opens and "
        "closes branches without another call. Floor: one SELECT of the same columns (the "
        "deal-dependent ones from each person's deal contacts)."
    )

    def prepare(self):
        account_id = pick(self.manifest, "org_chart_partner_id", "org_chart_account_id")
        if not account_id:
            rows = self.query(
                SQL(
                    """SELECT account_id FROM sfa_stakeholder GROUP BY account_id
                        ORDER BY COUNT(*) DESC, account_id LIMIT 1"""
                )
            )
            if not rows:
                raise RuntimeError("no stakeholders in this database")
            account_id = rows[0][0]
        self.account_id = account_id
        self.user = self.env.ref("base.user_admin")
        Stakeholder = self.env["sfa.stakeholder"]
        # what the web client sends: the action's domain and context, the hierarchy
        # model's bin_size (sfa_key_accounts/static/src/views/org_chart/org_chart_view.js)
        self.domain = [("account_id", "=", account_id)]
        self.context = {"default_account_id": account_id, "bin_size": True}
        view = self.env.ref("sfa_key_accounts.sfa_stakeholder_view_org_chart")
        names = Stakeholder.with_user(self.user).get_views([(view.id, "hierarchy")])
        # the cards' fields, the view's parent and child fields
        self.fields = sorted(
            {*names["models"]["sfa.stakeholder"]["fields"], "reports_to_id", "child_ids"}
        )
        count = Stakeholder.search_count(self.domain)
        self.notes.append(
            f"account {account_id}: {count} stakeholders, fields: {', '.join(self.fields)}"
        )

    def floor(self):
        return self.query(org_chart_sql(self.account_id))

    def addon(self):
        return (
            self.env["sfa.stakeholder"]
            .with_user(self.user)
            .with_context(**self.context)
            .sfa_org_chart_read(self.domain)
        )

    def explain_sql(self):
        return org_chart_sql(self.account_id)

    def collect(self, side, out):
        """Per stakeholder: name, function, buying style, circle, (reports-to, its name),
        the direct reports in their order, role letters, last attitude, time spent."""
        if side == "floor":
            rows = {
                r[0]: (*r[1:5], (r[5], r[6]) if r[5] else None, list(r[7]), *r[8:11]) for r in out
            }
        else:
            missing = sorted(set(self.fields) - set(out[0] if out else self.fields))
            if missing:
                raise RuntimeError(f"the chart's fields {missing} are not returned")
            keys = (
                *("name", "function", "buying_style", "circle", "reports_to_id", "child_ids"),
                *("role_codes", "last_attitude", "time_spent"),
            )
            rows = {r["id"]: tuple(r[k] for k in keys) for r in out}
        # the manager as (id, name), the direct reports in their order (normalise sorts)
        return {
            sid: tuple(
                tuple(v) if i in (4, 5) and v else normalise(v) for i, v in enumerate(values)
            )
            for sid, values in rows.items()
        }


PATH_CLASSES = {
    cls.name: cls
    for cls in (
        Preview,
        Apply,
        RetierJob,
        Health,
        Map,
        MapJob,
        DealForm,
        Attainment,
        Statements,
        OrgChart,
    )
}


if __name__ == "__main__":
    sys.exit(main())
