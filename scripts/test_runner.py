"""Run the test tiers and judge them by what they printed, not only by exit codes.

Odoo exits 0 when no test ran (a typo in the tags, a module it did not find), when a test
logged an ERROR, and when browser tests were skipped for want of Chromium or
websocket-client. So each Odoo run's log is read: the ``odoo.tests.result`` line must
report at least one test and no failure or error; no ERROR/CRITICAL line, no traceback, no
skipped test of this addon and no WARNING about this addon may appear.

Started by scripts/test.sh, which prepares the environment (venv, PostgreSQL, odoo.conf).
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(os.environ["SFA_ROOT"])
LOCAL = Path(os.environ["SFA_LOCAL"])
LOGS = LOCAL / "logs"
MODULE = os.environ.get("SFA_MODULE", "sfa_key_accounts")
VENV_BIN = Path(sys.executable).parent
TEST_HTTP_PORT = os.environ.get("SFA_TEST_HTTP_PORT", "8169")
TOUR_TAG = "sfa_tour"

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
RESULT_LINE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")


class Tier:
    """One line of the closing summary."""

    def __init__(self, name):
        self.name = name
        self.ok = None  # None: not run
        self.detail = ""
        self.passed = 0
        self.failed = 0

    def done(self, ok, detail, passed=0, failed=0):
        self.ok, self.detail, self.passed, self.failed = ok, detail, passed, failed
        return ok


def say(msg):
    print(f"[sfa] {msg}", flush=True)


def run(cmd, log_path=None, env=None, timeout=None):
    """Run a command, stream nothing, keep its output in log_path; return (rc, output)."""
    proc = subprocess.run(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    if log_path:
        Path(log_path).write_text(proc.stdout)
    return proc.returncode, proc.stdout


# --- lint ------------------------------------------------------------------------------------
def tier_lint(tier):
    problems = []
    rc, out = run([VENV_BIN / "ruff", "check", "."], LOGS / "ruff.log")
    if rc:
        problems.append(("ruff check", out))
    rc, out = run([VENV_BIN / "ruff", "format", "--check", "."], LOGS / "ruff-format.log")
    if rc:
        problems.append(("ruff format --check", out))
    rc, out = run(
        [VENV_BIN / "pylint", "--rcfile=.pylintrc-mandatory", "--output-format=text", MODULE],
        LOGS / "pylint.log",
    )
    if rc:
        problems.append(("pylint-odoo (OCA mandatory checks)", out))
    for what, out in problems:
        say(f"lint: {what} failed:\n{out.strip()[-4000:]}")
    checks = 3
    return tier.done(
        not problems,
        f"{checks - len(problems)} of {checks} checks clean (ruff, ruff format, pylint-odoo)",
        checks - len(problems),
        len(problems),
    )


# --- engine ----------------------------------------------------------------------------------
def tier_engine(tier):
    junit = LOGS / "engine-junit.xml"
    rc, out = run(
        [
            VENV_BIN / "python",
            "-m",
            "pytest",
            "tests",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
        ],
        LOGS / "engine.log",
    )
    print(out.strip()[-3000:] if rc else out.strip().splitlines()[-1], flush=True)
    if not junit.exists():
        return tier.done(False, f"pytest wrote no report (exit {rc})")
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (
        int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")
    )
    bad = failures + errors
    ok = rc == 0 and tests > 0 and bad == 0 and skipped == 0
    detail = f"{tests - bad - skipped} passed, {bad} failed, {skipped} skipped"
    if tests == 0:
        detail += " (no test ran)"
    return tier.done(ok, detail, tests - bad - skipped, bad + skipped)


# --- Odoo ------------------------------------------------------------------------------------
def odoo_cmd(*args, command=None):
    """The Odoo command line; ``command`` is a subcommand such as ``shell``."""
    py = os.environ.get("ODOO_PY") or str(VENV_BIN / "python")
    sub = [command] if command else []
    return [py, *os.environ["ODOO_BIN"].split(), *sub, "-c", str(LOCAL / "odoo.conf"), *args]


def psql(*args):
    return run(["psql", "-X", "-q", "-d", "postgres", *args])


def db_exists(name):
    rc, out = psql("-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    return rc == 0 and out.strip() == "1"


def drop_db(name):
    run(["dropdb", "--if-exists", "--force", name])
    shutil.rmtree(LOCAL / "data" / "filestore" / name, ignore_errors=True)


def template_for(demo):
    """A database with the dependencies installed, made once and copied for each run."""
    release = Path(os.environ.get("ODOO_SRC") or ".") / "odoo" / "release.py"
    key = hashlib.sha1(
        (release.read_text() if release.exists() else "package").encode() + b"crm,web_hierarchy"
    ).hexdigest()[:8]
    name = f"sfa_tmpl_{'demo' if demo else 'nodemo'}_{key}"
    if db_exists(name):
        return name
    say(f"building template database {name} (crm, web_hierarchy{', demo data' if demo else ''})")
    drop_db(name)
    args = ["-d", name, "-i", "crm,web_hierarchy", "--stop-after-init", "--no-http"]
    if not demo:
        args.append("--without-demo=all")
    rc, _out = run(odoo_cmd(*args), LOGS / f"{name}.log")
    if rc:
        drop_db(name)
        raise RuntimeError(f"could not build {name}, see {LOGS / (name + '.log')}")
    return name


def copy_db(template, name):
    drop_db(name)
    rc, out = run(["createdb", "-T", template, name])
    if rc:
        raise RuntimeError(f"createdb -T {template} {name}: {out}")
    src = LOCAL / "data" / "filestore" / template
    if src.exists():
        shutil.copytree(src, LOCAL / "data" / "filestore" / name)


def judge_log(text, *, label):
    """Return (tests, failed, errors, problems) read from an Odoo log."""
    problems = []
    result = None
    skipped = 0
    for line in text.splitlines():
        m = RESULT_LINE.search(line)
        if m:
            result = tuple(int(g) for g in m.groups())
        if "Traceback (most recent call last)" in line:
            problems.append(line)
            continue
        m = LOG_LINE.match(line)
        if not m:
            continue
        level, logger, msg = m["level"], m["logger"], m["msg"]
        if level in ("ERROR", "CRITICAL"):
            problems.append(line)
        elif level == "WARNING" and (MODULE in logger or MODULE in msg or "sfa." in msg):
            problems.append(line)
        elif (
            level == "INFO"
            and logger.startswith("odoo.addons." + MODULE)
            and msg.startswith("skipped ")
        ):
            skipped += 1
            problems.append(line)
    if result is None:
        problems.append(f"{label}: no 'odoo.tests.result' line: the tests did not run to the end")
        return 0, 0, 0, problems
    failed, errors, tests = result
    if tests == 0:
        problems.append(f"{label}: no test ran (wrong test tags or module not found?)")
    if skipped:
        problems.append(f"{label}: {skipped} test(s) were skipped")
    return tests, failed, errors, problems


def odoo_tests(tier, db, install, tags, demo, label):
    args = ["-d", db, "--test-tags", tags, "--stop-after-init", "--http-port", TEST_HTTP_PORT]
    if install:
        args += ["-i", MODULE]
    if not demo:
        args.append("--without-demo=all")
    log = LOGS / f"{label}.log"
    say(f"{label}: odoo {' '.join(args)}")
    t0 = time.time()
    rc, out = run(odoo_cmd(*args), log)
    tests, failed, errors, problems = judge_log(out, label=label)
    if label == "tours":
        # Each tour must really have driven a browser, not been skipped or faked.
        browsers = out.count("Browser version: ")
        if browsers < tests:
            problems.append(f"tours: {tests} tour tests but only {browsers} browser sessions")
    if rc:
        problems.append(f"{label}: odoo exited with {rc}")
    for p in problems[:40]:
        say(f"{label}: {p}")
    if problems:
        say(f"{label}: full log in {log}")
    ok = not problems and failed == 0 and errors == 0 and tests > 0
    detail = f"{tests} tests, {failed} failed, {errors} error(s) ({time.time() - t0:.0f}s)"
    if problems and failed + errors == 0:
        detail += f", {len(problems)} log problem(s)"
    return tier.done(ok, detail, tests - failed - errors, failed + errors + (0 if ok else 1))


UNINSTALL_CHECK = """
module = env["ir.module.module"].search([("name", "=", "%(module)s")])
module.button_immediate_uninstall()
env.invalidate_all()
assert module.state == "uninstalled", module.state
assert "sfa.account.plan" not in env, "models left behind"
# the CRM still works: its views render and its records read
env["crm.lead"].get_views([(False, "form"), (False, "kanban"), (False, "list")])
env["res.partner"].get_views([(False, "form")])
print("UNINSTALL-CHECK OK", env["crm.lead"].search_count([]), "leads")
"""


def tier_uninstall(tier, db):
    """Uninstall the addon from the demo database, check the CRM, install it again."""
    shell = odoo_cmd("-d", db, "--no-http", command="shell")
    t0 = time.time()
    proc = subprocess.run(
        shell,
        input=UNINSTALL_CHECK % {"module": MODULE},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    out = proc.stdout + proc.stderr
    (LOGS / "uninstall.log").write_text(out)
    problems = [
        ln
        for ln in out.splitlines()
        if (m := LOG_LINE.match(ln)) and m["level"] in ("ERROR", "CRITICAL")
    ]
    if "UNINSTALL-CHECK OK" not in out:
        problems.append("the uninstall check did not complete (see .local/logs/uninstall.log)")
    rc, out = run(
        odoo_cmd("-d", db, "-i", MODULE, "--stop-after-init", "--no-http"), LOGS / "reinstall.log"
    )
    problems += [
        ln
        for ln in out.splitlines()
        if (m := LOG_LINE.match(ln)) and m["level"] in ("ERROR", "CRITICAL")
    ]
    if rc:
        problems.append(f"reinstall: odoo exited with {rc}")
    for p in problems[:20]:
        say(f"uninstall: {p}")
    ok = not problems
    return tier.done(
        ok,
        f"uninstalled, CRM checked, reinstalled ({time.time() - t0:.0f}s)"
        if ok
        else f"{len(problems)} problem(s)",
        2 if ok else 0,
        0 if ok else 1,
    )


def browser_problem():
    """Why tours cannot run here, or None."""
    if not any(shutil.which(b) for b in ("chromium", "google-chrome", "chromium-browser")):
        return "no Chromium on PATH (Debian package chromium)"
    try:
        import websocket  # noqa: F401, PLC0415
    except ImportError:
        return "the websocket-client package is missing from the venv"
    return None


def main():
    LOGS.mkdir(parents=True, exist_ok=True)
    names = ("lint", "engine", "odoo (no demo)", "odoo (demo)", "tours", "uninstall")
    tiers = {n: Tier(n) for n in names}
    tier_lint(tiers["lint"])
    tier_engine(tiers["engine"])

    not_run = None
    kind = os.environ.get("ODOO_KIND", "none")
    if kind == "none":
        not_run = os.environ.get("ODOO_WHY") or "no Odoo 18.0 found"
    else:
        dbs = []
        try:
            for demo, label in ((False, "odoo (no demo)"), (True, "odoo (demo)")):
                db = f"sfa_test_{'demo' if demo else 'nodemo'}_{os.getpid()}"
                copy_db(template_for(demo), db)
                dbs.append(db)
                odoo_tests(tiers[label], db, True, f"/{MODULE},-{TOUR_TAG}", demo, label)
            problem = browser_problem()
            if problem:
                tiers["tours"].done(False, f"cannot run: {problem}")
            elif tiers["odoo (demo)"].ok:
                odoo_tests(tiers["tours"], dbs[-1], False, f"{TOUR_TAG}/{MODULE}", True, "tours")
                t = tiers["tours"]
                t.detail = t.detail.replace(" tests,", " tours ran in Chromium,", 1)
            else:
                tiers["tours"].done(False, "not run: the demo database did not install cleanly")
            if tiers["odoo (demo)"].ok:
                tier_uninstall(tiers["uninstall"], dbs[-1])
            else:
                tiers["uninstall"].done(False, "not run: the demo database did not install cleanly")
        except (RuntimeError, subprocess.SubprocessError) as exc:
            say(f"ERROR: {exc}")
            for t in tiers.values():
                if t.ok is None:
                    t.done(False, f"not run: {exc}")
        finally:
            for db in dbs:
                drop_db(db)

    print("\n==================== summary ====================", flush=True)
    passed = failed = 0
    for t in tiers.values():
        if t.ok is None:
            state = "NOT RUN"
            detail = t.detail or not_run or ""
        else:
            state = "ok" if t.ok else "FAILED"
            detail = t.detail
        print(f"{t.name:<16} {state:<8} {detail}", flush=True)
        passed += t.passed
        failed += t.failed
    if not_run:
        print(
            f"INTEGRATION TIERS NOT RUN: {not_run}. The install, the Odoo tests and the tours"
            " were not checked; this is not a pass.",
            flush=True,
        )
        failed += 1
    print(f"tests: {passed} passed, {failed} failed", flush=True)
    bad = [t.name for t in tiers.values() if t.ok is False]
    if bad or not_run:
        print("RESULT: FAILED" + (f" ({', '.join(bad)})" if bad else ""), flush=True)
        return 1
    print("RESULT: all tiers passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
