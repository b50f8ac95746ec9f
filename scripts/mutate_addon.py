"""Mutation testing of the addon's Python (models/, wizard/): do the Odoo tests bite?

A mutant is one small edit of one file (operators below), planted in a copy of the addon.
The Odoo tests that ran the mutated line are run against it; the mutant is *killed* when a
test fails or errors (or Odoo crashes, or the run times out), and *survives* otherwise. A
survivor is a line whose behaviour no test pins: write a test that kills it, or, when the
edit cannot change behaviour (an equivalent mutant), list it with the reason in
mutation/addon-equivalent.txt. See docs/testing.md.

Operators, one edit per mutant, with the id ``file:line:col:operator``:
  comparisons   < <=, > >=, == !=, in / not in (each way)       Lt-LtE, Eq-NotEq, In-NotIn, ...
  boolean       and / or (each way), dropping a ``not``         And-Or, Or-And, Not-drop
  boundary      an integer constant n becomes n + 1               Int-inc
  booleans      True / False in a ``return`` or a keyword arg     True-False, False-True
  raise         a ``raise`` statement becomes ``pass``            Raise-pass
Not planted: strings (labels, docstrings, messages), logging calls, and inside a field
declaration (``fields.X(...)``) anything but its ``default=``: the other attributes
(required, store, index, readonly, ...) are schema or view settings that only an update of
the module applies, and the mutants are run without one.

Which tests: the suite (``/sfa_key_accounts,-sfa_tour``) runs once under coverage, with a
context per test method (and per test class for its setUpClass), on a copy of a template
database with the addon installed; a mutant then runs the tests whose context covered its
statement. A mutant outside any function (class body, module level) runs the whole suite.

Usage (through ``make mutate-addon ARGS='...'``, which prepares Odoo, the venv, PostgreSQL):
  scripts/mutate_addon.py [--file models/x.py]... [--limit N] [--jobs N] [--list]
Standard library only, plus ``coverage`` (requirements-dev.txt) for the coverage run.
"""

import argparse
import ast
import hashlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tokenize
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mutation_lists import read_equivalents

ROOT = Path(__file__).resolve().parent.parent
MODULE = "sfa_key_accounts"
ADDON = ROOT / MODULE
LOCAL = Path(os.environ.get("SFA_LOCAL") or ROOT / ".local")
STATE = LOCAL / "mutation"
EQUIVALENT = ROOT / "mutation" / "addon-equivalent.txt"
FOLDERS = ("models", "wizard")
ALL_TESTS = f"/{MODULE},-sfa_tour"
TEST_PREFIX = f"odoo.addons.{MODULE}.tests."
CLASS_CONTEXT = "class:"
RESULT_LINE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
LOGGING_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}

SWAPS = {
    ast.Lt: (ast.LtE, "<", "<="),
    ast.LtE: (ast.Lt, "<=", "<"),
    ast.Gt: (ast.GtE, ">", ">="),
    ast.GtE: (ast.Gt, ">=", ">"),
    ast.Eq: (ast.NotEq, "==", "!="),
    ast.NotEq: (ast.Eq, "!=", "=="),
    ast.In: (ast.NotIn, "in", "not in"),
    ast.NotIn: (ast.In, "not in", "in"),
}


def say(msg):
    print(f"[mutate-addon] {msg}", flush=True)


# --- planting mutants ------------------------------------------------------------------------
@dataclass
class Mutant:
    id: str
    rel: str  # path inside the addon, e.g. models/crm_lead.py
    line: int
    col: int
    op: str
    start: int  # byte offsets of the edit in the file
    end: int
    new: bytes
    first: int  # the lines whose coverage selects the tests (statement start .. edit end)
    last: int
    in_function: bool
    before: str = ""
    after: str = ""


