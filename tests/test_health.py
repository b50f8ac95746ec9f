"""Relationship health, checked against the worked example of the engine's docstring."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_engine.health import (
    INDICATOR,
    QUALITY,
    SIGNAL,
    WILLINGNESS,
    answer_item,
    health_score,
    part_score,
    score_fraction,
    signal_items,
    status_scores,
    weight_total_problems,
)


def test_worked_example():
    parts = {
        SIGNAL: signal_items([(10, i < 3) for i in range(10)]),
        INDICATOR: [(60, score_fraction(4)), (40, score_fraction(2))],
    }
    health, breakdown = health_score(parts)
    assert breakdown == {SIGNAL: 30.0, INDICATOR: 55.0}
    assert health == pytest.approx(2850 / 70)
    assert round(health, 2) == 40.71


def test_status_analysis_is_not_part_of_the_health():
    # the same plan with willingness and quality answers: they are a person's, not the plan's
    parts = {
        SIGNAL: signal_items([(10, i < 3) for i in range(10)]),
        WILLINGNESS: [(50, score_fraction(5)), (50, score_fraction(3))],
        QUALITY: [(100, score_fraction(1))],
        INDICATOR: [(60, score_fraction(4)), (40, score_fraction(2))],
    }
    health, breakdown = health_score(parts)
    assert breakdown == {SIGNAL: 30.0, INDICATOR: 55.0}
    assert health == pytest.approx(2850 / 70)


def test_status_worked_example():
    # willingness 5, 5, 4, 3 on four of ten questions of weight 10 -> 32.5 / 40 -> 81.25;
    # quality all ten answered 3 -> 50
    parts = {
        WILLINGNESS: [(10, score_fraction(s)) for s in (5, 5, 4, 3)] + [(10, None)] * 6,
        QUALITY: [(10, score_fraction(3))] * 10,
        SIGNAL: [(10, 1.0)],  # not a status kind: left out
    }
    assert status_scores(parts) == {WILLINGNESS: 81.25, QUALITY: 50.0}
    assert status_scores({}) == {WILLINGNESS: None, QUALITY: None}


def test_changing_one_answer_moves_health_by_its_weight():
    base = {SIGNAL: signal_items([(10, False)] * 10), INDICATOR: [(100, score_fraction(3))]}
    before, breakdown = health_score(base)
    # no signal ticked: the checklist is not assessed yet, so only the indicators count
    assert breakdown[SIGNAL] is None
    assert before == pytest.approx(50)
    base[SIGNAL] = signal_items([(10, i == 0) for i in range(10)])  # one signal of weight 10
    after, breakdown = health_score(base)
    # signals 10, indicators 50 -> (40 x 10 + 30 x 50) / 70
    assert breakdown[SIGNAL] == pytest.approx(10)
    assert after == pytest.approx(1900 / 70)


def test_nothing_assessed_is_none():
    assert health_score({}) == (None, {SIGNAL: None, INDICATOR: None})
    assert part_score([(0, 1.0)]) is None
    # a fresh plan: ten unticked signals and no score is "not assessed", not 0
    fresh = {SIGNAL: signal_items([(10, False)] * 10), INDICATOR: [(50, None)] * 2}
    assert health_score(fresh) == (None, {SIGNAL: None, INDICATOR: None})


def test_answer_item_reads_a_stored_score():
    assert answer_item(20, "4") == (20, 0.75)
    assert answer_item(20, False) == (20, None)
    assert answer_item(20, None) == (20, None)


def test_score_fraction_bounds():
    assert [score_fraction(s) for s in (1, 2, 3, 4, 5)] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert score_fraction(None) is None
    with pytest.raises(ValueError):
        score_fraction(6)
    with pytest.raises(ValueError):
        score_fraction(0)


def test_weight_totals():
    assert weight_total_problems({SIGNAL: [10] * 10, INDICATOR: [30, 70]}) == {}
    assert weight_total_problems({SIGNAL: [10] * 9, QUALITY: []}) == {SIGNAL: 90}


items = st.lists(
    st.tuples(st.integers(1, 100), st.one_of(st.none(), st.integers(1, 5).map(score_fraction))),
    max_size=12,
)


@given(st.fixed_dictionaries({SIGNAL: items, WILLINGNESS: items, QUALITY: items, INDICATOR: items}))
def test_health_stays_within_its_parts(parts):
    health, breakdown = health_score(parts)
    scores = [s for s in breakdown.values() if s is not None]
    if not scores:
        assert health is None
    else:
        assert min(scores) - 1e-9 <= health <= max(scores) + 1e-9
        assert 0 <= health <= 100
