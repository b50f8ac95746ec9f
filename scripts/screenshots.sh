#!/usr/bin/env bash
# `make screenshots`: run the tours that photograph the main screens (English and zh_CN) on a
# throw-away database and keep their pictures as sfa_key_accounts/static/description/
# <screen>_<lang>.png, shown by the module's index.html and the README. The same tours run in
# `make test` (tours tier) with the pictures in a temporary directory.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SFA_ROOT"

ensure_odoo_ready
# Chromium for the tours, a CJK font so that the zh_CN pictures show Chinese, not boxes
ensure_debian_packages chromium:/usr/bin/chromium \
    fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
mkdir -p "$SFA_LOCAL/logs"
DB="sfa_shots_$$"
LOG="$SFA_LOCAL/logs/screenshots.log"
trap 'dropdb --if-exists --force "$DB" >/dev/null 2>&1 || true' EXIT
export SFA_SCREENSHOTS="${SFA_SCREENSHOTS:-$SFA_ROOT/$SFA_MODULE/static/description}"
tags="/$SFA_MODULE:TestTours.test_map_quick_add_tour,/$SFA_MODULE:TestTours.test_map_quick_add_tour_en"
say "running the screenshot tours in a throw-away database $DB (pictures: $SFA_SCREENSHOTS)"
odoo -d "$DB" -i "$SFA_MODULE" --without-demo=all --stop-after-init \
    --http-port "${SFA_SHOTS_HTTP_PORT:-8179}" --test-tags "$tags" --logfile "$LOG" ||
    die "odoo failed: see $LOG"
# Odoo exits 0 even when a tour failed or did not run: the closing line says
grep -q "odoo.tests.result: 0 failed, 0 error(s) of 2 tests" "$LOG" ||
    die "the screenshot tours did not both pass: see $LOG"
for screen in political_map pipeline key_accounts; do
    for lang in en_US zh_CN; do
        [ -s "$SFA_SCREENSHOTS/${screen}_$lang.png" ] || die "missing ${screen}_$lang.png"
    done
done
say "screenshots saved in $SFA_SCREENSHOTS"
