from odoo import api, models

# The messages that count as a contact (sfa.stakeholder._contact_stats)
CONTACT_MESSAGE_TYPES = ("email", "comment")


class MailMessage(models.Model):
    """A message by, to or about a person of a buying centre refreshes the political maps of
    their open deals at once (last contact, stale key players), not only at the daily job."""

    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        # sudo: only the ids of the authors, recipients and partner records of the messages
        # just created are read, to mark maps for recomputation; nothing is returned.
        contacts = messages.sudo().filtered(lambda m: m.message_type in CONTACT_MESSAGE_TYPES)
        if contacts:
            partners = (
                contacts.author_id
                | contacts.partner_ids
                | self.env["res.partner"].browse(
                    contacts.filtered(lambda m: m.model == "res.partner").mapped("res_id")
                )
            )
            self.env["crm.lead"]._sfa_refresh_maps_of(partners)
        return messages
