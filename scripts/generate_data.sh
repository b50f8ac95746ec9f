#!/usr/bin/env bash
# The benchmark data command (`make data SIZE=tiny|small|large [SFA_BENCH_DB=name] [SEED=n]`):
# (re)creates the database: drops it if it exists, installs the addon without demo data,
# then fills it with seeded data of the given size (scripts/generate_data.py) and prints
# the rows made and the time of each step. The same size and seed give the same data.
#   SIZE          tiny (1,000 companies / 10,000 opportunities / 10 reps; CI), small
#                 (10,000 / 100,000 / 40) or large (100,000 / 1,000,000 / 200); default tiny
#   SFA_BENCH_DB  database name (default sfa_bench_<size>)
#   SEED          seed of the pseudo-random data (default 1)
#   SFA_BENCH_TODAY  reference day of the data, YYYY-MM-DD (default: today)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SFA_ROOT"

SIZE=${1:-${SIZE:-tiny}}
case "$SIZE" in
    tiny | small | large) ;;
    *) die "SIZE='$SIZE': use tiny, small or large" ;;
esac
DB=${SFA_BENCH_DB:-sfa_bench_$SIZE}
[[ "$DB" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] ||
    die "SFA_BENCH_DB='$DB' is not a database name Odoo accepts (letters, digits, _ . -)"
SEED=${SEED:-1}
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED='$SEED' is not a whole number"
today=()
if [ -n "${SFA_BENCH_TODAY:-}" ]; then
    today=(--today "$SFA_BENCH_TODAY")
fi

started=$(date +%s)
ensure_odoo_ready
conf="$SFA_LOCAL/odoo.conf"
mkdir -p "$SFA_LOCAL/logs"

say "dropping database $DB (if it exists)"
dropdb --if-exists --force "$DB" || die "could not drop database $DB"
rm -rf "$SFA_LOCAL/data/filestore/$DB"

say "installing $SFA_MODULE without demo data into $DB"
log="$SFA_LOCAL/logs/data-install-$DB.log"
: >"$log"
install_start=$(date +%s)
odoo -d "$DB" --db_host "$PGHOST" --db_port "$PGPORT" -i "$SFA_MODULE" --without-demo=all \
    --stop-after-init --no-http --logfile "$log" ||
    die "install failed: see ${log#"$SFA_ROOT"/}"
if grep -qE ' (ERROR|CRITICAL) ' "$log"; then
    die "the install logged errors: see ${log#"$SFA_ROOT"/}"
fi
say "installed in $(($(date +%s) - install_start)) s"

python_path=${ODOO_SRC:-}
glog="$SFA_LOCAL/logs/data-generate-$DB.log"
PYTHONPATH="$python_path${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PY" scripts/generate_data.py \
    --db "$DB" --size "$SIZE" --seed "$SEED" --conf "$conf" --logfile "$glog" "${today[@]}" ||
    die "data generation failed: see the output above and ${glog#"$SFA_ROOT"/}"
say "database $DB built in $(($(date +%s) - started)) s (size $SIZE, seed $SEED)"
