"""1.6: a demo database shows the 80/20 selection applied (demo/sfa_ranking_demo.xml), also
one installed with an earlier release and upgraded: that file runs at install only. Only on
a database with the addon's demo data where the demo company was never ranked; idempotent."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    if not env.ref("sfa_key_accounts.partner_huaxin_demo", raise_if_not_found=False):
        return  # no demo data
    company = env.ref("base.main_company", raise_if_not_found=False)
    if not company or env["sfa.key.account"].search_count(
        [("company_id", "=", company.id), ("rank", ">", 0)], limit=1
    ):
        return
    selection = env["sfa.key.account.selection"].with_company(company)
    wizard = selection.create({"company_id": company.id})
    wizard.action_compute()
    wizard.action_apply()
