from odoo import SUPERUSER_ID, api

from odoo.addons.sfa_key_accounts.migrations.partner_to_key_account import move


def migrate(cr, version):
    if version:
        move(api.Environment(cr, SUPERUSER_ID, {}))