class Planter(ast.NodeVisitor):
    """Finds the mutation points of one file, as byte-offset edits of its source."""

    def __init__(self, rel, source):
        self.rel = rel
        self.source = source
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.text_lines = [ln.decode() for ln in self.lines]
        self.tokens = [
            t
            for t in tokenize.tokenize(io.BytesIO(source).readline)
            if t.type in (tokenize.OP, tokenize.NAME)
        ]
        self.mutants = []
        self.stmt = None
        self.function_depth = 0
        self.class_body = False

    # positions: ast columns are UTF-8 byte offsets, tokenize columns are characters
    def offset(self, line, col):
        return self.starts[line - 1] + col

    def token_offset(self, pos):
        line, col = pos
        return self.starts[line - 1] + len(self.text_lines[line - 1][:col].encode())

    def add(self, node_line, start, end, new, op):
        line = next(i for i in range(len(self.starts) - 1) if self.starts[i + 1] > start) + 1
        col = len(self.lines[line - 1][: start - self.starts[line - 1]].decode(errors="replace"))
        self.mutants.append(
            Mutant(
                id=f"{self.rel}:{line}:{col}:{op}",
                rel=self.rel,
                line=line,
                col=col,
                op=op,
                start=start,
                end=end,
                new=new.encode(),
                first=self.stmt.lineno if self.stmt else node_line,
                last=max(line, node_line),
                in_function=self.function_depth > 0,
            )
        )

    def tokens_between(self, start, end):
        return [t for t in self.tokens if start <= self.token_offset(t.start) < end]

    def node_start(self, node):
        return self.offset(node.lineno, node.col_offset)

    def node_end(self, node):
        return self.offset(node.end_lineno, node.end_col_offset)

    # traversal: what is skipped
    def generic_visit(self, node):
        if isinstance(node, ast.stmt):
            outer, self.stmt = self.stmt, node
            super().generic_visit(node)
            self.stmt = outer
        else:
            super().generic_visit(node)

    def visit_FunctionDef(self, node):
        for deco in node.decorator_list:
            self.visit(deco)
        outer, self.stmt = self.stmt, node
        self.visit(node.args)
        self.stmt = outer
        self.function_depth += 1
        outer_class, self.class_body = self.class_body, False
        for stmt in node.body:
            self.visit(stmt)
        self.class_body = outer_class
        self.function_depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self.visit(node.args)
        self.function_depth += 1
        self.visit(node.body)
        self.function_depth -= 1

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            if (
                isinstance(owner, ast.Name)
                and (owner.id == "logging" or owner.id.endswith("logger"))
                and func.attr in LOGGING_METHODS
            ):
                return  # logging
            if isinstance(owner, ast.Name) and owner.id == "fields":
                self.field_declaration(node)
                return
        self.generic_visit(node)

    def field_declaration(self, node):
        """Only a field's default is behaviour the tests can see without a module update."""
        for kw in node.keywords:
            if kw.arg == "default":
                self.visit(kw)

    def visit_Assign(self, node):
        # ``x = NullableFloat(...)`` in a class body: a field of the addon's own field class
        func = node.value.func if isinstance(node.value, ast.Call) else None
        if self.class_body and isinstance(func, ast.Name) and func.id[:1].isupper():
            outer, self.stmt = self.stmt, node
            self.field_declaration(node.value)
            self.stmt = outer
        else:
            self.generic_visit(node)

    def visit_ClassDef(self, node):
        for deco in node.decorator_list:
            self.visit(deco)
        outer, self.class_body = self.class_body, True
        for stmt in node.body:
            self.visit(stmt)
        self.class_body = outer

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # docstring
        self.generic_visit(node)

    # operators
    def visit_Compare(self, node):
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            swap = SWAPS.get(type(op))
            if swap:
                _new_type, old, new = swap
                words = old.split()
                toks = self.tokens_between(self.node_end(left), self.node_start(right))
                for i, tok in enumerate(toks):
                    if [t.string for t in toks[i : i + len(words)]] == words:
                        start = self.token_offset(tok.start)
                        end = self.token_offset(toks[i + len(words) - 1].end)
                        name = f"{type(op).__name__}-{_new_type.__name__}"
                        self.add(node.lineno, start, end, new, name)
                        break
            left = right
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        old = "and" if isinstance(node.op, ast.And) else "or"
        new = "or" if old == "and" else "and"
        for prev, nxt in zip(node.values, node.values[1:], strict=False):
            for tok in self.tokens_between(self.node_end(prev), self.node_start(nxt)):
                if tok.string == old:
                    start = self.token_offset(tok.start)
                    self.add(
                        node.lineno,
                        start,
                        self.token_offset(tok.end),
                        new,
                        f"{old.title()}-{new.title()}",
                    )
                    break
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            start, end = self.node_start(node), self.node_start(node.operand)
            self.add(node.lineno, start, end, "", "Not-drop")
        self.generic_visit(node)

    def visit_Constant(self, node):
        if type(node.value) is int:
            self.add(
                node.lineno,
                self.node_start(node),
                self.node_end(node),
                str(node.value + 1),
                "Int-inc",
            )

    def bool_constant(self, node):
        if isinstance(node, ast.Constant) and type(node.value) is bool:
            new = "False" if node.value else "True"
            op = f"{node.value}-{new}"
            self.add(node.lineno, self.node_start(node), self.node_end(node), new, op)
            return True
        return False

    def visit_Return(self, node):
        outer, self.stmt = self.stmt, node
        if node.value is not None and not self.bool_constant(node.value):
            self.visit(node.value)
        self.stmt = outer

    def visit_keyword(self, node):
        if not self.bool_constant(node.value):
            self.visit(node.value)

    def visit_Raise(self, node):
        outer, self.stmt = self.stmt, node
        self.add(node.lineno, self.node_start(node), self.node_end(node), "pass", "Raise-pass")
        self.generic_visit(node)
        self.stmt = outer


