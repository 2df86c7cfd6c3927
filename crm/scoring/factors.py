"""The factor formulas of fit scoring, each returning values in [0, 1].

Every function here is elementwise and broadcasts: called with candidate columns of shape
``(N, 1)`` and opening rows of shape ``(1, M)`` it scores a block of N x M pairs; called
with two ``(P,)`` arrays it scores P given pairs. No function touches the database.

Where a factor cannot be judged (a candidate's unknown degree, years, pay or city), it is
**neutral**: 0.5, the middle of the range, so an empty field neither helps nor sinks a
candidate. Where the *opening* sets no requirement for a factor, every candidate meets it
(value 1), so the factor does not change that opening's ranking.

Each factor also has a *code* (small int) saying which case applied; the breakdown's
explanation is built from the code (:mod:`crm.scoring.explain`).

The constants come from settings (``CRM_SCORING_*`` in ``config/settings.py``) and are
passed in by the caller, so these functions stay pure and testable.
"""

from __future__ import annotations

import numpy as np

NEUTRAL = 0.5

# Degree levels come from talent.models.DEGREE_LEVELS (the degree scale's one home);
# here -1 stands for unknown (candidate) or none required (opening).

# --- degree -----------------------------------------------------------------------------
DEGREE_NO_REQUIREMENT, DEGREE_MET, DEGREE_SHORT, DEGREE_UNKNOWN = 0, 1, 2, 3


def degree_factor(candidate_level, required_level, *, with_code=False):
    """Return the degree factor (``(value, code)`` when ``with_code``).

    Levels: other 0, BSc 1, MSc 2, PhD 3; -1 = unknown (candidate) or none required.
    Formula: no requirement -> 1; unknown degree -> 0.5 (neutral);
    otherwise ``0.5 ** max(0, required - candidate)``: each level short halves the value.
    Example: MSc (2) for a PhD (3) opening = 0.5 ** 1 = 0.5; BSc (1) = 0.5 ** 2 = 0.25.
    Range [0.125, 1]. Shapes broadcast (``(N, 1)`` with ``(1, M)`` -> ``(N, M)``).
    """
    cand = np.asarray(candidate_level)
    req = np.asarray(required_level)
    short = np.clip(req - cand, 0, None)
    no_req = req < 0
    unknown = (cand < 0) & ~no_req
    value = np.where(no_req, 1.0, np.where(unknown, NEUTRAL, 0.5 ** short))
    if not with_code:
        return value
    code = np.where(no_req, DEGREE_NO_REQUIREMENT,
                    np.where(unknown, DEGREE_UNKNOWN, np.where(short > 0, DEGREE_SHORT, DEGREE_MET)))
    return value, code


# --- years of experience ----------------------------------------------------------------
(EXPERIENCE_NO_REQUIREMENT, EXPERIENCE_IN_RANGE, EXPERIENCE_BELOW, EXPERIENCE_ABOVE,
 EXPERIENCE_UNKNOWN) = 0, 1, 2, 3, 4
EXPERIENCE_OVER_PENALTY_PER_YEAR = 0.1
EXPERIENCE_OVER_FLOOR = 0.5


def experience_factor(years, min_years, max_years, *, with_code=False):
    """Return the years-of-experience factor (``(value, code)`` when ``with_code``).

    Units: years (float); ``nan`` = unknown (candidate) or no bound (opening).
    Formula: no bound at all -> 1; unknown years -> 0.5 (neutral);
    below the minimum ``y / min`` (linear from 0 at no experience);
    above the maximum ``max(0.5, 1 - 0.1 * (y - max))`` (a mild over-qualification
    penalty of 0.1 a year, floored at 0.5); inside the range 1.
    Example: 2 years for a 4-8 range = 2 / 4 = 0.5; 11 years = 1 - 0.1 * 3 = 0.7.
    Range [0, 1].
    """
    y = np.asarray(years, dtype=float)
    lo = np.asarray(min_years, dtype=float)
    hi = np.asarray(max_years, dtype=float)
    no_req = np.isnan(lo) & np.isnan(hi)
    unknown = np.isnan(y) & ~no_req
    with np.errstate(invalid="ignore", divide="ignore"):
        below = ~np.isnan(lo) & (y < lo)
        above = ~np.isnan(hi) & (y > hi)
        below_value = np.where(lo > 0, y / np.where(lo > 0, lo, 1.0), 1.0)
        above_value = np.maximum(EXPERIENCE_OVER_FLOOR, 1.0 - EXPERIENCE_OVER_PENALTY_PER_YEAR * (y - hi))
    value = np.select([no_req, unknown, below, above], [1.0, NEUTRAL, below_value, above_value], 1.0)
    if not with_code:
        return value
    code = np.select([no_req, unknown, below, above],
                     [EXPERIENCE_NO_REQUIREMENT, EXPERIENCE_UNKNOWN, EXPERIENCE_BELOW, EXPERIENCE_ABOVE],
                     EXPERIENCE_IN_RANGE)
    return value, code


