#!/usr/bin/env bash
# `make replica` / `make replica-stop`: a streaming read replica (hot standby) of the project's
# PostgreSQL cluster, to try Odoo's db_replica_host / db_replica_port locally (README,
# *Deployment with a read replica*).
#
#   bash scripts/replica.sh start      copy the primary (pg_basebackup -R) into
#                                      .local/pg-replica/data and start it on port SFA_PG_PORT+1
#                                      with its own socket folder; re-uses a running replica
#   bash scripts/replica.sh stop       stop it (`make stop` does too)
#   bash scripts/replica.sh status     is it running, streaming, how far behind
#   bash scripts/replica.sh check DB   start Odoo on DB with the replica, log in as admin over
#                                      JSON-RPC, make read-only calls and a write, and show which
#                                      server served each (non-zero exit when a read-only call
#                                      did not reach the replica)
#
# The primary is the cluster lib.sh's ensure_pg gives (PGHOST/PGPORT when set). The replica
# logs every statement (log_statement=all, to .local/pg-replica/server.log): `check` reads it
# to see which calls reached the replica. It is a copy: delete its folder at will, `start`
# makes it again (and does so by itself when the primary was re-created or is too far ahead).
#   SFA_REPLICA_PORT   the replica's port (default SFA_PG_PORT + 1)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SFA_ROOT"

REPLICA_PORT=${SFA_REPLICA_PORT:-$((SFA_PG_PORT + 1))}
CHECK_APP=sfa-replica-check-odoo   # application_name of the Odoo that `check` starts

# Where the replica lives: next to the primary (.local/pg-replica), or in /var/tmp when
# PostgreSQL's system user cannot reach the checkout (as _pg_dir decides for the primary).
_replica_dir() {
    if [ "$(_pg_dir)" = "$SFA_LOCAL/pg" ]; then
        echo "$SFA_LOCAL/pg-replica"
    else
        echo "/var/tmp/sfa_key_accounts-pg-replica-$(printf '%s' "$SFA_ROOT" | sha1sum | cut -c1-8)"
    fi
}

# Sets RDIR, RDATA, RRUN, RLOG and BINDIR (empty without the PostgreSQL server binaries).
_replica_vars() {
    BINDIR=$(_pg_bindir) || BINDIR=""
    RDIR=$(_replica_dir)
    RDATA="$RDIR/data" RRUN="$RDIR/run" RLOG="$RDIR/server.log"
}

_need_binaries() {
    [ -n "$BINDIR" ] || die "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
    local tool
    for tool in pg_basebackup pg_controldata; do
        [ -x "$BINDIR/$tool" ] || die "$tool missing in $BINDIR: apt-get install postgresql"
    done
}

_replica_running() {
    [ -f "$RDATA/PG_VERSION" ] && _pg_as "$BINDIR/pg_ctl" -D "$RDATA" status >/dev/null 2>&1
}

# psql on the replica (as the primary's user: the replica is a copy, it has the same roles)
_rpsql() { psql -X -qAt -h "$RRUN" -p "$REPLICA_PORT" -d postgres "$@"; }

# The primary must accept replication connections: wal_level replica (the default) or logical,
# max_wal_senders > 0, and a `replication` line in pg_hba.conf for this user (initdb
# --auth=trust writes `local replication all trust`).
_check_primary() {
    local wal senders
    wal=$(psql -X -qAt -d postgres -c 'SHOW wal_level') ||
        die "cannot query the primary at $PGHOST:$PGPORT as $PGUSER (psql failed, see above)"
    senders=$(psql -X -qAt -d postgres -c 'SHOW max_wal_senders')
    case "$wal" in
        replica | logical) ;;
        *) die "the primary has wal_level = $wal: a streaming replica needs wal_level = replica (the default); set it in its postgresql.conf and restart it" ;;
    esac
    [ "$senders" -gt 0 ] ||
        die "the primary has max_wal_senders = 0: set it (e.g. 10, the default) in its postgresql.conf and restart it"
    if ! psql -X -qAt "replication=true" -c 'IDENTIFY_SYSTEM' >/dev/null 2>"$RDIR/identify.err"; then
        cat "$RDIR/identify.err" >&2
        die "the primary refuses replication connections from $PGUSER at $PGHOST:$PGPORT: add a line to its pg_hba.conf (e.g. 'local replication all trust', or 'host replication $PGUSER 127.0.0.1/32 scram-sha-256'), the role needs REPLICATION (or superuser); then reload the primary"
    fi
    rm -f "$RDIR/identify.err"
}