def source_files(only=()):
    files = []
    for folder in FOLDERS:
        for path in sorted((ADDON / folder).glob("*.py")):
            rel = path.relative_to(ADDON).as_posix()
            if path.name == "__init__.py" or (only and rel not in only):
                continue
            files.append(rel)
    return files


def plant(rel):
    """The mutants of one file (each checked to parse and to differ from the original)."""
    source = (ADDON / rel).read_bytes()
    planter = Planter(rel, source)
    planter.visit(ast.parse(source))
    mutants, seen = [], set()
    original = ast.dump(ast.parse(source))
    for m in sorted(planter.mutants, key=lambda m: (m.start, m.op)):
        if m.id in seen:
            continue
        seen.add(m.id)
        text = mutated(source, m)
        try:
            if ast.dump(ast.parse(text)) == original:
                continue
        except SyntaxError:
            continue
        m.before = planter.text_lines[m.line - 1].strip()
        m.after = text.splitlines()[m.line - 1].decode().strip()
        mutants.append(m)
    return mutants


def mutated(source, m):
    return source[: m.start] + m.new + source[m.end :]


# --- cache ---------------------------------------------------------------------------------
def sha(*paths):
    digest = hashlib.sha1()
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if "__pycache__" in f.parts:
                continue
            digest.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:16]


class Cache:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        try:
            self.data = json.loads(path.read_text())
        except (OSError, ValueError):
            self.data = {}

    def get(self, key):
        return self.data.get(key)

    def put(self, key, value):
        with self.lock:
            self.data[key] = value
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.data, indent=0, sort_keys=True))
            tmp.replace(self.path)


# --- Odoo ------------------------------------------------------------------------------------
# The run's own copy of .local/odoo.conf, taken once at the start: `make run` or `make test`
# rewriting the original mid-run (e.g. for another PostgreSQL) must not move the mutants.
CONF = STATE / "odoo.conf"


