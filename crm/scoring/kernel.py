"""The scoring kernel: factor values and scores for blocks of candidates x openings.

``score = 100 * sum_f weight[opening, f] * factor_f(candidate, opening)`` with the weights
of each opening normalised to sum 1 (:func:`crm.scoring.features.opening_weights`); a
failed must-have makes it 0. A pair is *excluded* (off-limits) when the candidate works for
the opening's own company or for a company marked off-limits.

Two shapes of the same formulas:

* :func:`block_totals` / :func:`score_block`: a block ``(N, M)`` of every candidate of a
  block against every opening, with numpy broadcasting (memory ~ a dozen ``N x M`` float64
  arrays, so it is bounded by ``CRM_SCORING_BLOCK_SIZE x openings``);
* :func:`evaluate_pairs`: P given pairs (the ones to store), returning also each factor's
  value and case code for the breakdown.

:class:`TopK` keeps the best K candidates of each opening across blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import FACTORS
from .factors import (
    compensation_factor,
    degree_factor,
    experience_factor,
    location_factor,
    research_factor,
    specialty_factor,
)
from .features import CandidateFeatures, OpeningFeatures, ScoringContext

F_SPECIALTY, F_RESEARCH, F_DEGREE, F_EXPERIENCE, F_COMPENSATION, F_LOCATION = range(len(FACTORS))
# Rank keys pack (score in 1/100 points, candidate id) in one int64: higher score first,
# then lower candidate id, so ties break the same way in every run (idempotent top K).
_ID_BITS = 40


def _prefers(cf: CandidateFeatures, ci, opening_city):
    """Return whether the candidate prefers the opening's city (broadcast like the inputs)."""
    if cf.prefers.shape[1] == 0:
        return np.zeros(np.broadcast_shapes(np.shape(ci), np.shape(opening_city)), dtype=bool)
    return cf.prefers[ci, np.maximum(opening_city, 0)] & (opening_city >= 0)


def block_totals(ctx: ScoringContext, cf: CandidateFeatures, of: OpeningFeatures):
    """Return ``(total, must_fail, excluded)``, each ``(N, M)``, for a block.

    ``total`` is the weighted sum in [0, 1] with failed must-haves already set to 0.
    """
    w = of.weights
    total = w[:, F_SPECIALTY] * specialty_factor(cf.credit @ of.req_weights, of.weight_sum[None, :])
    total += w[:, F_RESEARCH] * research_factor(cf.points[:, None], of.target[None, :])
    total += w[:, F_DEGREE] * degree_factor(cf.degree[:, None], of.min_degree[None, :])
    total += w[:, F_EXPERIENCE] * experience_factor(cf.years[:, None], of.min_years[None, :], of.max_years[None, :])
    total += w[:, F_COMPENSATION] * compensation_factor(
        cf.expected[:, None], cf.comp_state[:, None], of.band_max[None, :], of.band_state[None, :], ctx.comp_stretch
    )
    rows = np.arange(len(cf))[:, None]
    total += w[:, F_LOCATION] * location_factor(
        cf.city[:, None], _prefers(cf, rows, of.city[None, :]), cf.relocates[:, None], of.city[None, :],
        of.is_remote[None, :],
    )
    if len(of.mh_spec):
        unmet = (cf.credit[:, of.mh_spec] < ctx.must_have_min_credit - 1e-9).astype(float)
        must_fail = (unmet @ of.mh_matrix) > 0
        total[must_fail] = 0.0
    else:
        must_fail = np.zeros(total.shape, dtype=bool)
    excluded = (cf.company_ids[:, None] == of.company_ids[None, :]) | cf.off_limits[:, None]
    return total, must_fail, excluded


def score_block(ctx: ScoringContext, cf: CandidateFeatures, of: OpeningFeatures):
    """Return ``(rank_keys, excluded)`` of a block, both ``(N, M)``.

    ``rank_keys`` pack the score in hundredths of a point (0-10,000) with the candidate id
    (see :func:`rank_keys`). Excluded pairs keep their would-be score in the key, so an
    off-limits candidate who would rank in the top K is stored, flagged, with the reason.
    """
    total, _must_fail, excluded = block_totals(ctx, cf, of)
    return rank_keys(total, cf.ids[:, None]), excluded


