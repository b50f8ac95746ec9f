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
)


def uninstall_hook(env):
    # the approval activities hold on to the addon's activity type
    env.cr.execute(SQL("DELETE FROM mail_activity WHERE res_model = 'sfa.comp.statement'"))
    env.cr.execute(SQL("UPDATE sfa_comp_statement_line SET origin_line_id = NULL"))
    for table in UNINSTALL_FIRST:
        env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(table)))
    # indexes of Odoo's table, made by crm.lead.init (Odoo drops only the addon's own tables)
    for name in CLOSED_DEALS_INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
