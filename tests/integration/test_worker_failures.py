"""Jobs that survive failures, with real Celery worker processes on a real Redis broker.

* A worker killed with SIGKILL in the middle of a rescore loses nothing and duplicates
  nothing: once another worker runs, the stored scores equal those of an uninterrupted
  run, and the dead run is closed as failed.
* A task that runs longer than the broker's visibility timeout is delivered again while it
  still runs; the copy waits on the task's lease and never runs the work a second time.

Both use a short visibility timeout and a one-second restore sweep, so they prove the
mechanism rather than kombu's defaults. They need PostgreSQL (the worker processes share
the test database) and ``CELERY_BROKER_URL`` (CI sets both); otherwise they are skipped
with the reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.db import connection

from config.celery import app as celery_app
from crm.models import FitScore, Opening, OpeningRequirement, ScoringRun
from crm.scoring.services import openings_rescore, scoring_runs_fail_stale
from talent.models import Candidate, Specialty
from talent.signals import side_effects_paused
from tests.crm.factories import CompanyFactory

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER_URL, reason="CELERY_BROKER_URL is not set: no broker to run real workers against"),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="worker processes share the test database: needs PostgreSQL (DATABASE_URL; CI sets it)"),
]

CANDIDATES = 30_000
OPENINGS = 6


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def broker(tmp_path):
    """Point this process's Celery app at the broker (not eager); give workers a clean slate."""
    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    celery_app.conf.update(task_always_eager=False, broker_url=BROKER_URL, result_backend="django-db")
    yield client
    celery_app.conf.update(saved)
    client.flushdb()


class Worker:
    """A ``celery worker`` process (its own process group, so the pool dies with it)."""

    def __init__(self, log: Path, *, concurrency: int, **env: str) -> None:
        self.log = log
        environment = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": BROKER_URL, "CELERY_RESULT_BACKEND": "django-db", "DJANGO_LOG_FORMAT": "text",
            "DJANGO_LOG_LEVEL": "INFO", **env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default,scoring", "-P", "prefork",
             "-c", str(concurrency), "--without-mingle", "--without-gossip", "--loglevel=INFO"],
            cwd=ROOT, env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _wait(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _data() -> list[int]:
    """Openings and enough candidates that one rescore takes seconds with small blocks."""
    with side_effects_paused():
        specialties = [Specialty.objects.create(slug=f"area-{i}", name=f"Area {i}") for i in range(4)]
        company = CompanyFactory()
        openings = []
        for i in range(OPENINGS):
            opening = Opening.objects.create(company=company, title=f"Role {i}", city="Beijing", min_degree="phd",
                                             min_years=i % 4, max_years=10 + i)
            OpeningRequirement.objects.create(opening=opening, specialty=specialties[i % 4], weight=Decimal("1"))
            openings.append(opening.id)
        cities = ["Beijing", "Shanghai", "Shenzhen", "Hangzhou", ""]
        degrees = ["phd", "msc", "bsc", ""]
        Candidate.objects.bulk_create(
            [Candidate(full_name=f"Synthetic {n}", city=cities[n % 5], highest_degree=degrees[n % 4],
                       years_experience=n % 15) for n in range(CANDIDATES)], batch_size=5000)
        through = Candidate.specialties.through
        ids = list(Candidate.objects.order_by("id").values_list("id", flat=True))
        through.objects.bulk_create([through(candidate_id=cid, specialty_id=specialties[cid % 4].id)
                                     for cid in ids if cid % 3], batch_size=5000)
    return openings


def _scores() -> list[tuple]:
    return list(FitScore.objects.order_by("opening_id", "candidate_id")
                .values_list("candidate_id", "opening_id", "score", "is_excluded"))


def test_a_worker_killed_mid_rescore_loses_and_duplicates_nothing(broker, tmp_path):
    openings = _data()
    openings_rescore(openings, trigger=ScoringRun.Trigger.MANUAL)  # the uninterrupted reference
    reference = _scores()
    FitScore.objects.all().delete()
    ScoringRun.objects.all().delete()
    slow = {"CRM_SCORING_BLOCK_SIZE": "64", "CELERY_VISIBILITY_TIMEOUT": "4", "CELERY_RESTORE_INTERVAL": "1"}

    first = Worker(tmp_path / "first.log", concurrency=1, **slow)
    try:
        from crm.tasks import openings_rescore_task

        openings_rescore_task.delay(openings, ScoringRun.Trigger.SCHEDULE)
        _wait(lambda: ScoringRun.objects.filter(status=ScoringRun.Status.RUNNING).exists(), timeout=120,
              what="the rescore to start")
        time.sleep(0.5)
        assert not ScoringRun.objects.filter(status=ScoringRun.Status.SUCCEEDED).exists(), (
            "the rescore finished before the kill: the test needs more data")
        first.kill()
        killed_at = time.monotonic()
    finally:
        first.stop()
    assert not FitScore.objects.exists()  # a rescore writes its rows in one transaction at its end

    second = Worker(tmp_path / "second.log", concurrency=1, **slow)
    try:
        _wait(lambda: ScoringRun.objects.filter(status=ScoringRun.Status.SUCCEEDED).exists(), timeout=180,
              what="the redelivered rescore to finish")
        redelivered_after = time.monotonic() - killed_at
    finally:
        second.stop()

    assert _scores() == reference
    assert ScoringRun.objects.filter(status=ScoringRun.Status.SUCCEEDED).count() == 1
    assert redelivered_after < 60  # visibility timeout 4 s + 1 s sweep, plus the rescore itself
    dead = ScoringRun.objects.get(status=ScoringRun.Status.RUNNING)  # the killed task's run
    stale = scoring_runs_fail_stale(now=dead.started_at + timedelta(hours=1))
    assert stale == 1 and not ScoringRun.objects.filter(status=ScoringRun.Status.RUNNING).exists()
    assert "Worker lost" in ScoringRun.objects.get(status=ScoringRun.Status.FAILED).error


def test_a_task_outliving_the_visibility_timeout_is_not_run_twice(broker, tmp_path):
    openings = _data()
    log = tmp_path / "worker.log"
    worker = Worker(log, concurrency=2, CRM_SCORING_BLOCK_SIZE="64", CELERY_VISIBILITY_TIMEOUT="2",
                    CELERY_RESTORE_INTERVAL="1")
    try:
        from crm.tasks import openings_rescore_task

        result = openings_rescore_task.delay(openings, ScoringRun.Trigger.SCHEDULE)
        _wait(lambda: ScoringRun.objects.filter(status=ScoringRun.Status.SUCCEEDED).exists(), timeout=180,
              what="the rescore to finish")
        run = ScoringRun.objects.get()
        elapsed = (run.finished_at - run.started_at).total_seconds()
        # The copy restored after 2 s found the lease held; once the first finished it is skipped.
        _wait(lambda: "already done by an earlier delivery" in log.read_text(errors="replace"), timeout=90,
              what="the redelivered copy to be skipped")
    finally:
        worker.stop()

    text = log.read_text(errors="replace")
    assert elapsed > 3, f"the rescore took {elapsed:.1f} s: not longer than the visibility timeout"
    assert "another delivery is running it" in text
    assert ScoringRun.objects.count() == 1  # the work ran once
    assert result.id in text
