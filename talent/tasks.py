"""Celery entry points of the talent app (thin: they call services)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from talent.leases import ExclusiveTask


@shared_task(base=ExclusiveTask, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_jitter=True, max_retries=5)
def research_profiles_refresh_task(candidate_ids: list[int]) -> int:
    """Recompute the research profiles of ``candidate_ids``; return how many rows were written.

    Idempotent: the profile is a pure function of the authorships, so a retried or
    duplicated delivery writes the same rows. Candidates deleted meanwhile are ignored.
    """
    from talent.services.profile import research_profiles_refresh

    return research_profiles_refresh(candidate_ids)


@shared_task(base=ExclusiveTask, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_jitter=True, max_retries=5)
def candidates_retention_review_task() -> dict:
    """Weekly: remind owners of candidates past retention, erase those past the grace period.

    Returns ``{"reminded": <owners told>, "erased": <candidates erased>}``. A repeated run
    erases nothing twice (erased candidates are no longer past retention).
    """
    from talent.services.retention import candidates_retention_review

    review = candidates_retention_review()
    return {"reminded": len(review.reminded), "erased": len(review.erased)}
