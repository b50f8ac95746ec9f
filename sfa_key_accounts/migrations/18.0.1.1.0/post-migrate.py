"""1.1: recompute what follows from the merged buying-centre lines, and let the key-account
team use its own stages (its record is ``noupdate``)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    # role_id is now the first of the line's roles by sequence
    contacts = env["sfa.deal.contact"].search([])
    env.add_to_compute(contacts._fields["role_id"], contacts)
    # maps read every role of a person and their one attitude
    env["crm.lead"].with_context(active_test=False).search(
        [("deal_contact_ids", "!=", False)]
    )._sfa_recompute_maps()
    team = env.ref("sfa_key_accounts.crm_team_key_account", raise_if_not_found=False)
    if team:
        team.sfa_own_stages = True
    env.flush_all()
