"""The vectorised kernel agrees with a plain per-pair reference implementation (hypothesis).

The reference below is written independently of :mod:`crm.scoring.factors`: plain Python,
one pair at a time, straight from the formulas in the factor docstrings.
"""

import math
from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.scoring import FACTORS
from crm.scoring.factors import specialty_credit, specialty_similarity
from crm.scoring.features import CandidateFeatures, OpeningFeatures, ScoringContext
from crm.scoring.kernel import TopK, block_totals, evaluate_pairs, key_candidate_ids, rank_keys

CREDIT = {"exact": 1.0, "narrower": 0.8, "broader": 0.5, "sibling": 0.3}
STRETCH = 0.5
MUST_MIN = 0.8


def ref_similarity(parents, has, req):
    ancestors, node = set(), parents[has]
    while node >= 0:
        ancestors.add(node)
        node = parents[node]
    if has == req:
        return 1.0
    if req in ancestors:
        return 0.8
    if parents[req] == has:
        return 0.5
    if parents[req] >= 0 and parents[req] == parents[has]:
        return 0.3
    return 0.0


def ref_pair(c, o, parents):
    """Score one pair from plain dicts; returns (total, must_fail, excluded)."""
    credit = {r: max([ref_similarity(parents, s, r) for s in c["specs"]], default=0.0) for r in range(len(parents))}
    wsum = sum(w for _r, w, _m in o["reqs"])
    spec = sum(w * credit[r] for r, w, _m in o["reqs"]) / wsum if wsum > 0 else 1.0
    research = 1 - 10 ** (-c["points"] / o["target"])
    if o["degree"] < 0:
        degree = 1.0
    elif c["degree"] < 0:
        degree = 0.5
    else:
        degree = 0.5 ** max(0, o["degree"] - c["degree"])
    lo, hi, y = o["min_years"], o["max_years"], c["years"]
    if lo is None and hi is None:
        experience = 1.0
    elif y is None:
        experience = 0.5
    elif lo is not None and y < lo:
        experience = y / lo if lo > 0 else 1.0
    elif hi is not None and y > hi:
        experience = max(0.5, 1 - 0.1 * (y - hi))
    else:
        experience = 1.0
    if o["band"] == "none":
        comp = 1.0
    elif o["band"] == "missing" or c["comp"] in ("unknown", "missing"):
        comp = 0.5
    elif c["comp"] > o["band"]:
        comp = max(0.0, 1 - (c["comp"] - o["band"]) / (STRETCH * o["band"]))
    else:
        comp = 1.0
    if o["remote"] or o["city"] < 0 or c["city"] == o["city"]:
        location = 1.0
    elif o["city"] in c["prefers"]:
        location = 0.9
    elif c["relocates"]:
        location = 0.7
    elif c["city"] == -1:
        location = 0.5
    else:
        location = 0.2
    values = [spec, research, degree, experience, comp, location]
    total = sum(w * v for w, v in zip(o["weights"], values, strict=True))
    must_fail = any(m and credit[r] < MUST_MIN - 1e-9 for r, _w, m in o["reqs"])
    excluded = c["company"] == o["company"] or c["off_limits"]
    return (0.0 if must_fail else total), must_fail, excluded


@st.composite
def problems(draw):
    s = draw(st.integers(1, 6))
    parents = [draw(st.integers(-1, i - 1)) for i in range(s)]
    n_cities = draw(st.integers(0, 3))
    opt_years = st.one_of(st.none(), st.integers(0, 20))
    cands = []
    for _ in range(draw(st.integers(1, 7))):
        comp = draw(st.one_of(st.sampled_from(["unknown", "missing"]), st.floats(1e5, 5e6)))
        cands.append({
            "specs": draw(st.sets(st.integers(0, s - 1), max_size=3)),
            "points": draw(st.floats(0, 12)),
            "degree": draw(st.integers(-1, 3)),
            "years": draw(opt_years),
            "comp": comp,
            "city": draw(st.integers(-2, n_cities - 1)),
            "prefers": draw(st.sets(st.integers(0, n_cities - 1), max_size=2)) if n_cities else set(),
            "relocates": draw(st.booleans()),
            "company": draw(st.integers(-1, 3)),
            "off_limits": draw(st.booleans()),
        })
    opens = []
    for _ in range(draw(st.integers(1, 5))):
        lo, hi = draw(opt_years), draw(opt_years)
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        req_specs = draw(st.lists(st.integers(0, s - 1), unique=True, max_size=3))
        raw_weights = [draw(st.floats(0, 5)) for _ in FACTORS]
        if sum(raw_weights) == 0:
            raw_weights = [1.0] * len(FACTORS)
        opens.append({
            "reqs": [(r, draw(st.floats(0.1, 5)), draw(st.booleans())) for r in req_specs],
            "target": float(draw(st.integers(1, 6))),
            "degree": draw(st.integers(-1, 3)),
            "min_years": lo, "max_years": hi,
            "band": draw(st.one_of(st.sampled_from(["none", "missing"]), st.floats(1e5, 5e6))),
            "city": draw(st.integers(-1, n_cities - 1)),
            "remote": draw(st.booleans()),
            "company": draw(st.integers(0, 3)),
            "weights": [w / sum(raw_weights) for w in raw_weights],
        })
    return parents, n_cities, cands, opens