def odoo_cmd(*args, addons_first=None):
    py = os.environ.get("ODOO_PY") or sys.executable
    cmd = [py, *os.environ["ODOO_BIN"].split(), "-c", str(CONF)]
    if addons_first:
        cmd.append(f"--addons-path={addons_first},{os.environ['ODOO_ADDONS']}")
    return [*cmd, *args]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_logged(cmd, log, timeout=None, env=None):
    """Run cmd in its own process group, output to log; return (rc or None on timeout, text)."""
    with open(log, "w") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        RUNNING.add(proc)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = None
        finally:
            RUNNING.discard(proc)
    return rc, Path(log).read_text(errors="replace")


RUNNING = set()
STOPPING = threading.Event()  # set when the run is interrupted: results are no longer kept
DB_LOCK = threading.Lock()  # CREATE DATABASE ... TEMPLATE wants its template to itself


class Databases:
    """The per-run template (addon installed) and the databases copied from it."""

    def __init__(self):
        sys.path.insert(0, str(ROOT / "scripts"))
        import test_runner  # noqa: PLC0415  (needs SFA_ROOT, SFA_LOCAL: set by the Makefile)

        self.tr = test_runner
        self.made = set()
        self.base = f"sfa_mut_base_{os.getpid()}"

    def build_base(self):
        say(f"template database {self.base}: copy of the cluster's template, addon installed")
        self.copy(self.tr.template_for(False), self.base)
        log = STATE / "logs" / "base.log"
        rc, out = run_logged(
            odoo_cmd(
                "-d",
                self.base,
                "-i",
                MODULE,
                "--stop-after-init",
                "--no-http",
                "--without-demo=all",
            ),
            log,
        )
        if rc or " ERROR " in out or "Traceback" in out:
            raise SystemExit(f"could not install {MODULE} in {self.base}: see {log}")

    def copy(self, template, name):
        with DB_LOCK:
            self.made.add(name)
            self.tr.copy_db(template, name)

    def drop_all(self):
        for name in sorted(self.made):
            self.tr.drop_db(name)
        self.made.clear()


# --- coverage: which tests run which lines ---------------------------------------------------
def coverage_child(data_file, odoo_args):
    """Run Odoo (this process) under coverage, a context per test and per test class."""
    import coverage  # noqa: PLC0415

    include = [str(ADDON / folder / "*.py") for folder in FOLDERS]
    cov = coverage.Coverage(data_file=data_file, include=include)
    cov.start()
    rc = 1
    durations = {}
    try:
        if os.environ.get("ODOO_SRC"):
            sys.path.insert(0, os.environ["ODOO_SRC"])
        import odoo.cli  # noqa: PLC0415
        from odoo.tests import common, suite  # noqa: PLC0415

        def class_id(cls):
            return f"{CLASS_CONTEXT}{cls.__module__}.{cls.__qualname__}"

        handle_setup = suite.OdooSuite._handleClassSetUp
        run_test = common.BaseCase.run

        def _handleClassSetUp(self, test, result):
            if result._previousTestClass is not type(test):
                cov.switch_context(class_id(type(test)))
            return handle_setup(self, test, result)

        def run(self, result):
            cov.switch_context(self.id())
            t0 = time.time()
            try:
                return run_test(self, result)
            finally:
                durations[f"{type(self).__name__}.{self._testMethodName}"] = time.time() - t0
                cov.switch_context(class_id(type(self)))

        suite.OdooSuite._handleClassSetUp = _handleClassSetUp
        common.BaseCase.run = run
        sys.argv = ["odoo-bin", *odoo_args]
        try:
            odoo.cli.main()
            rc = 0
        except SystemExit as exc:
            rc = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    finally:
        cov.stop()
        cov.save()
        Path(f"{data_file}.durations.json").write_text(json.dumps(durations))
    return rc