_primary_sysid() { psql -X -qAt "replication=true" -c 'IDENTIFY_SYSTEM' | cut -d'|' -f1; }
_replica_sysid() {
    _pg_as "$BINDIR/pg_controldata" -D "$RDATA" | sed -n 's/^Database system identifier: *//p'
}

# Removes the replica's data folder (a copy of the primary, nothing of its own).
_replica_remove() {
    [ -f "$RDATA/standby.signal" ] || [ ! -f "$RDATA/PG_VERSION" ] ||
        die "$RDATA is not a standby (no standby.signal): not removing it"
    rm -rf "$RDATA"
}

_replica_basebackup() {
    say "PostgreSQL: copying the primary ($PGHOST:$PGPORT) into $RDATA (pg_basebackup -R)"
    rm -f "$RLOG"  # a new copy, a new log
    # -c fast: checkpoint at once (the primary's default spread checkpoint can take minutes).
    # The primary runs with full_page_writes=off and fsync=off: PostgreSQL forces full-page
    # writes for the length of a base backup, so the copy is consistent all the same.
    if ! _pg_as "$BINDIR/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -D "$RDATA" \
        -R -X stream -c fast --no-password >"$RDIR/basebackup.log" 2>&1; then
        cat "$RDIR/basebackup.log" >&2
        rm -rf "$RDATA"
        die "pg_basebackup failed (output above, in $RDIR/basebackup.log)"
    fi
}

_replica_pg_start() {
    # A hot standby refuses to start with less than the primary's max_connections (200 in
    # lib.sh) and four other limits: they are read from the primary, not from the
    # postgresql.conf copied with the data (the primary gets its own on the command line).
    local opts="-k $RRUN -p $REPLICA_PORT -c listen_addresses='' -c hot_standby=on -c fsync=off"
    local name value
    for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
        max_locks_per_transaction; do
        value=$(psql -X -qAt -d postgres -c "SHOW $name") || die "cannot read $name on the primary"
        opts+=" -c $name=$value"
    done
    opts+=" -c log_statement=all -c log_line_prefix='%m [%p] %a %u@%d '"
    say "PostgreSQL: starting the read replica (port $REPLICA_PORT, socket $RRUN, log ${RLOG#"$SFA_ROOT"/})"
    RLOG_START=$(stat -c %s "$RLOG" 2>/dev/null) || RLOG_START=0
    _pg_as "$BINDIR/pg_ctl" -D "$RDATA" -l "$RLOG" -w -t 120 -o "$opts" start >/dev/null ||
        { tail -n 15 "$RLOG" >&2; die "the read replica did not start: see $RLOG"; }
}

# Waits (up to $1 seconds) for the replica to stream from the primary; gives up at once when
# its log says (since it was started) that the primary no longer has the WAL it needs.
_replica_streaming() {
    local i status
    for ((i = 0; i < $1 * 2; i++)); do
        status=$(_rpsql -c 'SELECT status FROM pg_stat_wal_receiver' 2>/dev/null) || status=""
        [ "$status" = streaming ] && return 0
        if [ -n "${RLOG_START:-}" ] &&
            grep -q 'has already been removed' <(tail -c "+$((RLOG_START + 1))" "$RLOG" 2>/dev/null); then
            return 1
        fi
        sleep 0.5
    done
    return 1
}

_replica_stop_server() {
    _pg_as "$BINDIR/pg_ctl" -D "$RDATA" -m fast -w stop >/dev/null ||
        die "pg_ctl stop of the read replica failed (see its message above)"
}

