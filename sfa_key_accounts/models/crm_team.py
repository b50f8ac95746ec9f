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
        rows = self.env["crm.stage"]._sfa_stage_teams(self.env.lang)
        Stage = self.env["crm.stage"]
        shared = Stage.browse([sid for sid, team_id in rows if not team_id])
        result = {False: shared}
        for team in self:
            own = Stage.browse([sid for sid, team_id in rows if team_id == team.id])
            result[team.id] = own if team.sfa_own_stages and own else shared | own
        return result
