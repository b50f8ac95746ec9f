from odoo import api, models
from odoo.fields import Command

# Context values that only server code can set: JSON-RPC and XML-RPC carry plain data, so a
# client can never send this object, whatever context it passes. Used for the few writes
# that only the addon's own code may make (ranking figures, gate overrides, versions).
_TRUSTED = object()


def trusted(records, key):
    """``records`` with the server-only permission ``key`` (see ``is_trusted``)."""
    return records.with_context(**{key: _TRUSTED})


def is_trusted(env, key):
    """Whether the addon's own code granted ``key`` (never true for a client's context)."""
    return env.context.get(key) is _TRUSTED


def set_to_defaults(env, vals, fresh):
    """Whether the create values ``vals`` and the context's ``default_*`` keys leave the
    fields of ``fresh`` at the values a new record has there (a form sends those: empty
    values and the initial state), so that a state or a figure is never set at creation."""
    for fname, initial in fresh.items():
        for value in (vals.get(fname), env.context.get(f"default_{fname}")):
            if value not in (None, False, 0, 0.0, initial):
                return False
    return True


def _target_ids(field, value):
    """Ids a create/write value of a relational field points at, in every form the ORM
    takes: a record set, an id or an ``(id, name)`` pair (what ``read`` returns) for a
    many2one, a list or tuple of commands and ids for a many2many."""
    if isinstance(value, models.BaseModel):
        return list(value.ids)
    if field.type == "many2one":
        if isinstance(value, tuple):
            value = value[0] if value else False
        return [value] if isinstance(value, int) and value else []
    ids = []
    for command in value or ():
        if isinstance(command, int):
            ids.append(command)
        elif isinstance(command, (list, tuple)) and command:
            if command[0] == Command.SET:
                ids.extend(command[2] or ())
            elif command[0] == Command.LINK:
                ids.append(command[1])
    return ids


class SfaAccessMixin(models.AbstractModel):
    """Record rules that hold after a write, and no link to what the user cannot read.

    Odoo checks record rules before a write, not after: without this, a rep could move their
    own record into a colleague's scope (their plan onto a colleague's customer, their SWOT
    item into a colleague's plan). And a many2one given by id is not checked at all: a rep
    could point a record at another's benchmark or plan need, and read it through the link.
    """

    _name = "sfa.access.mixin"
    _description = "Key-account access checks"

    @api.model_create_multi
    def create(self, vals_list):
        self._sfa_check_targets(vals_list)
        return super().create(vals_list)  # the ORM checks the create rules afterwards

    def write(self, vals):
        self._sfa_check_targets([vals])
        res = super().write(vals)
        # the records must still be in the user's scope once written
        self.check_access("write")
        return res

    @api.model
    def _sfa_check_targets(self, vals_list):
        """Refuse links (many2one, many2many) to records the user may not read."""
        if self.env.su:
            return
        targets = {}
        for vals in vals_list:
            for fname, value in vals.items():
                field = self._fields.get(fname)
                if field and field.type in ("many2one", "many2many"):
                    targets.setdefault(field.comodel_name, set()).update(_target_ids(field, value))
        for model, ids in targets.items():
            if ids:
                self.env[model].browse(ids).check_access("read")