def run_child(odoo_args):
    """Run Odoo (this process) with the selected tests in the order of SFA_MUTATE_ORDER.

    With Odoo stopping at the first failure, the tests most likely to kill the mutant (those
    that ran its line in a test method, fastest first) run first; a class's tests stay
    together so that its setUpClass runs once.
    """
    if os.environ.get("ODOO_SRC"):
        sys.path.insert(0, os.environ["ODOO_SRC"])
    import odoo.cli  # noqa: PLC0415
    from odoo.tests import loader  # noqa: PLC0415

    order = json.loads(os.environ.get("SFA_MUTATE_ORDER") or "[]")
    rank = {name: i for i, name in enumerate(order)}
    make_suite = loader.make_suite

    def ordered_suite(module_names, position="at_install"):
        suite = make_suite(module_names, position)
        tests = list(suite)
        first = {}
        for t in tests:
            r = rank.get(f"{type(t).__name__}.{t._testMethodName}", len(rank))
            first[type(t)] = min(first.get(type(t), r), r)

        def key(t):
            r = rank.get(f"{type(t).__name__}.{t._testMethodName}", len(rank))
            return (first[type(t)], type(t).__name__, r)

        return type(suite)(sorted(tests, key=key))

    loader.make_suite = ordered_suite
    sys.argv = ["odoo-bin", *odoo_args]
    odoo.cli.main()


def coverage_map(dbs, key):
    """From the cache or a coverage run of the suite: {"lines": {file: {line: [test tags]}},
    "durations": {"Class.method": seconds}}."""
    path = STATE / "coverage-map.json"
    try:
        cached = json.loads(path.read_text())
        if cached.get("key") == key and "durations" in cached:
            return cached
    except (OSError, ValueError):
        pass
    db = f"sfa_mut_cov_{os.getpid()}"
    dbs.copy(dbs.base, db)
    data_file = STATE / "coverage.data"
    for old in STATE.glob("coverage.data*"):
        old.unlink()
    log = STATE / "logs" / "coverage.log"
    say(f"coverage run of the suite ({ALL_TESTS}) on {db}, log {log}")
    t0 = time.time()
    args = [
        "-c",
        str(CONF),
        "-d",
        db,
        "--test-tags",
        ALL_TESTS,
        "--stop-after-init",
        "--http-port",
        str(free_port()),
    ]
    cmd = [os.environ.get("ODOO_PY") or sys.executable, __file__, "_coverage", str(data_file)]
    env = dict(os.environ, TZ="UTC")
    rc, out = run_logged([*cmd, *args], log, env=env)
    found = RESULT_LINE.findall(out)
    if rc or not found or found[-1][:2] != ("0", "0"):
        raise SystemExit(f"the coverage run of the unmutated suite did not pass (see {log})")
    import coverage  # noqa: PLC0415

    data = coverage.CoverageData(basename=str(data_file))
    data.read()
    lines = {}
    for measured in data.measured_files():
        rel = Path(measured).resolve().relative_to(ADDON).as_posix()
        per_line = {}
        for number, contexts in data.contexts_by_lineno(measured).items():
            tags = sorted({t for c in contexts if (t := context_tag(c))})
            if tags:
                per_line[str(number)] = tags
        lines[rel] = per_line
    durations = json.loads(Path(f"{data_file}.durations.json").read_text())
    cover = {"key": key, "lines": lines, "durations": durations}
    path.write_text(json.dumps(cover, indent=0, sort_keys=True))
    say(f"coverage run: {found[-1][2]} tests in {time.time() - t0:.0f}s")
    dbs.tr.drop_db(db)
    dbs.made.discard(db)
    return cover


def context_tag(context):
    """A coverage context -> an Odoo test selector (Class or Class.method), or None."""
    is_class = context.startswith(CLASS_CONTEXT)
    name = context.removeprefix(CLASS_CONTEXT)
    if not name.startswith(TEST_PREFIX):
        return None
    parts = name[len(TEST_PREFIX) :].split(".")  # test_file.Class[.method]
    if is_class and len(parts) == 2:
        return parts[1]
    if not is_class and len(parts) == 3:
        return f"{parts[1]}.{parts[2]}"
    return None


