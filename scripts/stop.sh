#!/usr/bin/env bash
# `make stop`: stop the project's own PostgreSQL cluster (nothing else is running in the
# background: Odoo itself stops with Ctrl-C).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
stop_pg
