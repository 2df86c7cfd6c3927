"""Celery entry points of the crm app: thin, each named after the service it calls.

Scoring tasks are routed to the ``scoring`` queue by ``CELERY_TASK_ROUTES``. They take ids,
are idempotent (the same inputs write the same rows; unchanged rows are not even
rewritten), run with ``acks_late`` and ``reject_on_worker_lost`` (a worker killed mid-task
leaves the message to be redelivered; the broker's visibility timeout exceeds the hard
time limit, see ``config/settings.py``), under the global soft/hard time limits, and retry
only database ``OperationalError`` (lost connection, deadlock, serialisation failure) with
exponential backoff, jitter and a cap.
"""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError

from talent.leases import ExclusiveTask

from .models import Opening, ScoringRun

# Retry policy shared by the scoring tasks: transient database errors only.
_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,  # 5 s, 10 s, 20 s, ... with full jitter
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}
# Late acknowledgement (a dead worker's task is delivered again) and a lease per task id
# (a task still running is not run again by a redelivered copy): see talent/leases.py and
# the time limits in config/settings.py.
_RELIABLE = {"acks_late": True, "reject_on_worker_lost": True, "base": ExclusiveTask}


def pending_key(kind: str, object_id: int) -> str:
    """Return the cache key that coalesces save-triggered rescoring of one object.

    ``kind``: ``"candidate"``, ``"opening"`` or ``"company"``.
    """
    return f"crm:scoring:pending:{kind}:{object_id}"


def _forget_pending(kind: str, ids) -> None:
    """Saves from now on enqueue anew: this task is about to read the data."""
    cache.delete_many([pending_key(kind, i) for i in ids])


@shared_task(**_RELIABLE, **_RETRY)
def openings_rescore_task(opening_ids: list[int], trigger: str = ScoringRun.Trigger.SAVE) -> int | None:
    """Replace the stored rankings of ``opening_ids`` (one pass over the candidates); return the run id.

    Openings deleted meanwhile are skipped; ``None`` when none is left.
    """
    from .scoring.services import openings_rescore

    _forget_pending("opening", opening_ids)
    existing = sorted(Opening.objects.filter(pk__in=opening_ids).values_list("pk", flat=True))
    return openings_rescore(existing, trigger=trigger).id if existing else None


@shared_task(**_RELIABLE, **_RETRY)
def candidates_rescore_task(candidate_ids: list[int], trigger: str = ScoringRun.Trigger.SAVE) -> int | None:
    """Merge fresh scores of ``candidate_ids`` into the active openings' rankings; return the run id.

    Candidates deleted meanwhile are skipped (their rows went with them); ``None`` when
    none is left. A candidate no longer scored (consent withdrawn) has its rows removed.
    """
    from talent.models import Candidate

    from .scoring.services import candidates_rescore

    _forget_pending("candidate", candidate_ids)
    existing = sorted(Candidate.objects.filter(pk__in=candidate_ids).values_list("pk", flat=True))
    return candidates_rescore(existing, trigger=trigger).id if existing else None


@shared_task(**_RELIABLE, **_RETRY)
def company_employees_rescore_task(company_id: int, trigger: str = ScoringRun.Trigger.SAVE) -> int | None:
    """Rescore the employees of a company whose off-limits flag changed; return the run id (None: nobody)."""
    from .scoring.services import company_employees_rescore

    _forget_pending("company", [company_id])
    run = company_employees_rescore(company_id, trigger=trigger)
    return run.id if run else None


@shared_task(**_RELIABLE, **_RETRY)
def openings_rescore_all_task(trigger: str = ScoringRun.Trigger.SCHEDULE) -> int:
    """Enqueue the rescoring of every active opening, chunked; return the messages sent.

    The chunks are :func:`crm.scoring.services.opening_chunks` (at most 1,000 messages).
    Sending the same chunks twice writes the same rows.
    """
    from .scoring.services import active_opening_ids, opening_chunks

    chunks = opening_chunks(active_opening_ids())
    for chunk in chunks:
        openings_rescore_task.delay(chunk, trigger)
    return len(chunks)


@shared_task(**_RELIABLE, **_RETRY)
def scoring_runs_fail_stale_task() -> int:
    """Mark scoring runs that can no longer be running as failed; return how many (beat, every 5 min)."""
    from .scoring.services import scoring_runs_fail_stale

    return scoring_runs_fail_stale()
