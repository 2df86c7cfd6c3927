"""The readable breakdown of a fit score, built only for the pairs that are stored.

A breakdown is a list of ``{"factor", "value" (0-1, 4 decimals), "weight" (normalised, 4
decimals), "explanation"}`` in :data:`crm.scoring.FACTORS` order, followed, when they
apply, by a ``"must_have"`` entry (a failed must-have: the score is 0) and an
``"off_limits"`` entry (the exclusion reason and the score the pair would have had).
Explanations are rendered in the active language when the score is computed.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from django.utils.translation import get_language
from django.utils.translation import gettext as _gettext

from . import FACTORS
from . import factors as fx
from .features import CandidateFeatures, OpeningFeatures, ScoringContext
from .kernel import F_COMPENSATION, F_DEGREE, F_EXPERIENCE, F_LOCATION, PairScores

# One stored row: (candidate_id, opening_id, score, breakdown, is_excluded, exclusion_reason).
Row = tuple[int, int, Decimal, list, bool, str]

# Translations looked up once per message and language (gettext costs ~25 us a call, and a
# full rescore renders about a million explanation strings).
_translated: dict[str, dict[str, str]] = {}


def _translator():
    """Return ``_(message)``: gettext in the active language, memoised per language.

    The helpers below take it as their first argument, named ``_`` so that makemessages
    extracts their messages.
    """
    cache = _translated.setdefault(get_language() or "", {})

    def _(message: str) -> str:
        text = cache.get(message)
        if text is None:
            text = cache[message] = _gettext(message)
        return text

    return _


def _degree_label(_, level: int) -> str:
    # the messages of talent's Candidate.Degree labels, translated with the memoised `_`
    return {0: _("Other"), 1: _("BSc"), 2: _("MSc"), 3: _("PhD")}[level]


def _years_range(_, lo: float, hi: float) -> str:
    if np.isnan(hi):
        return f"{lo:g}+"
    if np.isnan(lo):
        return _("up to %(max)g") % {"max": hi}
    return f"{lo:g}-{hi:g}"


def _currency(money_text: str) -> str:
    return money_text.rsplit(" ", 1)[-1] if money_text else ""


def _specialty(_, ctx: ScoringContext, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    reqs = of.requirements[j]
    if not reqs:
        return _("No specialty required.")
    parts = [f"{ctx.specialty_names[k]} {cf.credit[i, k]:.0%}" for k, _w, _must in reqs]
    return _("Credit per required specialty: %(parts)s.") % {"parts": ", ".join(parts)}


def _research(_, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    return _(
        "%(points).2f top-paper equivalents (%(top)d top-tier papers, %(first)d as first author; "
        "tier-weighted, recency-decayed) against a target of %(target)g."
    ) % {"points": cf.points[i], "top": cf.top_papers[i], "first": cf.first_author_top[i], "target": of.target[j]}


def _degree(_, code: int, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    if code == fx.DEGREE_NO_REQUIREMENT:
        return _("No minimum degree.")
    if code == fx.DEGREE_UNKNOWN:
        return _("Degree unknown: neutral.")
    args = {"has": _degree_label(_, int(cf.degree[i])), "required": _degree_label(_, int(of.min_degree[j]))}
    if code == fx.DEGREE_MET:
        return _("%(has)s meets the required %(required)s.") % args
    return _("%(has)s; %(required)s required.") % args


def _experience(_, code: int, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    if code == fx.EXPERIENCE_NO_REQUIREMENT:
        return _("No experience range.")
    if code == fx.EXPERIENCE_UNKNOWN:
        return _("Years of experience unknown: neutral.")
    args = {"years": cf.years[i], "range": _years_range(_, of.min_years[j], of.max_years[j])}
    if code == fx.EXPERIENCE_IN_RANGE:
        return _("%(years)g years, within %(range)s.") % args
    if code == fx.EXPERIENCE_BELOW:
        return _("%(years)g years, below the %(range)s wanted.") % args
    return _("%(years)g years, above the %(range)s wanted.") % args


def _compensation(_, ctx: ScoringContext, code: int, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    args = {"expected": cf.comp_raw[i], "max": of.band_max_raw[j], "base": ctx.base_currency}
    if code == fx.COMP_NO_BAND:
        return _("The opening has no band maximum.")
    if code == fx.COMP_UNKNOWN:
        return _("Expected compensation unknown: neutral.")
    if code == fx.COMP_RATE_MISSING:
        return _("No exchange rate from %(currency)s to %(base)s: neutral.") % {**args, "currency": _currency(cf.comp_raw[i])}
    if code == fx.COMP_BAND_RATE_MISSING:
        return _("No exchange rate from %(currency)s to %(base)s for the band: neutral.") % {
            **args, "currency": _currency(of.band_max_raw[j])}
    if code == fx.COMP_WITHIN:
        return _("Expects %(expected)s, within the band maximum %(max)s.") % args
    return _("Expects %(expected)s, above the band maximum %(max)s.") % args


def _location(_, ctx: ScoringContext, code: int, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    city = ctx.city_names[of.city[j]] if of.city[j] >= 0 else ""
    args = {"city": city, "home": cf.city_raw[i]}
    if code == fx.LOCATION_ANYWHERE:
        return _("Remote allowed.") if of.is_remote[j] else _("The opening names no city.")
    if code == fx.LOCATION_SAME_CITY:
        return _("Lives in %(city)s.") % args
    if code == fx.LOCATION_PREFERRED:
        return _("Lists %(city)s among preferred cities.") % args
    if code == fx.LOCATION_RELOCATES:
        return _("Lives in %(home)s, open to relocating to %(city)s.") % args
    if code == fx.LOCATION_UNKNOWN:
        return _("City unknown: neutral.")
    return _("Lives in %(home)s, not open to relocating to %(city)s.") % args


def exclusion_reason(_, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    """Return why the pair is off-limits (the opening's own company first)."""
    if cf.company_ids[i] == of.company_ids[j]:
        return _("Works for the opening's company (%(company)s).") % {"company": of.company_names[j]}
    return _("Works for %(company)s, which is off-limits.") % {"company": cf.company_names[i]}


def build_rows(ctx: ScoringContext, cf: CandidateFeatures, of: OpeningFeatures, ci, oj, ps: PairScores) -> list[Row]:
    """Return the stored rows of the evaluated pairs, with their breakdowns.

    One Python iteration per stored pair (at most top K x openings + candidacies), building
    six short strings each; scores and values are computed beforehand in numpy.
    """
    _ = _translator()
    rows: list[Row] = []
    values = np.round(ps.values, 4).T.tolist()
    weights = np.round(of.weights, 4).tolist()
    codes = ps.codes.T.tolist()
    cents = np.rint(ps.total * 10000.0).astype(np.int64).tolist()
    for p, (i, j) in enumerate(zip(np.asarray(ci).tolist(), np.asarray(oj).tolist(), strict=True)):
        v, c, w = values[p], codes[p], weights[j]
        texts = (
            _specialty(_, ctx, cf, of, i, j),
            _research(_, cf, of, i, j),
            _degree(_, c[F_DEGREE], cf, of, i, j),
            _experience(_, c[F_EXPERIENCE], cf, of, i, j),
            _compensation(_, ctx, c[F_COMPENSATION], cf, of, i, j),
            _location(_, ctx, c[F_LOCATION], cf, of, i, j),
        )
        breakdown = [
            {"factor": f, "value": v[n], "weight": w[n], "explanation": texts[n]} for n, f in enumerate(FACTORS)
        ]
        score = Decimal(cents[p]).scaleb(-2)
        if ps.must_fail[p]:
            missing = [ctx.specialty_names[k] for k, _w, must in of.requirements[j]
                       if must and cf.credit[i, k] < ctx.must_have_min_credit - 1e-9]
            breakdown.append({"factor": "must_have", "value": 0.0, "weight": None,
                              "explanation": _("Missing must-have: %(names)s. Score set to 0.") % {
                                  "names": ", ".join(missing)}})
        reason = ""
        if ps.excluded[p]:
            reason = exclusion_reason(_, cf, of, i, j)
            breakdown.append({"factor": "off_limits", "value": 0.0, "weight": None,
                              "explanation": _("%(reason)s Excluded from the ranking; would score %(score)s.") % {
                                  "reason": reason, "score": score}})
            score = Decimal("0.00")
        rows.append((int(cf.ids[i]), int(of.ids[j]), score, breakdown, bool(ps.excluded[p]), reason))
    return rows
