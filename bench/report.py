"""Benchmark of the weekly report: 50 managers over 1,000,000 stage changes and 100,000 candidacies, PostgreSQL.

Run by ``make bench`` (never by the tests). Uses its own database
(``BENCH_REPORT_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/crm_bench_report_h12``),
created and migrated here; the synthetic history is loaded with COPY. Prints:

* the time of :func:`crm.reports.selectors.reports_figures` for all 50 managers, as the
  Monday fan-out computes them (every figure of every report, the event rows for the CSV
  included), best of ``BENCH_RUNS``;
* the time of a raw SQL ``GROUP BY`` of the same aggregates for all managers at once (one
  statement per figure, grouped by manager), best of ``BENCH_RUNS``, and the ratio
  (target: at most 2x);
* the queries: for the batch of 50, and for each manager alone
  (:func:`~crm.reports.selectors.report_figures`, as a send task or the command without
  the fan-out computes it): constant, the same number for every manager;
* that both give the same numbers (headline counts, fees booked, funnel, medians, stale,
  overdue follow-ups), manager by manager;
* rendering (HTML, text, CSV, two PNG charts) of one report;
* and last, one JSON line with those figures.

Sizes: ``BENCH_CANDIDACIES`` (100,000; one candidate each), ``BENCH_STAGE_CHANGES``
(1,000,000), ``BENCH_MANAGERS`` (50). Data already loaded with the same sizes is reused
unless ``BENCH_RELOAD=1``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_REPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_report_h12")
N_CANDIDACIES = int(os.environ.get("BENCH_CANDIDACIES", 100_000))
N_CHANGES = int(os.environ.get("BENCH_STAGE_CHANGES", 1_000_000))
N_MANAGERS = int(os.environ.get("BENCH_MANAGERS", 50))
RUNS = int(os.environ.get("BENCH_RUNS", 3))
OPENINGS_PER_MANAGER = 20
RECRUITERS_PER_MANAGER = 2
SEED = 20261123
STAGES = ("sourced", "contacted", "screening", "submitted", "interviewing", "offer", "placed")


def ensure_database() -> None:
    """Create the benchmark database when it does not exist (its name must contain "bench")."""
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    assert "bench" in name, f"refusing to load synthetic data into {name!r}: the name must contain 'bench'"
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def copy_rows(model, columns: list[str], rows) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``model``'s table; other NOT NULL columns get their default."""
    from django.db import connection
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    now = timezone.now()
    extra_cols, extra_vals = [], []
    for f in model._meta.concrete_fields:
        if f.attname in columns or f.primary_key or f.null:
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


def report_week():
    from crm.reports.weeks import Week

    return Week(2026, 48)


