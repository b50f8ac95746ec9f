"""The engine's public vocabulary, pinned value by value.

These codes are not internal names: they are stored in customers' databases (selection
values such as a health criterion's ``kind``, a tier's ``rule``, a KPI's ``direction``, a
contact's ``attitude`` and ``influence``, the buying roles' ``code`` of the data files, the
red-flag codes of ``crm.lead.red_flag_codes``) and the addon's data files and selections are
built from them. The engine only ever uses them through their names, so nothing else would
notice a renamed value; changing one here is a data migration, not a refactoring. The
default weights and bounds are the figures a user sees and relies on.
"""

from sfa_engine import health, politics, ranking, value


def test_health_part_kinds_and_their_default_weights():
    assert (health.SIGNAL, health.WILLINGNESS, health.QUALITY, health.INDICATOR) == (
        "signal",
        "willingness",
        "quality",
        "indicator",
    )
    assert health.KINDS == ("signal", "willingness", "quality", "indicator")
    assert health.PLAN_KINDS == ("signal", "indicator")
    assert health.STATUS_KINDS == ("willingness", "quality")
    # signals 40, indicators 30 (docs/method.md §1.6, an addon default): 4/7 and 3/7
    assert health.PART_WEIGHTS == {"signal": 40, "indicator": 30}
    assert (health.MIN_SCORE, health.MAX_SCORE) == (1, 5)


def test_buying_roles_attitudes_and_influences():
    roles = (
        politics.APPROVER,
        politics.CONSULTANT,
        politics.DECISION_MAKER,
        politics.EVALUATOR,
        politics.USER,
    )
    assert roles == ("A", "C", "D", "E", "U")
    assert politics.KEY_ROLES == ("A", "D")
    # most to least favourable to us: the order least_favourable() and the merge rely on
    assert politics.ATTITUDES == ("champion", "support", "neutral", "against", "hostile")
    assert politics.NOT_FOR_US == ("neutral", "against", "hostile")
    assert politics.INFLUENCES == ("low", "medium", "high")


def test_red_flag_codes_severities_penalties_and_statuses():
    assert list(politics.FLAGS.items()) == [
        ("no_decision_maker", "blocking"),
        ("no_approver", "blocking"),
        ("key_player_against", "blocking"),
        ("no_champion", "warning"),
        ("hostile_core", "warning"),
        ("key_player_not_met", "warning"),
        ("single_threaded", "warning"),
        ("stale_key_player", "info"),
    ]
    assert (politics.BLOCKING, politics.WARNING, politics.INFO) == ("blocking", "warning", "info")
    assert politics.PENALTY == {"blocking": 25, "warning": 10, "info": 5}
    assert (politics.GREEN, politics.AMBER, politics.RED) == ("green", "amber", "red")


def test_tiering_rules():
    assert (ranking.CUSTOMER_SHARE, ranking.REVENUE_SHARE) == ("customer_share", "revenue_share")
    assert ranking.RULES == ("customer_share", "revenue_share")


def test_value_recurrences_directions_and_bounds():
    assert (value.ONE_TIME, value.YEARLY) == ("one_time", "yearly")
    assert (value.HIGHER, value.LOWER) == ("higher", "lower")
    assert (value.HORIZON_MIN, value.HORIZON_MAX) == (1, 30)
    assert (value.RATING_MIN, value.RATING_MAX) == (1, 5)
