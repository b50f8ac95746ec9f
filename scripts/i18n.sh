#!/usr/bin/env bash
# `make i18n`: export the addon's translatable terms from a throw-away database into
# sfa_key_accounts/i18n/sfa_key_accounts.pot and merge them into zh_CN.po and zh_TW.po
# (msgmerge: new terms come in untranslated, changed ones marked fuzzy, gone ones dropped).
# Then translate what `msgattrib --untranslated` / `--only-fuzzy` lists.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SFA_ROOT"

ensure_odoo_ready
ensure_debian_packages gettext:/usr/bin/msgmerge
command -v msgmerge >/dev/null || die "msgmerge not found: apt-get install gettext"
mkdir -p "$SFA_LOCAL/logs"
DB="sfa_i18n_$$"
I18N="$SFA_ROOT/$SFA_MODULE/i18n"
trap 'dropdb --if-exists --force "$DB" >/dev/null 2>&1 || true' EXIT
say "installing $SFA_MODULE in a throw-away database $DB (without demo data)"
odoo -d "$DB" -i "$SFA_MODULE" --without-demo=all --stop-after-init --no-http \
    --logfile "$SFA_LOCAL/logs/i18n-install.log" || die "install failed: see .local/logs/i18n-install.log"
say "exporting the terms to $I18N/$SFA_MODULE.pot"
odoo -d "$DB" --i18n-export="$I18N/$SFA_MODULE.pot" --modules="$SFA_MODULE" --stop-after-init \
    --no-http --logfile "$SFA_LOCAL/logs/i18n-export.log" || die "export failed: see .local/logs/i18n-export.log"
for lang in zh_CN zh_TW; do
    msgmerge --quiet --update --no-fuzzy-matching --backup=none --width=79 \
        "$I18N/$lang.po" "$I18N/$SFA_MODULE.pot"
    msgattrib --no-obsolete --width=79 -o "$I18N/$lang.po" "$I18N/$lang.po"
    untranslated=$(msgattrib --untranslated "$I18N/$lang.po" | grep -c '^msgid ' || true)
    say "$lang.po: $(( untranslated > 0 ? untranslated - 1 : 0 )) term(s) to translate"
done
