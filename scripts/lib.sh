# shellcheck shell=bash
# Shared plumbing of the run and test commands: finding Odoo, the Python environment and the
# PostgreSQL cluster. Sourced, never executed. Every step says what it does on stderr.
# run.sh and stop.sh source it under `set -euo pipefail`: a step that may fail must say why
# (die) rather than end the command silently, and a filter in a pipeline must not fail on
# empty input (grep does: use sed, or test the input first).
#
# Settings (environment variables, all optional):
#   ODOO_SRC       an Odoo 18.0 source tree (with odoo-bin); else /opt/odoo18, /opt/odoo,
#                  ../odoo, ../odoo18, or an importable `odoo` package
#   SFA_VENV       the Python environment to use/create (default: .venv in the checkout)
#   PGHOST/PGPORT/PGUSER/PGPASSWORD
#                  use an existing PostgreSQL server instead of the project's own cluster
#   SFA_PG_PORT    port of the project's own cluster (default 54329)
#   SFA_HTTP_PORT  port the web client is served on (default 8069)
#   SFA_HTTP_INTERFACE
#                  address the web client listens on (default 127.0.0.1, this machine only;
#                  0.0.0.0 for every address)

SFA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SFA_LOCAL="$SFA_ROOT/.local"          # ignored by git: cluster, filestore, config, logs
SFA_VENV=${SFA_VENV:-$SFA_ROOT/.venv}
SFA_PG_PORT=${SFA_PG_PORT:-54329}
SFA_HTTP_PORT=${SFA_HTTP_PORT:-8069}
SFA_HTTP_INTERFACE=${SFA_HTTP_INTERFACE:-127.0.0.1}
# shellcheck disable=SC2034  # used by the scripts that source this file
SFA_MODULE=sfa_key_accounts

say() { printf '[sfa] %s\n' "$*" >&2; }
die() { printf '[sfa] ERROR: %s\n' "$*" >&2; exit 1; }

# --- Odoo ------------------------------------------------------------------------------------
_is_odoo18_tree() {
    [ -f "$1/odoo-bin" ] && [ -f "$1/odoo/release.py" ] &&
        grep -qE '^version_info = \(18, 0,' "$1/odoo/release.py"
}

# Sets ODOO_KIND (tree|package|none), ODOO_SRC, ODOO_BIN (command words), ODOO_ADDONS and
# ODOO_WHY (why none was found). Never fails.
find_odoo() {
    ODOO_KIND=none ODOO_BIN="" ODOO_ADDONS="" ODOO_WHY="" ODOO_PY="$SFA_VENV/bin/python"
    local cand
    if [ -n "${ODOO_SRC:-}" ]; then
        if _is_odoo18_tree "$ODOO_SRC"; then
            ODOO_KIND=tree
        else
            ODOO_WHY="ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo-bin / release 18.0)"
            ODOO_SRC=""
        fi
    fi
    if [ "$ODOO_KIND" = none ]; then
        for cand in /opt/odoo18 /opt/odoo "$SFA_ROOT/../odoo" "$SFA_ROOT/../odoo18"; do
            if _is_odoo18_tree "$cand"; then
                ODOO_SRC=$(cd "$cand" && pwd) ODOO_KIND=tree
                break
            fi
        done
    fi
    if [ "$ODOO_KIND" = tree ]; then
        ODOO_SRC=$(cd "$ODOO_SRC" && pwd)
        ODOO_BIN="$ODOO_SRC/odoo-bin"
        # <tree>/odoo/addons holds the standard addons (and base); a top-level addons/
        # folder, where a tree has one, may be stale and is deliberately not used.
        ODOO_ADDONS="$ODOO_SRC/odoo/addons"
        return 0
    fi
    local py=python3
    [ -x "$SFA_VENV/bin/python" ] && py="$SFA_VENV/bin/python"
    local pkg
    pkg=$("$py" -c 'import odoo.release as r, os, odoo; assert r.version_info[:2] == (18, 0); print(os.path.dirname(odoo.__file__))' 2>/dev/null) || pkg=""
    if [ -n "$pkg" ]; then
        ODOO_KIND=package
        ODOO_PY=$py
        ODOO_BIN="-m odoo"
        ODOO_ADDONS="$pkg/addons"
        return 0
    fi
    ODOO_WHY=${ODOO_WHY:-"no Odoo 18.0 found: set ODOO_SRC to an Odoo 18.0 source tree (none in /opt/odoo18, /opt/odoo, ../odoo, and no importable odoo package)"}
}

describe_odoo() {
    case "$ODOO_KIND" in
        tree) say "Odoo 18.0: source tree $ODOO_SRC (addons: $ODOO_ADDONS)" ;;
        package) say "Odoo 18.0: importable package (addons: $ODOO_ADDONS)" ;;
        *) say "Odoo: $ODOO_WHY" ;;
    esac
}

