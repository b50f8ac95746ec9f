"""Run the test tiers and judge them by what they printed, not only by exit codes.

Odoo exits 0 when no test ran (a typo in the tags, a module it did not find), when a test
logged an ERROR, and when browser tests were skipped for want of Chromium or
websocket-client. So each Odoo run's log is read: the ``odoo.tests.result`` line must
report at least one test and no failure or error; no ERROR/CRITICAL line, no traceback, no
skipped test of this addon and no WARNING about this addon may appear.

The ``run`` tier runs the README's run command (``make run``) as a user would and talks to the
server it starts over HTTP; the ``scripts`` tier checks the shell scripts and the container
setup, which no other tier runs.

Started by scripts/test.sh, which prepares the environment (venv, PostgreSQL, odoo.conf).
Standard library only.
"""

import hashlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(os.environ["SFA_ROOT"])
LOCAL = Path(os.environ["SFA_LOCAL"])
LOGS = LOCAL / "logs"
MODULE = os.environ.get("SFA_MODULE", "sfa_key_accounts")
VENV_BIN = Path(sys.executable).parent
TEST_HTTP_PORT = os.environ.get("SFA_TEST_HTTP_PORT", "8169")
TOUR_TAG = "sfa_tour"

# The run tier: what it reads from the server once logged in (something stable that any
# database with demo data has; change it here if the addon's fields move), its HTTP port
# (SFA_RUN_CHECK_PORT, else 8369 or a free one) and how long the first install may take.
RUN_CHECK_READ = {
    "model": "res.partner",
    "method": "search_read",
    "args": [[["is_company", "=", True]]],
    "kwargs": {"fields": ["name"], "limit": 5},
}
RUN_CHECK_PORT = int(os.environ.get("SFA_RUN_CHECK_PORT", "8369"))
RUN_CHECK_TIMEOUT = int(os.environ.get("SFA_RUN_CHECK_TIMEOUT", "900"))
LIST_DB_OFF = "The database manager has been disabled by the administrator"

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
        # Lines printed after the summary table: a CI record often keeps only the tail of
        # the output, so the reason for a failure must be there, not only in the log above.
        self.why = []
        self.tests = 0

    def done(self, ok, detail, passed=0, failed=0):
        self.ok, self.detail, self.passed, self.failed = ok, detail, passed, failed
        return ok


def say(msg):
    print(f"[sfa] {msg}", flush=True)


