"""Benchmark of fit scoring on synthetic data: 100,000 candidates x 200 openings on PostgreSQL.

Run by ``make bench`` (never by the tests). Uses its own database (``BENCH_SCORING_DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/crm_bench_scoring``), created and migrated
here, and loads the synthetic data with COPY. Prints:

* the kernel time for all candidate x opening pairs (features preloaded) and its ratio to a
  plain numpy kernel of the same formula, measured in the same run (target <= 2x);
* the end-to-end rescore of all openings in one run (feature loading, kernel, top K,
  breakdowns, persistence) and its ratio to a binary COPY of the same rows, same run;
* peak memory (tracemalloc peak of a rescore; the process's max RSS);
* and last, one JSON line with those figures.

Sizes can be changed with ``BENCH_CANDIDATES`` and ``BENCH_OPENINGS``; data already loaded
with the same sizes is reused unless ``BENCH_RELOAD=1``.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_SCORING_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_scoring")
N_CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", 100_000))
N_OPENINGS = int(os.environ.get("BENCH_OPENINGS", 200))
SEED = 20261129


def ensure_database() -> None:
    """Create the benchmark database when it does not exist."""
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("CELERY_BROKER_URL", None)  # nothing is sent; scoring runs here
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def copy_rows(model, columns: list[str], rows) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``model``'s table; fill the other columns."""
    from django.db import connection
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    now = timezone.now()
    extra_cols, extra_vals = [], []
    for f in model._meta.concrete_fields:
        if f.attname in columns or f.primary_key:
            continue
        if f.null:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            value = f.get_default()
        else:
            value = ""
        if f.get_internal_type() == "JSONField":
            value = Jsonb(value)
        extra_cols.append(f.column)
        extra_vals.append(value)
    cols = [model._meta.get_field(c).column for c in columns] + extra_cols
    extra = tuple(extra_vals)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {model._meta.db_table} ({', '.join(cols)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(tuple(row) + extra)


def load_data(rng: np.random.Generator) -> None:
    """Replace all data with the synthetic set (COPY; a few seconds)."""
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    from crm.models import Candidacy, Company, FxRate, Opening, OpeningRequirement
    from talent.models import Authorship, Candidate, Publication, ResearchProfile, Specialty, Venue

    tables = [m._meta.db_table for m in (Candidate, Publication, Venue, Specialty, Company, FxRate)]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        for cur, value in (("CNY", "7.7"), ("USD", "1.08"), ("HKD", "8.4")):
            FxRate.objects.create(rate_on=timezone.localdate(), currency=cur, rate_per_eur=value)

        # Taxonomy: 8 roots x 6 children x 2 grandchildren = 152 nodes.
        spec_rows, parent_of = [], []
        for r in range(8):
            spec_rows.append((len(spec_rows) + 1, f"root-{r}", f"Area {r}", None))
            root = len(spec_rows)
            for c in range(6):
                spec_rows.append((len(spec_rows) + 1, f"s-{r}-{c}", f"Field {r}.{c}", root))
                child = len(spec_rows)
                for g in range(2):
                    spec_rows.append((len(spec_rows) + 1, f"s-{r}-{c}-{g}", f"Topic {r}.{c}.{g}", child))
        copy_rows(Specialty, ["id", "slug", "name", "parent_id"], spec_rows)
        n_spec = len(spec_rows)
        parent_of = [row[3] for row in spec_rows]

        venues = [(i + 1, f"V{i}", f"Venue {i}", "conference" if i < 25 else "preprint",
                   1 if i < 10 else 2 if i < 20 else 3 if i < 25 else 0) for i in range(30)]
        copy_rows(Venue, ["id", "acronym", "name", "kind", "tier"], venues)

        n_companies = 1000
        copy_rows(Company, ["id", "name", "is_client", "is_off_limits"],
                  ((i + 1, f"Company {i}", i < 300, bool(rng.random() < 0.05)) for i in range(n_companies)))

        cities = ["Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Guangzhou", "Chengdu", "Nanjing", "Wuhan",
                  "Hong Kong", "Singapore", "Seattle", "London", "Xi'an", "Suzhou", "Tianjin", "Zurich"]
        n = N_CANDIDATES
        degree = rng.choice(["phd", "msc", "bsc", "other", ""], n, p=[0.35, 0.4, 0.17, 0.03, 0.05])
        years = rng.integers(0, 26, n)
        years_known = rng.random(n) > 0.1
        city = rng.integers(0, len(cities) + 1, n)
        reloc = rng.random(n) < 0.4
        comp_cur = rng.choice(["CNY", "USD", "SGD", ""], n, p=[0.75, 0.1, 0.03, 0.12])
        comp_amt = np.round(rng.uniform(3e5, 4e6, n), -3)
        company = np.where(rng.random(n) < 0.7, rng.integers(1, n_companies + 1, n), 0)

        def candidates():
            for i in range(n):
                cur = comp_cur[i]
                amount = (comp_amt[i] / 7 if cur == "USD" else comp_amt[i]) if cur else None
                prefs = [cities[j] for j in rng.integers(0, len(cities), rng.integers(0, 3))]
                yield (i + 1, f"Candidate {i}", degree[i], int(years[i]) if years_known[i] else None,
                       cities[city[i]] if city[i] < len(cities) else "", bool(reloc[i]), Jsonb(prefs),
                       amount, cur or None, int(company[i]) or None)

        copy_rows(Candidate, ["id", "full_name", "highest_degree", "years_experience", "city",
                              "is_open_to_relocation", "preferred_cities", "expected_compensation",
                              "expected_compensation_currency", "current_company_id"], candidates())

        through = Candidate.specialties.through
        k = rng.integers(1, 4, n)
        cand_col = np.repeat(np.arange(1, n + 1), k)
        spec_col = rng.integers(1, n_spec + 1, len(cand_col))
        pairs = np.unique(np.stack([cand_col, spec_col], axis=1), axis=0)
        copy_rows(through, ["candidate_id", "specialty_id"], pairs.tolist())

        inferred = np.nonzero(rng.random(n) < 0.3)[0]
        copy_rows(ResearchProfile, ["candidate_id", "inferred_specialties"], (
            (int(i) + 1, Jsonb([{"slug": spec_rows[int(s) - 1][1], "evidence": ["synthetic"]}
                                for s in rng.integers(1, n_spec + 1, 2)])) for i in inferred))

        n_pubs = int(1.5 * n)
        pub_venue = rng.integers(1, 31, n_pubs)
        pub_year = rng.integers(2012, 2027, n_pubs)
        copy_rows(Publication, ["id", "title", "title_key", "venue_id", "year", "is_workshop", "is_preprint"], (
            (i + 1, f"Paper {i}", f"paper{i}", int(pub_venue[i]), int(pub_year[i]), bool(i % 20 == 0),
             bool(pub_venue[i] > 25)) for i in range(n_pubs)))
        papers = rng.poisson(3, n)
        a_cand = np.repeat(np.arange(1, n + 1), papers)
        a_pub = rng.integers(1, n_pubs + 1, len(a_cand))
        ap = np.unique(np.stack([a_cand, a_pub], axis=1), axis=0)
        pos = np.where(rng.random(len(ap)) < 0.3, 1, rng.integers(2, 6, len(ap)))
        copy_rows(Authorship, ["candidate_id", "publication_id", "position"],
                  (( int(c), int(p), int(q)) for (c, p), q in zip(ap, pos, strict=True)))

        m = N_OPENINGS
        o_cities = cities[:12]
        def openings():
            for j in range(m):
                lo = int(rng.integers(0, 8)) if rng.random() < 0.8 else None
                hi = lo + int(rng.integers(3, 12)) if lo is not None and rng.random() < 0.7 else None
                band_cur = "USD" if rng.random() < 0.1 else "CNY"
                band_max = float(np.round(rng.uniform(1.5e6, 3.5e6), -3)) / (7 if band_cur == "USD" else 1)
                yield (j + 1, int(rng.integers(1, 301)), f"Opening {j}", o_cities[j % len(o_cities)],
                       bool(rng.random() < 0.1), str(rng.choice(["phd", "msc", "bsc", ""])), lo, hi,
                       int(rng.integers(0, 6)), band_max * 0.6, band_cur, band_max, band_cur, "open",
                       Jsonb({"research": 0.4} if j % 10 == 0 else {}), date.today())

        copy_rows(Opening, ["id", "company_id", "title", "city", "is_remote", "min_degree", "min_years",
                            "max_years", "target_top_papers", "band_min", "band_min_currency", "band_max",
                            "band_max_currency", "status", "score_weights", "opened_on"], openings())
        req_rows = []
        for j in range(m):
            for s in rng.choice(n_spec, int(rng.integers(2, 5)), replace=False):
                req_rows.append((j + 1, int(s) + 1, float(rng.integers(1, 4)), bool(rng.random() < 0.15)))
        copy_rows(OpeningRequirement, ["opening_id", "specialty_id", "weight", "is_must_have"], req_rows)
        cp = np.unique(np.stack([rng.integers(1, n + 1, 2000), rng.integers(1, m + 1, 2000)], axis=1), axis=0)
        copy_rows(Candidacy, ["candidate_id", "opening_id"], cp.tolist())
        del parent_of
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plain_kernel(cf, of, stretch: float, must_min: float) -> np.ndarray:
    """The same formula as crm.scoring.kernel.block_totals, written as plain numpy."""
    w = of.weights
    ws = of.weight_sum
    spec = np.where(ws > 0, np.minimum(1.0, (cf.credit @ of.req_weights) / np.where(ws > 0, ws, 1.0)), 1.0)
    research = 1.0 - 10.0 ** (-cf.points[:, None] / of.target)
    c, r = cf.degree[:, None], of.min_degree[None, :]
    degree = np.where(r < 0, 1.0, np.where(c < 0, 0.5, 0.5 ** np.clip(r - c, 0, None)))
    y, lo, hi = cf.years[:, None], of.min_years, of.max_years
    with np.errstate(invalid="ignore", divide="ignore"):
        exp = np.where(np.isnan(lo) & np.isnan(hi), 1.0, np.where(
            np.isnan(y), 0.5, np.where(y < lo, np.where(lo > 0, y / lo, 1.0), np.where(
                y > hi, np.maximum(0.5, 1.0 - 0.1 * (y - hi)), 1.0))))
        e, cs, bm, bs = cf.expected[:, None], cf.comp_state[:, None], of.band_max, of.band_state
        comp = np.where(bs == 1, 1.0, np.where((bs == 2) | (cs != 0), 0.5, np.where(
            e > bm, np.maximum(0.0, 1.0 - (e - bm) / (stretch * bm)), 1.0)))
    oc = of.city
    pref = cf.prefers[:, np.maximum(oc, 0)] & (oc >= 0)
    cc = cf.city[:, None]
    loc = np.where(of.is_remote | (oc < 0) | (cc == oc), 1.0, np.where(pref, 0.9, np.where(
        cf.relocates[:, None], 0.7, np.where(cc == -1, 0.5, 0.2))))
    total = (w[:, 0] * spec + w[:, 1] * research + w[:, 2] * degree + w[:, 3] * exp + w[:, 4] * comp
             + w[:, 5] * loc)
    if len(of.mh_spec):
        fail = ((cf.credit[:, of.mh_spec] < must_min - 1e-9).astype(float) @ of.mh_matrix) > 0
        total = np.where(fail, 0.0, total)
    return total


def binary_copy_seconds(rows) -> float:
    """Time a binary COPY of ``rows`` into a copy of the fit-score table (same indexes)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_fitscore_copy")
        cursor.execute("CREATE TABLE bench_fitscore_copy (LIKE crm_fitscore INCLUDING ALL)")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY bench_fitscore_copy (candidate_id, opening_id, score, breakdown, scorer_version, is_excluded, "
            "exclusion_reason, run_id, computed_at) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int8", "int8", "numeric", "jsonb", "varchar", "bool", "varchar", "int8", "timestamptz"])
            for row in rows:
                copy.write_row(row)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_fitscore_copy")
    return elapsed


def main() -> None:
    ensure_database()
    setup_django()
    from django.db import connection
    from psycopg.types.json import Jsonb

    from crm.models import FitScore, Opening
    from crm.scoring.features import load_candidates, scored_candidates
    from crm.scoring.kernel import TopK, block_totals, score_block
    from crm.scoring.services import _context_for, openings_rescore
    from talent.models import Candidate

    rng = np.random.default_rng(SEED)
    t0 = time.perf_counter()
    fresh = (os.environ.get("BENCH_RELOAD") != "1" and Candidate.objects.count() == N_CANDIDATES
             and Opening.objects.count() == N_OPENINGS and Candidate.objects.filter(full_name="Candidate 0").exists())
    if not fresh:
        load_data(rng)
    load_s = time.perf_counter() - t0
    opening_ids = list(Opening.objects.order_by("id").values_list("id", flat=True))
    how = "already loaded (BENCH_RELOAD=1 reloads)" if fresh else f"loaded with COPY in {load_s:.1f} s"
    print(f"synthetic data: {N_CANDIDATES:,} candidates, {len(opening_ids)} openings {how}")
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')!r} (may slow the BLAS product)")

    # Kernel: features preloaded, then the block kernel vs the plain numpy kernel.
    ctx, of = _context_for(opening_ids)
    ids = np.fromiter(scored_candidates().order_by("id").values_list("id", flat=True), dtype=np.int64)
    t0 = time.perf_counter()
    blocks = [load_candidates(ctx, id_range=(int(b[0]), int(b[-1])))
              for b in np.array_split(ids, max(1, int(np.ceil(len(ids) / ctx.block_size))))]
    features_s = time.perf_counter() - t0
    pairs = sum(len(cf) for cf in blocks) * len(of)
    for cf in blocks[:1]:  # warm-up
        block_totals(ctx, cf, of)
        plain_kernel(cf, of, ctx.comp_stretch, ctx.must_have_min_credit)
    t0 = time.perf_counter()
    for cf in blocks:
        block_totals(ctx, cf, of)
    kernel_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for cf in blocks:
        plain_kernel(cf, of, ctx.comp_stretch, ctx.must_have_min_credit)
    plain_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    topk = TopK(len(of), ctx.top_k)
    for cf in blocks:
        keys, _excluded = score_block(ctx, cf, of)
        topk.push(keys)
    rank_s = time.perf_counter() - t0
    for cf in blocks[:3]:
        np.testing.assert_allclose(block_totals(ctx, cf, of)[0],
                                   plain_kernel(cf, of, ctx.comp_stretch, ctx.must_have_min_credit), atol=1e-12)
    del blocks
    print(f"features for all candidates: {features_s:.2f} s ({ctx.block_size}-candidate blocks)")
    print(f"kernel, {pairs:,} pairs: {kernel_s:.2f} s ({pairs / kernel_s / 1e6:.1f} M pairs/s); "
          f"plain numpy kernel: {plain_s:.2f} s; ratio {kernel_s / plain_s:.2f}x (target <= 2x)")
    print(f"kernel + rank keys + streaming top-{ctx.top_k}: {rank_s:.2f} s")

    # End to end: every opening in one run, from an empty table (every row written).
    FitScore.objects.all().delete()
    t0 = time.perf_counter()
    run = openings_rescore(opening_ids)
    e2e_s = time.perf_counter() - t0
    rows = [
        (c, o, s, Jsonb(b), v, x, r, run_id, at)
        for c, o, s, b, v, x, r, run_id, at in FitScore.objects.values_list(
            "candidate_id", "opening_id", "score", "breakdown", "scorer_version", "is_excluded", "exclusion_reason",
            "run_id", "computed_at")
    ]
    copy_s = binary_copy_seconds(rows)
    print(f"end-to-end rescore of {len(opening_ids)} openings: {e2e_s:.2f} s, {run.rows_written:,} rows written; "
          f"stages {run.timings}")
    print(f"binary COPY of the same {len(rows):,} rows: {copy_s:.2f} s; ratio {e2e_s / copy_s:.1f}x")

    # Rerun with tracemalloc: unchanged rows are not rewritten; peak heap of one full run.
    tracemalloc.start()
    t0 = time.perf_counter()
    rerun = openings_rescore(opening_ids)
    rerun_s = time.perf_counter() - t0
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rerun with nothing changed (under tracemalloc): {rerun_s:.2f} s, {rerun.rows_written} rows written")
    print(f"peak memory: tracemalloc {peak / 2**20:.0f} MiB during a full rescore; process max RSS {maxrss_mb:.0f} MiB")
    connection.close()
    print(json.dumps({
        "candidates": N_CANDIDATES, "openings": len(opening_ids), "pairs": pairs,
        "kernel_s": round(kernel_s, 3), "plain_numpy_kernel_s": round(plain_s, 3),
        "kernel_ratio": round(kernel_s / plain_s, 3), "kernel_topk_s": round(rank_s, 3),
        "features_s": round(features_s, 3), "e2e_rescore_s": round(e2e_s, 3), "rows_written": run.rows_written,
        "binary_copy_s": round(copy_s, 3), "e2e_copy_ratio": round(e2e_s / copy_s, 2),
        "e2e_stages_s": run.timings, "rerun_unchanged_s": round(rerun_s, 3),
        "tracemalloc_peak_mib": round(peak / 2**20, 1), "max_rss_mib": round(maxrss_mb, 1),
    }))


if __name__ == "__main__":
    main()
