"""Celery entry points of the crm app (thin: they call services).

Scoring tasks are routed to the ``scoring`` queue by ``CELERY_TASK_ROUTES``
(``crm.tasks.score_*`` and ``crm.tasks.rescore_*``). They take ids, are idempotent (the
same inputs write the same rows; unchanged rows are not even rewritten), run with
``acks_late`` and ``reject_on_worker_lost`` (a worker killed mid-task leaves the message
to be redelivered; the broker's visibility timeout exceeds the hard time limit, see
``config/settings.py``), under the global soft/hard time limits, and retry only
database ``OperationalError`` (lost connection, deadlock, serialisation failure) with
exponential backoff, jitter and a cap.
"""

from __future__ import annotations

import math

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError

from .models import Opening, ScoringRun
from .scoring import setting

# Retry policy shared by the scoring tasks: transient database errors only.
_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,  # 5 s, 10 s, 20 s, ... with full jitter
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}
_RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}
# At most this many messages for one full rescore (the bound).
MAX_RESCORE_MESSAGES = 1000


def pending_key(kind: str, object_id: int) -> str:
    """Return the cache key that coalesces save-triggered rescoring of one object."""
    return f"crm:scoring:pending:{kind}:{object_id}"


@shared_task(**_RELIABLE, **_RETRY)
def score_opening_task(opening_id: int, trigger: str = ScoringRun.Trigger.SAVE) -> int | None:
    """Replace the stored ranking of one opening; return the run id (None if it is gone)."""
    from .scoring.services import openings_rescore

    cache.delete(pending_key("opening", opening_id))  # saves from now on enqueue anew
    if not Opening.objects.filter(pk=opening_id).exists():
        return None
    return openings_rescore([opening_id], trigger=trigger).id


@shared_task(**_RELIABLE, **_RETRY)
def score_openings_task(opening_ids: list[int], trigger: str = ScoringRun.Trigger.SCHEDULE) -> int:
    """Replace the stored rankings of a chunk of openings (one pass over the candidates)."""
    from .scoring.services import openings_rescore

    return openings_rescore(opening_ids, trigger=trigger).id


@shared_task(**_RELIABLE, **_RETRY)
def score_candidate_task(candidate_id: int, trigger: str = ScoringRun.Trigger.SAVE) -> int | None:
    """Merge one candidate's fresh scores into the active openings' rankings; return the run id.

    Returns None for a deleted candidate (its rows went with it). A candidate no longer
    scored (consent withdrawn) has its stored rows removed.
    """
    from talent.models import Candidate

    from .scoring.services import candidates_rescore

    cache.delete(pending_key("candidate", candidate_id))
    if not Candidate.objects.filter(pk=candidate_id).exists():
        return None
    return candidates_rescore([candidate_id], trigger=trigger).id


@shared_task(**_RELIABLE, **_RETRY)
def score_candidates_task(candidate_ids: list[int], trigger: str = ScoringRun.Trigger.SAVE) -> int:
    """Merge fresh scores of many candidates (e.g. after a bulk import); return the run id."""
    from .scoring.services import candidates_rescore

    return candidates_rescore(candidate_ids, trigger=trigger).id


@shared_task(**_RELIABLE, **_RETRY)
def score_company_task(company_id: int, trigger: str = ScoringRun.Trigger.SAVE) -> int | None:
    """Rescore the employees of a company (its off-limits flag changed); return the run id."""
    from talent.models import Candidate

    from .scoring.services import candidates_rescore

    cache.delete(pending_key("company", company_id))
    ids = list(Candidate.objects.filter(current_company_id=company_id).values_list("id", flat=True))
    return candidates_rescore(ids, trigger=trigger).id if ids else None


@shared_task(**_RELIABLE, **_RETRY)
def rescore_all_task(trigger: str = ScoringRun.Trigger.SCHEDULE) -> int:
    """Enqueue the rescoring of every active opening in chunks; return the messages sent.

    Each message is :func:`score_openings_task` with ``CRM_SCORING_OPENINGS_PER_TASK``
    openings: one pass over all candidates serves the whole chunk, which dwarfs the
    per-task overhead (a 25-opening chunk over 100,000 candidates is seconds of work). The
    chunk grows so that a run never sends more than 1,000 messages. Sending the same
    chunks twice writes the same rows.
    """
    from .scoring.services import active_opening_ids

    ids = active_opening_ids()
    per_task = max(int(setting("CRM_SCORING_OPENINGS_PER_TASK")), math.ceil(len(ids) / MAX_RESCORE_MESSAGES), 1)
    chunks = [ids[i:i + per_task] for i in range(0, len(ids), per_task)]
    for chunk in chunks:
        score_openings_task.delay(chunk, trigger)
    return len(chunks)
