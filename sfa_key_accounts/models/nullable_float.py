from odoo import fields


class NullableFloat(fields.Float):
    """A float that can be empty, for scores where "not assessed" is not 0.

    ``fields.Float`` turns an empty value into 0.0 everywhere (cache, column, RPC). This one
    keeps it empty: None in the cache and in Python (so ``'%.0f' % value`` fails loudly
    instead of printing 0), NULL in the column (so SQL AVG, hence read_group, pivots and
    graphs, leave it out), and False over RPC, which the web client shows as an empty cell.

    Searching still follows Odoo's numeric rules: ``('x', '<', 50)`` also matches NULL, so
    domains that mean "assessed and low" add the companion ``*_assessed`` boolean.
    A field related to one of these should be a NullableFloat too to keep the empty value.
    """

    def convert_to_column(self, value, record, values=None, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_column(value, record, values, validate)

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return value

    def convert_to_export(self, value, record):
        return "" if value is None else value
