"""The readable breakdown of a fit score, built only for the pairs that are stored.

A breakdown is a list of ``{"factor", "value" (0-1, 4 decimals), "weight" (normalised, 4
decimals), "explanation", "explanations"}`` in :data:`crm.scoring.FACTORS` order, followed,
when they apply, by a ``"must_have"`` entry (a failed must-have: the score is 0) and an
``"off_limits"`` entry (the exclusion reason and the score the pair would have had; its
``"reasons"`` holds the bare reason per language).

Scores are computed by workers whose language is not the reader's, so every text is built
once per language of ``settings.LANGUAGES``: ``"explanations"`` maps a language code to its
text (``{"en": ..., "zh-hans": ...}``) and ``"explanation"`` is the English text (kept for
the API and for rows stored before scorer 1.1). Readers pick theirs with
:func:`explanation_text` and :func:`exclusion_reason_text`, which fall back to the English
text for rows without ``"explanations"``.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from django.conf import settings
from django.utils.translation import get_language, gettext_noop, override
from django.utils.translation import gettext as _gettext

from . import FACTORS, factors
from .features import CandidateFeatures, OpeningFeatures, ScoringContext
from .kernel import F_COMPENSATION, F_DEGREE, F_EXPERIENCE, F_LOCATION, PairScores

# One stored row: (candidate_id, opening_id, score, breakdown, is_excluded, exclusion_reason).
# ``exclusion_reason`` is the English text; the breakdown's "off_limits" entry has every language.
Row = tuple[int, int, Decimal, list, bool, str]

# The language of "explanation" and of the exclusion_reason column.
ENGLISH = "en"

# Translations looked up once per message and language (gettext costs ~25 us a call, and a
# full rescore renders about two million explanation strings: six per pair and language).
_translated: dict[str, dict[str, str]] = {}


def _translator(language: str):
    """Return ``_(message)``: gettext in ``language``, memoised per language.

    The helpers below take it as their first argument, named ``_`` so that makemessages
    extracts their messages.
    """
    cache = _translated.setdefault(language, {})

    def _(message: str) -> str:
        text = cache.get(message)
        if text is None:
            with override(language):
                text = cache[message] = _gettext(message)
        return text

    return _


def breakdown_languages() -> list[str]:
    """Return the language codes a breakdown is written in: English, then ``settings.LANGUAGES``."""
    return [ENGLISH, *(code for code, _name in settings.LANGUAGES if code != ENGLISH)]


def _pick(texts: dict | None, fallback: str) -> str:
    """Return ``texts`` in the active language (or its base language), else ``fallback``."""
    if texts:
        language = get_language() or ENGLISH
        text = texts.get(language) or texts.get(language.split("-", 1)[0])
        if text:
            return text
    return fallback


def explanation_text(entry: dict) -> str:
    """Return a breakdown entry's explanation in the active language.

    Falls back to ``entry["explanation"]`` (English) for languages not stored and for rows
    written before the breakdown had ``"explanations"``.
    """
    return _pick(entry.get("explanations"), entry.get("explanation", ""))


def exclusion_reason_text(breakdown: list[dict] | None, stored_reason: str) -> str:
    """Return why a pair is off-limits in the active language.

    ``stored_reason`` is the row's ``exclusion_reason`` (English), returned when the
    breakdown holds no ``"reasons"`` for the active language (older rows).
    """
    for entry in breakdown or ():
        if entry.get("factor") == "off_limits":
            return _pick(entry.get("reasons"), stored_reason)
    return stored_reason


# The messages of talent's Candidate.Degree labels by level, translated with the memoised `_`.
_DEGREE_LABELS = (gettext_noop("Other"), gettext_noop("BSc"), gettext_noop("MSc"), gettext_noop("PhD"))


def _degree_label(_, level: int) -> str:
    return _(_DEGREE_LABELS[level])


def _years_range(_, lo: float, hi: float) -> str:
    if np.isnan(hi):
        return f"{lo:g}+"
    if np.isnan(lo):
        return _("up to %(max)g") % {"max": hi}
    return f"{lo:g}-{hi:g}"


def _currency(money_text: str) -> str:
    return money_text.rsplit(" ", 1)[-1] if money_text else ""


def _list_separator(_) -> str:
    # Translators: the separator between the items of a list ("A, B"); Chinese uses "、".
    return _(", ")


def _specialty(_, names: list[str], reqs: list, percents: list[str]) -> str:
    if not reqs:
        return _("No specialty required.")
    parts = [f"{names[k]} {pct}" for (k, _w, _must), pct in zip(reqs, percents, strict=True)]
    return _("Credit per required specialty: %(parts)s.") % {"parts": _list_separator(_).join(parts)}


def _required_credits(cf: CandidateFeatures, of: OpeningFeatures, ci: np.ndarray):
    """Return ``percents(p, j)``: the credits of pair ``p`` for opening ``j``'s requirements, as "80%".

    The same in every language, so formatted once per distinct value and looked up per pair.
    """
    cols = sorted({k for reqs in of.requirements for k, _w, _must in reqs})
    if not cols or not len(ci):
        return lambda p, j: []
    used, row_of = np.unique(ci, return_inverse=True)
    values = cf.credit[np.ix_(used, cols)]
    distinct, inverse = np.unique(values, return_inverse=True)
    labels = np.array([f"{x:.0%}" for x in distinct.tolist()], dtype=object)
    table = labels[inverse.reshape(values.shape)].tolist()
    position = {k: n for n, k in enumerate(cols)}
    columns = [[position[k] for k, _w, _must in reqs] for reqs in of.requirements]
    rows = row_of.reshape(-1).tolist()

    def percents(p: int, j: int) -> list[str]:
        row = table[rows[p]]
        return [row[n] for n in columns[j]]

    return percents


def _research(_, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    return _(
        "%(points).2f top-paper equivalents (%(top)d top-tier papers, %(first)d as first author; "
        "tier-weighted, recency-decayed) against a target of %(target)g."
    ) % {"points": cf.points[i], "top": cf.top_papers[i], "first": cf.first_author_top[i], "target": of.target[j]}


def _degree(_, code: int, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    if code == factors.DEGREE_NO_REQUIREMENT:
        return _("No minimum degree.")
    if code == factors.DEGREE_UNKNOWN:
        return _("Degree unknown: neutral.")
    args = {"has": _degree_label(_, int(cf.degree[i])), "required": _degree_label(_, int(of.min_degree[j]))}
    if code == factors.DEGREE_MET:
        return _("%(has)s meets the required %(required)s.") % args
    return _("%(has)s; %(required)s required.") % args


def _experience(_, code: int, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    if code == factors.EXPERIENCE_NO_REQUIREMENT:
        return _("No experience range.")
    if code == factors.EXPERIENCE_UNKNOWN:
        return _("Years of experience unknown: neutral.")
    args = {"years": cf.years[i], "range": _years_range(_, of.min_years[j], of.max_years[j])}
    if code == factors.EXPERIENCE_IN_RANGE:
        return _("%(years)g years, within %(range)s.") % args
    if code == factors.EXPERIENCE_BELOW:
        return _("%(years)g years, below the %(range)s wanted.") % args
    return _("%(years)g years, above the %(range)s wanted.") % args


def _compensation(_, ctx: ScoringContext, code: int, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    args = {"expected": cf.comp_raw[i], "max": of.band_max_raw[j], "base": ctx.base_currency}
    if code == factors.COMP_NO_BAND:
        return _("The opening has no band maximum.")
    if code == factors.COMP_UNKNOWN:
        return _("Expected compensation unknown: neutral.")
    if code == factors.COMP_RATE_MISSING:
        return _("No exchange rate from %(currency)s to %(base)s: neutral.") % {**args, "currency": _currency(cf.comp_raw[i])}
    if code == factors.COMP_BAND_RATE_MISSING:
        return _("No exchange rate from %(currency)s to %(base)s for the band: neutral.") % {
            **args, "currency": _currency(of.band_max_raw[j])}
    if code == factors.COMP_WITHIN:
        return _("Expects %(expected)s, within the band maximum %(max)s.") % args
    return _("Expects %(expected)s, above the band maximum %(max)s.") % args


def _location(_, ctx: ScoringContext, code: int, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    city = ctx.city_names[of.city[j]] if of.city[j] >= 0 else ""
    args = {"city": city, "home": cf.city_raw[i]}
    if code == factors.LOCATION_ANYWHERE:
        return _("Remote allowed.") if of.is_remote[j] else _("The opening names no city.")
    if code == factors.LOCATION_SAME_CITY:
        return _("Lives in %(city)s.") % args
    if code == factors.LOCATION_PREFERRED:
        return _("Lists %(city)s among preferred cities.") % args
    if code == factors.LOCATION_RELOCATES:
        return _("Lives in %(home)s, open to relocating to %(city)s.") % args
    if code == factors.LOCATION_UNKNOWN:
        return _("City unknown: neutral.")
    return _("Lives in %(home)s, not open to relocating to %(city)s.") % args


def exclusion_reason(_, cf: CandidateFeatures, of: OpeningFeatures, i: int, j: int) -> str:
    """Return why the pair is off-limits (the opening's own company first)."""
    if cf.company_ids[i] == of.company_ids[j]:
        return _("Works for the opening's company (%(company)s).") % {"company": of.company_names[j]}
    return _("Works for %(company)s, which is off-limits.") % {"company": cf.company_names[i]}


def _texts(_, names: list[str], percents: list[str], ctx: ScoringContext, cf: CandidateFeatures,
           of: OpeningFeatures, i: int, j: int, c: list[int]) -> tuple[str, ...]:
    """Return the six factor explanations of pair ``(i, j)`` in the language of ``_``."""
    return (
        _specialty(_, names, of.requirements[j], percents),
        _research(_, cf, of, i, j),
        _degree(_, c[F_DEGREE], cf, of, i, j),
        _experience(_, c[F_EXPERIENCE], cf, of, i, j),
        _compensation(_, ctx, c[F_COMPENSATION], cf, of, i, j),
        _location(_, ctx, c[F_LOCATION], cf, of, i, j),
    )


def build_rows(ctx: ScoringContext, cf: CandidateFeatures, of: OpeningFeatures, ci, oj, ps: PairScores) -> list[Row]:
    """Return the stored rows of the evaluated pairs, with their breakdowns in every language.

    One Python iteration per stored pair (at most top K x openings + candidacies), building
    six short strings per language of :func:`breakdown_languages`; scores, values and the
    credit percentages are computed beforehand in numpy. Specialty names are Chinese
    (``Specialty.name_zh``) in Chinese when given.
    """
    # English first: "explanation" and the exclusion_reason column are English.
    languages = [(code, _translator(code), ctx.specialty_names_for(code)) for code in breakdown_languages()]
    ci, oj = np.asarray(ci), np.asarray(oj)
    percents_of = _required_credits(cf, of, ci)
    rows: list[Row] = []
    values = np.round(ps.values, 4).T.tolist()
    weights = np.round(of.weights, 4).tolist()
    codes = ps.codes.T.tolist()
    cents = np.rint(ps.total * 10000.0).astype(np.int64).tolist()
    for p, (i, j) in enumerate(zip(ci.tolist(), oj.tolist(), strict=True)):
        rows.append(_row(ctx, cf, of, ps, languages, p, i, j, percents_of(p, j), values[p], weights[j], codes[p],
                         cents[p]))
    return rows


def _row(ctx: ScoringContext, cf: CandidateFeatures, of: OpeningFeatures, ps: PairScores, languages: list,
         p: int, i: int, j: int, percents: list[str], v: list[float], w: list[float], c: list[int], cents: int) -> Row:
    """Return the stored row of pair ``p`` (candidate ``i``, opening ``j``); see :func:`build_rows`."""
    texts = [_texts(_, names, percents, ctx, cf, of, i, j, c) for _code, _, names in languages]
    codes = [code for code, _, _names in languages]
    breakdown = [
        {"factor": f, "value": v[n], "weight": w[n], "explanation": by_language[0],
         "explanations": dict(zip(codes, by_language, strict=True))}
        for n, (f, by_language) in enumerate(zip(FACTORS, zip(*texts, strict=True), strict=True))
    ]
    score = Decimal(cents).scaleb(-2)
    if ps.must_fail[p]:
        missing = [k for k, _w, must in of.requirements[j] if must and cf.credit[i, k] < ctx.must_have_min_credit - 1e-9]
        must_texts = [
            _("Missing must-have: %(names)s. Score set to 0.") % {"names": _list_separator(_).join(names[k] for k in missing)}
            for _code, _, names in languages
        ]
        breakdown.append({"factor": "must_have", "value": 0.0, "weight": None, "explanation": must_texts[0],
                          "explanations": dict(zip(codes, must_texts, strict=True))})
    reason = ""
    if ps.excluded[p]:
        reasons = [exclusion_reason(_, cf, of, i, j) for _code, _, _names in languages]
        off_texts = [
            _("%(reason)s Excluded from the ranking; would score %(score)s.") % {"reason": why, "score": score}
            for (_code, _, _names), why in zip(languages, reasons, strict=True)
        ]
        reason = reasons[0]
        breakdown.append({"factor": "off_limits", "value": 0.0, "weight": None, "explanation": off_texts[0],
                          "explanations": dict(zip(codes, off_texts, strict=True)),
                          "reasons": dict(zip(codes, reasons, strict=True))})
        score = Decimal("0.00")
    return (int(cf.ids[i]), int(of.ids[j]), score, breakdown, bool(ps.excluded[p]), reason)
