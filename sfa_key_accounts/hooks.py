from odoo.tools import SQL

from .models.crm_lead import CLOSED_DEALS_INDEXES

# Records of the addon made without an xml id that point at records the addon's data made
# (demo users, customers, deals, plans, the approval activity type): removed first, as
# uninstalling drops them anyway, so that removing the data records is not refused by their
# foreign keys.
UNINSTALL_FIRST = (
    "sfa_comp_statement_line",
    "sfa_comp_statement",
    "sfa_comp_assignment",
    "sfa_comp_credit_split",
    # the demo ranking's preview (demo/sfa_ranking_demo.xml), and any left by users
    "sfa_key_account_selection_line",
    "sfa_key_account_selection",
)


def uninstall_hook(env):
    # the approval activities hold on to the addon's activity type
    env.cr.execute(SQL("DELETE FROM mail_activity WHERE res_model = 'sfa.comp.statement'"))
    env.cr.execute(SQL("UPDATE sfa_comp_statement_line SET origin_line_id = NULL"))
    for table in UNINSTALL_FIRST:
        env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(table)))
    # key accounts the 80/20 selection or a first plan made (no xml id) for the demo customers
    env.cr.execute(
        SQL(
            """DELETE FROM sfa_key_account a
                WHERE NOT EXISTS (SELECT 1 FROM ir_model_data d
                                   WHERE d.model = 'sfa.key.account' AND d.res_id = a.id)"""
        )
    )
    # indexes of Odoo's table, made by crm.lead.init (Odoo drops only the addon's own tables)
    for name in CLOSED_DEALS_INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
