"""Relationship health of a key account: one 0-100 score and its breakdown (docs/method.md §1.6).

The score rolls up four parts, each itself 0-100:

``signal``
    the ten relationship-strength signals ("tells you the faults of your products", ...):
    weight of the signals present / weight of all signals x 100. A checklist cannot tell
    "none of these is true" from "not looked at yet", so while no signal is ticked the part
    is not assessed (None), never 0.
``willingness`` and ``quality``
    the customer status analysis (willingness and quality assessments), and
``indicator``
    the account evaluation indicator system: each answer is a 1-5 score, worth
    (score - 1) / 4 of its weight; part = sum of those / weight of the answered items x 100.
    Unanswered items are left out (an assessment in progress is not a bad assessment).

Health = the weighted mean of the parts that have data, with :data:`PART_WEIGHTS`
(signals 40, willingness 15, quality 15, indicators 30). A part with no data is left out and
the other weights renormalised; with no data at all the health is ``None`` (not assessed),
which callers must show and aggregate as empty, never as 0.

Worked example: 3 of 10 equally weighted signals present -> 30; willingness answered 5 and
3 on two items of weight 50 -> (1 x 50 + 0.5 x 50) / 100 x 100 = 75; quality not answered;
indicators 4 and 2 on weights 60 and 40 -> (0.75 x 60 + 0.25 x 40) / 100 x 100 = 55;
health = (40 x 30 + 15 x 75 + 30 x 55) / (40 + 15 + 30) = 3975 / 85 = 46.76.
"""

SIGNAL = "signal"
WILLINGNESS = "willingness"
QUALITY = "quality"
INDICATOR = "indicator"
KINDS = (SIGNAL, WILLINGNESS, QUALITY, INDICATOR)
PART_WEIGHTS = {SIGNAL: 40, WILLINGNESS: 15, QUALITY: 15, INDICATOR: 30}

MIN_SCORE, MAX_SCORE = 1, 5


def score_fraction(score):
    """A 1-5 score as a fraction of its weight: 1 -> 0, 3 -> 0.5, 5 -> 1; None stays None."""
    if score is None or score is False:
        return None
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"score {score!r} outside {MIN_SCORE}-{MAX_SCORE}")
    return (score - MIN_SCORE) / (MAX_SCORE - MIN_SCORE)


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
    :return: ``(health, breakdown)``: health 0-100 or None; breakdown kind -> score or None.
    """
    breakdown = {kind: part_score(parts.get(kind, ())) for kind in KINDS}
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


def weight_total_problems(weights_by_kind):
    """Kinds whose weights do not sum to 100, as ``{kind: total}`` (empty when all are fine)."""
    return {
        kind: total
        for kind, weights in weights_by_kind.items()
        if weights and abs((total := sum(weights)) - 100) > 1e-6
    }
