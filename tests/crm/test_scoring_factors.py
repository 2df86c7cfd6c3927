"""Each factor formula on hand-computed examples (the arithmetic is in each docstring)."""

import numpy as np
import pytest

from crm.scoring import factors
from crm.scoring.features import opening_weights

NAN = float("nan")
CREDIT = {"exact": 1.0, "narrower": 0.8, "broader": 0.5, "sibling": 0.3}


def test_degree_factor_halves_per_level_short():
    """PhD=3 required: PhD 1; MSc 0.5**1 = 0.5; BSc 0.5**2 = 0.25; unknown 0.5; none required 1."""
    value, code = factors.degree_factor(np.array([3, 2, 1, -1, 0]), np.array([3, 3, 3, 3, -1]), with_code=True)

    assert value.tolist() == [1.0, 0.5, 0.25, 0.5, 1.0]
    assert code.tolist() == [factors.DEGREE_MET, factors.DEGREE_SHORT, factors.DEGREE_SHORT, factors.DEGREE_UNKNOWN,
                             factors.DEGREE_NO_REQUIREMENT]


def test_experience_factor_linear_below_and_mild_penalty_above():
    """Range 4-8: 2 y -> 2/4 = 0.5; 6 y -> 1; 11 y -> 1 - 0.1*3 = 0.7; 20 y -> max(0.5, -0.2) = 0.5;
    unknown -> 0.5; no range -> 1."""
    value = factors.experience_factor(np.array([2, 6, 11, 20, NAN, 3]), np.array([4, 4, 4, 4, 4, NAN]),
                                 np.array([8, 8, 8, 8, 8, NAN]))

    np.testing.assert_allclose(value, [0.5, 1.0, 0.7, 0.5, 0.5, 1.0])


def test_compensation_factor_against_band_maximum():
    """Band max 2,000,000, stretch 0.5: 2,400,000 -> 1 - 400,000/1,000,000 = 0.6; 3,000,000 -> 0;
    1,000,000 -> 1; unknown pay, missing candidate rate, missing band rate -> 0.5; no band -> 1."""
    expected = np.array([2.4e6, 3.0e6, 1.0e6, NAN, NAN, 2.4e6, 2.4e6])
    cand_state = np.array([0, 0, 0, 1, 2, 0, 0])
    band = np.array([2e6, 2e6, 2e6, 2e6, 2e6, NAN, NAN])
    band_state = np.array([0, 0, 0, 0, 0, 2, 1])

    value, code = factors.compensation_factor(expected, cand_state, band, band_state, 0.5, with_code=True)

    np.testing.assert_allclose(value, [0.6, 0.0, 1.0, 0.5, 0.5, 0.5, 1.0])
    assert code.tolist() == [factors.COMP_ABOVE, factors.COMP_ABOVE, factors.COMP_WITHIN, factors.COMP_UNKNOWN, factors.COMP_RATE_MISSING,
                             factors.COMP_BAND_RATE_MISSING, factors.COMP_NO_BAND]


def test_location_factor_cases_in_order():
    """Opening in city 0: same city 1; prefers it 0.9; relocates 0.7; unknown city 0.5; elsewhere 0.2;
    remote opening 1 whatever the candidate."""
    cand_city = np.array([0, 1, 1, -1, -2, -2])
    prefers = np.array([False, True, False, False, False, False])
    relocates = np.array([False, False, True, False, False, False])
    remote = np.array([False, False, False, False, False, True])

    value = factors.location_factor(cand_city, prefers, relocates, np.zeros(6, dtype=int), remote)

    np.testing.assert_allclose(value, [1.0, 0.9, 0.7, 0.5, 0.2, 1.0])


def test_paper_points_tier_recency_and_first_author():
    """Reference year 2026, half-life 5: first-author tier-1 paper of 2021 = 1.0 * 0.5 * 1.5 = 0.75;
    tier-2 of 2026 not first = 0.5; tier-3 of 2016 first = 0.2 * 0.25 * 1.5 = 0.075; unranked 0."""
    points = factors.paper_points(np.array([1, 2, 3, 0]), np.array([2021, 2026, 2016, 2026]), np.array([1, 0, 1, 1]),
                             reference_year=2026, tier_weights={1: 1.0, 2: 0.5, 3: 0.2}, half_life_years=5.0,
                             first_author_bonus=0.5)

    np.testing.assert_allclose(points, [0.75, 0.5, 0.075, 0.0])


def test_research_factor_saturates_at_the_target():
    """Target 2: 0 -> 0; 1 -> 1 - 10**-0.5 = 0.68377; 2 -> 0.9; 4 -> 0.99."""
    np.testing.assert_allclose(factors.research_factor(np.array([0, 1, 2, 4]), 2.0), [0, 0.6837722, 0.9, 0.99],
                               atol=1e-7)


def test_specialty_similarity_and_credit_through_the_taxonomy():
    """Tree: ML(0) > RL(1) > RLHF(2); ML > CV(3). Requirement RL: RLHF narrower 0.8, ML broader 0.5,
    CV sibling 0.3; requirement ML from RLHF: narrower (grand-parent) 0.8."""
    parents = [-1, 0, 1, 0]
    sim = factors.specialty_similarity(parents, CREDIT)
    has = np.array([[False, False, True, False], [True, False, False, False], [False, False, False, True]])

    credit = factors.specialty_credit(has, sim)

    assert credit[:, 1].tolist() == [0.8, 0.5, 0.3]
    assert credit[0, 0] == 0.8 and credit[0, 2] == 1.0 and credit[2, 2] == 0.0


def test_specialty_factor_weighted_mean_of_credits():
    """RL weight 2 exact (1.0), robotics weight 1 sibling (0.3): (2*1 + 1*0.3)/3 = 0.76667; none required 1."""
    np.testing.assert_allclose(factors.specialty_factor(np.array([2.3, 0.0]), np.array([3.0, 0.0])), [2.3 / 3, 1.0])


def test_opening_weights_override_and_normalise():
    """Defaults 0.35/0.25/0.1/0.1/0.1/0.1; override research 0.65 -> sum 1.4; research 0.65/1.4."""
    defaults = {"specialty": 0.35, "research": 0.25, "degree": 0.1, "experience": 0.1, "compensation": 0.1,
                "location": 0.1}

    w = opening_weights(defaults, {"research": 0.65, "bogus": 3, "degree": "x"})

    assert w.sum() == pytest.approx(1.0)
    assert w[1] == pytest.approx(0.65 / 1.4) and w[0] == pytest.approx(0.35 / 1.4)
    assert opening_weights(defaults, {f: 0 for f in defaults}).tolist() == pytest.approx(list(defaults.values()))