def run(cmd, log_path=None, env=None, timeout=None, cwd=None):
    """Run a command, stream nothing, keep its output in log_path; return (rc, output)."""
    proc = subprocess.run(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=cwd or ROOT,
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


FAILED_TEST = re.compile(r"\b(?:FAIL|ERROR): (\w+)\.(test_\w+)")


def tier_tours(tier, db):
    """Run the tours; a tour that fails is run once more, alone, and both runs are reported.

    Under load a browser step can time out once (Python 3.11.7's thread-safety bug, a slow
    asset build): a failure that does not repeat is reported in the summary, not hidden, and
    one that repeats fails the tier.
    """
    tags = f"{TOUR_TAG}/{MODULE}"
    if odoo_tests(tier, db, False, tags, True, "tours"):
        tier.detail = tier.detail.replace(" tests,", " tours ran in Chromium,", 1)
        return True
    first = (tier.detail, tier.why)
    log = (LOGS / "tours.log").read_text(errors="replace")
    failed = sorted({f"{c}.{m}" for c, m in FAILED_TEST.findall(log)})
    if not failed:
        return False
    rerun = Tier("tours (rerun)")
    retags = ",".join(f"/{MODULE}:{name}" for name in failed)
    again = odoo_tests(rerun, db, False, retags, True, "tours-rerun")
    tier.why = [f"first run: {first[0]}", *first[1]]
    if not again:
        tier.why += [f"rerun of {', '.join(failed)}: {rerun.detail}", *rerun.why]
        tier.detail = first[0].replace(" tests,", " tours ran in Chromium,", 1)
        return False
    tests = tier.tests
    tier.done(
        True,
        f"{tests} tours ran in Chromium; {', '.join(failed)} failed once and passed when run"
        " again alone (see below)",
        tests,
        0,
    )
    tier.why.insert(0, "a tour failed once and passed on its rerun: look for a race")
    return True


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
    if label.startswith("tours"):
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
        tier.why = [p[:240] for p in problems[:6]] + [f"full log: {log}"]
    ok = not problems and failed == 0 and errors == 0 and tests > 0
    tier.tests = tests
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
env.cr.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%sfa%%'")
assert not env.cr.fetchall(), "indexes left behind"
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


# --- scripts ---------------------------------------------------------------------------------
# A pipeline ending in `grep -v` fails when nothing is left to print, which under `set -e`
# ends the script without a word (the bug that broke `make run` after creating the venv).
UNGUARDED_GREP_V = re.compile(r"\|\s*grep\s+(-\w*v\w*|--invert-match)\b")


def shell_scripts():
    return [
        *sorted((ROOT / "scripts").glob("*.sh")),
        ROOT / "docker" / "entrypoint.sh",
        ROOT / ".ci" / "run",
    ]


def unguarded_greps(path):
    """Lines of ``path`` where a `| grep -v` can end a `set -e` script silently."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        code = line.strip()
        if code.startswith("#") or not UNGUARDED_GREP_V.search(code):
            continue
        if "||" in code or re.match(r"(if|elif|while|until|!)\s", code):
            continue
        found.append(f"{path.relative_to(ROOT)}:{number}: {code}")
    return found


def check_master_password(problems):
    """lib.sh's write_odoo_conf: master password generated once, printed once, list_db off."""
    script = (
        'source scripts/lib.sh; SFA_LOCAL="$1"; ODOO_ADDONS=/x PGHOST=/run PGPORT=1 PGUSER=u; '
        "write_odoo_conf"
    )
    env = {k: v for k, v in os.environ.items() if k != "SFA_HTTP_INTERFACE"}
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for _ in range(2):
            proc = subprocess.run(
                ["bash", "-c", script, "_", tmp],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=env,
                check=False,
            )
            outs.append(proc.stderr)
            if proc.returncode:
                problems.append(f"write_odoo_conf failed: {proc.stderr.strip()}")
                return
        pw_file, conf = Path(tmp, "master_password"), Path(tmp, "odoo.conf")
        password = pw_file.read_text().strip() if pw_file.exists() else ""
        if len(password) < 20 or password == "admin":
            problems.append(f"master password: {len(password)} characters generated, want 20+")
            return
        if password not in outs[0] or password in outs[1]:
            problems.append("master password: not printed exactly once (when generated)")
        for path in (pw_file, conf):
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode != 0o600:
                problems.append(f"{path.name}: mode {mode:o}, want 600")
        lines = set(conf.read_text().splitlines())
        for want in (
            f"admin_passwd = {password}",
            "list_db = False",
            "http_interface = 127.0.0.1",
        ):
            if want not in lines:
                problems.append(f"odoo.conf: no line '{want}'")
        bad = Path(tmp, "master_password")
        bad.write_text("admin\n")
        proc = subprocess.run(
            ["bash", "-c", script, "_", tmp], capture_output=True, text=True, cwd=ROOT, check=False
        )
        if proc.returncode == 0:
            problems.append("write_odoo_conf accepted 'admin' as the master password")


def load_yaml(path):
    """docker-compose.yml as data (PyYAML is in requirements-dev.txt)."""
    import yaml  # noqa: PLC0415

    return yaml.safe_load(path.read_text())


def check_compose(problems):
    """docker-compose.yml: master password required, port on localhost, list_db off.

    Returns what was not checked, or ''.
    """
    import yaml  # noqa: PLC0415

    try:
        compose = load_yaml(ROOT / "docker-compose.yml")
    except yaml.YAMLError as exc:
        problems.append(f"docker-compose.yml does not parse: {exc}")
        return ""
    odoo = compose.get("services", {}).get("odoo", {})
    for service, spec in compose.get("services", {}).items():
        for port in spec.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"docker-compose.yml: {service} publishes {port} beyond localhost")
    if "127.0.0.1:8069:8069" not in odoo.get("ports", []):
        problems.append("docker-compose.yml: odoo is not published on 127.0.0.1:8069")
    secret = str(odoo.get("environment", {}).get("ODOO_MASTER_PASSWORD", ""))
    if not secret.startswith("${ODOO_MASTER_PASSWORD:?"):
        problems.append("docker-compose.yml: ODOO_MASTER_PASSWORD is not required (${...:?...})")
    if odoo.get("entrypoint") != ["/bin/bash", "/etc/odoo/sfa/entrypoint.sh"] or (
        "./docker:/etc/odoo/sfa:ro" not in odoo.get("volumes", [])
    ):
        problems.append("docker-compose.yml: odoo does not start through docker/entrypoint.sh")
    # docker/entrypoint.sh outside a container, handing over to a stand-in image entrypoint
    with tempfile.TemporaryDirectory() as tmp:
        fake = Path(tmp, "image-entrypoint.sh")
        fake.write_text(
            '#!/bin/bash\necho "ODOO_RC=$ODOO_RC ARGS=$* PW=${ODOO_MASTER_PASSWORD:-}"\n'
        )
        fake.chmod(0o755)
        conf = Path(tmp, "odoo.conf")
        env = dict(os.environ, SFA_ODOO_RC=str(conf), SFA_IMAGE_ENTRYPOINT=str(fake))
        cmd = ["bash", str(ROOT / "docker" / "entrypoint.sh"), "odoo", "-d", "sfa"]
        refused = subprocess.run(
            cmd,
            env={**env, "ODOO_MASTER_PASSWORD": ""},
            capture_output=True,
            text=True,
            check=False,
        )
        if refused.returncode == 0 or "ODOO_MASTER_PASSWORD" not in refused.stderr:
            problems.append("docker/entrypoint.sh starts without ODOO_MASTER_PASSWORD")
        proc = subprocess.run(
            cmd,
            env={**env, "ODOO_MASTER_PASSWORD": "s3cret-Word"},
            capture_output=True,
            text=True,
            check=False,
        )
        lines = set(conf.read_text().splitlines()) if conf.exists() else set()
        if (
            proc.returncode
            or proc.stdout.strip() != f"ODOO_RC={conf} ARGS=odoo -d sfa PW="
            or not {"admin_passwd = s3cret-Word", "list_db = False"} <= lines
            or stat.S_IMODE(conf.stat().st_mode) != 0o600
        ):
            problems.append(
                "docker/entrypoint.sh: want a mode 600 config with admin_passwd and list_db"
                f" = False and the command handed over: {proc.stdout}{proc.stderr}"
            )
    return ""