def selection(mutant, cover):
    """(--test-tags, preferred order of the tests) for a mutant, or None when no test ran
    its line. The order: tests whose method ran the line, fastest first, then the others
    of the selection (classes whose setUpClass ran it), fastest first."""
    durations = cover["durations"]
    fastest = sorted(durations, key=lambda name: (durations[name], name))
    if not mutant.in_function:
        return ALL_TESTS, fastest
    per_line = cover["lines"].get(mutant.rel, {})
    tags = set()
    for number in range(mutant.first, mutant.last + 1):
        tags.update(per_line.get(str(number), ()))
    if not tags:
        return None
    classes = {t for t in tags if "." not in t}
    tags = classes | {t for t in tags if t.split(".")[0] not in classes}
    direct = [name for name in fastest if name in tags]
    return ",".join(f"/{MODULE}:{t}" for t in sorted(tags)), direct + [
        name for name in fastest if name not in tags
    ]


# --- running mutants -------------------------------------------------------------------------
class Slot:
    """One worker: its own copy of the addon and its own database."""

    def __init__(self, index, dbs):
        self.index = index
        self.dbs = dbs
        self.db = f"sfa_mut_{os.getpid()}_{index}"
        self.dir = STATE / "work" / str(index)
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.copytree(ADDON, self.dir / MODULE, ignore=shutil.ignore_patterns("__pycache__"))

    def run(self, mutant, tags, order, timeout):
        target = self.dir / MODULE / mutant.rel
        original = (ADDON / mutant.rel).read_bytes()
        target.write_bytes(mutated(original, mutant))
        try:
            self.dbs.copy(self.dbs.base, self.db)
            log = STATE / "logs" / (re.sub(r"[^\w.-]+", "_", mutant.id) + ".log")
            args = [
                "-d",
                self.db,
                "--test-tags",
                tags,
                "--stop-after-init",
                "--http-port",
                str(free_port()),
                "--log-level=info",
            ]
            # stop at the first failure: one is enough to kill the mutant (Odoo's own switch)
            env = dict(
                os.environ,
                PYTHONDONTWRITEBYTECODE="1",
                TZ="UTC",
                ODOO_TEST_MAX_FAILED_TESTS="1",
                SFA_MUTATE_ORDER=json.dumps(order),
            )
            cmd = odoo_cmd(*args, addons_first=self.dir)
            # this script's _run instead of odoo-bin: the same Odoo, tests in our order
            cmd[1 : 1 + len(os.environ["ODOO_BIN"].split())] = [__file__, "_run"]
            t0 = time.time()
            rc, out = run_logged(cmd, log, timeout=timeout, env=env)
            seconds = round(time.time() - t0, 1)
        finally:
            target.write_bytes(original)
        if rc is None:
            return {"status": "timeout", "seconds": seconds, "detail": f"over {timeout}s"}
        results = RESULT_LINE.findall(out)
        if not results and rc < 0:
            # killed by a signal from outside (Ctrl-C of the run, the OOM killer): no verdict
            return {"status": "error", "seconds": seconds, "detail": f"signal {-rc}"}
        if not results:
            return {"status": "killed", "seconds": seconds, "detail": f"crashed (exit {rc})"}
        failed, errors, tests = (int(x) for x in results[-1])
        if failed or errors:
            detail = f"{failed} failed, {errors} error(s) of {tests}"
            return {"status": "killed", "seconds": seconds, "detail": detail}
        if tests == 0:
            return {"status": "no-test-ran", "seconds": seconds, "detail": "0 tests ran"}
        return {"status": "survived", "seconds": seconds, "detail": f"{tests} tests passed"}


