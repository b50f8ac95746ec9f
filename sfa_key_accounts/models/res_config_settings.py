from odoo import api, fields, models

from ..wizard.sfa_key_account_selection import AUTO_APPLY_PARAM
from .crm_lead import STALE_DAYS_PARAM
from .sfa_number_mixin import check_numbers

STALE_DAYS = (1, 3650)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sfa_retier_enabled = fields.Boolean(
        "Monthly 80/20 re-tiering",
        compute="_compute_sfa_retier_enabled",
        inverse="_inverse_sfa_retier_enabled",
    )
    sfa_retier_auto_apply = fields.Boolean(
        "Apply re-tiering automatically", config_parameter=AUTO_APPLY_PARAM
    )

    sfa_stale_days = fields.Integer(
        "Key player stale after (days)", config_parameter=STALE_DAYS_PARAM, default=30
    )

    @api.model_create_multi
    def create(self, vals_list):
        # only this addon's settings: the other numbers of the settings are not ours to check
        for vals in vals_list:
            check_numbers(self, vals, {"sfa_stale_days": STALE_DAYS}, fnames={"sfa_stale_days"})
        return super().create(vals_list)

    def write(self, vals):
        check_numbers(self, vals, {"sfa_stale_days": STALE_DAYS}, fnames={"sfa_stale_days"})
        return super().write(vals)

    def set_values(self):
        Lead = self.env["crm.lead"]
        before = Lead._sfa_stale_days()
        res = super().set_values()
        if Lead._sfa_stale_days() != before:
            # The flags of the open deals follow the new number of days at once, not at the
            # next daily refresh. sudo: the maps of every company's deals depend on this one
            # setting; they are only recomputed, nothing is read or returned.
            Lead.sudo()._cron_refresh_political_maps()
        return res

    @api.depends("company_id")
    def _compute_sfa_retier_enabled(self):
        cron = self.env.ref("sfa_key_accounts.ir_cron_key_account_retier", raise_if_not_found=False)
        # sudo: settings are for administrators, who may not hold rights on ir.cron; only this
        # one job's active flag is read and written
        for settings in self:
            settings.sfa_retier_enabled = bool(cron and cron.sudo().active)

    def _inverse_sfa_retier_enabled(self):
        cron = self.env.ref("sfa_key_accounts.ir_cron_key_account_retier", raise_if_not_found=False)
        if cron:
            cron.sudo().active = any(self.mapped("sfa_retier_enabled"))
