from odoo.addons.sfa_key_accounts.migrations.partner_to_key_account import stash


def migrate(cr, version):
    if version:
        stash(cr)