# --- compensation -----------------------------------------------------------------------
(COMP_NO_BAND, COMP_WITHIN, COMP_ABOVE, COMP_UNKNOWN, COMP_RATE_MISSING,
 COMP_BAND_RATE_MISSING) = 0, 1, 2, 3, 4, 5


def compensation_factor(expected, candidate_state, band_max, band_state, stretch, *, with_code=False):
    """Return the compensation factor (``(value, code)`` when ``with_code``).

    Units: annual amounts already converted to ``settings.BASE_CURRENCY`` (float, used only
    to score; stored money stays Decimal). ``candidate_state``: 0 known, 1 unknown, 2 no
    exchange rate for the candidate's currency; ``band_state``: 0 known, 1 no band maximum,
    2 no exchange rate for the band's currency. ``stretch`` = settings
    ``CRM_SCORING_COMP_STRETCH`` (0.5).
    Formula: no band maximum -> 1; candidate or band not convertible, or pay unknown ->
    0.5 (neutral, never a penalty); expected <= band max -> 1 (asking less than the band is
    no misfit: level is judged by degree and years); above ->
    ``max(0, 1 - (expected - max) / (stretch * max))``, 0 at ``(1 + stretch) x max``.
    Example: band max 2,000,000, expects 2,400,000, stretch 0.5:
    1 - 400,000 / 1,000,000 = 0.6. Range [0, 1].
    """
    e = np.asarray(expected, dtype=float)
    hi = np.asarray(band_max, dtype=float)
    cs = np.asarray(candidate_state)
    bs = np.asarray(band_state)
    with np.errstate(invalid="ignore", divide="ignore"):
        over = np.maximum(0.0, 1.0 - (e - hi) / (stretch * hi))
    no_band = bs == 1
    band_missing = (bs == 2) & ~no_band
    unknown = (cs == 1) & ~no_band & ~band_missing
    rate_missing = (cs == 2) & ~no_band & ~band_missing
    above = (cs == 0) & (bs == 0) & (e > hi)
    conds = [no_band, band_missing, unknown, rate_missing, above]
    value = np.select(conds, [1.0, NEUTRAL, NEUTRAL, NEUTRAL, over], 1.0)
    if not with_code:
        return value
    code = np.select(conds, [COMP_NO_BAND, COMP_BAND_RATE_MISSING, COMP_UNKNOWN, COMP_RATE_MISSING, COMP_ABOVE],
                     COMP_WITHIN)
    return value, code


# --- location ---------------------------------------------------------------------------
(LOCATION_ANYWHERE, LOCATION_SAME_CITY, LOCATION_PREFERRED, LOCATION_RELOCATES, LOCATION_UNKNOWN,
 LOCATION_ELSEWHERE) = 0, 1, 2, 3, 4, 5
# value by code: remote or no city 1, same city 1, a preferred city 0.9, open to
# relocation 0.7, city unknown 0.5 (neutral), elsewhere and not relocating 0.2.
LOCATION_VALUES = np.array([1.0, 1.0, 0.9, 0.7, NEUTRAL, 0.2])


def location_factor(candidate_city, prefers_opening_city, relocates, opening_city, is_remote, *, with_code=False):
    """Return the location factor (``(value, code)`` when ``with_code``).

    Cities are indices into one vocabulary of the openings' cities (normalised with
    ``str.casefold`` after trimming): -1 = unknown (candidate) or none (opening), -2 = a known
    city that no opening is in. ``prefers_opening_city``: the opening's city is one of the
    candidate's preferred cities (bool, already gathered per pair).
    Formula, first case that applies: remote allowed or no city -> 1; same city -> 1;
    opening city preferred -> 0.9; open to relocation -> 0.7; candidate city unknown ->
    0.5 (neutral); otherwise 0.2. Range [0.2, 1].
    """
    cc = np.asarray(candidate_city)
    oc = np.asarray(opening_city)
    anywhere = np.asarray(is_remote) | (oc < 0)
    conds = [anywhere, cc == oc, np.asarray(prefers_opening_city), np.asarray(relocates), cc == -1]
    code = np.select(conds, [LOCATION_ANYWHERE, LOCATION_SAME_CITY, LOCATION_PREFERRED, LOCATION_RELOCATES,
                             LOCATION_UNKNOWN], LOCATION_ELSEWHERE)
    return (LOCATION_VALUES[code], code) if with_code else LOCATION_VALUES[code]


# --- research strength ------------------------------------------------------------------

def paper_points(tier, year, is_first_author, *, reference_year, tier_weights, half_life_years, first_author_bonus):
    """Return the research points of papers (elementwise), in top-paper equivalents.

    ``points = tier_weight[tier] * 0.5 ** (age / half_life) * (1 + bonus * is_first)``
    with ``age = max(0, reference_year - year)`` in years. Defaults (settings): tier 1 (top,
    CORE A* / CCF A) 1.0, tier 2 0.5, tier 3 0.2, unranked 0; half-life 5 years; first-author
    bonus 0.5. Preprints and workshop papers are given tier 0 by the caller: they count 0.
    Example: a first-author NeurIPS paper from 5 years ago = 1.0 * 0.5 * 1.5 = 0.75.
    """
    tier = np.asarray(tier)
    weights = np.zeros(max(4, max(tier_weights) + 1))
    for t, w in tier_weights.items():
        weights[int(t)] = w
    age = np.maximum(0, reference_year - np.asarray(year, dtype=float))
    return weights[tier] * 0.5 ** (age / half_life_years) * (1.0 + first_author_bonus * np.asarray(is_first_author))


