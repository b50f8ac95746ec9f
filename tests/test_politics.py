"""Red flags, score and status of crafted political maps."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_engine.politics import (
    FLAGS,
    DealRow,
    MapContact,
    MergedRow,
    assess,
    flagged_people,
    has_cycle,
    least_favourable,
    map_score,
    merge_rows,
    stale_key_players,
    suggested_time_spent,
)


def c(key, roles=(), attitude="support", influence="medium", time=2, circle="influence", days=5):
    return MapContact(key, tuple(roles), attitude, influence, time, circle, days)


ALL_GREEN = [
    c("dm", "D", "champion", "high", 3, "core"),
    c("ap", "A", "support", "high", 2, "core"),
    c("ev", "E", "neutral", "medium", 1),
]


def test_all_green():
    assert assess(ALL_GREEN) == ([], 100, "green")


def test_empty_map():
    # three flags: 100 - 25 - 25 - 10 = 40 -> red
    assert assess([]) == (["no_decision_maker", "no_approver", "no_champion"], 40, "red")


def test_single_contact():
    flags, score, status = assess([c("dm", "DA", "champion", "high", 3, "core")])
    assert flags == ["single_threaded"]
    assert (score, status) == (90, "amber")


def test_hostile_decision_maker_in_core():
    contacts = [c("dm", "D", "hostile", "high", 1, "core"), *ALL_GREEN[1:]]
    flags, score, status = assess(contacts)
    # no champion left either: 100 - 25 (against) - 10 (no champion) - 10 (hostile core)
    assert flags == ["key_player_against", "no_champion", "hostile_core"]
    assert (score, status) == (55, "red")


def test_key_player_not_met_and_stale():
    contacts = [c("dm", "D", "champion", "high", 0, days=None), *ALL_GREEN[1:]]
    flags, score, status = assess(contacts)
    assert flags == ["key_player_not_met", "stale_key_player"]
    assert (score, status) == (85, "amber")


def test_flagged_people_name_who_raises_each_flag():
    contacts = [
        c("dm", "D", "hostile", "high", 0, "core", days=None),
        c("ap", "A", "champion", "high", 2, "core"),
        c("ev", "E", "against", "high", 1, days=45),
    ]
    assert flagged_people(contacts) == {
        "key_player_against": ["dm"],
        "hostile_core": ["dm"],
        "key_player_not_met": ["dm"],
        "single_threaded": [],
        "stale_key_player": ["dm", "ev"],
    }
    assert flagged_people([c("solo", "DA", "champion")])["single_threaded"] == ["solo"]
    # every flag about people is raised exactly when somebody raises it
    flags = assess(contacts)[0]
    for code, keys in flagged_people(contacts).items():
        assert (code in flags) == bool(keys)


def test_stale_threshold_and_influence():
    # a high-influence evaluator counts as a key player; 31 days > 30
    contacts = [*ALL_GREEN[:2], c("ev", "E", "support", "high", 2, days=31)]
    assert assess(contacts)[0] == ["stale_key_player"]
    assert assess(contacts, stale_after_days=40)[0] == []
    assert stale_key_players(contacts) == ["ev"]
    assert stale_key_players([c("nobody", "U", days=None)]) == []  # not a key player
    # a neutral approver is "not for us"
    contacts = [ALL_GREEN[0], c("ap", "A", "neutral", "high", 2), ALL_GREEN[2]]
    assert assess(contacts)[0] == ["key_player_against"]


def test_every_flag_has_a_severity():
    assert set(FLAGS.values()) == {"blocking", "warning", "info"}
    assert map_score(list(FLAGS)) == 0  # never below zero


@pytest.mark.parametrize(
    ("meetings", "messages", "level"),
    [(0, 0, 0), (0, 4, 1), (1, 0, 1), (2, 0, 2), (3, 0, 3), (7, 9, 3)],
)
def test_suggested_time_spent(meetings, messages, level):
    assert suggested_time_spent(meetings, messages) == level


def test_cycles():
    assert not has_cycle({"a": None, "b": "a", "c": "b"})
    assert has_cycle({"a": "c", "b": "a", "c": "b"})
    assert has_cycle({"a": "a"})
    assert not has_cycle({})


def test_least_favourable():
    assert least_favourable(["champion", "hostile", "support"]) == "hostile"
    assert least_favourable(["support", "neutral"]) == "neutral"
    assert least_favourable(["champion", None]) == "champion"
    assert least_favourable([None]) is None


def test_merge_rows_of_one_person_on_one_deal():
    rows = [
        # deal 1: the champion-as-approver row must not hide the hostile decision maker
        DealRow(7, 1, "dora", frozenset("A"), "champion", "medium", 3),
        DealRow(4, 1, "dora", frozenset("D"), "hostile", "high", 1),
        DealRow(9, 1, "dora", frozenset(), "support", "low", 0),
        DealRow(5, 1, "eli", frozenset("E"), "support", "medium", 2),  # alone: untouched
        DealRow(6, 2, "dora", frozenset("D"), "champion", "low", 2),  # another deal
    ]
    assert merge_rows(rows) == [
        MergedRow(4, (7, 9), frozenset("AD"), "hostile", "high", 3),
    ]
    assert merge_rows([DealRow(1, 1, "x", attitude=None), DealRow(2, 1, "x")]) == [
        MergedRow(1, (2,), frozenset(), None, None, None)
    ]


def test_merged_map_raises_what_the_rows_hid():
    """What the 1.0 map read (the first row's attitude) against the merged person."""
    merged = merge_rows(
        [
            DealRow(1, 1, "p", frozenset("A"), "champion", "high", 2),
            DealRow(2, 1, "p", frozenset("D"), "hostile", "high", 2),
        ]
    )[0]
    person = MapContact("p", tuple(sorted(merged.roles)), merged.attitude, "high", 2, "core", 3)
    helper = MapContact("h", ("E",), "champion", "medium", 2, "influence", 3)
    assert assess([person, helper])[0] == ["key_player_against", "hostile_core"]


contacts = st.lists(
    st.builds(
        MapContact,
        key=st.integers(),
        roles=st.sets(st.sampled_from("ACDEU")).map(tuple),
        attitude=st.sampled_from(["champion", "support", "neutral", "against", "hostile"]),
        influence=st.sampled_from(["high", "medium", "low"]),
        time_spent=st.integers(0, 3),
        circle=st.sampled_from(["core", "influence", "outside"]),
        days_since_contact=st.one_of(st.none(), st.integers(0, 400)),
    ),
    max_size=8,
)


@given(contacts)
def test_score_and_status_laws(contacts):
    flags, score, status = assess(contacts)
    assert 0 <= score <= 100
    assert (status == "green") == (not flags)
    penalty = {"blocking": 25, "warning": 10, "info": 5}
    assert score == max(0, 100 - sum(penalty[FLAGS[f]] for f in flags))
