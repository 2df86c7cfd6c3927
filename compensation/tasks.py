"""Celery entry points of the compensation app (thin: they call services)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from talent.leases import ExclusiveTask

from .services import offers_expire_overdue


@shared_task(base=ExclusiveTask, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,),
             retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=5)
def offers_expire_overdue_task() -> int:
    """Expire extended offers past their deadline; idempotent (a second run expires nothing).

    Scheduled daily at 00:30 local time (``CELERY_BEAT_SCHEDULE`` in ``config/settings.py``).
    Returns the number of offers expired.
    """
    return offers_expire_overdue()
