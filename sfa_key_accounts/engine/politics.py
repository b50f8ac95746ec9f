"""The political map of a deal's buying centre: red flags, a 0-100 score, a status
(docs/method.md §3), the suggested time-spent level from CRM activity, and reports-to cycles.

A map is a list of :class:`MapContact`, one per person on the deal, holding every role that
person plays in this decision and their one attitude. Each flag has a code (the public API of
``crm.lead.red_flag_codes``) and a severity.

Score = 100 - the penalties of the flags raised (blocking 25, warning 10, info 5), never
below 0. Status: red when a blocking flag is raised or the score is below 50; amber when any
other flag is raised; green when none is.
"""

from dataclasses import dataclass

APPROVER, CONSULTANT, DECISION_MAKER, EVALUATOR, USER = "A", "C", "D", "E", "U"
KEY_ROLES = (APPROVER, DECISION_MAKER)
# From the most to the least favourable to us
ATTITUDES = ("champion", "support", "neutral", "against", "hostile")
NOT_FOR_US = ("neutral", "against", "hostile")
INFLUENCES = ("low", "medium", "high")

BLOCKING, WARNING, INFO = "blocking", "warning", "info"
PENALTY = {BLOCKING: 25, WARNING: 10, INFO: 5}

GREEN, AMBER, RED = "green", "amber", "red"

# code -> severity, in the order flags are reported. The plain-language hint of each flag
# is translated, so it lives with the user interface (crm.lead._sfa_flag_hint).
FLAGS = {
    "no_decision_maker": BLOCKING,
    "no_approver": BLOCKING,
    "key_player_against": BLOCKING,
    "no_champion": WARNING,
    "hostile_core": WARNING,
    "key_player_not_met": WARNING,
    "single_threaded": WARNING,
    "stale_key_player": INFO,
}


@dataclass(frozen=True)
class MapContact:
    """One person on a deal's map. ``roles`` are role codes (A, C, D, E, U)."""

    key: object
    roles: tuple = ()
    attitude: str = "neutral"
    influence: str = "medium"
    time_spent: int = 0
    circle: str = "outside"
    days_since_contact: int | None = None  # None: never contacted


def is_key_player(contact):
    """Decision makers, approvers and people of high influence on this decision."""
    return bool(set(contact.roles) & set(KEY_ROLES)) or contact.influence == "high"


def stale_key_players(contacts, stale_after_days=30):
    """Keys of the key players not contacted for more than ``stale_after_days`` (or never)."""
    return [
        c.key
        for c in contacts
        if is_key_player(c)
        and (c.days_since_contact is None or c.days_since_contact > stale_after_days)
    ]


def flagged_people(contacts, stale_after_days=30):
    """``{flag code: keys of the people who raise it}`` for the flags about people (the
    others are about someone missing): the hints name them."""
    deciders = [c for c in contacts if set(c.roles) & set(KEY_ROLES)]
    return {
        "key_player_against": [c.key for c in deciders if c.attitude in NOT_FOR_US],
        "hostile_core": [c.key for c in contacts if c.attitude == "hostile" and c.circle == "core"],
        "key_player_not_met": [c.key for c in deciders if c.time_spent == 0],
        "single_threaded": [c.key for c in contacts] if len(contacts) == 1 else [],
        "stale_key_player": stale_key_players(contacts, stale_after_days),
    }


def red_flags(contacts, stale_after_days=30):
    """Flag codes raised by a map, in :data:`FLAGS` order."""
    roles = {role for c in contacts for role in c.roles}
    raised = {code: bool(keys) for code, keys in flagged_people(contacts, stale_after_days).items()}
    raised.update(
        {
            "no_decision_maker": DECISION_MAKER not in roles,
            "no_approver": APPROVER not in roles,
            "no_champion": not any(c.attitude == "champion" for c in contacts),
        }
    )
    return [code for code in FLAGS if raised[code]]


def map_score(flags):
    """0-100 score of a map from its flag codes."""
    return max(0, 100 - sum(PENALTY[FLAGS[code]] for code in flags))


def map_status(flags):
    """``green``, ``amber`` or ``red`` from the flag codes."""
    if any(FLAGS[code] == BLOCKING for code in flags) or map_score(flags) < 50:
        return RED
    return AMBER if flags else GREEN


def assess(contacts, stale_after_days=30):
    """``(flags, score, status)`` of a map."""
    flags = red_flags(contacts, stale_after_days)
    return flags, map_score(flags), map_status(flags)


def suggested_time_spent(meetings, messages):
    """Time-spent level suggested by what the CRM recorded with a person recently.

    0 never met (nothing recorded), 1 introduction (messages only, or a single meeting),
    2 one-to-one (two meetings), 3 quality time (three meetings or more).
    """
    if meetings >= 3:
        return 3
    if meetings == 2:
        return 2
    if meetings == 1 or messages > 0:
        return 1
    return 0


def least_favourable(attitudes):
    """The least favourable of some attitudes (hostile < against < neutral < support <
    champion), None when none is known."""
    known = [a for a in attitudes if a in ATTITUDES]
    return max(known, key=ATTITUDES.index) if known else None


@dataclass(frozen=True)
class DealRow:
    """A row of a deal's buying centre as version 1.0 stored it: one per (deal, person, role)."""

    key: object
    lead: object
    person: object
    roles: frozenset = frozenset()
    attitude: str | None = None
    influence: str | None = None
    time_spent: int | None = None


@dataclass(frozen=True)
class MergedRow:
    """What the rows of one person on one deal become: ``keep`` holds the union of the roles,
    the least favourable attitude, the highest influence and time spent; ``drop`` go."""

    keep: object
    drop: tuple
    roles: frozenset
    attitude: str | None
    influence: str | None
    time_spent: int | None


def merge_rows(rows):
    """One :class:`MergedRow` per (deal, person) that has more than one row, keeping the
    lowest key. The attitude is the least favourable one: a person cannot be a champion as
    approver and hostile as decision maker at once, and the map must rather show a hostile
    decision maker than hide them behind a friendly row (``key_player_against`` must
    surface)."""
    groups = {}
    for row in rows:
        groups.setdefault((row.lead, row.person), []).append(row)
    merged = []
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: r.key)
        influences = [r.influence for r in group if r.influence in INFLUENCES]
        times = [r.time_spent for r in group if r.time_spent is not None]
        merged.append(
            MergedRow(
                keep=group[0].key,
                drop=tuple(r.key for r in group[1:]),
                roles=frozenset().union(*(r.roles for r in group)),
                attitude=least_favourable(r.attitude for r in group),
                influence=max(influences, key=INFLUENCES.index) if influences else None,
                time_spent=max(times) if times else None,
            )
        )
    return merged


def has_cycle(parent_of):
    """True if following ``parent_of`` (a mapping child -> parent or None) ever loops."""
    for start in parent_of:
        seen = set()
        node = start
        while node is not None:
            if node in seen:
                return True
            seen.add(node)
            node = parent_of.get(node)
    return False
