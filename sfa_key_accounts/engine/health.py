"""Relationship health of a key account and the customer status analysis of a person
(docs/method.md §1.6): 0-100 scores from weighted answers.

A plan's health rolls up two parts (:data:`PLAN_KINDS`), each itself 0-100:

``signal``
    the ten relationship-strength signals ("tells you the faults of your products", ...):
    weight of the signals present / weight of all signals x 100. A checklist cannot tell
    "none of these is true" from "not looked at yet", so while no signal is ticked the part
    is not assessed (None), never 0.
``indicator``
    the account evaluation indicator system: each answer is a 1-5 score, worth
    (score - 1) / 4 of its weight; part = sum of those / weight of the answered items x 100.
    Unanswered items are left out (an assessment in progress is not a bad assessment).

Health = the weighted mean of the parts that have data, with :data:`PART_WEIGHTS`
(signals 40, indicators 30: an addon default, not from the course, so signals weigh 4/7 and
indicators 3/7). A part with no data is left out and the other weight renormalised; with no
data at all the health is ``None`` (not assessed), which callers must show and aggregate as
empty, never as 0.

Worked example: 3 of 10 equally weighted signals present -> 30; indicators 4 and 2 on
weights 60 and 40 -> (0.75 x 60 + 0.25 x 40) / 100 x 100 = 55;
health = (40 x 30 + 30 x 55) / (40 + 30) = 2850 / 70 = 40.71.

The customer status analysis (客户状态分析表, :data:`STATUS_KINDS`) is about a person of the
buying centre, not the account, and is not part of the health: a stakeholder's
``willingness`` (客户意愿评估) and ``quality`` (客户素质评估, their character and standing)
are each a part of its own, scored as the indicators are (:func:`status_scores`).

Worked example: willingness answered 5, 5, 4 and 3 on four of the ten questions of weight
10, the other six unanswered -> (1 + 1 + 0.75 + 0.5) x 10 / 40 x 100 = 81.25; quality all
ten answered 3 -> 50.
"""

SIGNAL = "signal"
WILLINGNESS = "willingness"
QUALITY = "quality"
INDICATOR = "indicator"
# every kind of criterion (the question bank's selection)
KINDS = (SIGNAL, WILLINGNESS, QUALITY, INDICATOR)
# the parts of an account plan's health
PLAN_KINDS = (SIGNAL, INDICATOR)
# the customer status analysis of a stakeholder
STATUS_KINDS = (WILLINGNESS, QUALITY)
PART_WEIGHTS = {SIGNAL: 40, INDICATOR: 30}

MIN_SCORE, MAX_SCORE = 1, 5


def score_fraction(score):
    """A 1-5 score as a fraction of its weight: 1 -> 0, 3 -> 0.5, 5 -> 1; None stays None."""
    if score is None or score is False:
        return None
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"score {score!r} outside {MIN_SCORE}-{MAX_SCORE}")
    return (score - MIN_SCORE) / (MAX_SCORE - MIN_SCORE)


def answer_item(weight, score):
    """A 1-5 answer as a part item ``(weight, fraction)``; ``score`` as a selection stores it
    ("1" to "5", or empty: unanswered)."""
    return weight, score_fraction(int(score) if score else None)


def part_score(items):
    """0-100 score of one part from ``(weight, fraction)`` pairs; fraction None = unanswered.

    Returns None when no item is answered or the answered weights sum to zero.
    """
    answered = [(w, f) for w, f in items if f is not None]
    if not answered:
        return None
    return part_from_totals(sum(w * f for w, f in answered), sum(w for w, _f in answered))


def part_from_totals(weighted, total):
    """0-100 score of a part from its answered items' sum of weight x fraction and sum of
    weights (as a database sums them); None when the weights sum to zero or less."""
    if total is None or total <= 0:
        return None
    return 100.0 * weighted / total


def signal_items(signals):
    """``(weight, present)`` pairs of the strength-signal checklist as part items; while no
    signal is ticked every item is unanswered (the part is not assessed)."""
    signals = list(signals)
    if not any(present for _w, present in signals):
        return [(w, None) for w, _present in signals]
    return [(w, 1.0 if present else 0.0) for w, present in signals]


def health_score(parts, part_weights=None):
    """Overall health and breakdown.

    :param parts: mapping kind -> list of ``(weight, fraction)`` items (see :func:`part_score`).
    :param part_weights: mapping kind -> weight of that part (default :data:`PART_WEIGHTS`).
    :return: ``(health, breakdown)``: health 0-100 or None; breakdown kind -> score or None,
        for the kinds of :data:`PLAN_KINDS` (other kinds of ``parts`` are left out).
    """
    breakdown = {kind: part_score(parts.get(kind, ())) for kind in PLAN_KINDS}
    return health_of_breakdown(breakdown, part_weights), breakdown


def health_of_breakdown(breakdown, part_weights=None):
    """The weighted mean of the parts that have a score (kind -> score or None); None when
    none has."""
    weights = PART_WEIGHTS if part_weights is None else part_weights
    scored = [(weights.get(k, 0), s) for k, s in breakdown.items() if s is not None]
    total = sum(w for w, _s in scored)
    if not scored or total <= 0:
        return None
    return sum(w * s for w, s in scored) / total


def status_scores(parts):
    """A stakeholder's customer status analysis: kind -> 0-100 score or None (not assessed)
    for each kind of :data:`STATUS_KINDS`, from ``parts`` (kind -> ``(weight, fraction)``
    items, as :func:`part_score` takes them)."""
    return {kind: part_score(parts.get(kind, ())) for kind in STATUS_KINDS}


def weight_total_problems(weights_by_kind):
    """Kinds whose weights do not sum to 100, as ``{kind: total}`` (empty when all are fine)."""
    return {
        kind: total
        for kind, weights in weights_by_kind.items()
        if weights and abs((total := sum(weights)) - 100) > 1e-6
    }