def report(mutants, results, equivalents, elapsed, ran_all):
    """Print the per-file table and the survivors; return the exit code."""
    files = {}
    for m in mutants:
        files.setdefault(m.rel, []).append(m)
    rows, totals = [], [0, 0, 0, 0, 0]
    unexplained, survivors, timeouts, no_test_ran = [], [], [], []
    for rel, ms in files.items():
        total = len(ms)
        equiv = sum(m.id in equivalents for m in ms)
        killed = sum(results[m.id]["status"] in ("killed", "timeout") for m in ms)
        killed_equiv = sum(
            results[m.id]["status"] in ("killed", "timeout") and m.id in equivalents for m in ms
        )
        killed -= killed_equiv
        surv = total - equiv - killed
        for m in ms:
            if results.get(m.id) is None:
                results[m.id] = {"status": "error", "detail": "not run (interrupted)"}
            status = results[m.id]["status"]
            if status == "timeout":
                timeouts.append(m)
            if status == "no-test-ran":
                no_test_ran.append(m)
            if status in ("survived", "no-cover", "no-test-ran", "error"):
                survivors.append(m)
                if m.id not in equivalents:
                    unexplained.append(m)
        rows.append((rel, total, equiv, killed, surv))
        for i, v in enumerate((total, equiv, killed, surv), 1):
            totals[i] += v
    totals[0] = "total"
    print(f"\n{'file':<44} {'mutants':>7} {'equiv':>5} {'killed':>6} {'surv':>5} {'score':>7}")
    for rel, total, equiv, killed, surv in [*rows, tuple(totals)]:
        score = f"{100.0 * killed / (total - equiv):.1f}%" if total - equiv else "-"
        print(f"{rel:<44} {total:>7} {equiv:>5} {killed:>6} {surv:>5} {score:>7}")
    if timeouts:
        print("\nTimed out (counted as killed):")
        for m in timeouts:
            print(f"  {m.id}  {m.before}")
    print(f"\nSurvivors ({len(survivors)}; * = listed as equivalent in {EQUIVALENT.name}):")
    for m in survivors:
        mark = "*" if m.id in equivalents else " "
        why = results[m.id].get("detail", "")
        print(f" {mark}{m.id}  [{why}]\n      - {m.before}\n      + {m.after}")
    stale = []
    if ran_all:
        stale = sorted(
            set(equivalents) - {m.id for m in survivors if m.id in equivalents}
        )  # listed but no longer a surviving mutant: the list needs updating
        for ident in stale:
            print(f"  stale entry in {EQUIVALENT.name} (not a survivor now): {ident}")
    total, equiv, killed = totals[1], totals[2], totals[3]
    score = 100.0 * killed / (total - equiv) if total - equiv else 100.0
    summary = (
        f"addon: {killed} killed of {total - equiv} mutants ({total} planted, {equiv} "
        f"equivalent): score {score:.1f}%, {len(unexplained)} unexplained survivor(s), "
        f"{len(timeouts)} timeout(s), {elapsed / 60:.1f} min"
    )
    print(f"\n{summary}")
    (STATE / "addon-summary.txt").write_text(summary + "\n")
    (STATE / "addon-report.json").write_text(
        json.dumps(
            {
                "summary": summary,
                "files": [
                    dict(zip(("file", "total", "equiv", "killed", "surv"), r, strict=True))
                    for r in rows
                ],
                "mutants": {
                    m.id: {**results[m.id], "before": m.before, "after": m.after} for m in mutants
                },
            },
            indent=1,
        )
    )
    if unexplained:
        print(f"FAILED: {len(unexplained)} survivor(s) neither killed nor explained")
    return 1 if unexplained or stale or no_test_ran else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", action="append", default=[], help="models/x.py (repeatable)")
    parser.add_argument("--limit", type=int, help="only the first N mutants")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at a time (2)")
    parser.add_argument("--list", action="store_true", help="show the mutants, run nothing")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per mutant (300)")
    args = parser.parse_args(argv)

    for rel in args.file:
        if rel not in source_files():
            parser.error(f"--file {rel}: not a file of models/ or wizard/ (e.g. models/x.py)")
    files = source_files(args.file)
    mutants = [m for rel in files for m in plant(rel)]
    if args.limit is not None:
        mutants = mutants[: args.limit]
    ran_all = not args.file and args.limit is None
    if args.list:
        for m in mutants:
            where = "" if m.in_function else "  (outside a function: whole suite)"
            print(f"{m.id}{where}\n    - {m.before}\n    + {m.after}")
        print(f"{len(mutants)} mutants in {len(files)} files")
        return 0
    equivalents = read_equivalents(EQUIVALENT)
    (STATE / "logs").mkdir(parents=True, exist_ok=True)
    shutil.copy(LOCAL / "odoo.conf", CONF)  # mode 600 kept: it holds the master password
    # Ctrl-C, and `kill` of a run started in the background (which ignores SIGINT): stop the
    # Odoo runs (in their own sessions) and drop the databases, in the finally below
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.default_int_handler)
    cache = Cache(STATE / "addon-cache.json")
    tests_hash = sha(ADDON / "tests")
    file_hash = {rel: sha(ADDON / rel) for rel in files}

    def key(m):
        return f"{m.id}|{file_hash[m.rel]}|{tests_hash}"

    # As mutmut does: a mutant some test killed stays killed while its file is unchanged, even
    # when the tests change (tests are added far more often than weakened); a survivor, or a
    # line no test ran, is run again whenever any test changes.
    killed_before = {
        k.rsplit("|", 1)[0]: v for k, v in cache.data.items() if v.get("status") == "killed"
    }
    results = {
        m.id: cache.get(key(m)) or killed_before.get(f"{m.id}|{file_hash[m.rel]}") for m in mutants
    }
    todo = [m for m in mutants if results[m.id] is None]
    say(f"{len(mutants)} mutants in {len(files)} files, {len(mutants) - len(todo)} from the cache")
    t0 = time.time()
    dbs = Databases() if todo else None
    try:
        if todo:
            dbs.build_base()
            cover = coverage_map(dbs, sha(ADDON))
            runnable = []
            for m in todo:
                chosen = selection(m, cover)
                if chosen is None:
                    results[m.id] = {"status": "no-cover", "detail": "no test runs this line"}
                    cache.put(key(m), results[m.id])
                else:
                    runnable.append((m, chosen))
            slots = [Slot(i, dbs) for i in range(max(1, args.jobs))]
            free = list(slots)
            lock = threading.Lock()
            done = [0]

            def work(item):
                m, (tags, order) = item
                with lock:
                    slot = free.pop()
                try:
                    res = slot.run(m, tags, order, args.timeout)
                finally:
                    with lock:
                        free.append(slot)
                        done[0] += 1
                if STOPPING.is_set():
                    return  # the run was interrupted: this verdict is not one
                results[m.id] = res
                if res["status"] not in ("no-test-ran", "error"):  # no verdict: not kept
                    cache.put(key(m), res)
                say(
                    f"[{done[0]}/{len(runnable)}] {res['status']:<8} {m.id} "
                    f"({res['seconds']}s, {res['detail']})"
                )

            pool = ThreadPoolExecutor(max_workers=len(slots))
            try:
                list(pool.map(work, runnable))
            finally:
                # on Ctrl-C: the Odoo runs are in their own sessions and did not get it
                STOPPING.set()
                pool.shutdown(wait=False, cancel_futures=True)
                for proc in list(RUNNING):
                    os.killpg(proc.pid, signal.SIGKILL)
                pool.shutdown(wait=True)
    finally:
        for proc in list(RUNNING):
            os.killpg(proc.pid, signal.SIGKILL)
        if dbs:
            dbs.drop_all()
        shutil.rmtree(STATE / "work", ignore_errors=True)
    return report(mutants, results, equivalents, time.time() - t0, ran_all)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_coverage":
        sys.exit(coverage_child(sys.argv[2], sys.argv[3:]))
    if len(sys.argv) > 1 and sys.argv[1] == "_run":
        sys.exit(run_child(sys.argv[2:]))
    sys.exit(main())
