"""Periods of one person that must not overlap (reviews, plan assignments, statements)."""


def period_clash(records, same=None):
    """``(record, other)``: the first record whose period overlaps another record of the
    same person (and, when ``same`` is given, for which ``same(record, other)`` holds), or
    None. An empty ``date_to`` runs on. Reads every record of those people in one search."""
    Model = records.sudo()
    others = Model.search([("user_id", "in", records.user_id.ids), ("id", "not in", records.ids)])
    for record in records:
        for other in others | Model:
            if (
                other.id != record.id
                and other.user_id == record.user_id
                and (same is None or same(record, other))
                and (not other.date_to or other.date_to >= record.date_from)
                and (not record.date_to or record.date_to >= other.date_from)
            ):
                return record, other
    return None
