from lxml import etree

from odoo import api, fields, models

EDIT_FLAG = "sfa_can_edit"


def _or_not_editable(expression):
    """The view expression ``expression`` (None when absent) extended with "or the user may
    not edit this record"; a constant true expression stays as it is."""
    if expression is None or expression.strip() in ("", "0", "False"):
        return f"not {EDIT_FLAG}"
    if expression.strip() in ("1", "True"):
        return expression
    return f"({expression}) or not {EDIT_FLAG}"


class SfaEditGuardMixin(models.AbstractModel):
    """A form that is read-only for whoever may read the record but not edit it.

    Record rules let a rep read a key account or an account plan of a customer they sell to
    or serve, while only its key-account manager may change it. Without this, the rep sees
    editable fields and buttons that end in an access error when saved or clicked. The form
    view is adapted once, when Odoo builds it (not per user): every field of the form that is
    not inside a one2many's own list becomes read-only, and the buttons named in
    ``_sfa_edit_buttons`` are hidden, when ``sfa_can_edit`` is false for the open record.
    """

    _name = "sfa.edit.guard.mixin"
    _description = "Read-only form for readers who may not edit"

    # Buttons of the form that change the record (a reader must not see them).
    _sfa_edit_buttons = ()

    sfa_can_edit = fields.Boolean(
        string="Can Edit",
        compute="_compute_sfa_can_edit",
        # A record being created is edited by its creator: the web client's onchange fills a
        # new record from defaults, not from the compute.
        default=True,
        help="Whether you may change this record (record rules); if not, its form is read-only.",
    )

    @api.depends_context("uid")
    def _compute_sfa_can_edit(self):
        editable = self._filtered_access("write")
        for record in self:
            record.sfa_can_edit = record in editable

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            self._sfa_guard_form(arch)
        return arch, view

    def _sfa_guard_form(self, arch):
        for node in arch.iter("field"):
            if any(parent.tag == "field" for parent in node.iterancestors()):
                continue  # a field of a one2many's own list: read-only with the one2many
            field = self._fields.get(node.get("name"))
            if field is None or field.name == EDIT_FLAG:
                continue
            if node.get("readonly") is None and field.readonly:
                continue  # read-only in the model already (a node's attribute would override it)
            node.set("readonly", _or_not_editable(node.get("readonly")))
        for node in arch.iter("button"):
            if node.get("name") in self._sfa_edit_buttons:
                node.set("invisible", _or_not_editable(node.get("invisible")))
        if not arch.xpath(f"//field[@name='{EDIT_FLAG}']"):
            arch.append(etree.Element("field", name=EDIT_FLAG, invisible="1"))