def rank_keys(total, candidate_ids):
    """Return int64 keys ``cents << 40 | (2**40 - 1 - id)``: sort descending = best first."""
    cents = np.rint(np.asarray(total) * 10000.0).astype(np.int64)
    return (cents << _ID_BITS) | ((1 << _ID_BITS) - 1 - np.asarray(candidate_ids, dtype=np.int64))


def key_candidate_ids(keys):
    """Return the candidate ids packed in rank keys."""
    return (1 << _ID_BITS) - 1 - (np.asarray(keys) & ((1 << _ID_BITS) - 1))


class TopK:
    """The best ``k`` rank keys of each of ``m`` openings, merged block by block.

    Memory ``m x (k + block)`` int64. Keys are unique (they contain the candidate id), so
    the result does not depend on the order of the blocks.
    """

    def __init__(self, m: int, k: int) -> None:
        self.k = k
        self.keys = np.empty((m, 0), dtype=np.int64)

    def push(self, block_keys: np.ndarray) -> None:
        """Merge a block's ``(N, M)`` keys."""
        if self.k <= 0:
            return
        merged = np.concatenate([self.keys, block_keys.T], axis=1)
        if merged.shape[1] > self.k:
            part = np.argpartition(merged, merged.shape[1] - self.k, axis=1)[:, merged.shape[1] - self.k:]
            merged = np.take_along_axis(merged, part, axis=1)
        self.keys = merged

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(candidate_ids, opening_index)`` of every kept pair."""
        m, width = self.keys.shape
        return key_candidate_ids(self.keys).ravel(), np.repeat(np.arange(m), width)


@dataclass
class PairScores:
    """Scores of P pairs with each factor's value and case code, for the breakdown."""

    values: np.ndarray  # (F, P)
    codes: np.ndarray  # (F, P)
    total: np.ndarray  # (P,) in [0, 1], 0 when a must-have failed
    must_fail: np.ndarray  # (P,)
    excluded: np.ndarray  # (P,)
    weighted_credit: np.ndarray  # (P,)


def evaluate_pairs(ctx: ScoringContext, cf: CandidateFeatures, of: OpeningFeatures, ci, oj) -> PairScores:
    """Score the pairs ``(cf row ci[p], opening oj[p])``: the same formulas as the blocks.

    Memory ``P x S`` for the specialty credit: callers pass at most a few thousand pairs.
    """
    ci = np.asarray(ci, dtype=np.int64)
    oj = np.asarray(oj, dtype=np.int64)
    p = len(ci)
    values = np.zeros((len(FACTORS), p))
    codes = np.zeros((len(FACTORS), p), dtype=np.int8)
    credit = cf.credit[ci]
    weighted = np.einsum("ps,sp->p", credit, of.req_weights[:, oj]) if credit.shape[1] else np.zeros(p)
    values[F_SPECIALTY] = specialty_factor(weighted, of.weight_sum[oj])
    values[F_RESEARCH] = research_factor(cf.points[ci], of.target[oj])
    values[F_DEGREE], codes[F_DEGREE] = degree_factor(cf.degree[ci], of.min_degree[oj], with_code=True)
    values[F_EXPERIENCE], codes[F_EXPERIENCE] = experience_factor(
        cf.years[ci], of.min_years[oj], of.max_years[oj], with_code=True
    )
    values[F_COMPENSATION], codes[F_COMPENSATION] = compensation_factor(
        cf.expected[ci], cf.comp_state[ci], of.band_max[oj], of.band_state[oj], ctx.comp_stretch, with_code=True
    )
    values[F_LOCATION], codes[F_LOCATION] = location_factor(
        cf.city[ci], _prefers(cf, ci, of.city[oj]), cf.relocates[ci], of.city[oj], of.is_remote[oj], with_code=True
    )
    total = np.einsum("fp,pf->p", values, of.weights[oj])
    if len(of.mh_spec):
        unmet = credit[:, of.mh_spec] < ctx.must_have_min_credit - 1e-9
        must_fail = (unmet & (of.mh_matrix[:, oj].T > 0)).any(axis=1)
        total = np.where(must_fail, 0.0, total)
    else:
        must_fail = np.zeros(p, dtype=bool)
    excluded = (cf.company_ids[ci] == of.company_ids[oj]) | cf.off_limits[ci]
    return PairScores(values, codes, total, must_fail, excluded, weighted)
