"""Periods of one person that must not overlap (reviews, plan assignments, statements)."""


def period_clash(records, same=None):
    """``(record, other)``: the first record whose period overlaps another record of the
    same person (and, when ``same`` is given, for which ``same(record, other)`` holds), or
    None. An empty ``date_to`` runs on. Reads every record of those people in one search
    and compares each record with that person's records only."""
    Model = records.sudo()
    others = Model.search([("user_id", "in", records.user_id.ids), ("id", "not in", records.ids)])
    of_person = {}
    for other in others | Model:
        of_person.setdefault(other.user_id.id, []).append(other)
    for record in records:
        for other in of_person.get(record.user_id.id, []):
            if (
                other.id != record.id
                and (same is None or same(record, other))
                and (not other.date_to or other.date_to >= record.date_from)
                and (not record.date_to or record.date_to >= other.date_from)
            ):
                return record, other
    return None
