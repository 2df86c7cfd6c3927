"""A real Celery worker against a real Redis broker, in a thread of the test process.

Skipped, with the reason shown, when ``CELERY_BROKER_URL`` is not set (CI sets it).
Tests using it need ``@pytest.mark.django_db(transaction=True)`` so the worker thread
sees committed rows.
"""

from __future__ import annotations

import os

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


@pytest.fixture
def celery_worker():
    """Yield a started worker consuming the ``default`` and ``scoring`` queues.

    The app is switched from eager to the broker for the test and restored after.
    """
    if not BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: no broker to run a real worker against")
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    celery_app.conf.update(task_always_eager=False, broker_url=BROKER_URL, result_backend="django-db")
    celery_app.loader.import_module("celery.contrib.testing.tasks")  # registers celery.ping
    try:
        with start_worker(celery_app, pool="solo", queues=["default", "scoring"], perform_ping_check=True,
                          shutdown_timeout=30) as worker:
            yield worker
    finally:
        celery_app.conf.update(saved)
