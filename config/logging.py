"""Logging plumbing: every record names the Celery task it was written in, if any.

The request id comes from django-guid's ``CorrelationId`` filter (``settings.LOGGING``);
this filter adds ``task_id`` and ``task_name`` (empty outside a task) so that a worker's
log lines can be followed task by task.
"""

from __future__ import annotations

import logging


class CeleryTaskFilter(logging.Filter):
    """Set ``record.task_id`` and ``record.task_name`` from Celery's current task ("" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from celery import current_task

        request = getattr(current_task, "request", None) if current_task else None
        record.task_id = getattr(request, "id", None) or ""
        record.task_name = getattr(current_task, "name", None) or "" if request is not None and record.task_id else ""
        return True
