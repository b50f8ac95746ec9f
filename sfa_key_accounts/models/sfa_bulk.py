"""Set-based writing shared by the addon's bulk paths (docs/benchmarks.md)."""

from odoo.tools import SQL


def update_rows(records, rows):
    """Write stored columns of many records with different values in one UPDATE.

    ``rows`` maps a record id to ``{field name: value as stored}`` (the same fields for every
    row); the values must already be what the column holds (the caller converts and rounds).
    ``write_uid`` and ``write_date`` are set as the ORM sets them. The cache is not touched:
    the caller invalidates and triggers what depends on the fields.
    """
    if not rows:
        return
    fnames = sorted(next(iter(rows.values())))
    model = records.browse()
    records.env.cr.execute(
        SQL(
            """UPDATE %(table)s t SET %(sets)s, write_uid = %(uid)s,
                      write_date = now() AT TIME ZONE 'UTC'
                 FROM unnest(%(ids)s::int[], %(arrays)s) AS v(id, %(names)s)
                WHERE t.id = v.id""",
            table=SQL.identifier(model._table),
            sets=SQL(", ").join(
                SQL("%s = v.%s", SQL.identifier(f), SQL.identifier(f)) for f in fnames
            ),
            uid=records.env.uid,
            ids=list(rows),
            arrays=SQL(", ").join(
                SQL(
                    "%s::%s[]",
                    [row[f] for row in rows.values()],
                    SQL(model._fields[f].column_type[1]),
                )
                for f in fnames
            ),
            names=SQL(", ").join(SQL.identifier(f) for f in fnames),
        )
    )


def _quoted(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def array_literal(values):
    """``values`` (ints, floats, decimals, strings, booleans or None) as the text of a
    PostgreSQL array, to pass as one parameter cast to its array type: a list passed as a
    parameter becomes an ``ARRAY[...]`` of one constant per value, which PostgreSQL parses
    and plans value by value (a statement of 50,000 lines: 19 columns of 50,000
    constants)."""
    return (
        "{"
        + ",".join(
            [
                "NULL"
                if value is None
                else ("t" if value else "f")
                if value is True or value is False
                else _quoted(str(value))  # a str subclass (Markup) escapes in replace()
                if isinstance(value, str)
                else str(value)
                for value in values
            ]
        )
        + "}"
    )