# --- Python environment ----------------------------------------------------------------------
# Creates the venv when missing and (re)installs requirements when their files changed.
# With $1 = dev, only the project's dev requirements (enough for lint and engine tests).
ensure_venv() {
    local want=${1:-full} reqs=("$SFA_ROOT/requirements-dev.txt")
    if [ "$want" = full ] && [ "$ODOO_KIND" = tree ]; then
        reqs+=("$ODOO_SRC/requirements.txt")
    fi
    if [ ! -x "$SFA_VENV/bin/python" ]; then
        say "creating the Python environment $SFA_VENV"
        python3 -m venv "$SFA_VENV" || die "could not create $SFA_VENV (python3 -m venv)"
    fi
    local stamp="$SFA_VENV/.sfa-installed" sum r
    for r in "${reqs[@]}"; do
        [ -f "$r" ] || die "requirements file not found: $r"
    done
    sum=$(cat "${reqs[@]}" "$SFA_ROOT/scripts/constraints.txt" | sha1sum | cut -d' ' -f1) ||
        die "could not read the requirements files: ${reqs[*]}"
    if [ -f "$stamp" ] && grep -qx "$sum" "$stamp"; then
        return 0
    fi
    # psycopg2 and python-ldap build from source against these headers
    if [ "$want" = full ]; then
        ensure_debian_packages libpq-dev:/usr/bin/pg_config \
            libldap2-dev:/usr/include/ldap.h libsasl2-dev:/usr/include/sasl/sasl.h
    fi
    local args=() log="$SFA_LOCAL/logs/pip.log" rc=0
    for r in "${reqs[@]}"; do args+=(-r "$r"); done
    say "installing Python requirements: ${reqs[*]}"
    mkdir -p "$SFA_LOCAL/logs"
    # Odoo's old pinned source packages need setuptools<70 in pip's isolated builds.
    # pip writes to a log first so that its own exit status is the one checked (in a pipeline
    # the filter's status would count, and grep fails on empty input under `set -e`); the log
    # is then shown without this machine's notes about missing local index folders.
    PIP_CONSTRAINT="$SFA_ROOT/scripts/constraints.txt" \
        "$SFA_VENV/bin/python" -m pip install -q "${args[@]}" >"$log" 2>&1 || rc=$?
    sed '/is ignored: it is neither/d' "$log" >&2
    [ "$rc" = 0 ] ||
        die "pip install failed (exit $rc; output in .local/logs/pip.log). psycopg2 and python-ldap build against libpq-dev, libldap2-dev and libsasl2-dev: install them with apt-get"
    # Keep the stamp for the fullest install done, so `dev` after `full` is a no-op.
    if [ "$want" = full ] || [ ! -f "$stamp" ]; then
        echo "$sum" >"$stamp"
    fi
}