def research_factor(points, target):
    """Return the research-strength factor from research points and the opening's target.

    ``points``: sum of :func:`paper_points` of the candidate (top-paper equivalents, >= 0).
    ``target``: the opening's ``target_top_papers`` (or ``CRM_SCORING_DEFAULT_TOP_PAPERS`` when
    it is 0), >= 1. Formula: ``1 - 10 ** (-points / target)``: saturating, 0 with no papers,
    0.9 at the target, 0.99 at twice the target, so stronger records still rank higher.
    Example: 1 point against a target of 2 = 1 - 10 ** -0.5 = 0.6838. Range [0, 1).
    """
    return 1.0 - np.power(10.0, -np.asarray(points, dtype=float) / np.asarray(target, dtype=float))


# --- specialty --------------------------------------------------------------------------
SIM_EXACT, SIM_NARROWER, SIM_BROADER, SIM_SIBLING = "exact", "narrower", "broader", "sibling"


def specialty_similarity(parents: list[int], credit: dict[str, float]) -> np.ndarray:
    """Return the ``(S, S)`` credit matrix ``sim[has, required]`` of the taxonomy.

    ``parents[i]`` is the index of node i's parent, or -1 for a root. The credit a
    candidate with specialty ``has`` gets for a requirement ``required`` (settings
    ``CRM_SCORING_TAXONOMY_CREDIT``): exact 1.0; narrower 0.8 (``has`` lies anywhere below
    ``required``: an RLHF specialist covers "reinforcement learning"); broader 0.5 (``has``
    is the direct parent of ``required``); sibling 0.3 (same parent); otherwise 0.
    """
    size = len(parents)
    sim = np.zeros((size, size))
    for has in range(size):
        sim[has, has] = credit[SIM_EXACT]
        node = parents[has]
        while node >= 0:  # every ancestor of `has` is covered by it
            sim[has, node] = max(sim[has, node], credit[SIM_NARROWER])
            node = parents[node]
    for req in range(size):
        parent = parents[req]
        if parent >= 0:
            sim[parent, req] = max(sim[parent, req], credit[SIM_BROADER])
            for sib in range(size):
                if sib != req and parents[sib] == parent:
                    sim[sib, req] = max(sim[sib, req], credit[SIM_SIBLING])
    return sim


def specialty_credit(has: np.ndarray, sim: np.ndarray) -> np.ndarray:
    """Return the ``(N, S)`` credit of each candidate for each specialty.

    ``has`` is ``(N, S)`` bool (declared or inferred): ``credit[i, r] = max_s has[i, s] *
    sim[s, r]``. See :func:`specialty_credit_from_pairs`.
    """
    rows, cols = np.nonzero(has)
    return specialty_credit_from_pairs(rows, cols, has.shape[0], sim)


def specialty_credit_from_pairs(rows, specs, n: int, sim: np.ndarray) -> np.ndarray:
    """Return the ``(N, S)`` credit from (candidate row, specialty index) pairs.

    ``credit[i] = max over the candidate's specialties s of sim[s]`` (row-wise maximum of
    the taxonomy rows), computed with one ``np.maximum.reduceat`` over the pairs sorted by
    candidate: ``pairs x S`` operations, no Python loop. Candidates without a specialty get 0.
    """
    credit = np.zeros((n, sim.shape[1]))
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0 or sim.shape[1] == 0:
        return credit
    order = np.argsort(rows, kind="stable")
    rows, specs = rows[order], np.asarray(specs, dtype=np.int64)[order]
    uniq, starts = np.unique(rows, return_index=True)
    credit[uniq] = np.maximum.reduceat(sim[specs], starts, axis=0)
    return credit


def specialty_factor(credit_weighted, weight_sum):
    """Return the specialty-match factor.

    ``credit_weighted = sum_r weight_r * credit(candidate, r)`` over the opening's
    requirements, ``weight_sum = sum_r weight_r``. Formula: the weighted mean of the
    credits, ``credit_weighted / weight_sum``; 1 when the opening requires no specialty.
    Example: requirements RL (weight 2) and robotics (1); exact RL, sibling of robotics:
    (2 * 1.0 + 1 * 0.3) / 3 = 0.7667. Range [0, 1].
    """
    ws = np.asarray(weight_sum, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        # min(1, .): the two sums may differ in the last bit (summation order)
        return np.where(ws > 0, np.minimum(1.0, np.asarray(credit_weighted) / np.where(ws > 0, ws, 1.0)), 1.0)