def load_data(rng: np.random.Generator) -> None:
    """Replace all data with the synthetic history (COPY)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from compensation.models import Offer, OfferStatusChange
    from crm.models import Activity, Candidacy, Company, FitScore, Opening, Placement, StaffProfile, StageChange
    from talent.models import Candidate

    User = get_user_model()
    week = report_week()
    end = week.end_at + timedelta(weeks=1)  # a week of events after the report week: "as of" must ignore them
    start = week.end_at - timedelta(weeks=52)
    span = (end - start).total_seconds()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Candidate._meta.db_table}, {Company._meta.db_table}, {User._meta.db_table} "
                           "RESTART IDENTITY CASCADE")
        n_rec = N_MANAGERS * RECRUITERS_PER_MANAGER
        users = [(i + 1, f"manager{i}", f"manager{i}@example.com", "!", True, True, False, start, "", "")
                 for i in range(N_MANAGERS)]
        users += [(N_MANAGERS + r + 1, f"recruiter{r}", f"recruiter{r}@example.com", "!", True, True, False, start,
                   "", "") for r in range(n_rec)]
        copy_rows(User, ["id", "username", "email", "password", "is_active", "is_staff", "is_superuser",
                         "date_joined", "first_name", "last_name"], users)
        copy_rows(StaffProfile, ["user_id", "manager_id", "language", "is_weekly_report_enabled"],
                  ((N_MANAGERS + r + 1, r // RECRUITERS_PER_MANAGER + 1, "", True) for r in range(n_rec)))
        copy_rows(Company, ["id", "name", "is_client", "kind"], ((i + 1, f"Company {i}", True, "ai_unicorn")
                                                                 for i in range(200)))
        n_open = N_MANAGERS * OPENINGS_PER_MANAGER

        def opening_rows():
            for j in range(n_open):
                m = j % N_MANAGERS
                recruiter = N_MANAGERS + m * RECRUITERS_PER_MANAGER + (j // N_MANAGERS) % RECRUITERS_PER_MANAGER + 1
                via_team = j % 4 == 0  # a quarter of the openings reach their manager through the team
                yield (j + 1, j % 200 + 1, f"Opening {j}", "open" if j % 10 else "on_hold",
                       None if via_team else m + 1, recruiter, Decimal("25") if j % 3 else Decimal("20"), start.date())

        copy_rows(Opening, ["id", "company_id", "title", "status", "manager_id", "owner_id", "fee_percent",
                            "opened_on"], opening_rows())

        n = N_CANDIDACIES
        copy_rows(Candidate, ["id", "full_name", "native_name", "name_key", "name_ends_key"],
                  ((i + 1, f"Candidate {i}", f"候选人{i}", f"candidate {i}", f"candidate {i}") for i in range(n)))
        opening_of = rng.integers(1, n_open + 1, n)
        owner_of = N_MANAGERS + 1 + (opening_of - 1) % N_MANAGERS * RECRUITERS_PER_MANAGER
        # Rows per candidacy: N_CHANGES in all (the closing moves below included), at least one.
        closing = int(0.85 * n * 0.78)  # about that many candidacies get a closing move (measured)
        rows_per = rng.multinomial(N_CHANGES - n - closing, np.ones(n) / n) + 1
        created = start + np.array(rng.random(n) * span, dtype="timedelta64[s]").astype(object)
        gaps = rng.exponential(2.5 * 86400, N_CHANGES)  # seconds between moves, mean 2.5 days
        reject = rng.random(N_CHANGES) < 0.08
        close = rng.random(n) < 0.85
        close_after = rng.uniform(7, 42, n)
        changes, final = [], []
        k = 0
        for i in range(n):
            at = created[i]
            rank, stage = 0, "sourced"
            rows = [(i + 1, "", "sourced", at, False)]
            for _ in range(rows_per[i] - 1):
                at = at + timedelta(seconds=float(gaps[k]))
                k += 1
                if stage in ("rejected", "withdrawn", "placed"):
                    rank = int(rng.integers(0, 5))
                    to, reopen = STAGES[rank], True
                elif reject[k]:
                    to, reopen = "rejected", False
                else:
                    rank += 1
                    to, reopen = STAGES[rank], False
                rows.append((i + 1, stage, to, at, reopen))
                stage = to
                rank = STAGES.index(stage) if stage in STAGES else rank
            if stage not in ("rejected", "withdrawn", "placed") and close[i]:
                # Recruiters close a candidacy that went nowhere (withdrawn) a few weeks on;
                # the rest stay open, and the ones idle for two weeks are the report's "stale".
                at = at + timedelta(days=float(close_after[i]))
                rows[-1:] = [rows[-1], (i + 1, stage, "withdrawn", at, False)]
                stage = "withdrawn"
            changes.extend(rows)
            final.append((stage, at))
        copy_rows(Candidacy, ["id", "candidate_id", "opening_id", "stage", "stage_changed_at", "owner_id"],
                  ((i + 1, i + 1, int(opening_of[i]), final[i][0], final[i][1], int(owner_of[i])) for i in range(n)))
        copy_rows(StageChange, ["candidacy_id", "from_stage", "to_stage", "changed_at", "is_reopen"], changes)

        # Activities: 1.5 per candidacy; a third are follow-ups, two thirds of those done.
        n_act = int(1.5 * n)
        act_cy = rng.integers(1, n + 1, n_act)
        act_at = start + np.array(rng.random(n_act) * span, dtype="timedelta64[s]").astype(object)
        is_task = rng.random(n_act) < 0.33
        done = rng.random(n_act) < 0.66
        copy_rows(Activity, ["candidate_id", "candidacy_id", "kind", "subject", "occurred_at", "due_at",
                             "completed_at", "created_by_id"], (
            (int(c), int(c), "task" if t else "call", "Synthetic", a, a + timedelta(days=3) if t else None,
             a + timedelta(days=2) if t and d else None, int(owner_of[c - 1]))
            for c, a, t, d in zip(act_cy, act_at, is_task, done, strict=True)))

        # Offers: 6,000 (a tenth of the candidacies at most) on random candidacies, created -> extended -> (accepted | declined | still open).
        n_off = min(6000, n // 10)
        off_cy = rng.choice(n, n_off, replace=False) + 1
        off_at = start + np.array(rng.random(n_off) * span, dtype="timedelta64[s]").astype(object)
        base = rng.integers(40, 160, n_off) * 1000
        fate = rng.random(n_off)
        copy_rows(Offer, ["id", "candidate_id", "company_id", "candidacy_id", "monthly_base", "monthly_base_currency",
                          "months_per_year", "status", "deadline_on", "title", "notes"], (
            (j + 1, int(off_cy[j]), int((opening_of[off_cy[j] - 1] - 1) % 200 + 1), int(off_cy[j]),
             Decimal(int(base[j])), "CNY", Decimal(14), "accepted" if fate[j] < 0.4 else "declined" if fate[j] < 0.6
             else "extended", (off_at[j] + timedelta(days=10)).date(), "", "") for j in range(n_off)))
        status_rows = []
        for j in range(n_off):
            status_rows.append((j + 1, "", "draft", off_at[j]))
            status_rows.append((j + 1, "draft", "extended", off_at[j] + timedelta(hours=2)))
            if fate[j] < 0.6:
                status_rows.append((j + 1, "extended", "accepted" if fate[j] < 0.4 else "declined",
                                    off_at[j] + timedelta(days=4)))
        copy_rows(OfferStatusChange, ["offer_id", "from_status", "to_status", "changed_at"], status_rows)
        # Placements for the accepted ones (fee: 25 % of 14 months of base).
        copy_rows(Placement, ["candidacy_id", "start_on", "year1_cash", "year1_cash_currency", "fee", "fee_currency",
                              "created_at"], (
            (int(off_cy[j]), (off_at[j] + timedelta(days=30)).date(), Decimal(int(base[j]) * 14), "CNY",
             Decimal(int(base[j]) * 14) / 4, "CNY", off_at[j] + timedelta(days=5))
            for j in range(n_off) if fate[j] < 0.4))
        # Stored fit scores: 30 per opening, most not in the pipeline.
        fit = {(int(o), int(c)) for o, c in zip(rng.integers(1, n_open + 1, 30 * n_open),
                                                 rng.integers(1, n + 1, 30 * n_open), strict=True)}
        copy_rows(FitScore, ["opening_id", "candidate_id", "score", "scorer_version", "breakdown"],
                  ((o, c, Decimal(int(rng.integers(1, 100))), "bench", []) for o, c in sorted(fit)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the raw SQL yardstick ----------------------------------------------------------------------


def raw_group_by(week, trend_weeks: int, stale_days: int, best_k: int) -> dict:
    """The same aggregates as ``report_figures``, for every manager at once: raw SQL grouped by manager."""
    from django.db import connection

    weeks = [week.shifted(-i) for i in reversed(range(trend_weeks))]
    prev = week.previous()
    scope = """scope AS (
        SELECT o.id AS opening_id, COALESCE(o.manager_id, p.manager_id) AS manager_id, o.fee_percent, o.status
        FROM crm_opening o LEFT JOIN crm_staffprofile p ON p.user_id = o.owner_id
        WHERE o.manager_id IS NOT NULL OR p.manager_id IS NOT NULL)"""
    kinds = {"new_candidacies": "sc.from_stage = ''",
             "submissions": "sc.to_stage = 'submitted' AND NOT sc.is_reopen",
             "interviews": "sc.to_stage = 'interviewing' AND NOT sc.is_reopen",
             "placements": "sc.to_stage = 'placed' AND NOT sc.is_reopen"}
    params: list = []
    cols = []
    for key, cond in kinds.items():
        for i, w in enumerate(weeks):
            cols.append(f"COUNT(*) FILTER (WHERE {cond} AND sc.changed_at >= %s AND sc.changed_at < %s) AS {key}_{i}")
            params += [w.start_at, w.end_at]
    out: dict = {}
    rank = "CASE sc.to_stage " + " ".join(f"WHEN '{s}' THEN {r}" for r, s in enumerate(STAGES)) + " ELSE -1 END"
    ocols, oparams = [], []
    for key, status in (("offers_extended", "extended"), ("offers_accepted", "accepted")):
        for i, w in enumerate(weeks):
            ocols.append(f"COUNT(*) FILTER (WHERE x.to_status = '{status}' AND x.changed_at >= %s "
                         f"AND x.changed_at < %s) AS {key}_{i}")
            oparams += [w.start_at, w.end_at]
    queries = {
        "trend": (f"""WITH {scope} SELECT s.manager_id, {', '.join(cols)}
                     FROM crm_stagechange sc JOIN crm_candidacy c ON c.id = sc.candidacy_id
                     JOIN scope s ON s.opening_id = c.opening_id
                     WHERE sc.changed_at >= %s AND sc.changed_at < %s GROUP BY s.manager_id""",
                  params + [weeks[0].start_at, week.end_at]),
        "offers": (f"""WITH {scope} SELECT s.manager_id, {', '.join(ocols)}
                      FROM compensation_offerstatuschange x JOIN compensation_offer f ON f.id = x.offer_id
                      JOIN crm_candidacy c ON c.id = f.candidacy_id JOIN scope s ON s.opening_id = c.opening_id
                      WHERE x.changed_at >= %s AND x.changed_at < %s GROUP BY s.manager_id""",
                   oparams + [weeks[0].start_at, week.end_at]),
        "booked": (f"""WITH {scope} SELECT s.manager_id, p.fee_currency,
                         SUM(p.fee) FILTER (WHERE p.created_at >= %s), SUM(p.fee) FILTER (WHERE p.created_at < %s)
                      FROM crm_placement p JOIN crm_candidacy c ON c.id = p.candidacy_id
                      JOIN scope s ON s.opening_id = c.opening_id
                      WHERE p.created_at >= %s AND p.created_at < %s GROUP BY s.manager_id, p.fee_currency""",
                   [week.start_at, week.start_at, prev.start_at, week.end_at]),
        "projected": (f"""WITH {scope}, st AS (
                           SELECT f.id, f.candidacy_id, f.monthly_base * f.months_per_year AS y1,
                             (SELECT x.to_status FROM compensation_offerstatuschange x WHERE x.offer_id = f.id
                              AND x.changed_at < %s ORDER BY x.changed_at DESC, x.id DESC LIMIT 1) AS now_status,
                             (SELECT x.to_status FROM compensation_offerstatuschange x WHERE x.offer_id = f.id
                              AND x.changed_at < %s ORDER BY x.changed_at DESC, x.id DESC LIMIT 1) AS prev_status
                           FROM compensation_offer f WHERE f.candidacy_id IS NOT NULL)
                         SELECT s.manager_id,
                           SUM(ROUND(st.y1 * s.fee_percent / 100, 2)) FILTER (WHERE now_status = 'extended'),
                           SUM(ROUND(st.y1 * s.fee_percent / 100, 2)) FILTER (WHERE prev_status = 'extended')
                         FROM st JOIN crm_candidacy c ON c.id = st.candidacy_id JOIN scope s ON s.opening_id = c.opening_id
                         GROUP BY s.manager_id""", [week.end_at, prev.end_at]),
        "funnel": (f"""WITH {scope}, m AS (
                        SELECT sc.candidacy_id, c.opening_id, MAX({rank}) AS top,
                               SUM(CASE WHEN sc.changed_at >= %s THEN 1 ELSE 0 END) AS moves
                        FROM crm_stagechange sc JOIN crm_candidacy c ON c.id = sc.candidacy_id
                        JOIN scope s ON s.opening_id = c.opening_id
                        WHERE sc.changed_at < %s GROUP BY sc.candidacy_id, c.opening_id)
                      SELECT s.manager_id, m.opening_id,
                        {', '.join(f'SUM(CASE WHEN m.top >= {r} THEN 1 ELSE 0 END)' for r in range(len(STAGES)))},
                        SUM(m.moves)
                      FROM m JOIN scope s ON s.opening_id = m.opening_id GROUP BY s.manager_id, m.opening_id""",
                   [week.start_at, week.end_at]),
        "median": (f"""WITH {scope}, moved AS (
                        SELECT DISTINCT sc.candidacy_id FROM crm_stagechange sc
                        WHERE sc.changed_at >= %s AND sc.changed_at < %s),
                      stays AS (
                        SELECT s.manager_id, sc.to_stage AS stage, sc.changed_at AS entered_at,
                          LEAD(sc.changed_at) OVER (PARTITION BY sc.candidacy_id ORDER BY sc.changed_at, sc.id) AS left_at
                        FROM crm_stagechange sc JOIN crm_candidacy c ON c.id = sc.candidacy_id
                        JOIN scope s ON s.opening_id = c.opening_id
                        WHERE sc.candidacy_id IN (SELECT candidacy_id FROM moved) AND sc.changed_at < %s)
                      SELECT manager_id, stage,
                        percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (left_at - entered_at)) / 86400.0),
                        COUNT(*)
                      FROM stays WHERE left_at >= %s AND left_at < %s
                        AND stage IN ('sourced','contacted','screening','submitted','interviewing','offer')
                        AND EXTRACT(EPOCH FROM (left_at - entered_at)) >= 60
                      GROUP BY manager_id, stage""", [week.start_at, week.end_at, week.end_at, week.start_at,
                                                      week.end_at]),
        "stale": (f"""WITH {scope}, last AS (
                       SELECT DISTINCT ON (sc.candidacy_id) sc.candidacy_id, sc.to_stage, sc.changed_at, s.manager_id
                       FROM crm_stagechange sc JOIN crm_candidacy c ON c.id = sc.candidacy_id
                       JOIN scope s ON s.opening_id = c.opening_id WHERE sc.changed_at < %s
                       ORDER BY sc.candidacy_id, sc.changed_at DESC, sc.id DESC)
                     SELECT last.manager_id, COUNT(*) FROM last
                     WHERE last.to_stage IN ('sourced','contacted','screening','submitted','interviewing','offer')
                       AND last.changed_at < %s
                       AND NOT EXISTS (SELECT 1 FROM crm_activity a WHERE a.candidacy_id = last.candidacy_id
                                       AND a.occurred_at < %s AND a.occurred_at >= %s)
                     GROUP BY last.manager_id""",
                  [week.end_at, week.end_at - timedelta(days=stale_days), week.end_at,
                   week.end_at - timedelta(days=stale_days)]),
        "overdue": (f"""WITH {scope} SELECT s.manager_id, COALESCE(c.owner_id, a.created_by_id), COUNT(*)
                       FROM crm_activity a JOIN crm_candidacy c ON c.id = a.candidacy_id
                       JOIN scope s ON s.opening_id = c.opening_id
                       WHERE a.due_at < %s AND a.occurred_at < %s AND (a.completed_at IS NULL OR a.completed_at >= %s)
                       GROUP BY 1, 2""", [week.end_at, week.end_at, week.end_at]),
        "best": (f"""WITH {scope}, r AS (
                      SELECT f.opening_id, f.candidate_id, ROW_NUMBER() OVER (PARTITION BY f.opening_id
                        ORDER BY f.score DESC, f.candidate_id) AS rn
                      FROM crm_fitscore f JOIN scope s ON s.opening_id = f.opening_id
                      WHERE NOT f.is_excluded AND f.score > 0 AND s.status IN ('draft', 'open', 'on_hold')
                        AND NOT EXISTS (SELECT 1 FROM crm_candidacy c WHERE c.candidate_id = f.candidate_id
                                        AND c.opening_id = f.opening_id))
                    SELECT opening_id, COUNT(*) FROM r WHERE rn <= %s GROUP BY opening_id""", [best_k]),
    }
    with connection.cursor() as cursor:
        for name, (sql, args) in queries.items():
            cursor.execute(sql, args)
            out[name] = cursor.fetchall()
    return out


def timed(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), max(times), result


def main() -> None:
    ensure_database()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.conf import setting
    from crm.models import StageChange
    from crm.reports.render import report_render
    from crm.reports.selectors import COUNT_KEYS, BaseConverter, report_figures, reports_figures

    week = report_week()
    loaded = StageChange.objects.count()
    t0 = time.perf_counter()
    if abs(loaded - N_CHANGES) > 0.02 * N_CHANGES or os.environ.get("BENCH_RELOAD") == "1":
        load_data(np.random.default_rng(SEED))
        how = f"loaded with COPY in {time.perf_counter() - t0:.1f} s"
    else:
        how = "already loaded (BENCH_RELOAD=1 reloads)"
    from crm.models import Candidacy

    n_changes = StageChange.objects.count()
    print(f"synthetic history: {n_changes:,} stage changes, {Candidacy.objects.count():,} "
          f"candidacies, {N_MANAGERS} managers x {OPENINGS_PER_MANAGER} openings; {how}")
    managers = list(get_user_model().objects.filter(username__startswith="manager").order_by("pk"))

    def ours():
        return list(reports_figures(managers=managers, week=week, converter=BaseConverter()).values())

    def theirs():
        return raw_group_by(week, int(setting("CRM_REPORT_TREND_WEEKS")), int(setting("CRM_REPORT_STALE_DAYS")),
                            int(setting("CRM_REPORT_BEST_FIT_PER_OPENING")))

    ours(), theirs()  # warm caches (both)
    ours_min, ours_med, ours_max, payloads = timed(ours, RUNS)
    raw_min, raw_med, raw_max, raw = timed(theirs, RUNS)
    ratio = ours_min / raw_min
    print(f"reports_figures for {len(managers)} managers: best {ours_min:.2f} s (median {ours_med:.2f}, max "
          f"{ours_max:.2f}; {1000 * ours_min / len(managers):.0f} ms per manager)")
    print(f"raw SQL GROUP BY of the same aggregates, all managers: best {raw_min:.2f} s (median {raw_med:.2f}, "
          f"max {raw_max:.2f})")
    print(f"ratio {ratio:.2f}x (target <= 2x; best against best, same run)")

    converter = BaseConverter()
    reports_figures(managers=managers[:1], week=week, converter=converter)  # exchange rates read once per run
    with CaptureQueriesContext(connection) as batch_queries:
        reports_figures(managers=managers, week=week, converter=converter)
    per_manager = []
    t0 = time.perf_counter()
    for m in managers:
        with CaptureQueriesContext(connection) as queries:
            report_figures(manager=m, week=week, converter=converter)
        per_manager.append(len(queries))
    alone_s = time.perf_counter() - t0
    print(f"queries: {len(batch_queries)} for the batch of {len(managers)} "
          f"({len(batch_queries) / len(managers):.2f} per manager); one manager alone: min {min(per_manager)}, "
          f"max {max(per_manager)} ({'constant' if min(per_manager) == max(per_manager) else 'NOT constant'}); "
          f"each manager alone, one after the other: {alone_s:.1f} s ({1000 * alone_s / len(managers):.0f} ms each)")

    # Same numbers, manager by manager.
    index = {p["manager"]["id"]: p for p in payloads}
    trend = {row[0]: row[1:] for row in raw["trend"]}
    weeks_n = int(setting("CRM_REPORT_TREND_WEEKS"))
    mismatches = []
    for manager_id, row in trend.items():
        p = index[manager_id]
        for k, key in enumerate(("new_candidacies", "submissions", "interviews", "placements")):
            if list(row[k * weeks_n:(k + 1) * weeks_n]) != p["trend"][key]:
                mismatches.append((manager_id, key))
    for manager_id, *counts in raw["offers"]:
        for k, key in enumerate(("offers_extended", "offers_accepted")):
            if list(counts[k * weeks_n:(k + 1) * weeks_n]) != index[manager_id]["trend"][key]:
                mismatches.append((manager_id, key))
    for manager_id, _cur, this, _last in raw["booked"]:
        if Decimal(index[manager_id]["headline"][-1]["this_week"]["amount"]) != (this or 0):
            mismatches.append((manager_id, "fees_booked"))
    for manager_id, now_fee, _prev_fee in raw["projected"]:
        if Decimal(index[manager_id]["headline"][-2]["this_week"]["amount"]) != (now_fee or 0):
            mismatches.append((manager_id, "fees_projected"))
    funnel_total: dict[int, list[int]] = {}
    for manager_id, _opening, *reached_moves in raw["funnel"]:
        total = funnel_total.setdefault(manager_id, [0] * len(STAGES))
        for r in range(len(STAGES)):
            total[r] += reached_moves[r]
    for manager_id, total in funnel_total.items():
        if total != index[manager_id]["funnel_total"]:
            mismatches.append((manager_id, "funnel"))
    for manager_id, stage, median, count in raw["median"]:
        mine = {m["stage"]: m for m in index[manager_id]["median_days"]}.get(stage)
        if not mine or mine["stays"] != count or abs(mine["median_days"] - round(median, 2)) > 0.006:
            mismatches.append((manager_id, f"median {stage}"))
    for manager_id, count in raw["stale"]:
        if len(index[manager_id]["stale"]) != count:
            mismatches.append((manager_id, "stale"))
    overdue: dict[int, int] = {}
    for manager_id, _recruiter, count in raw["overdue"]:
        overdue[manager_id] = overdue.get(manager_id, 0) + count
    for manager_id, count in overdue.items():
        if sum(g["count"] for g in index[manager_id]["follow_ups"]["by_recruiter"]) != count:
            mismatches.append((manager_id, "overdue"))
    print(f"same numbers as the raw SQL for all {len(managers)} managers: "
          f"{'yes' if not mismatches else f'NO, {len(mismatches)} differences: {mismatches[:5]}'}")
    sample = payloads[0]
    print("manager0's week: " + ", ".join(f"{h['key']} {h['this_week']}" for h in sample["headline"]
                                          if h["key"] in COUNT_KEYS)
          + f"; {len(sample['events'])} event rows, {len(sample['stale'])} stale")

    t0 = time.perf_counter()
    rendered = report_render(sample, language="zh-hans")
    render_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    report_render(sample, language="en")
    render2_s = time.perf_counter() - t0
    print(f"rendering one report (HTML {len(rendered.html) // 1024} KiB, CSV {len(rendered.csv) // 1024} KiB, "
          f"2 PNG charts): first {render_s:.2f} s (imports matplotlib), then {render2_s:.2f} s")
    connection.close()
    print(json.dumps({
        "stage_changes": n_changes, "candidacies": N_CANDIDACIES, "managers": len(managers),
        "report_figures_s": {"min": round(ours_min, 3), "median": round(ours_med, 3), "max": round(ours_max, 3)},
        "raw_group_by_s": {"min": round(raw_min, 3), "median": round(raw_med, 3), "max": round(raw_max, 3)},
        "ratio": round(ratio, 2), "batch_queries": len(batch_queries),
        "queries_one_manager": sorted(set(per_manager)), "one_by_one_s": round(alone_s, 2),
        "same_numbers": not mismatches, "render_s": round(render2_s, 3),
        "generated": datetime.now().isoformat(timespec="seconds"),
    }))
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