replica_start() {
    ensure_pg
    _replica_vars
    _need_binaries
    [ "$REPLICA_PORT" != "$PGPORT" ] || die "the replica's port $REPLICA_PORT is the primary's: set SFA_REPLICA_PORT"
    mkdir -p "$RDIR" "$RRUN"
    _pg_own "$RDIR"
    _check_primary
    local sysid
    sysid=$(_primary_sysid)
    if _replica_running; then
        if [ "$(_replica_sysid)" = "$sysid" ] && _replica_streaming 10; then
            say "PostgreSQL: the read replica is already running (port $REPLICA_PORT, socket $RRUN)"
            return 0
        fi
        say "PostgreSQL: the running replica does not stream from this primary: making it again"
        _replica_stop_server
        _replica_remove
    elif [ -f "$RDATA/PG_VERSION" ] && [ "$(_replica_sysid)" != "$sysid" ]; then
        say "PostgreSQL: the replica in $RDATA is a copy of another cluster: making it again"
        _replica_remove
    fi
    local fresh=no
    if [ ! -f "$RDATA/PG_VERSION" ]; then
        _replica_basebackup
        fresh=yes
    fi
    _replica_pg_start
    if ! _replica_streaming 30; then
        if [ "$fresh" = no ]; then
            # stopped too long: the primary no longer has the WAL it needs (no replication slot,
            # on purpose: a forgotten replica would make the primary keep WAL for ever)
            say "PostgreSQL: the replica cannot catch up with the primary: making it again"
            _replica_stop_server
            _replica_remove
            _replica_basebackup
            _replica_pg_start
            _replica_streaming 30 ||
                { tail -n 15 "$RLOG" >&2; die "the read replica does not stream from the primary: see $RLOG"; }
        else
            tail -n 15 "$RLOG" >&2
            die "the read replica does not stream from the primary: see $RLOG"
        fi
    fi
    say "PostgreSQL: read replica streaming from $PGHOST:$PGPORT, at $RRUN:$REPLICA_PORT"
    say "in odoo.conf: db_replica_host = $RRUN, db_replica_port = $REPLICA_PORT"
}

# Quiet when no replica was ever made (`make stop` calls it every time).
replica_stop() {
    _replica_vars
    [ -n "$BINDIR" ] && [ -f "$RDATA/PG_VERSION" ] || return 0
    if _replica_running; then
        say "PostgreSQL: stopping the read replica (port $REPLICA_PORT)"
        _replica_stop_server
    else
        say "PostgreSQL: the read replica is not running"
    fi
}

