"""Entry points of fit scoring: rank openings, rescore candidates, score one candidate live.

* :func:`openings_rescore` replaces the rankings of some openings: every scored candidate
  against them, streamed in blocks of ``CRM_SCORING_BLOCK_SIZE`` candidates, keeping the
  best ``CRM_SCORING_TOP_K`` per opening plus every pair with a candidacy.
* :func:`candidates_rescore` merges the new scores of a few candidates into the stored
  rankings of the active openings (after a save of a candidate or a paper).
* :func:`candidate_openings_live` scores one candidate against the active openings without
  storing anything (the candidate page, when nothing is stored yet).

Each stored batch records a :class:`~crm.models.ScoringRun` (trigger, counts, timings in
seconds, status, error).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from crm.models import Candidacy, FitScore, Opening, ScoringRun

from . import SCORER_VERSION, setting
from .explain import Row, build_rows
from .features import (
    OpeningFeatures,
    ScoringContext,
    build_context,
    load_candidates,
    load_openings,
    scored_candidates,
)
from .kernel import TopK, block_totals, evaluate_pairs, score_block
from .persist import fitscores_write

# Pairs evaluated at once for the breakdown (memory ~ this x specialties x 8 B).
PAIR_SLICE = 8192


def _id_chunk() -> int:
    """Ids per ``IN (...)`` query: SQLite accepts ~32,000 parameters, keep well below."""
    return 900 if connection.vendor == "sqlite" else 5000


@contextmanager
def _timed(timings: dict, key: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = round(timings.get(key, 0.0) + time.perf_counter() - start, 4)


def active_opening_ids() -> list[int]:
    """Return ids of the openings in ``settings.CRM_SCORING_OPENING_STATUSES``, ascending."""
    return list(
        Opening.objects.filter(status__in=setting("CRM_SCORING_OPENING_STATUSES")).order_by("id").values_list("id", flat=True)
    )


#: At most this many messages for one full rescore: beyond it the chunks grow instead
#: (a broker queue of thousands of messages delays everything behind it).
MAX_RESCORE_MESSAGES = 1000


def opening_chunks(opening_ids: Iterable[int]) -> list[list[int]]:
    """Split openings into the chunks one scoring pass (one task) handles; the one home of the rule.

    Chunks of ``CRM_SCORING_OPENINGS_PER_TASK`` openings (one pass over all candidates
    serves the whole chunk, which dwarfs the per-task overhead: a 25-opening chunk over
    100,000 candidates is seconds of work), grown so that there are never more than
    :data:`MAX_RESCORE_MESSAGES` chunks. Ids are de-duplicated and sorted, so the same
    openings always give the same chunks (a duplicated message writes the same rows).

    Returns:
        A list of id lists; empty when there are no openings.
    """
    ids = sorted({int(i) for i in opening_ids})
    per_chunk = max(int(setting("CRM_SCORING_OPENINGS_PER_TASK")), math.ceil(len(ids) / MAX_RESCORE_MESSAGES), 1)
    return [ids[i:i + per_chunk] for i in range(0, len(ids), per_chunk)]


def company_employees_rescore(company_id: int, *, trigger: str = ScoringRun.Trigger.SAVE) -> ScoringRun | None:
    """Rescore the current employees of a company (its off-limits flag changed); return the run.

    Returns:
        The run, or ``None`` when the company has no employees (nothing to do).
    """
    from talent.models import Candidate

    ids = list(Candidate.objects.filter(current_company_id=company_id).values_list("id", flat=True))
    return candidates_rescore(ids, trigger=trigger) if ids else None


def scoring_runs_fail_stale(*, now=None) -> int:
    """Mark as failed every run still "running" that no live task can be running; return how many.

    A run is written "running" when its task starts and closed when it ends; a task whose
    worker died (SIGKILL, lost machine) never closes it. No task outlives the hard time
    limit (``CELERY_TASK_TIME_LIMIT``), so a run older than that plus a minute is dead: it
    is marked failed with the reason. Its work is redone by the redelivered task (a new run).
    """
    from django.conf import settings

    now = now or timezone.now()
    limit = int(getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 300) + 60
    cutoff = now - timedelta(seconds=limit)
    return ScoringRun.objects.filter(status=ScoringRun.Status.RUNNING, started_at__lt=cutoff).update(
        status=ScoringRun.Status.FAILED, finished_at=now,
        error=f"Worker lost: still running {limit} s after it started, beyond the task time limit.",
    )


def _context_for(opening_ids: list[int]) -> tuple[ScoringContext, OpeningFeatures]:
    cities = list(Opening.objects.filter(id__in=opening_ids).values_list("city", flat=True))
    ctx = build_context(cities)
    return ctx, load_openings(ctx, opening_ids)


def _finish(run: ScoringRun, *, timings: dict, started: float, **counts) -> ScoringRun:
    timings["total"] = round(time.perf_counter() - started, 4)
    for key, value in counts.items():
        setattr(run, key, value)
    run.timings = timings
    run.status = ScoringRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=[*counts, "timings", "status", "finished_at"])
    return run


def _fail(run: ScoringRun, exc: BaseException, timings: dict) -> None:
    run.status = ScoringRun.Status.FAILED
    run.error = f"{type(exc).__name__}: {exc}"[:5000]
    run.timings = timings
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "timings", "finished_at"])


def _rows_for_pairs(ctx: ScoringContext, of: OpeningFeatures, cand_ids: np.ndarray, open_idx: np.ndarray,
                    timings: dict) -> list[Row]:
    """Load the candidates of the given pairs (by id, in chunks) and build their rows."""
    order = np.lexsort((open_idx, cand_ids))
    cand_ids, open_idx = cand_ids[order], open_idx[order]
    unique = np.unique(cand_ids)
    rows: list[Row] = []
    step = _id_chunk()
    for start in range(0, len(unique), step):
        chunk = unique[start:start + step]
        with _timed(timings, "features"):
            cf = load_candidates(ctx, ids=chunk)
        lo = np.searchsorted(cand_ids, chunk[0], side="left")
        hi = np.searchsorted(cand_ids, chunk[-1], side="right")
        c_part, o_part = cand_ids[lo:hi], open_idx[lo:hi]
        if not len(cf):  # all of them left the scored set (consent withdrawn) or were deleted
            continue
        pos = np.searchsorted(cf.ids, c_part)
        found = (pos < len(cf)) & (cf.ids[np.minimum(pos, len(cf) - 1)] == c_part)
        ci, oj = pos[found], o_part[found]
        for s in range(0, len(ci), PAIR_SLICE):
            with _timed(timings, "explain"):
                ps = evaluate_pairs(ctx, cf, of, ci[s:s + PAIR_SLICE], oj[s:s + PAIR_SLICE])
                rows.extend(build_rows(ctx, cf, of, ci[s:s + PAIR_SLICE], oj[s:s + PAIR_SLICE], ps))
    return rows


def openings_rescore(
    opening_ids: Iterable[int],
    *,
    trigger: str = ScoringRun.Trigger.MANUAL,
    progress: Callable[[int], None] | None = None,
) -> ScoringRun:
    """Replace the stored rankings of ``opening_ids`` and return the finished run.

    Every scored candidate (consent not refused) is scored against the openings in blocks
    (4 queries per block); the best ``CRM_SCORING_TOP_K`` of each opening and every pair with
    a candidacy are stored with their breakdowns; rows of these openings not among them are
    deleted in the same transaction. Ids of missing openings are ignored. Same inputs give
    the same rows (ties rank the lower candidate id first).

    ``progress(n)`` is called after each block with the number of candidates it held.

    Raises whatever the database raises; the run is then marked failed with the error.
    """
    started = time.perf_counter()
    opening_ids = sorted({int(i) for i in opening_ids})
    run = ScoringRun.objects.create(trigger=trigger, scorer_version=SCORER_VERSION, scope={"openings": opening_ids})
    timings: dict = {}
    try:
        with _timed(timings, "features"):
            ctx, of = _context_for(opening_ids)
            ids = np.fromiter(scored_candidates().order_by("id").values_list("id", flat=True), dtype=np.int64)
        topk = TopK(len(of), ctx.top_k)
        if len(of):
            for start in range(0, len(ids), ctx.block_size):
                block = ids[start:start + ctx.block_size]
                with _timed(timings, "features"):
                    cf = load_candidates(ctx, id_range=(int(block[0]), int(block[-1])))
                with _timed(timings, "kernel"):
                    keys, _excluded = score_block(ctx, cf, of)
                    topk.push(keys)
                if progress:
                    progress(len(block))
        pair_c, pair_o = topk.pairs()
        index = {int(o): j for j, o in enumerate(of.ids.tolist())}
        held = Candidacy.objects.filter(opening_id__in=of.ids.tolist()).values_list("candidate_id", "opening_id")
        extra = np.array([(c, index[o]) for c, o in held], dtype=np.int64).reshape(-1, 2)
        pairs = np.unique(np.concatenate([np.stack([pair_c, pair_o], axis=1), extra]), axis=0)
        rows = _rows_for_pairs(ctx, of, pairs[:, 0], pairs[:, 1], timings)
        with _timed(timings, "persist"), transaction.atomic():
            written = fitscores_write(rows, run_id=run.id, replace_openings=of.ids.tolist())
    except BaseException as exc:
        _fail(run, exc, timings)
        raise
    return _finish(run, timings=timings, started=started, opening_count=len(of), candidate_count=len(ids),
                   pair_count=len(ids) * len(of), rows_written=written)


def candidates_rescore(
    candidate_ids: Iterable[int],
    *,
    trigger: str = ScoringRun.Trigger.SAVE,
    opening_ids: Iterable[int] | None = None,
) -> ScoringRun:
    """Merge fresh scores of ``candidate_ids`` into the stored rankings and return the run.

    Openings: ``opening_ids`` or the active ones (``CRM_SCORING_OPENING_STATUSES``). A pair
    is stored when it has a candidacy, or when its opening holds fewer than ``TOP_K`` other
    rows, or when it beats the lowest stored score of that opening; the candidate's rows that
    no longer qualify are deleted. A ranking can so hold a few more than K rows until the
    opening's next full rescore. Candidates are processed in chunks, one transaction each.
    """
    started = time.perf_counter()
    candidate_ids = sorted({int(i) for i in candidate_ids})
    run = ScoringRun.objects.create(
        trigger=trigger, scorer_version=SCORER_VERSION,
        scope={"candidates": candidate_ids[:100], "candidate_count": len(candidate_ids)},
    )
    timings: dict = {}
    written = pairs_scored = 0
    try:
        with _timed(timings, "features"):
            ctx, of = _context_for(sorted(opening_ids) if opening_ids is not None else active_opening_ids())
        open_list = of.ids.tolist()
        index = {o: j for j, o in enumerate(open_list)}
        step = min(_id_chunk(), 500)
        for start in range(0, len(candidate_ids) if len(of) else 0, step):
            chunk = candidate_ids[start:start + step]
            with _timed(timings, "features"):
                cf = load_candidates(ctx, ids=chunk)
            with _timed(timings, "kernel"):
                total, _fail_mh, _excl = block_totals(ctx, cf, of)
                cents = np.rint(total * 10000.0).astype(np.int64)
            pairs_scored += total.size
            with _timed(timings, "features"):
                count = np.zeros(len(of), dtype=np.int64)
                lowest = np.zeros(len(of), dtype=np.int64)
                for opening_id, n, lo in (
                    FitScore.objects.filter(opening_id__in=open_list).exclude(candidate_id__in=chunk)
                    .values("opening_id").annotate(n=Count("id"), lo=Min("score"))
                    .values_list("opening_id", "n", "lo").order_by()
                ):
                    count[index[opening_id]] = n
                    lowest[index[opening_id]] = int(round(lo * 100))
                qualifies = (count < ctx.top_k)[None, :] | (cents > lowest[None, :])
                pos = {int(c): i for i, c in enumerate(cf.ids.tolist())}
                for c, o in Candidacy.objects.filter(candidate_id__in=chunk, opening_id__in=open_list).values_list(
                    "candidate_id", "opening_id"
                ):
                    if c in pos:
                        qualifies[pos[c], index[o]] = True
                existing = set(FitScore.objects.filter(candidate_id__in=chunk, opening_id__in=open_list).values_list(
                    "candidate_id", "opening_id"))
            ci, oj = np.nonzero(qualifies)
            rows: list[Row] = []
            for s in range(0, len(ci), PAIR_SLICE):
                with _timed(timings, "explain"):
                    ps = evaluate_pairs(ctx, cf, of, ci[s:s + PAIR_SLICE], oj[s:s + PAIR_SLICE])
                    rows.extend(build_rows(ctx, cf, of, ci[s:s + PAIR_SLICE], oj[s:s + PAIR_SLICE], ps))
            stale = sorted(existing - {(r[0], r[1]) for r in rows})
            with _timed(timings, "persist"), transaction.atomic():
                written += fitscores_write(rows, run_id=run.id, delete_pairs=stale)
    except BaseException as exc:
        _fail(run, exc, timings)
        raise
    return _finish(run, timings=timings, started=started, opening_count=len(of), candidate_count=len(candidate_ids),
                   pair_count=pairs_scored, rows_written=written)


def candidate_openings_live(candidate_id: int, *, limit: int = 10) -> list[dict]:
    """Score one candidate against the active openings now, storing nothing.

    Returns up to ``limit`` dicts ``{"opening_id", "score" (Decimal 0-100), "breakdown",
    "is_excluded", "exclusion_reason"}``, best first, excluded pairs last; as stored rows, the
    breakdown holds every language and ``exclusion_reason`` is English (readers use
    :func:`crm.scoring.explain.explanation_text` and ``exclusion_reason_text``). Empty when the
    candidate does not exist or is not scored (consent refused or withdrawn).
    Queries: 3 for the openings + 4 for the candidate.
    """
    ctx, of = _context_for(active_opening_ids())
    cf = load_candidates(ctx, ids=[candidate_id])
    if not len(cf) or not len(of):
        return []
    ci, oj = np.zeros(len(of), dtype=np.int64), np.arange(len(of))
    rows = build_rows(ctx, cf, of, ci, oj, evaluate_pairs(ctx, cf, of, ci, oj))
    rows.sort(key=lambda r: (r[4], -r[2], r[1]))
    return [
        {"opening_id": o, "score": score, "breakdown": breakdown, "is_excluded": excluded, "exclusion_reason": reason}
        for _c, o, score, breakdown, excluded, reason in rows[:limit]
    ]

