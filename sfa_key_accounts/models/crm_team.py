from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    sfa_use_political_map = fields.Boolean(
        "Political Maps",
        help="Every opportunity of this team gets a political map score and status, even "
        "before anyone is on its map (other teams' deals only once someone is).",
    )
    sfa_own_stages = fields.Boolean(
        "Own Stages Only",
        help="The pipeline of this team uses only the stages that belong to it (stages whose "
        "Sales Team is this team), not the stages shared by every team: its kanban, the "
        "opportunity's status bar and a new opportunity's first stage. When none of its stages "
        "is a won stage, the Won button still uses the shared won stage. A team without "
        "stages of its own keeps the shared ones.",
    )

    def _sfa_pipeline_stages(self):
        """The stages each team's pipeline uses, as ``{team id: crm.stage}`` in stage order,
        with the key ``False`` for opportunities without a team; one search for all teams.

        A team with its own stages (``sfa_own_stages`` and at least one stage of its own) uses
        only those (its won stage among them, if it has one). Any other team uses the shared
        stages and its own, as the CRM does."""
        stages = self.env["crm.stage"].search(
            ["|", ("team_id", "=", False), ("team_id", "in", self.ids)]
        )
        shared = stages.filtered(lambda s: not s.team_id)
        result = {False: shared}
        for team in self:
            own = stages.filtered(lambda s, team=team: s.team_id == team)
            result[team.id] = own if team.sfa_own_stages and own else shared | own
        return result
