#!/usr/bin/env bash
# The run command (README, `make run`): from a fresh clone, set up what is missing (Python
# environment, the project's own PostgreSQL cluster, the master password), create the demo
# database or update the addon in it, and serve the web client on 127.0.0.1 only. Ctrl-C
# stops Odoo; `make stop` stops the cluster. Checked end to end by the `run` tier of
# `make test` (scripts/test_runner.py).
#   SFA_DB              database name (default sfa_demo)
#   SFA_HTTP_PORT       web port (default 8069)
#   SFA_HTTP_INTERFACE  address to listen on (default 127.0.0.1; 0.0.0.0 for every address)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SFA_ROOT"

DB=${SFA_DB:-sfa_demo}
[[ "$DB" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] ||
    die "SFA_DB='$DB' is not a database name Odoo accepts (letters, digits, _ . -)"

ensure_odoo_ready
mkdir -p "$SFA_LOCAL/logs"

exists=$(psql -X -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" postgres) ||
    die "cannot query PostgreSQL at $PGHOST:$PGPORT as $PGUSER (psql failed, see above)"
if [ "$exists" = 1 ]; then
    say "updating $SFA_MODULE in database $DB"
    log="$SFA_LOCAL/logs/run-update.log"
    : >"$log"
    odoo -d "$DB" -u "$SFA_MODULE" --stop-after-init --no-http --logfile "$log" ||
        die "update failed: see .local/logs/run-update.log"
else
    say "creating database $DB with demo data and installing $SFA_MODULE (a few minutes the first time)"
    log="$SFA_LOCAL/logs/run-install.log"
    : >"$log"
    odoo -d "$DB" -i "$SFA_MODULE" --stop-after-init --no-http --logfile "$log" ||
        die "install failed: see .local/logs/run-install.log"
fi
if grep -qE ' (ERROR|CRITICAL) ' "$log"; then
    say "WARNING: the install/update logged errors: see ${log#"$SFA_ROOT"/}"
fi

url_host=$SFA_HTTP_INTERFACE
case "$url_host" in 0.0.0.0 | ::) url_host=localhost ;; *:*) url_host="[$url_host]" ;; esac
say "Odoo is starting on $SFA_HTTP_INTERFACE: open http://$url_host:$SFA_HTTP_PORT and log in as"
say "admin / admin (CRM > Key Accounts). The database manager is off; the master password is"
say "in .local/master_password. Ctrl-C stops Odoo; 'make stop' stops the database cluster."
odoo -d "$DB" --db-filter "^$DB\$"