# Installs the Debian packages whose marker file is missing: ensure_debian_packages pkg:/file...
# Needs root and apt-get; otherwise says what to install and goes on (the step that needs the
# package then fails with its own message).
ensure_debian_packages() {
    local spec missing=()
    for spec in "$@"; do
        [ -e "${spec#*:}" ] || missing+=("${spec%%:*}")
    done
    [ ${#missing[@]} = 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing Debian packages: ${missing[*]}"
        mkdir -p "$SFA_LOCAL"
        { apt-get update -q && apt-get install -y -q "${missing[@]}"; } >"$SFA_LOCAL/apt.log" 2>&1 ||
            say "apt-get install ${missing[*]} failed: see .local/apt.log"
    else
        say "missing Debian packages (install them as root): ${missing[*]}"
    fi
}

# --- PostgreSQL --------------------------------------------------------------------------------
# Uses the server named by PGHOST when set; otherwise the project's own cluster under .local/pg
# (initdb on first use, its own socket directory and port, no system service).
# Exports PGHOST, PGPORT, PGUSER for odoo and the psql tools.
ensure_pg() {
    if [ -n "${PGHOST:-}" ]; then
        export PGHOST PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-$(id -un)}
        say "PostgreSQL: existing server $PGHOST:$PGPORT as $PGUSER"
        return 0
    fi
    local bindir
    bindir=$(_pg_bindir) || die "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
    local pgdir
    pgdir=$(_pg_dir)
    local data="$pgdir/data" run="$pgdir/run" log="$pgdir/server.log"
    mkdir -p "$run"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "PostgreSQL: initialising the project's cluster in $data"
        mkdir -p "$data"
        _pg_own "$pgdir"
        _pg_as "$bindir/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null ||
            die "initdb failed"
    fi
    _pg_own "$pgdir"
    if ! _pg_as "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        say "PostgreSQL: starting the project's cluster (port $SFA_PG_PORT, socket $run)"
        _pg_as "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-k $run -p $SFA_PG_PORT -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
            start >/dev/null || die "PostgreSQL did not start: see $log"
    fi
    export PGHOST="$run" PGPORT="$SFA_PG_PORT" PGUSER=odoo
    say "PostgreSQL: project cluster at $PGHOST:$PGPORT as $PGUSER"
}

stop_pg() {
    local bindir data
    data="$(_pg_dir)/data"
    bindir=$(_pg_bindir) || return 0
    if [ -f "$data/PG_VERSION" ] && _pg_as "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        say "PostgreSQL: stopping the project's cluster"
        _pg_as "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null ||
            die "pg_ctl stop failed (see its message above)"
    else
        say "PostgreSQL: the project's cluster is not running"
    fi
}

_pg_bindir() {
    local d
    for d in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")" /usr/lib/postgresql/*/bin; do
        [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && { readlink -f "$d/pg_ctl" | xargs dirname; return 0; }
    done
    return 1
}

# Where the cluster lives: .local/pg in the checkout, unless PostgreSQL's system user (see
# _pg_user) cannot reach the checkout (e.g. a clone under /root): then a folder of /var/tmp
# named after the checkout.
_pg_dir() {
    local dir="$SFA_LOCAL/pg"
    mkdir -p "$SFA_LOCAL"
    if [ "$(id -u)" = 0 ] && ! _pg_as test -x "$SFA_LOCAL"; then
        dir="/var/tmp/sfa_key_accounts-pg-$(printf '%s' "$SFA_ROOT" | sha1sum | cut -c1-8)"
    fi
    echo "$dir"
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` (or
# `nobody`) system user.
_pg_user() {
    if [ "$(id -u)" != 0 ]; then id -un
    elif id postgres >/dev/null 2>&1; then echo postgres
    else echo nobody
    fi
}
_pg_own() { [ "$(id -u)" = 0 ] && chown -R "$(_pg_user)" "$1"; return 0; }
_pg_as() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u "$(_pg_user)" -- "$@"); else "$@"; fi
}

# --- Odoo configuration ------------------------------------------------------------------------
# The master password of Odoo's database manager (admin_passwd): generated once into $1
# (default .local/master_password, mode 600), printed when generated, reused afterwards.
# Sets SFA_MASTER_PASSWORD.
ensure_master_password() {
    local file=${1:-$SFA_LOCAL/master_password}
    if [ ! -s "$file" ]; then
        mkdir -p "$(dirname "$file")"
        if ! (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(18))' >"$file.new"); then
            die "could not write a master password to $file.new"
        fi
        mv "$file.new" "$file"
        say "generated the master password of Odoo's database manager: $(cat "$file")"
        say "(kept in $file, mode 600; shown only this once)"
    fi
    chmod 600 "$file"
    SFA_MASTER_PASSWORD=$(cat "$file")
    case "$SFA_MASTER_PASSWORD" in
        "" | admin | *[[:space:]]*)
            die "$file must hold one word other than 'admin': delete it to get a new one" ;;
    esac
}

# Writes .local/odoo.conf (mode 600: it holds the master password) for the current PostgreSQL
# settings and prints its path. The database manager is off (list_db = False: the run and test
# commands name their database with -d) and the web client listens on SFA_HTTP_INTERFACE.
write_odoo_conf() {
    local conf="$SFA_LOCAL/odoo.conf"
    mkdir -p "$SFA_LOCAL/data"
    ensure_master_password "$SFA_LOCAL/master_password"
    rm -f "$conf.new"
    (umask 077 && : >"$conf.new") || die "could not write $conf.new"
    cat >"$conf.new" <<EOF
[options]
addons_path = $ODOO_ADDONS,$SFA_ROOT
data_dir = $SFA_LOCAL/data
db_host = ${PGHOST}
db_port = ${PGPORT}
db_user = ${PGUSER}
db_password = ${PGPASSWORD:-False}
admin_passwd = $SFA_MASTER_PASSWORD
http_interface = $SFA_HTTP_INTERFACE
http_port = $SFA_HTTP_PORT
list_db = False
without_demo = False
EOF
    mv "$conf.new" "$conf"
    echo "$conf"
}

# What every command that runs Odoo needs: the Odoo tree (or die saying why not), the full
# venv, PostgreSQL and .local/odoo.conf (run, i18n, screenshots, data).
ensure_odoo_ready() {
    find_odoo
    describe_odoo
    [ "$ODOO_KIND" != none ] || die "$ODOO_WHY"
    ensure_venv full
    ensure_pg
    write_odoo_conf >/dev/null
}

odoo() {
    # shellcheck disable=SC2086
    "$ODOO_PY" $ODOO_BIN -c "$SFA_LOCAL/odoo.conf" "$@"
}
