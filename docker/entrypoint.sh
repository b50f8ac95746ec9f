#!/bin/bash
# Entrypoint of the odoo service in docker-compose.yml: writes Odoo's configuration from
# docker/odoo.conf plus the master password taken from ODOO_MASTER_PASSWORD (Odoo 18 has no
# command-line option or environment variable for it), then hands over to the official image's
# own entrypoint, which adds the database connection and starts Odoo with the given command.
# The paths can be changed for a test outside a container (the scripts tier of `make test`).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
conf=${SFA_ODOO_RC:-/tmp/odoo.conf}
image_entrypoint=${SFA_IMAGE_ENTRYPOINT:-/entrypoint.sh}

password=${ODOO_MASTER_PASSWORD:-}
case "$password" in
    "" | admin | *[[:space:]]*)
        echo "ODOO_MASTER_PASSWORD must be set to one word other than 'admin'" >&2
        exit 1 ;;
esac
rm -f "$conf"
(umask 077 && : >"$conf")
{
    cat "$here/odoo.conf"
    printf 'admin_passwd = %s\n' "$password"
} >>"$conf"
unset ODOO_MASTER_PASSWORD
export ODOO_RC="$conf"
exec "$image_entrypoint" "$@"
