"""Mutation testing of the engine (sfa_key_accounts/engine) with mutmut and the root tests/.

mutmut 2.5.1 (pinned in requirements-dev.txt; mutmut 3 finds functions by module name and
the tests load the engine as ``sfa_engine``, not ``sfa_key_accounts.engine``) plants each
mutant in place and runs pytest. So that it never edits the checkout, each engine file gets
a work folder .local/mutation/engine/<file>/ with a copy of the engine and of tests/ and the
settings of mutation/mutmut.toml; mutmut's cache there makes re-runs redo only what changed.

Then: the score per file and in total, killed / (mutants - equivalent), timeouts counted as
killed and listed; every survivor with its id ``engine/<file>:<line>:<n>`` (the n-th
mutation mutmut makes on that line) and the line before and after. A survivor not listed in
mutation/engine-equivalent.txt (``id | why``), or a listed one that is no longer a survivor,
makes the exit status non-zero.

Usage (through ``make mutate-engine ARGS='...'``): scripts/mutate_engine.py [--file value.py]
[--jobs N]. Standard library only; mutmut runs from the venv.
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mutation_lists import read_equivalents

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "sfa_key_accounts" / "engine"
LOCAL = Path(os.environ.get("SFA_LOCAL") or ROOT / ".local")
STATE = LOCAL / "mutation"
WORK = STATE / "engine"
CONFIG = ROOT / "mutation" / "mutmut.toml"
EQUIVALENT = ROOT / "mutation" / "engine-equivalent.txt"
VENV_BIN = Path(sys.executable).parent
KILLED = ("ok_killed", "ok_suspicious", "bad_timeout")


def say(msg):
    print(f"[mutate-engine] {msg}", flush=True)


def prepare(name):
    """A fresh copy of the engine and tests in the file's work folder (its cache kept)."""
    work = WORK / name.removesuffix(".py")
    for sub in ("sfa_key_accounts", "tests", ".hypothesis"):
        shutil.rmtree(work / sub, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".hypothesis")
    shutil.copytree(ENGINE, work / "sfa_key_accounts" / "engine", ignore=ignore)
    shutil.copytree(ROOT / "tests", work / "tests", ignore=ignore)
    # mutmut's cache does not know its settings: new settings, results from scratch
    settings = CONFIG.read_bytes()
    if not (work / "pyproject.toml").exists() or (work / "pyproject.toml").read_bytes() != settings:
        (work / ".mutmut-cache").unlink(missing_ok=True)
    shutil.copy(CONFIG, work / "pyproject.toml")
    return work


