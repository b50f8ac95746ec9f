from odoo import api, fields, models, tools


class CrmStage(models.Model):
    _inherit = "crm.stage"

    sfa_gate = fields.Selection(
        [
            ("qualification", "Qualified: need, authority, budget, timeline confirmed"),
            ("political_map", "Political map: decision maker and approver, no blocking flag"),
            ("value_worksheet", "Value worksheet: a current worksheet with tangible benefits"),
        ],
        "Gate to Leave This Stage",
        help="What an opportunity must have before it moves past this stage: to a later stage, "
        "over it (skipping it, or from an earlier or shared stage to one after it) or to a won "
        "stage. Moving back is free.",
    )
    sfa_gate_mode = fields.Selection(
        [("warning", "Warn"), ("blocking", "Block")],
        "Gate Mode",
        default="blocking",
        help="Block: the move is refused (a sales manager can override it with a reason). "
        "Warn: the move is made and the open points are noted on the opportunity.",
    )

    # The stages' requirements (the tooltip over a stage's name) are the course's rule of each
    # stage (docs/method.md §2): translatable, so a Chinese-speaking team reads them in Chinese.
    # Odoo converts the column to and from a translated one when the addon is installed or
    # removed, keeping the text.
    requirements = fields.Text(translate=True)

    @api.model
    @tools.ormcache("lang")
    def _sfa_stage_teams(self, lang):
        """``((stage id, team id or False), ...)`` of every stage in stage order: cached, as
        stages rarely change and every deal form needs them (crm.team._sfa_pipeline_stages);
        the cache is cleared when a stage is created, changed or deleted."""
        # sudo: the stages themselves are readable by every salesperson; the cache is shared
        stages = self.sudo().with_context(lang=lang, active_test=True).search_fetch([], ["team_id"])
        return tuple((stage.id, stage.team_id.id) for stage in stages)

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