# Says whether the replica runs and streams, and how far behind the primary it is; starts
# nothing.
replica_status() {
    _replica_vars
    if [ -z "$BINDIR" ] || ! _replica_running; then
        say "PostgreSQL: the read replica is not running (bash scripts/replica.sh start)"
        return 1
    fi
    if [ -z "${PGHOST:-}" ]; then  # the project's cluster, as ensure_pg names it
        PGHOST="$(_pg_dir)/run"
        export PGHOST PGPORT="$SFA_PG_PORT" PGUSER=odoo
    fi
    local lsn row behind="the primary is not reachable"
    lsn=$(psql -X -qAt -d postgres -c 'SELECT pg_current_wal_lsn()' 2>/dev/null) || lsn=""
    row=$(_rpsql -F ' ' -c "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), 'not streaming'),
        CASE WHEN '$lsn' = '' THEN -1
        ELSE greatest(0, pg_wal_lsn_diff(nullif('$lsn', '')::pg_lsn, pg_last_wal_replay_lsn())) END") ||
        die "cannot query the read replica at $RRUN:$REPLICA_PORT"
    [ -z "$lsn" ] || behind="${row##* } bytes of WAL behind the primary ($PGHOST:$PGPORT)"
    say "PostgreSQL: read replica at $RRUN:$REPLICA_PORT: ${row% *}, $behind"
}

# A free TCP port on 127.0.0.1: $1 when free, else one the system picks.
_free_port() {
    python3 - "$1" <<'EOF'
import socket, sys
for port in (int(sys.argv[1]), 0):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Odoo binds it
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
EOF
}

replica_check() {
    local db=${1:-}
    [ -n "$db" ] || die "usage: bash scripts/replica.sh check DB"
    [[ "$db" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "'$db' is not a database name Odoo accepts"
    find_odoo
    [ "$ODOO_KIND" != none ] || die "$ODOO_WHY"
    ensure_venv full
    replica_start
    local state
    state=$(psql -X -qAt -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'") ||
        die "cannot query the primary (psql failed, see above)"
    [ "$state" = 1 ] || die "no database $db at $PGHOST:$PGPORT (make one: make run, or odoo -d $db -i $SFA_MODULE)"
    state=$(psql -X -qAt -d "$db" -c "SELECT state FROM ir_module_module WHERE name = '$SFA_MODULE'" 2>/dev/null) || state=""
    [ "$state" = installed ] || die "$SFA_MODULE is not installed in $db"
    write_odoo_conf >/dev/null
    mkdir -p "$SFA_LOCAL/logs"
    local port log="$SFA_LOCAL/logs/replica-check-odoo.log"
    port=$(_free_port "$((SFA_HTTP_PORT + 11))") || die "no free port for Odoo"
    : >"$log"
    say "starting Odoo on $db (port $port, --workers 0, db_replica_host=$RRUN, db_replica_port=$REPLICA_PORT; log ${log#"$SFA_ROOT"/})"
    # shellcheck disable=SC2086  # ODOO_BIN is one or two words (odoo-bin, or -m odoo)
    ODOO_PGAPPNAME=$CHECK_APP "$ODOO_PY" $ODOO_BIN -c "$SFA_LOCAL/odoo.conf" -d "$db" \
        --db-filter "^$db\$" --http-port "$port" --workers 0 --max-cron-threads 0 \
        --db_replica_host "$RRUN" --db_replica_port "$REPLICA_PORT" --logfile "$log" &
    ODOO_PID=$!
    trap _stop_check_odoo EXIT
    local rc=0
    SFA_CHECK_BASE="http://127.0.0.1:$port" SFA_CHECK_DB="$db" SFA_CHECK_APP="$CHECK_APP" \
        SFA_CHECK_ODOO_PID="$ODOO_PID" SFA_CHECK_ODOO_LOG="$log" SFA_REPLICA_HOST="$RRUN" \
        SFA_REPLICA_PORT="$REPLICA_PORT" SFA_REPLICA_LOG="$RLOG" "$ODOO_PY" - <<'EOF' || rc=$?
"""Read-only calls and a write over JSON-RPC, and where each ran: the statements this Odoo
(its application_name) sent to the replica are in the replica's log (log_statement=all);
the primary's table statistics (pg_stat_user_tables) show what was read and written there;
Odoo's request log says which cursor it asked for (ro: replica, rw: primary, ro->rw: retried)."""
import http.cookiejar, json, os, re, sys, time, urllib.request
import psycopg2

E = os.environ
BASE, DB, APP = E["SFA_CHECK_BASE"], E["SFA_CHECK_DB"], E["SFA_CHECK_APP"]
RLOG, OLOG = E["SFA_REPLICA_LOG"], E["SFA_CHECK_ODOO_LOG"]
PRIMARY = dict(host=E["PGHOST"], port=E["PGPORT"], user=E["PGUSER"])
REPLICA = dict(host=E["SFA_REPLICA_HOST"], port=E["SFA_REPLICA_PORT"], user=E["PGUSER"])
PPORT, RPORT = PRIMARY["port"], REPLICA["port"]
STATEMENT = re.compile(r"\] " + re.escape(APP) + r" \S*@" + re.escape(DB) + r" LOG:  statement: (.*)")


def connect(server):
    cnx = psycopg2.connect(dbname=DB, application_name="sfa-replica-check", **server)
    cnx.autocommit = True  # each statistics query sees fresh figures
    return cnx


class RpcError(Exception):
    pass


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def rpc(path, params):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
    req = urllib.request.Request(BASE + path, body, {"Content-Type": "application/json"})
    with opener.open(req, timeout=120) as resp:
        answer = json.load(resp)
    if answer.get("error"):
        data = answer["error"].get("data") or {}
        raise RpcError(f"{data.get('name', '')}: {data.get('message') or answer['error']}")
    return answer["result"]


def call(model, method, args=(), kwargs=None):
    path = f"/web/dataset/call_kw/{model}/{method}"
    return rpc(path, {"model": model, "method": method, "args": list(args), "kwargs": kwargs or {}})


def wait_for_odoo():
    for _ in range(240):
        try:
            os.kill(int(E["SFA_CHECK_ODOO_PID"]), 0)
        except OSError:
            sys.exit(f"Odoo stopped before answering: see {OLOG}")
        try:
            rpc("/web/webclient/version_info", {})
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"Odoo did not answer within 2 minutes: see {OLOG}")


def table_stats(cnx):
    """{table: (scans, rows written)} of DB on the primary."""
    with cnx.cursor() as cr:
        cr.execute("SELECT pg_stat_clear_snapshot()")
        cr.execute("SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0),"
                   " n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")
        return {name: (scans, writes) for name, scans, writes in cr.fetchall()}


def delta(before, after, tables, kind):
    return sum(after.get(t, (0, 0))[kind] - before.get(t, (0, 0))[kind] for t in tables)


def read(path, offset=0):
    with open(path, errors="replace") as f:
        f.seek(offset)
        return f.read()


def run(label, model, method, args=(), kwargs=None, word=""):
    """Calls model.method; returns what the verdict needs."""
    rpos, opos = os.path.getsize(RLOG), os.path.getsize(OLOG)
    try:
        result = call(model, method, args, kwargs)
    except RpcError as exc:
        result = exc
    time.sleep(0.2)
    statements = [m.group(1) for m in map(STATEMENT.search, read(RLOG, rpos).splitlines()) if m]
    odoo_log = read(OLOG, opos)
    mode = re.findall(rf'"POST /web/dataset/call_kw/{re.escape(model)}/{method} [^"]*" .* (\S+)$',
                      odoo_log, re.M)
    example = next((s for s in statements if word in s), statements[0] if statements else "")
    return dict(label=label, result=result, statements=statements, mode=mode[-1] if mode else "?",
                example=example if len(example) <= 80 else example[:77] + "...",
                fallback="Failed to open a readonly cursor" in read(OLOG))


def read_verdict(r, failed):
    label, result, n = r["label"], r["result"], len(r["statements"])
    if isinstance(result, RpcError) and "does not exist" in str(result):
        return f"{label}: not in this version of the addon ({result}): skipped"
    failed.append(label)
    if isinstance(result, RpcError):
        return f"{label}: FAILED, the call raised {result}"
    if n and r["mode"] == "ro":
        failed.pop()
        return (f"{label}: served by the replica (port {RPORT}): {n} statement(s) in its log, "
                f"e.g. {r['example']}; Odoo's cursor: ro")
    if n:
        return (f"{label}: NOT served by the replica: it started there, tried to write and was run "
                f"again on the primary (port {PPORT}; Odoo's cursor: {r['mode']}, see {OLOG})")
    why = ("Odoo could not connect to the replica and fell back to the primary" if r["fallback"]
           else "is the method decorated @api.readonly?")
    return (f"{label}: NOT served by the replica: served by the primary (port {PPORT}), nothing in "
            f"the replica's log, Odoo's cursor: {r['mode']} ({why})")


def main():
    primary, replica = connect(PRIMARY), connect(REPLICA)
    wait_for_odoo()
    session = rpc("/web/session/authenticate", {"db": DB, "login": "admin", "password": "admin"})
    if not session.get("uid"):
        sys.exit("could not log in as admin / admin")
    print(f"logged in as admin on {DB} at {BASE}; primary {PRIMARY['host']}:{PPORT}, "
          f"replica {REPLICA['host']}:{RPORT}")
    before = table_stats(primary)
    spec = {"display_name": {}, "tier_id": {"fields": {"display_name": {}}}, "rank": {}}
    reads = [
        run("web_search_read sfa.key.account", "sfa.key.account", "web_search_read",
            kwargs={"domain": [], "specification": spec, "limit": 80}, word="sfa_key_account"),
        run("sfa_concentration_curve sfa.key.account", "sfa.key.account",
            "sfa_concentration_curve", word="sfa_"),
    ]
    # the write: a configuration parameter of its own, set, then removed
    key = f"sfa_key_accounts.replica_check_{os.getpid()}"
    write = run("write (ir.config_parameter.set_param)", "ir.config_parameter", "set_param",
                [key, str(time.time())])
    t0, on_replica = time.time(), None
    with replica.cursor() as cr:
        while on_replica is None and time.time() - t0 < 10:
            cr.execute("SELECT 1 FROM ir_config_parameter WHERE key = %s", [key])
            if cr.fetchone():
                on_replica = time.time() - t0
            else:
                time.sleep(0.02)
    # a backend publishes its statistics within 10 s of going idle (PGSTAT_IDLE_INTERVAL)
    t0 = time.time()
    while True:
        after = table_stats(primary)
        written = delta(before, after, ["ir_config_parameter"], 1)
        if written or time.time() - t0 > 15:
            break
        time.sleep(0.5)
    scans = delta(before, after, [t for t in after if t.startswith("sfa_") or t == "crm_lead"], 0)
    try:
        call("ir.config_parameter", "set_param", [key, False])  # False removes it
    except RpcError as exc:
        print(f"could not remove the configuration parameter {key}: {exc}")

    failed = []
    for r in reads:
        print(read_verdict(r, failed))
    label = write["label"]
    if isinstance(write["result"], RpcError):
        print(f"{label}: FAILED, the call raised {write['result']}")
        failed.append(label)
    elif write["statements"]:
        print(f"{label}: reached the replica (port {RPORT}): {write['example']}")
        failed.append(label)
    elif not written:
        print(f"{label}: FAILED, no row written on the primary (port {PPORT}) nor on the replica")
        failed.append(label)
    else:
        lag = (f"the replica had the row {on_replica:.2f} s after the call returned"
               if on_replica is not None else "the replica did not have the row after 10 s")
        print(f"{label}: served by the primary (port {PPORT}): {written} row(s) written to "
              f"ir_config_parameter there, nothing in the replica's log, Odoo's cursor: "
              f"{write['mode']}; {lag}")
    print(f"the primary (port {PPORT}) while the read-only calls ran: {scans} scan(s) of the "
          f"addon's tables (pg_stat_user_tables)")
    if failed:
        print(f"RESULT: FAILED: {', '.join(failed)}")
        sys.exit(1)
    print(f"RESULT: read-only calls served by the replica (port {RPORT}), the write by the "
          f"primary (port {PPORT})")


try:
    main()
except KeyboardInterrupt:
    sys.exit(130)
except OSError as exc:  # URLError is one
    sys.exit(f"lost Odoo ({exc}): see {OLOG}")
EOF
    _stop_check_odoo
    trap - EXIT
    return "$rc"
}

# Stops the Odoo that `check` started (SIGTERM, then SIGKILL after 20 s).
_stop_check_odoo() {
    [ -n "${ODOO_PID:-}" ] || return 0
    if kill "$ODOO_PID" 2>/dev/null; then
        local i
        for ((i = 0; i < 40; i++)); do
            kill -0 "$ODOO_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$ODOO_PID" 2>/dev/null || true
    fi
    wait "$ODOO_PID" 2>/dev/null || true
    say "Odoo (pid $ODOO_PID) stopped"
    ODOO_PID=""
}

case "${1:-}" in
    start) replica_start ;;
    stop) replica_stop ;;
    status) replica_status ;;
    check) replica_check "${2:-}" ;;
    *) die "usage: bash scripts/replica.sh start | stop | status | check DB" ;;
esac