def tier_scripts(tier):
    """bash -n and shellcheck on the scripts, no silent `| grep -v`, the master password and
    the container setup (docker-compose.yml, docker/entrypoint.sh), which no other tier runs."""
    problems, notes = [], []
    scripts = shell_scripts()
    for path in scripts:
        rc, out = run(["bash", "-n", str(path)])
        if rc:
            problems.append(f"bash -n {path.relative_to(ROOT)}: {out.strip()}")
        problems += [f"unguarded grep -v under set -e: {g}" for g in unguarded_greps(path)]
    if shutil.which("shellcheck"):
        rc, out = run(["shellcheck", "-x", *map(str, scripts)], LOGS / "shellcheck.log")
        if rc:
            problems.append(f"shellcheck:\n{out.strip()[-3000:]}")
    else:
        notes.append("shellcheck not installed")
    check_master_password(problems)
    note = check_compose(problems)
    if note:
        notes.append(note)
    for p in problems:
        say(f"scripts: {p}")
    detail = (
        f"{len(scripts)} scripts, master password, docker-compose.yml: "
        + ("clean" if not problems else f"{len(problems)} problem(s)")
        + (f" ({'; '.join(notes)})" if notes else "")
    )
    return tier.done(not problems, detail, 0 if problems else 1, len(problems))


# --- run -------------------------------------------------------------------------------------
def port_free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Odoo binds it
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url):
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def other_addresses():
    """This machine's addresses other than loopback (from `hostname -I`), maybe none."""
    if not shutil.which("hostname"):
        return []
    rc, out = run(["hostname", "-I"])
    if rc:
        return []
    return [a for a in out.split() if not a.startswith(("127.", "::1", "fe80:"))]


