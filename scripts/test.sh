#!/usr/bin/env bash
# The test command (README, `make test`, `.ci/run`): lint, checks of the scripts, engine tests,
# install + Odoo tests on a database without and with demo data, browser tours in headless
# Chromium, uninstall, and the README's run command (`make run`) end to end; a summary line per
# tier and a non-zero exit on any failure. See scripts/test_runner.py for what fails a tier.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SFA_ROOT" || exit 1

find_odoo
describe_odoo
if [ "$ODOO_KIND" = none ]; then
    ensure_venv dev
else
    ensure_venv full
    # Odoo silently skips tours without a Chromium: install Debian's when it is missing.
    ensure_debian_packages chromium:/usr/bin/chromium
    ensure_pg
    write_odoo_conf >/dev/null
fi
# The scripts tier runs shellcheck on scripts/*.sh.
ensure_debian_packages shellcheck:/usr/bin/shellcheck
mkdir -p "$SFA_LOCAL/logs"
export ODOO_KIND ODOO_WHY ODOO_BIN ODOO_PY ODOO_SRC SFA_LOCAL SFA_ROOT SFA_MODULE SFA_VENV
exec "$SFA_VENV/bin/python" "$SFA_ROOT/scripts/test_runner.py" "$@"
