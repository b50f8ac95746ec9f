import math

from odoo import api, models
from odoo.exceptions import ValidationError

# Money and other free numbers: far beyond any deal, far below what breaks Odoo's rounding
# (1e308 / 0.01 overflows) or PostgreSQL's columns.
MAX_AMOUNT = 1e15
# PostgreSQL's int4, the column of every fields.Integer.
INT_RANGE = (-(2**31), 2**31 - 1)
NUMBER_TYPES = ("integer", "float", "monetary")


def check_numbers(records, vals, bounds, fnames=None):
    """Raise a ValidationError unless every number of ``vals`` (the values of a create or
    write of ``records``' model) is a finite number within its bounds.

    It runs before Odoo converts the values, where inf, NaN, 1e308 or 2**40 end in server
    errors (or are stored as they are). ``bounds`` maps a field name to ``(low, high)``;
    other fields get ``|x| <= MAX_AMOUNT`` (floats, money) or the int4 range (integers).
    ``fnames`` limits the check to those fields (e.g. on a shared model).
    """
    for fname, value in vals.items():
        field = records._fields.get(fname)
        if not field or field.type not in NUMBER_TYPES or (fnames and fname not in fnames):
            continue
        if field.type == "integer":
            low, high = bounds.get(fname, INT_RANGE)
        else:
            low, high = bounds.get(fname, (-MAX_AMOUNT, MAX_AMOUNT))
        try:
            number = float(value or 0)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or not low <= number <= high:
            label = field._description_string(records.env)
            if not math.isfinite(number):
                message = records.env._(
                    "%(field)s must be a number from %(low)s to %(high)s, not %(value)s.",
                    field=label,
                    low=_format(low),
                    high=_format(high),
                    value=str(value),
                )
            else:
                message = records.env._(
                    "%(field)s must be from %(low)s to %(high)s (you entered %(value)s).",
                    field=label,
                    low=_format(low),
                    high=_format(high),
                    value=_format(number),
                )
            raise ValidationError(message)


def _format(number):
    return f"{number:,.16g}"


class SfaNumberMixin(models.AbstractModel):
    """Numbers typed by users or sent over RPC, checked in one place: finite, and within
    the bounds a model declares in ``_sfa_number_bounds`` (``{field: (low, high)}``), or
    within sane defaults for the other numbers. Bad input gets a clear, translated error
    and changes nothing."""

    _name = "sfa.number.mixin"
    _description = "Checked Numbers"

    _sfa_number_bounds = {}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_numbers(self, vals, self._sfa_number_bounds)
        return super().create(vals_list)

    def write(self, vals):
        check_numbers(self, vals, self._sfa_number_bounds)
        return super().write(vals)
