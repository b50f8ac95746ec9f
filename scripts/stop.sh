#!/usr/bin/env bash
# `make stop`: stop the project's own PostgreSQL cluster (nothing else is running in the
# background: Odoo itself stops with Ctrl-C), and first its read replica when `make replica`
# started one (scripts/replica.sh; quiet when there is none).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$SFA_ROOT/scripts/replica.sh" stop
stop_pg
