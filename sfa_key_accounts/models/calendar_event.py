from odoo import api, models

# What moves a person's last contact or meeting count (sfa.stakeholder._contact_stats)
CONTACT_FIELDS = {"partner_ids", "start", "stop", "allday", "active"}


class CalendarEvent(models.Model):
    """A meeting with people of a buying centre refreshes the political maps of their open
    deals at once (last contact, stale key players), not only at the daily job."""

    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        self.env["crm.lead"]._sfa_refresh_maps_of(events.partner_ids)
        return events

    def write(self, vals):
        if not CONTACT_FIELDS & vals.keys():
            return super().write(vals)
        attendees = self.partner_ids  # before: a person taken off the meeting counts too
        res = super().write(vals)
        self.env["crm.lead"]._sfa_refresh_maps_of(attendees | self.partner_ids)
        return res

    def unlink(self):
        attendees = self.partner_ids
        res = super().unlink()
        self.env["crm.lead"]._sfa_refresh_maps_of(attendees)
        return res