def group_alive(pgid):
    """Whether a process of the group is still running (zombies do not count)."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat_file in proc_dir.glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def stop_group(proc):
    """Stop `make run` and everything it started: SIGINT, then SIGTERM, then SIGKILL."""
    for sig, grace in ((signal.SIGINT, 60), (signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        if not group_alive(proc.pid):
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and group_alive(proc.pid):
            proc.poll()
            time.sleep(0.5)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        say("run: `make run` did not exit after SIGKILL")
    return not group_alive(proc.pid)


class JsonRpc:
    """A browser-like session: cookies kept, JSON-RPC calls as the web client makes them."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def call(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})
        req = urllib.request.Request(
            self.base + path, data=body.encode(), headers={"Content-Type": "application/json"}
        )
        with self.opener.open(req, timeout=120) as resp:
            return json.load(resp)

    def post_form(self, path, fields):
        """POST a form; return the status, the content type and the first 64 KiB."""
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=120) as resp:
                return resp.status, resp.headers.get("Content-Type", ""), resp.read(65536)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read(65536)

    def get(self, path):
        try:
            with self.opener.open(self.base + path, timeout=60) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


def check_server(base, port, db, master_password, problems):
    """What a user does first, over HTTP: log in, read data; and what nobody may do."""
    rpc = JsonRpc(base)
    auth = rpc.call("/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})
    uid = (auth.get("result") or {}).get("uid")
    if not isinstance(uid, int) or isinstance(uid, bool):
        problems.append(f"login as admin/admin failed: {json.dumps(auth)[:500]}")
        return
    read = rpc.call("/web/dataset/call_kw", RUN_CHECK_READ)
    rows = read.get("result")
    if not isinstance(rows, list) or not 1 <= len(rows) <= 5:
        problems.append(f"{RUN_CHECK_READ['model']} search_read: {json.dumps(read)[:500]}")
    elif any(not row.get(RUN_CHECK_READ["kwargs"]["fields"][0]) for row in rows):
        problems.append(f"{RUN_CHECK_READ['model']} search_read: rows without names: {rows}")
    for path in ("/web/database/manager", "/web/database/selector"):
        status, page = rpc.get(path)
        if LIST_DB_OFF not in page:
            problems.append(f"{path} does not say it is disabled (HTTP {status})")
    listed = rpc.call("/web/database/list", {})
    if "error" not in listed:
        problems.append(f"/web/database/list answered: {json.dumps(listed)[:300]}")
    # A backup with the right master password: refused while list_db is off (the server logs
    # the refusal as an error with its traceback; it is expected here).
    status, kind, head = rpc.post_form(
        "/web/database/backup", {"master_pwd": master_password, "name": db}
    )
    if not (kind.startswith("text/html") and b"Database backup error" in head):
        problems.append(f"/web/database/backup was not refused (HTTP {status}, {kind})")
    others = other_addresses()
    for address in others:
        try:
            with socket.create_connection((address, port), timeout=3):
                problems.append(f"the server answers on {address}:{port}, not only 127.0.0.1")
        except OSError:
            pass
    return others


def check_local_files(problems, local):
    """The master password file and odoo.conf written by `make run` (in ``local``)."""
    pw_file, conf = local / "master_password", local / "odoo.conf"
    for path in (pw_file, conf):
        if not path.exists():
            problems.append(f"{path} is missing")
            return ""
        if stat.S_IMODE(path.stat().st_mode) != 0o600:
            problems.append(f"{path} is readable by others (want mode 600)")
    password = pw_file.read_text().strip()
    lines = set(conf.read_text().splitlines())
    if password == "admin" or f"admin_passwd = {password}" not in lines:
        problems.append("odoo.conf does not use the master password of .local/master_password")
    if "list_db = False" not in lines:
        problems.append("odoo.conf does not turn the database manager off (list_db = False)")
    return password


def serve(env, log_path, base, cwd):
    """Start `make run` in ``cwd`` in its own process group; return (process, problem or
    None) once /web/login answers 200, `make run` has exited or the time is up."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            ["make", "run"],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + RUN_CHECK_TIMEOUT
    while True:
        rc = proc.poll()
        if rc is not None:
            return proc, f"`make run` exited with {rc} before the server answered"
        if http_status(f"{base}/web/login") == 200:
            return proc, None
        if time.monotonic() > deadline:
            return proc, f"no answer on {base}/web/login after {RUN_CHECK_TIMEOUT}s"
        time.sleep(3)


def log_errors(path):
    text = path.read_text() if path.exists() else ""
    return [
        f"{path.name}: {ln}"
        for ln in text.splitlines()
        if (m := LOG_LINE.match(ln)) and m["level"] in ("ERROR", "CRITICAL")
    ][:20]


def fresh_clone(dest):
    """Copy the checkout as a clone has it (tracked files and new, not ignored ones: no
    .venv, no .local) to ``dest``, readable by PostgreSQL's system user."""
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, out.split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    for path in (dest, *dest.parents[:1]):
        path.chmod(0o755)


def tier_run(tier):
    """The README's commands as a new user runs them, in a fresh copy of the checkout with
    its own PostgreSQL cluster: `make run` from a clean state (venv stamp removed, no
    database, no cluster: install), `make run` again (update), then `make stop`."""
    t0 = time.time()
    db = "sfa_demo"  # the README's default: nothing is set but the ports
    port = RUN_CHECK_PORT
    if not port_free(port):
        if "SFA_RUN_CHECK_PORT" in os.environ:
            return tier.done(False, f"port {port} (SFA_RUN_CHECK_PORT) is already in use")
        port = free_port()
    base = f"http://127.0.0.1:{port}"
    venv = Path(os.environ.get("SFA_VENV") or VENV_BIN.parent)
    (venv / ".sfa-installed").unlink(missing_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="sfa-fresh-clone-"))
    clone = tmp / "sfa_key_accounts"
    fresh_clone(clone)
    env = dict(
        os.environ, SFA_HTTP_PORT=str(port), SFA_PG_PORT=str(free_port()), SFA_VENV=str(venv)
    )
    for name in ("SFA_HTTP_INTERFACE", "SFA_DB", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD"):
        env.pop(name, None)  # the defaults are what is checked
    problems, others, log_path = [], [], LOGS / "run.log"
    try:
        for label, log_path, want in (
            ("install", LOGS / "run.log", "installing Python requirements"),
            ("update", LOGS / "run-again.log", f"updating {MODULE} in database {db}"),
        ):
            say(f"run: make run in a fresh copy ({label}: SFA_HTTP_PORT={port}), log {log_path}")
            proc, problem = serve(env, log_path, base, clone)
            try:
                if problem:
                    problems.append(f"{label}: {problem}")
                    break
                password = check_local_files(problems, clone / ".local")
                try:
                    found = check_server(base, port, db, password, problems)
                    others = others or found or []
                except (OSError, ValueError) as exc:  # URLError is an OSError
                    problems.append(f"{label}: the server stopped answering properly: {exc!r}")
                output = log_path.read_text()
                if want not in output:
                    problems.append(f"{label}: '{want}' not in {log_path.name}")
                # a fresh copy has no master password: the first run makes and shows it,
                # later runs reuse it without printing it again
                if password and (password in output) != (label == "install"):
                    problems.append(
                        f"{label}: the master password was "
                        + ("not shown when made" if label == "install" else "printed again")
                    )
                problems += log_errors(clone / ".local" / "logs" / f"run-{label}.log")
            finally:
                if not stop_group(proc):
                    problems.append(f"{label}: `make run` still running after SIGKILL")
            if problems:
                break
        if not problems:
            problems += check_i18n(env, clone)
        if not problems:
            problems += check_replica(env, clone, db)
        if not problems:
            problems += check_bench(env, clone)
    finally:
        rc, out = run(["make", "stop"], LOGS / "run-stop.log", env=env, cwd=clone)
        if rc or "stopping the project's cluster" not in out:
            problems.append(f"make stop: exit {rc}, did not stop the cluster: {out.strip()[-300:]}")
        elif pg_listening(clone):
            problems.append("make stop: the cluster still runs")
        shutil.rmtree(tmp, ignore_errors=True)
    if problems:
        for p in problems:
            say(f"run: {p}")
        tail = log_path.read_text().splitlines()[-40:] if log_path.exists() else []
        say(f"run: the last lines of .local/logs/{log_path.name}:\n" + "\n".join(tail))
        return tier.done(False, f"{len(problems)} problem(s), see .local/logs/run*.log", 0, 1)
    where = f"refused on {', '.join(others)}" if others else "no other address to try"
    return tier.done(
        True,
        f"fresh copy: make run installed, then updated; each time: login, "
        f"{RUN_CHECK_READ['model']} read, database manager off, {where}; "
        f"make i18n: .pot up to date; make replica + check: reads on the replica; make data "
        f"+ make bench (tiny, smoke); make stop stopped its cluster ({time.time() - t0:.0f}s)",
        4,
        0,
    )


def check_replica(env, clone, db):
    """The README's read replica, as a user tries it: `make replica`, `scripts/replica.sh
    check` on the demo database (read-only calls served by the replica, the write by the
    primary), `make replica-stop`."""
    problems = []
    for cmd, log, want in (
        (["make", "replica"], "run-replica.log", None),
        (["bash", "scripts/replica.sh", "check", db], "run-replica-check.log", "RESULT: read-only"),
        (["make", "replica-stop"], "run-replica-stop.log", None),
    ):
        say(f"run: {' '.join(cmd)} in the fresh copy, log .local/logs/{log}")
        rc, out = run(cmd, LOGS / log, env=env, cwd=clone, timeout=600)
        if rc or (want and want not in out):
            problems.append(f"{' '.join(cmd)}: exit {rc}: {out.strip()[-300:]}")
            if cmd[0] == "bash":  # leave no replica running
                run(["make", "replica-stop"], LOGS / "run-replica-stop.log", env=env, cwd=clone)
            break
    return problems


def check_bench(env, clone):
    """The README's benchmark commands on the tiny data set: `make data` builds it, `make
    bench` runs every hot path and its SQL floor (--smoke: they must run and agree; the
    goals are judged at the large size, docs/benchmarks.md)."""
    problems = []
    for cmd, log, want in (
        (["make", "data", "SIZE=tiny"], "run-data.log", None),
        (
            ["make", "bench", "SIZE=tiny", "REPEAT=1", "ARGS=--smoke --no-output"],
            "run-bench.log",
            "SMOKE: every path ran",
        ),
    ):
        say(f"run: {' '.join(cmd)} in the fresh copy, log .local/logs/{log}")
        rc, out = run(cmd, LOGS / log, env=env, cwd=clone, timeout=1800)
        if rc or (want and want not in out):
            problems.append(f"{' '.join(cmd)}: exit {rc}: {out.strip()[-400:]}")
            break
    return problems


POT_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*$', re.M)


def check_i18n(env, clone):
    """`make i18n` in the fresh copy: it must run, and the committed .pot must be what it
    exports (a term added in the code without `make i18n` is a term nobody translates)."""
    say("run: make i18n in the fresh copy, log .local/logs/run-i18n.log")
    rc, out = run(["make", "i18n"], LOGS / "run-i18n.log", env=env, cwd=clone)
    if rc:
        return [f"make i18n: exit {rc}: {out.strip()[-300:]}"]
    pot = Path(MODULE) / "i18n" / f"{MODULE}.pot"
    fresh, committed = (POT_DATES.sub("", (root / pot).read_text()) for root in (clone, ROOT))
    if fresh != committed:
        ids = [set(re.findall(r'(?m)^msgid "(.+)"$', text)) for text in (fresh, committed)]
        diff = [f"+{m}" for m in ids[0] - ids[1]] + [f"-{m}" for m in ids[1] - ids[0]]
        return [
            f"{pot} is not what `make i18n` exports: run it and translate the new terms "
            f"({'; '.join(sorted(diff)[:5]) or 'references or wording'})"
        ]
    counts = re.findall(r"(zh_\w\w)\.po: (\d+) term", out)
    say(
        "run: make i18n: .pot up to date; untranslated: " + ", ".join(f"{a} {b}" for a, b in counts)
    )
    return []


def pg_listening(clone):
    """Whether the copy's cluster still has its postmaster running."""
    return any(clone.glob(".local/pg/data/postmaster.pid"))


# The last release before data moved: an upgrade from it must carry its demo data over.
UPGRADE_FROM = ("18.0.1.0.0", "60798e9c7997120d7616866255aabc1c1f8b0909")

UPGRADE_CHECK = """
Account = env["sfa.key.account"]
huaxin = Account.search([("partner_id", "=", env.ref("sfa_key_accounts.partner_huaxin_demo").id)])
assert huaxin.is_key and huaxin.tier_id == env.ref("sfa_key_accounts.tier_main"), huaxin.read()
assert huaxin.manager_id == env.ref("base.user_admin") and len(huaxin.member_ids) == 1
assert "Jiading" in (huaxin.logistics_info or ""), huaxin.logistics_info
assert env.ref("sfa_key_accounts.plan_huaxin_demo").key_account_id == huaxin
assert "key_account_tier_id" not in env["res.partner"]._fields
env.cr.execute("SELECT lead_id, stakeholder_id FROM sfa_deal_contact "
               "GROUP BY 1, 2 HAVING count(*) > 1")
assert not env.cr.fetchall(), "one row per person and deal"
close = env.ref("sfa_key_accounts.crm_stage_close")
won = env.ref("sfa_key_accounts.crm_stage_won")
assert (close.name, close.is_won, won.is_won) == ("Close the sale", False, True), close.read()
deal = env["crm.lead"].search([("name", "=", "Won in the old Close stage")])
assert (deal.stage_id, deal.probability) == (won, 100.0), (deal.stage_id.name, deal.probability)
support = env.ref("sfa_key_accounts.differentiator_product_after_sales_support")
assert support.level == "service", support.level
# 1.6: the plan's status-analysis answer is kept as a note, the status analysis is a person's
plan = env.ref("sfa_key_accounts.plan_huaxin_demo")
assert set(plan.assessment_ids.mapped("kind")) == {"signal", "indicator"}, plan.assessment_ids
note = plan.message_ids.filtered(lambda m: "Has used similar products: 4/5" in (m.body or ""))
assert len(note) == 1 and "Seeded before 1.6" in note.body, plan.message_ids.mapped("body")
old = env.ref("sfa_key_accounts.health_willingness_01")
assert not old.active and old.source == "addon", old.read(["active", "source"])
new = env.ref("sfa_key_accounts.status_willingness_03")
assert new.active and new.source == "course" and new.kind == "willingness", new.read()
assert env.ref("sfa_key_accounts.health_signal_01").source == "course"
assert "health_willingness" not in plan._fields
print("UPGRADE-CHECK OK", Account.search_count([]), "key accounts")
"""

# Run on the old release before the upgrade: a deal won in its Close stage (the won stage of
# the key-account team until 1.4), which the 1.5 migration must keep won, in the new Won stage;
# a willingness answer on a plan, which the 1.6 migration must keep as a note on the plan.
UPGRADE_SEED = """
close = env.ref("sfa_key_accounts.crm_stage_close")
assert close.is_won
deal = env["crm.lead"].create({"name": "Won in the old Close stage", "type": "opportunity",
                               "team_id": close.team_id.id})
env.flush_all()
# straight in SQL: whatever the old release's gates say, the deal is won in Close
env.cr.execute("UPDATE crm_lead SET stage_id = %s, probability = 100, date_closed = now() "
               "WHERE id = %s", (close.id, deal.id))
# a willingness answer on a plan (about the account), which 1.6 keeps as a note on the plan
plan = env.ref("sfa_key_accounts.plan_huaxin_demo")
old = env.ref("sfa_key_accounts.health_willingness_01")
answer = plan.assessment_ids.filtered(lambda a: a.criterion_id == old)
assert answer, plan.assessment_ids
answer.write({"score": "4", "note": "Seeded before 1.6"})
env.cr.commit()
print("UPGRADE-SEED OK")
"""


def tier_upgrade(tier, db):
    """Install the previous release on a database with demo data, upgrade it to this
    checkout with the addon's tests, and check that the data came over."""
    t0 = time.time()
    version, rev = UPGRADE_FROM
    old = LOCAL / "upgrade" / version
    shutil.rmtree(old, ignore_errors=True)
    old.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, MODULE], capture_output=True, check=False
    )
    if archive.returncode:
        return tier.done(False, f"release {version} ({rev}) not in this clone's history", 0, 1)
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    conf = (LOCAL / "odoo.conf").read_text()
    old_conf = LOCAL / "upgrade" / "odoo.conf"
    old_conf.write_text(
        re.sub(r"(?m)^addons_path = .*$", lambda m: m[0].rsplit(",", 1)[0] + f",{old}", conf)
    )
    old_conf.chmod(0o600)
    cmd = odoo_cmd("-d", db, "-i", MODULE, "--stop-after-init", "--no-http")
    cmd[cmd.index(str(LOCAL / "odoo.conf"))] = str(old_conf)
    rc, out = run(cmd, LOGS / "upgrade-install.log")
    problems = [f"install {version}: odoo exited with {rc}"] if rc else []
    if not problems:
        seed = odoo_cmd("-d", db, "--no-http", command="shell")
        seed[seed.index(str(LOCAL / "odoo.conf"))] = str(old_conf)
        proc = subprocess.run(
            seed, input=UPGRADE_SEED, capture_output=True, text=True, cwd=ROOT, check=False
        )
        (LOGS / "upgrade-seed.log").write_text(proc.stdout + proc.stderr)
        if "UPGRADE-SEED OK" not in proc.stdout:
            problems.append("seeding the old release failed: see .local/logs/upgrade-seed.log")
    if not problems:
        args = [
            "-d",
            db,
            "-u",
            MODULE,
            "--test-tags",
            f"/{MODULE},-{TOUR_TAG}",
            "--stop-after-init",
        ]
        rc, out = run(odoo_cmd(*args, "--http-port", TEST_HTTP_PORT), LOGS / "upgrade.log")
        tests, failed, errors, found = judge_log(out, label="upgrade")
        problems += found + ([f"upgrade: odoo exited with {rc}"] if rc else [])
        problems += [f"upgrade: {failed} failed, {errors} error(s)"] if failed + errors else []
        proc = subprocess.run(
            odoo_cmd("-d", db, "--no-http", command="shell"),
            input=UPGRADE_CHECK,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        (LOGS / "upgrade-check.log").write_text(proc.stdout + proc.stderr)
        if "UPGRADE-CHECK OK" not in proc.stdout:
            problems.append(
                "the data check after the upgrade failed: see .local/logs/upgrade-check.log"
            )
    for p in problems[:20]:
        say(f"upgrade: {p}")
    if problems:
        return tier.done(False, f"{len(problems)} problem(s), see .local/logs/upgrade*.log", 0, 1)
    return tier.done(
        True,
        f"{version} with demo data upgraded, data checked, {tests} tests passed on it "
        f"({time.time() - t0:.0f}s)",
        tests,
        0,
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
    names = (
        "lint",
        "scripts",
        "engine",
        "odoo (no demo)",
        "odoo (demo)",
        "tours",
        "uninstall",
        "upgrade",
        "run",
    )
    tiers = {n: Tier(n) for n in names}
    tier_lint(tiers["lint"])
    tier_scripts(tiers["scripts"])
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
                tier_tours(tiers["tours"], dbs[-1])
            else:
                tiers["tours"].done(False, "not run: the demo database did not install cleanly")
            if tiers["odoo (demo)"].ok:
                tier_uninstall(tiers["uninstall"], dbs[-1])
            else:
                tiers["uninstall"].done(False, "not run: the demo database did not install cleanly")
            db = f"sfa_test_upgrade_{os.getpid()}"
            copy_db(template_for(True), db)
            dbs.append(db)
            tier_upgrade(tiers["upgrade"], db)
        except (RuntimeError, subprocess.SubprocessError) as exc:
            say(f"ERROR: {exc}")
            for t in tiers.values():
                if t.ok is None:
                    t.done(False, f"not run: {exc}")
        finally:
            for db in dbs:
                drop_db(db)
        # Last: it installs a database from scratch, slower than the template copies above.
        tier_run(tiers["run"])

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
    for t in tiers.values():
        for line in t.why:
            print(f"{t.name}: {line}", flush=True)
    print(f"tests: {passed} passed, {failed} failed", flush=True)
    bad = [t.name for t in tiers.values() if t.ok is False]
    if bad or not_run:
        print("RESULT: FAILED" + (f" ({', '.join(bad)})" if bad else ""), flush=True)
        return 1
    print("RESULT: all tiers passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
