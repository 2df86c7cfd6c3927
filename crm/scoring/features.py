"""Features of candidates and openings as numpy arrays, from a bounded number of queries.

One :class:`ScoringContext` per scoring batch holds what every block shares: the
specialty taxonomy (as an index and a credit matrix), the openings' city vocabulary, the
exchange rates (fetched once per currency per batch) and the settings. Openings load in
3 queries (:func:`load_openings`); a block of candidates loads in 4 queries
(:func:`load_candidates`: candidates with their company, declared specialties, inferred
specialties of the research profiles, and papers aggregated by year, tier and first
authorship) whatever the block size. Python loops here run once per candidate or per
paper group, never per candidate-opening pair.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from talent.conf import setting as talent_setting
from talent.models import DEGREE_LEVELS, Authorship, Candidate, ResearchProfile, Specialty
from talent.venues import research_paper_q

from ..fx import MissingFxRate, fx_default_on, fx_quote
from . import FACTORS, setting
from .factors import paper_points, specialty_credit_from_pairs, specialty_similarity


def normalise_city(city: str | None) -> str:
    """Return a city name trimmed and case-folded (``" Beijing "`` -> ``"beijing"``)."""
    return (city or "").strip().casefold()


def scored_candidates():
    """Return the queryset of candidates that scoring considers: consent not declined, not erased."""
    return Candidate.objects.exclude(consent_status__in=Candidate.CONSENT_DECLINED).filter(erased_at__isnull=True)


@dataclass
class ScoringContext:
    """What every block of one scoring batch shares. Build with :func:`build_context`."""

    reference_year: int
    base_currency: str
    rates_on: date
    specialty_ids: np.ndarray
    specialty_names: list[str]
    specialty_index: dict[int, int]
    slug_index: dict[str, int]
    sim: np.ndarray
    city_index: dict[str, int]
    city_names: list[str]
    tier_weights: dict[int, float]
    half_life_years: float
    first_author_bonus: float
    comp_stretch: float
    must_have_min_credit: float
    default_top_papers: int
    top_k: int
    block_size: int
    weights: dict[str, float]
    rates: dict[str, float | None] = field(default_factory=dict)
    # Specialty.name_zh, or the name when no Chinese name is given, in specialty_names order.
    specialty_names_zh: list[str] = field(default_factory=list)

    def specialty_names_for(self, language: str) -> list[str]:
        """Return the specialty names to write in ``language``: Chinese ones in Chinese."""
        if language.startswith("zh") and self.specialty_names_zh:
            return self.specialty_names_zh
        return self.specialty_names

    def rate(self, currency: str) -> float | None:
        """Return the rate ``currency`` -> base currency on :attr:`rates_on`, or None when there is none.

        The rate is :func:`crm.fx.fx_quote`'s (the one source of conversions: the ECB
        fixing of that date or the business day before), looked up once per currency per
        batch and turned into a float for the array path; amounts convert as ``amount * rate``.
        """
        if currency not in self.rates:
            try:
                quote = fx_quote(currency, self.base_currency, self.rates_on)
            except MissingFxRate:
                self.rates[currency] = None
            else:
                self.rates[currency] = 1.0 if quote is None else float(quote.rate)
        return self.rates[currency]

    def convert(self, amounts: list, currencies: list) -> tuple[np.ndarray, np.ndarray]:
        """Convert annual amounts to the base currency, as arrays.

        Args:
            amounts: Decimal amounts or None, one per row.
            currencies: ISO 4217 codes or empty, one per row.

        Returns:
            ``(values, state)``: ``values`` float64 in the base currency (NaN where not
            converted); ``state`` int8 per row: 0 converted, 1 unknown (no amount or no
            currency), 2 no exchange rate stored for the currency.
        """
        n = len(amounts)
        values = np.full(n, np.nan)
        state = np.ones(n, dtype=np.int8)
        if not n:
            return values, state
        codes = np.array([str(c) if c and a is not None else "" for a, c in zip(amounts, currencies, strict=True)])
        raw = np.array([float(a) if a is not None else np.nan for a in amounts])
        for code in np.unique(codes[codes != ""]).tolist():
            rows = codes == code
            rate = self.rate(code)
            if rate is None:
                state[rows] = 2
            else:
                state[rows] = 0
                values[rows] = raw[rows] * rate
        return values, state


def build_context(opening_cities: list[str]) -> ScoringContext:
    """Build the batch context: taxonomy (1 query), city vocabulary, settings.

    ``opening_cities``: the cities of the openings scored in this batch (raw strings).
    """
    rows = list(Specialty.objects.order_by("id").values_list("id", "slug", "name", "parent_id", "name_zh"))
    index = {sid: i for i, (sid, _slug, _name, _parent, _zh) in enumerate(rows)}
    parents = [index.get(parent, -1) if parent is not None else -1 for (_sid, _slug, _name, parent, _zh) in rows]
    names = sorted({normalise_city(c) for c in opening_cities} - {""})
    raw_by_norm = {}
    for c in opening_cities:
        raw_by_norm.setdefault(normalise_city(c), (c or "").strip())
    return ScoringContext(
        reference_year=timezone.localdate().year,
        base_currency=talent_setting("BASE_CURRENCY"),
        rates_on=fx_default_on(),
        specialty_ids=np.array([r[0] for r in rows], dtype=np.int64),
        specialty_names=[r[2] for r in rows],
        specialty_names_zh=[r[4] or r[2] for r in rows],
        specialty_index=index,
        slug_index={slug: i for i, (_sid, slug, _name, _parent, _zh) in enumerate(rows)},
        sim=specialty_similarity(parents, setting("CRM_SCORING_TAXONOMY_CREDIT")),
        city_index={c: i for i, c in enumerate(names)},
        city_names=[raw_by_norm[c] for c in names],
        tier_weights={int(k): float(v) for k, v in setting("CRM_SCORING_TIER_WEIGHTS").items()},
        half_life_years=float(setting("CRM_SCORING_RECENCY_HALF_LIFE_YEARS")),
        first_author_bonus=float(setting("CRM_SCORING_FIRST_AUTHOR_BONUS")),
        comp_stretch=float(setting("CRM_SCORING_COMP_STRETCH")),
        must_have_min_credit=float(setting("CRM_SCORING_MUST_HAVE_MIN_CREDIT")),
        default_top_papers=max(1, int(setting("CRM_SCORING_DEFAULT_TOP_PAPERS"))),
        top_k=int(setting("CRM_SCORING_TOP_K")),
        block_size=int(setting("CRM_SCORING_BLOCK_SIZE")),
        weights={f: float(setting("CRM_SCORING_WEIGHTS").get(f, 0.0)) for f in FACTORS},
    )


def opening_weights(defaults: dict[str, float], overrides: dict | None) -> np.ndarray:
    """Return the normalised weights ``(F,)`` of one opening, in :data:`FACTORS` order.

    ``overrides`` (``Opening.score_weights``) replaces defaults factor by factor; anything
    but a JSON object, unknown keys and non-numeric or negative values are ignored (the
    admin refuses them: ``Opening.clean``). Weights are divided by their sum;
    an all-zero result falls back to the defaults.
    """
    w = dict(defaults)
    for key, value in (overrides if isinstance(overrides, dict) else {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if key in w and math.isfinite(number) and number >= 0:
            w[key] = number
    vec = np.array([w[f] for f in FACTORS], dtype=float)
    if vec.sum() <= 0:
        vec = np.array([defaults[f] for f in FACTORS], dtype=float)
    return vec / vec.sum()


@dataclass
class OpeningFeatures:
    """Openings as arrays, shape ``(M,)`` unless stated; money in the base currency."""

    ids: np.ndarray
    titles: list[str]
    company_ids: np.ndarray
    company_names: list[str]
    min_degree: np.ndarray
    min_years: np.ndarray
    max_years: np.ndarray
    target: np.ndarray
    band_max: np.ndarray
    band_state: np.ndarray  # 0 known, 1 no band maximum, 2 rate missing
    band_max_raw: list[str]
    city: np.ndarray  # index in ctx.city_index, -1 = none
    is_remote: np.ndarray
    req_weights: np.ndarray  # (S, M) requirement weight of each specialty
    weight_sum: np.ndarray
    requirements: list[list[tuple[int, float, bool]]]  # per opening: (specialty index, weight, must-have)
    mh_spec: np.ndarray  # (K,) specialty index of each must-have
    mh_matrix: np.ndarray  # (K, M) 1 where must-have k belongs to opening m
    weights: np.ndarray  # (M, F) normalised factor weights

    def __len__(self) -> int:
        return len(self.ids)


def _money_text(amount, currency) -> str:
    if amount is None or not currency:
        return ""
    return f"{Decimal(amount):,.0f} {currency}"


def load_openings(ctx: ScoringContext, opening_ids) -> OpeningFeatures:
    """Load openings ``opening_ids`` (ordered by id) and their requirements: 2 queries."""
    from crm.models import Opening, OpeningRequirement

    rows = list(
        Opening.objects.filter(id__in=list(opening_ids)).order_by("id").values_list(
            "id", "title", "company_id", "company__name", "min_degree", "min_years", "max_years", "target_top_papers",
            "band_max", "band_max_currency", "city", "is_remote", "score_weights",
        )
    )
    m = len(rows)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    index = {oid: j for j, oid in enumerate(ids.tolist())}
    band_max, band_state = ctx.convert([r[8] for r in rows], [r[9] for r in rows])
    s = len(ctx.specialty_ids)
    req_weights = np.zeros((s, m))
    requirements: list[list[tuple[int, float, bool]]] = [[] for _ in range(m)]
    mh_spec, mh_open = [], []
    for opening_id, specialty_id, weight, is_must in OpeningRequirement.objects.filter(
        opening_id__in=list(index)
    ).order_by("opening_id", "-is_must_have", "-weight", "specialty_id").values_list(
        "opening_id", "specialty_id", "weight", "is_must_have"
    ):
        j, k = index[opening_id], ctx.specialty_index.get(specialty_id)
        if k is None:  # specialty created after the context was built
            continue
        req_weights[k, j] += float(weight)
        requirements[j].append((k, float(weight), bool(is_must)))
        if is_must:
            mh_spec.append(k)
            mh_open.append(j)
    mh_matrix = np.zeros((len(mh_spec), m))
    mh_matrix[np.arange(len(mh_spec)), mh_open] = 1.0
    return OpeningFeatures(
        ids=ids,
        titles=[r[1] for r in rows],
        company_ids=np.array([r[2] for r in rows], dtype=np.int64),
        company_names=[r[3] for r in rows],
        min_degree=np.array([DEGREE_LEVELS.get(r[4] or "", -1) for r in rows], dtype=np.int8),
        min_years=np.array([np.nan if r[5] is None else float(r[5]) for r in rows]),
        max_years=np.array([np.nan if r[6] is None else float(r[6]) for r in rows]),
        target=np.array([float(r[7] or ctx.default_top_papers) for r in rows]),
        band_max=band_max,
        band_state=band_state,
        band_max_raw=[_money_text(r[8], r[9]) for r in rows],
        city=np.array([ctx.city_index.get(normalise_city(r[10]), -1) for r in rows], dtype=np.int32),
        is_remote=np.array([bool(r[11]) for r in rows], dtype=bool),
        req_weights=req_weights,
        weight_sum=req_weights.sum(axis=0),
        requirements=requirements,
        mh_spec=np.array(mh_spec, dtype=np.int64),
        mh_matrix=mh_matrix,
        weights=np.array([opening_weights(ctx.weights, r[12]) for r in rows]).reshape(m, len(FACTORS)),
    )


@dataclass
class CandidateFeatures:
    """A block of candidates as arrays, shape ``(N,)`` unless stated, ordered by id."""

    ids: np.ndarray
    degree: np.ndarray  # level 0-3, -1 unknown
    years: np.ndarray  # float years, nan unknown
    expected: np.ndarray  # annual expected pay in the base currency, nan unknown
    comp_state: np.ndarray  # 0 known, 1 unknown, 2 rate missing
    comp_raw: list[str]
    city: np.ndarray  # opening-city index, -1 unknown, -2 a city no opening is in
    city_raw: list[str]
    relocates: np.ndarray
    prefers: np.ndarray  # (N, C) bool: prefers opening city c
    company_ids: np.ndarray  # -1 none
    company_names: list[str]
    off_limits: np.ndarray  # employed by a company marked off-limits (the flag is meant for clients)
    points: np.ndarray  # research points (top-paper equivalents)
    top_papers: np.ndarray  # count of tier-1 papers (not decayed)
    first_author_top: np.ndarray  # of which as first author
    credit: np.ndarray  # (N, S) credit for each specialty through the taxonomy

    def __len__(self) -> int:
        return len(self.ids)


def load_candidates(ctx: ScoringContext, *, id_range: tuple[int, int] | None = None, ids=None) -> CandidateFeatures:
    """Load the features of a block of candidates: 4 queries whatever the block size.

    Give either ``id_range=(low, high)`` (inclusive; for consecutive blocks of a full scan)
    or ``ids`` (a few hundred scattered ids; SQLite allows ~32,000 parameters a query).
    Candidates whose consent is refused or withdrawn are left out.
    """
    if id_range is not None:
        cand_q = Q(id__gte=id_range[0], id__lte=id_range[1])
        rel_q = Q(candidate_id__gte=id_range[0], candidate_id__lte=id_range[1])
    else:
        id_list = [int(i) for i in ids]
        if connection.vendor == "postgresql":  # one array parameter instead of one per id
            id_list = RawSQL("SELECT unnest(%s::bigint[])", (id_list,))
        cand_q = Q(id__in=id_list)
        rel_q = Q(candidate_id__in=id_list)
    rows = _raw_rows(
        scored_candidates().filter(cand_q).order_by("id").values_list(
            "id", "highest_degree", "years_experience", "city", "is_open_to_relocation", "preferred_cities",
            "expected_compensation", "expected_compensation_currency", "current_company_id",
            "current_company__name", "current_company__is_off_limits",
        )
    )
    n = len(rows)
    cand_ids = np.array([r[0] for r in rows], dtype=np.int64)
    expected, comp_state = ctx.convert([r[6] for r in rows], [r[7] for r in rows])
    n_cities = len(ctx.city_index)
    prefers = np.zeros((n, n_cities), dtype=bool)
    city = np.full(n, -1, dtype=np.int32)
    for i, r in enumerate(rows):
        norm = normalise_city(r[3])
        if norm:
            city[i] = ctx.city_index.get(norm, -2)
        for pref in _json_list(r[5]):
            c = ctx.city_index.get(normalise_city(pref) if isinstance(pref, str) else "")
            if c is not None:
                prefers[i, c] = True

    spec_rows: list[np.ndarray] = []
    spec_cols: list[np.ndarray] = []
    if n:
        through = Candidate.specialties.through
        pairs = np.array(
            _raw_rows(through.objects.filter(rel_q).values_list("candidate_id", "specialty_id")), dtype=np.int64
        ).reshape(-1, 2)
        _collect(spec_rows, spec_cols, cand_ids, pairs[:, 0],
                 [ctx.specialty_index.get(int(x), -1) for x in pairs[:, 1].tolist()])
        inferred_c, inferred_s = [], []
        for cid, inferred in _raw_rows(
            ResearchProfile.objects.filter(rel_q).values_list("candidate_id", "inferred_specialties")
        ):
            for item in _json_list(inferred):
                k = ctx.slug_index.get(item.get("slug")) if isinstance(item, dict) else None
                if k is not None:
                    inferred_c.append(cid)
                    inferred_s.append(k)
        _collect(spec_rows, spec_cols, cand_ids, np.array(inferred_c, dtype=np.int64), inferred_s)

    points = np.zeros(n)
    top_papers = np.zeros(n)
    first_top = np.zeros(n)
    if n:
        paper_rows = _raw_rows(
            Authorship.objects.filter(rel_q)
            .filter(research_paper_q())
            .annotate(is_first=Case(When(position=1, then=Value(1)), default=Value(0), output_field=IntegerField()))
            .values_list("candidate_id", "publication__year", "publication__venue__tier", "is_first")
            .annotate(n=Count("id"))
            .order_by()
        )
        if paper_rows:
            arr = np.array(paper_rows, dtype=np.int64)
            pos = np.searchsorted(cand_ids, arr[:, 0])
            ok = (pos < n) & (cand_ids[np.minimum(pos, n - 1)] == arr[:, 0])
            arr, pos = arr[ok], pos[ok]
            pts = arr[:, 4] * paper_points(
                arr[:, 2], arr[:, 1], arr[:, 3], reference_year=ctx.reference_year, tier_weights=ctx.tier_weights,
                half_life_years=ctx.half_life_years, first_author_bonus=ctx.first_author_bonus,
            )
            points = np.bincount(pos, weights=pts, minlength=n)
            top = arr[:, 2] == 1
            top_papers = np.bincount(pos, weights=np.where(top, arr[:, 4], 0), minlength=n)
            first_top = np.bincount(pos, weights=np.where(top & (arr[:, 3] == 1), arr[:, 4], 0), minlength=n)

    return CandidateFeatures(
        ids=cand_ids,
        degree=np.array([DEGREE_LEVELS.get(r[1] or "", -1) for r in rows], dtype=np.int8),
        years=np.array([np.nan if r[2] is None else float(r[2]) for r in rows]),
        expected=expected,
        comp_state=comp_state,
        comp_raw=[_money_text(r[6], r[7]) for r in rows],
        city=city,
        city_raw=[(r[3] or "").strip() for r in rows],
        relocates=np.array([bool(r[4]) for r in rows], dtype=bool),
        prefers=prefers,
        company_ids=np.array([-1 if r[8] is None else r[8] for r in rows], dtype=np.int64),
        company_names=[r[9] or "" for r in rows],
        off_limits=np.array([bool(r[10]) for r in rows], dtype=bool),
        points=points,
        top_papers=top_papers,
        first_author_top=first_top,
        credit=specialty_credit_from_pairs(
            np.concatenate(spec_rows) if spec_rows else np.zeros(0, np.int64),
            np.concatenate(spec_cols) if spec_cols else np.zeros(0, np.int64), n, ctx.sim,
        ),
    )


def _raw_rows(queryset) -> list[tuple]:
    """Run a ``values_list`` queryset on the raw cursor: no per-value Django converters.

    JSON columns come back as text (decode with :func:`_json_list`); numbers as the driver
    returns them (Decimal on PostgreSQL, int or float on SQLite).
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _json_list(value) -> list:
    """Decode a JSON list column read raw (text, or already decoded); anything else -> []."""
    if isinstance(value, str):
        if value in ("", "[]", "null"):
            return []
        value = json.loads(value)
    return value if isinstance(value, list) else []


def _collect(rows_out: list, cols_out: list, cand_ids: np.ndarray, row_ids: np.ndarray, spec_idx) -> None:
    """Append (block row, specialty index) of each pair whose candidate is in the block."""
    if len(row_ids) == 0 or len(cand_ids) == 0:
        return
    spec = np.asarray(spec_idx, dtype=np.int64)
    pos = np.searchsorted(cand_ids, row_ids)
    pos_c = np.minimum(pos, len(cand_ids) - 1)
    ok = (pos < len(cand_ids)) & (cand_ids[pos_c] == row_ids) & (spec >= 0)
    rows_out.append(pos_c[ok])
    cols_out.append(spec[ok])
