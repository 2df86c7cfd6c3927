"""Bulk writes of fit scores: PostgreSQL COPY + ``INSERT .. ON CONFLICT``, SQLite ``bulk_create``.

:func:`fitscores_write` runs inside the caller's transaction: deleting the stale rows and
upserting the new ones commit together, so a reader sees an opening's old ranking or its
new one, never half of each. A row whose score, breakdown, version and exclusion are
unchanged is not rewritten (its ``computed_at`` and ``run`` stay): running the same task
twice leaves identical rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from crm.models import FitScore

from . import SCORER_VERSION
from .explain import Row

_TEMP = "crm_fitscore_in"


def fitscores_write(
    rows: Sequence[Row],
    *,
    run_id: int | None,
    replace_openings: Sequence[int] = (),
    delete_pairs: Sequence[tuple[int, int]] = (),
) -> int:
    """Upsert ``rows``; delete stale rows; return the number of rows inserted or changed.

    Args:
        rows: ``(candidate_id, opening_id, score Decimal 0-100, breakdown, is_excluded,
            exclusion_reason)``, at most one per pair.
        replace_openings: openings whose whole ranking ``rows`` replaces: their rows not in
            ``rows`` are deleted.
        delete_pairs: ``(candidate_id, opening_id)`` pairs to delete (no longer qualifying).

    Must run inside ``transaction.atomic()``.
    """
    if connection.vendor == "postgresql":
        return _write_postgresql(rows, run_id, list(replace_openings), list(delete_pairs))
    return _write_generic(rows, run_id, list(replace_openings), list(delete_pairs))


def _write_postgresql(rows, run_id, replace_openings, delete_pairs) -> int:
    table = FitScore._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_TEMP} (candidate_id bigint NOT NULL, opening_id bigint NOT NULL, "
            "score numeric(5,2) NOT NULL, breakdown jsonb NOT NULL, is_excluded boolean NOT NULL, "
            "exclusion_reason varchar(300) NOT NULL) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {_TEMP}")
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(
            f"COPY {_TEMP} (candidate_id, opening_id, score, breakdown, is_excluded, exclusion_reason) FROM STDIN"
        ) as copy:
            for cand, opening, score, breakdown, excluded, reason in rows:
                copy.write_row((cand, opening, score, json.dumps(breakdown, ensure_ascii=False), excluded, reason[:300]))
        if replace_openings:
            cursor.execute(
                f"DELETE FROM {table} f WHERE f.opening_id = ANY(%s) AND NOT EXISTS ("
                f"SELECT 1 FROM {_TEMP} t WHERE t.candidate_id = f.candidate_id AND t.opening_id = f.opening_id)",
                [replace_openings],
            )
        if delete_pairs:
            cursor.execute(
                f"DELETE FROM {table} f USING unnest(%s::bigint[], %s::bigint[]) AS d(c, o) "
                "WHERE f.candidate_id = d.c AND f.opening_id = d.o",
                [[c for c, _o in delete_pairs], [o for _c, o in delete_pairs]],
            )
        cursor.execute(
            f"INSERT INTO {table} (candidate_id, opening_id, score, breakdown, scorer_version, is_excluded, "
            "exclusion_reason, run_id, computed_at) "
            f"SELECT t.candidate_id, t.opening_id, t.score, t.breakdown, %s, t.is_excluded, t.exclusion_reason, %s, %s "
            f"FROM {_TEMP} t ORDER BY t.opening_id, t.candidate_id "
            "ON CONFLICT (candidate_id, opening_id) DO UPDATE SET score = EXCLUDED.score, "
            "breakdown = EXCLUDED.breakdown, scorer_version = EXCLUDED.scorer_version, "
            "is_excluded = EXCLUDED.is_excluded, exclusion_reason = EXCLUDED.exclusion_reason, "
            "run_id = EXCLUDED.run_id, computed_at = EXCLUDED.computed_at "
            f"WHERE ({table}.score, {table}.breakdown, {table}.scorer_version, {table}.is_excluded, "
            f"{table}.exclusion_reason) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.breakdown, "
            "EXCLUDED.scorer_version, EXCLUDED.is_excluded, EXCLUDED.exclusion_reason)",
            [SCORER_VERSION, run_id, now],
        )
        written = cursor.rowcount
        cursor.execute(f"TRUNCATE {_TEMP}")
    return written


def _write_generic(rows, run_id, replace_openings, delete_pairs) -> int:
    """SQLite and others: compare with the stored rows, delete stale, ``bulk_create`` the rest."""
    wanted = {(r[0], r[1]): r for r in rows}
    existing = {}
    fields = ("id", "candidate_id", "opening_id", "score", "breakdown", "scorer_version", "is_excluded",
              "exclusion_reason")
    for start in range(0, len(replace_openings), 500):
        for rec in FitScore.objects.filter(opening_id__in=replace_openings[start:start + 500]).values_list(*fields):
            existing[(rec[1], rec[2])] = rec
    lookup_pairs = [pair for pair in wanted if pair not in existing]
    candidate_ids = sorted({c for c, _o in lookup_pairs} | {c for c, _o in delete_pairs})
    for start in range(0, len(candidate_ids), 500):
        for rec in FitScore.objects.filter(candidate_id__in=candidate_ids[start:start + 500]).values_list(*fields):
            existing.setdefault((rec[1], rec[2]), rec)
    replace, doomed = set(replace_openings), set(delete_pairs)
    stale = [rec[0] for pair, rec in existing.items()
             if (pair[1] in replace and pair not in wanted) or pair in doomed]
    for start in range(0, len(stale), 500):
        FitScore.objects.filter(id__in=stale[start:start + 500]).delete()
    now = timezone.now()
    changed = []
    for pair, (cand, opening, score, breakdown, excluded, reason) in wanted.items():
        rec = existing.get(pair)
        if rec is not None and (rec[3], rec[4], rec[5], rec[6], rec[7]) == (
            score, breakdown, SCORER_VERSION, excluded, reason[:300]
        ):
            continue
        changed.append(FitScore(
            candidate_id=cand, opening_id=opening, score=score, breakdown=breakdown, scorer_version=SCORER_VERSION,
            is_excluded=excluded, exclusion_reason=reason[:300], run_id=run_id, computed_at=now,
        ))
    FitScore.objects.bulk_create(
        changed, batch_size=500, update_conflicts=True, unique_fields=["candidate", "opening"],
        update_fields=["score", "breakdown", "scorer_version", "is_excluded", "exclusion_reason", "run", "computed_at"],
    )
    return len(changed)