def _arrays(parents, n_cities, cands, opens):
    s, m = len(parents), len(opens)
    ctx = ScoringContext(
        reference_year=2026, base_currency="CNY", rates_on=date(2026, 10, 30), specialty_ids=np.arange(s), specialty_names=[str(i) for i in range(s)],
        specialty_index={}, slug_index={}, sim=specialty_similarity(parents, CREDIT), city_index={}, city_names=[],
        tier_weights={1: 1.0}, half_life_years=5.0, first_author_bonus=0.5, comp_stretch=STRETCH,
        must_have_min_credit=MUST_MIN, default_top_papers=2, top_k=3, block_size=4, weights={},
    )
    has = np.zeros((len(cands), s), dtype=bool)
    prefers = np.zeros((len(cands), n_cities), dtype=bool)
    for i, c in enumerate(cands):
        has[i, list(c["specs"])] = True
        prefers[i, list(c["prefers"])] = True
    comp_state = [0 if isinstance(c["comp"], float) else (1 if c["comp"] == "unknown" else 2) for c in cands]
    cf = CandidateFeatures(
        ids=np.arange(1, len(cands) + 1, dtype=np.int64),
        degree=np.array([c["degree"] for c in cands], dtype=np.int8),
        years=np.array([np.nan if c["years"] is None else c["years"] for c in cands], dtype=float),
        expected=np.array([c["comp"] if isinstance(c["comp"], float) else np.nan for c in cands]),
        comp_state=np.array(comp_state, dtype=np.int8), comp_raw=[""] * len(cands),
        city=np.array([c["city"] for c in cands], dtype=np.int32), city_raw=[""] * len(cands),
        relocates=np.array([c["relocates"] for c in cands]), prefers=prefers,
        company_ids=np.array([c["company"] for c in cands], dtype=np.int64), company_names=[""] * len(cands),
        off_limits=np.array([c["off_limits"] for c in cands]),
        points=np.array([c["points"] for c in cands]), top_papers=np.zeros(len(cands)),
        first_author_top=np.zeros(len(cands)), credit=specialty_credit(has, ctx.sim),
    )
    req_weights = np.zeros((s, m))
    mh_spec, mh_open = [], []
    for j, o in enumerate(opens):
        for r, w, must in o["reqs"]:
            req_weights[r, j] = w
            if must:
                mh_spec.append(r)
                mh_open.append(j)
    mh_matrix = np.zeros((len(mh_spec), m))
    mh_matrix[np.arange(len(mh_spec)), mh_open] = 1
    band_state = [0 if isinstance(o["band"], float) else (1 if o["band"] == "none" else 2) for o in opens]
    of = OpeningFeatures(
        ids=np.arange(1, m + 1, dtype=np.int64), titles=[""] * m,
        company_ids=np.array([o["company"] for o in opens], dtype=np.int64), company_names=[""] * m,
        min_degree=np.array([o["degree"] for o in opens], dtype=np.int8),
        min_years=np.array([np.nan if o["min_years"] is None else o["min_years"] for o in opens], dtype=float),
        max_years=np.array([np.nan if o["max_years"] is None else o["max_years"] for o in opens], dtype=float),
        target=np.array([o["target"] for o in opens]),
        band_max=np.array([o["band"] if isinstance(o["band"], float) else np.nan for o in opens]),
        band_state=np.array(band_state, dtype=np.int8), band_max_raw=[""] * m,
        city=np.array([o["city"] for o in opens], dtype=np.int32), is_remote=np.array([o["remote"] for o in opens]),
        req_weights=req_weights, weight_sum=req_weights.sum(axis=0), requirements=[o["reqs"] for o in opens],
        mh_spec=np.array(mh_spec, dtype=np.int64), mh_matrix=mh_matrix,
        weights=np.array([o["weights"] for o in opens]),
    )
    return ctx, cf, of


@settings(max_examples=150, deadline=None)
@given(problems())
def test_block_kernel_and_pair_evaluation_agree_with_the_reference(problem):
    parents, n_cities, cands, opens = problem
    ctx, cf, of = _arrays(*problem)

    total, must_fail, excluded = block_totals(ctx, cf, of)
    ci, oj = np.divmod(np.arange(len(cands) * len(opens)), len(opens))
    pairs = evaluate_pairs(ctx, cf, of, ci, oj)

    for i, c in enumerate(cands):
        for j, o in enumerate(opens):
            ref_total, ref_fail, ref_excluded = ref_pair(c, o, parents)
            assert math.isclose(total[i, j], ref_total, rel_tol=1e-9, abs_tol=1e-9), (i, j)
            assert must_fail[i, j] == ref_fail and excluded[i, j] == ref_excluded
    np.testing.assert_allclose(pairs.total, total.ravel(), rtol=1e-12, atol=1e-12)
    assert ((0 <= pairs.values) & (pairs.values <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.lists(st.lists(st.integers(0, 10000), min_size=3, max_size=3), min_size=1, max_size=30),
       st.integers(1, 7))
def test_streaming_top_k_equals_a_full_sort(k, cents_rows, block):
    cents = np.array(cents_rows, dtype=np.int64)  # (N candidates, 3 openings)
    ids = np.arange(100, 100 + len(cents))
    topk = TopK(3, k)
    for start in range(0, len(cents), block):
        topk.push(rank_keys(cents[start:start + block] / 10000.0, ids[start:start + block, None]))

    for j in range(3):
        expected = sorted(zip(-cents[:, j], ids, strict=True))[:k]  # best score, then lower id
        got = sorted(key_candidate_ids(topk.keys[j]).tolist())
        assert got == sorted(i for _s, i in expected)


def test_top_k_of_zero_keeps_nothing():
    topk = TopK(2, 0)
    topk.push(rank_keys(np.ones((3, 2)), np.arange(3)[:, None]))

    assert topk.pairs()[0].size == 0