def run_mutmut(name):
    work = prepare(name)
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # same-size mutants in the same second: no stale .pyc
    cmd = [
        str(VENV_BIN / "mutmut"),
        "run",
        "--paths-to-mutate",
        f"sfa_key_accounts/engine/{name}",
        "--simple-output",
        "--no-progress",
    ]
    t0 = time.time()
    with open(work / "mutmut.log", "w") as log:
        proc = subprocess.run(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    # mutmut's exit status is a bit set: 1 fatal, 2 survivors, 4 timeouts, 8 suspicious
    fatal = proc.returncode & 1
    say(f"{name}: mutmut done in {time.time() - t0:.0f}s" + (" (FATAL)" if fatal else ""))
    return name, work, fatal


def read_cache(name, work):
    """[(id, line number, status, mutmut's id)] from mutmut's cache of one work folder."""
    db = sqlite3.connect(work / ".mutmut-cache")
    try:
        rows = db.execute(
            'SELECT m.id, l.line_number, m."index", m.status FROM Mutant m '
            "JOIN Line l ON m.line = l.id JOIN SourceFile f ON l.sourcefile = f.id "
            'WHERE f.filename = ? ORDER BY l.line_number, m."index"',
            (f"sfa_key_accounts/engine/{name}",),
        ).fetchall()
    finally:
        db.close()
    return [
        (f"engine/{name}:{number + 1}:{index}", number + 1, status, mid)
        for mid, number, index, status in rows
    ]


def change(work, mutmut_id):
    """The line before and after a mutant, from `mutmut show`."""
    out = subprocess.run(
        [str(VENV_BIN / "mutmut"), "show", str(mutmut_id)],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    before = [ln[1:].strip() for ln in out if ln.startswith("-") and not ln.startswith("---")]
    after = [ln[1:].strip() for ln in out if ln.startswith("+") and not ln.startswith("+++")]
    return " / ".join(before), " / ".join(after)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", action="append", default=[], help="value.py (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="files mutated at a time (2)")
    args = parser.parse_args(argv)
    names = sorted(p.name for p in ENGINE.glob("*.py") if p.name != "__init__.py")
    for name in args.file:
        if name not in names:
            parser.error(f"--file {name}: not one of {', '.join(names)}")
    names = [n for n in names if not args.file or n in args.file]
    equivalents = read_equivalents(EQUIVALENT)
    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = list(pool.map(run_mutmut, names))

    rows, survivors, timeouts, unexplained, fatal = [], [], [], [], []
    for name, work, failed in runs:
        if failed:
            fatal.append(f"{name}: mutmut failed, see {work / 'mutmut.log'}")
        mutants = read_cache(name, work)
        equiv = killed = 0
        for ident, _number, status, mid in mutants:
            if status == "bad_timeout":
                timeouts.append(ident)
            if status in KILLED:
                killed += 1
                continue
            if ident in equivalents:
                equiv += 1
            before, after = change(work, mid)
            survivors.append((ident, status, before, after))
            if ident not in equivalents:
                unexplained.append(ident)
        rows.append((f"engine/{name}", len(mutants), equiv, killed))
    stale = []
    if not args.file:
        stale = sorted(set(equivalents) - {s[0] for s in survivors})

    print(f"\n{'file':<28} {'mutants':>7} {'equiv':>5} {'killed':>6} {'surv':>5} {'score':>7}")
    total = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    for label, n, equiv, killed in [*rows, ("total", *total)]:
        score = f"{100.0 * killed / (n - equiv):.1f}%" if n - equiv else "-"
        print(f"{label:<28} {n:>7} {equiv:>5} {killed:>6} {n - equiv - killed:>5} {score:>7}")
    if timeouts:
        print("\nTimed out (counted as killed): " + ", ".join(timeouts))
    print(f"\nSurvivors ({len(survivors)}; * = listed as equivalent in {EQUIVALENT.name}):")
    for ident, status, before, after in survivors:
        mark = "*" if ident in equivalents else " "
        note = "" if status == "bad_survived" else f"  [{status}]"
        print(f" {mark}{ident}{note}\n      - {before}\n      + {after}")
    for ident in stale:
        print(f"  stale entry in {EQUIVALENT.name} (not a survivor now): {ident}")
    for problem in fatal:
        print(f"  {problem}")
    n, equiv, killed = total
    score = 100.0 * killed / (n - equiv) if n - equiv else 100.0
    summary = (
        f"engine: {killed} killed of {n - equiv} mutants ({n} planted, {equiv} equivalent): "
        f"score {score:.1f}%, {len(unexplained)} unexplained survivor(s), "
        f"{len(timeouts)} timeout(s), {(time.time() - t0) / 60:.1f} min"
    )
    print(f"\n{summary}")
    (STATE / "engine-summary.txt").write_text(summary + "\n")
    (STATE / "engine-report.json").write_text(
        json.dumps({"summary": summary, "survivors": survivors, "timeouts": timeouts}, indent=1)
    )
    if unexplained:
        print(f"FAILED: {len(unexplained)} survivor(s) neither killed nor explained")
    return 1 if unexplained or stale or fatal else 0


if __name__ == "__main__":
    sys.exit(main())
