"""Scoring tasks: idempotent, routed to the scoring queue, chunked, retrying transient errors only."""

from decimal import Decimal

import pytest
from django.db import OperationalError

from config.celery import app as celery_app
from crm import tasks
from crm.models import FitScore, ScoringRun
from tests.crm.factories import CandidacyFactory, OpeningFactory, OpeningRequirementFactory
from tests.talent.factories import CandidateFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db

ROW_FIELDS = ["id", "candidate_id", "opening_id", "score", "breakdown", "scorer_version", "is_excluded",
              "exclusion_reason", "run_id", "computed_at"]


def _rows():
    return list(FitScore.objects.order_by("id").values_list(*ROW_FIELDS))


@pytest.fixture
def opening():
    opening = OpeningFactory(min_degree="phd", min_years=3)
    OpeningRequirementFactory(opening=opening, specialty=SpecialtyFactory(slug="rl"), weight=Decimal("2"))
    return opening


def test_openings_rescore_task_twice_leaves_identical_rows(opening):
    for years in (1, 4, 9):
        CandidateFactory(phd=True, years_experience=years)
    CandidacyFactory(opening=opening)

    tasks.openings_rescore_task.delay([opening.id])
    first = _rows()
    tasks.openings_rescore_task.delay([opening.id])

    assert len(first) == 4
    assert _rows() == first


def test_candidates_rescore_task_twice_leaves_identical_rows(opening):
    candidate = CandidateFactory(phd=True, years_experience=5)

    tasks.candidates_rescore_task.delay([candidate.id])
    first = _rows()
    tasks.candidates_rescore_task.delay([candidate.id])

    assert [(r[1], r[2]) for r in first] == [(candidate.id, opening.id)]
    assert _rows() == first


def test_rescore_tasks_ignore_deleted_openings_and_candidates():
    assert tasks.openings_rescore_task.delay([987654]).get() is None
    assert tasks.candidates_rescore_task.delay([987654]).get() is None
    assert not ScoringRun.objects.exists()


def test_candidate_whose_consent_is_withdrawn_leaves_the_rankings(opening):
    candidate = CandidateFactory(phd=True)
    tasks.candidates_rescore_task.delay([candidate.id])
    assert FitScore.objects.filter(candidate=candidate).exists()
    candidate.consent_status = "withdrawn"
    candidate.save()

    tasks.candidates_rescore_task.delay([candidate.id])

    assert not FitScore.objects.filter(candidate=candidate).exists()


def test_openings_rescore_all_task_chunks_openings_and_scores_each(settings, monkeypatch):
    from crm.scoring import services

    openings = [OpeningFactory() for _ in range(5)] + [OpeningFactory(status="closed")]
    CandidateFactory()
    settings.CRM_SCORING_OPENINGS_PER_TASK = 2

    assert tasks.openings_rescore_all_task.delay().get() == 3
    assert set(FitScore.objects.values_list("opening_id", flat=True)) == {o.id for o in openings[:5]}

    monkeypatch.setattr(services, "MAX_RESCORE_MESSAGES", 2)
    settings.CRM_SCORING_OPENINGS_PER_TASK = 1
    assert tasks.openings_rescore_all_task.delay().get() == 2  # the chunk grows to respect the cap


def test_rescore_command_sends_the_same_capped_chunks(settings, monkeypatch):
    """The command used to chunk on its own and lost the message cap: it now uses opening_chunks."""
    from django.core.management import call_command

    from crm.scoring import services

    [OpeningFactory() for _ in range(5)]
    sent = []
    monkeypatch.setattr(tasks.openings_rescore_task, "delay_on_commit", lambda ids, trigger: sent.append(ids))
    monkeypatch.setattr(services, "MAX_RESCORE_MESSAGES", 2)
    settings.CRM_SCORING_OPENINGS_PER_TASK = 1

    call_command("rescore", "--async", verbosity=0)

    assert len(sent) == 2 and sorted(i for chunk in sent for i in chunk) == sorted(services.active_opening_ids())


def test_scoring_tasks_route_to_scoring_queue_with_late_ack_and_named_retries():
    for name in ("openings_rescore_task", "candidates_rescore_task", "company_employees_rescore_task",
                 "openings_rescore_all_task"):
        task = getattr(tasks, name)
        route = celery_app.amqp.router.route({}, task.name, (), {})
        assert route["queue"].name == "scoring", name
        assert task.acks_late and task.reject_on_worker_lost
        assert task.autoretry_for == (OperationalError,)
        assert task.max_retries == 5 and task.retry_jitter


def test_transient_database_error_is_retried_then_succeeds(opening, monkeypatch):
    from crm.scoring import services

    real = services.openings_rescore
    calls = []

    def flaky(ids, **kwargs):
        calls.append(ids)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(ids, **kwargs)

    monkeypatch.setattr(services, "openings_rescore", flaky)

    result = tasks.openings_rescore_task.apply(args=([opening.id],), throw=False)

    assert len(calls) == 2 and result.successful()


def test_other_errors_are_not_retried(opening, monkeypatch):
    from crm.scoring import services

    calls = []

    def broken(ids, **kwargs):
        calls.append(ids)
        raise ValueError("bug")

    monkeypatch.setattr(services, "openings_rescore", broken)

    result = tasks.openings_rescore_task.apply(args=([opening.id],), throw=False)

    assert calls == [[opening.id]] and result.failed()


def test_company_task_excludes_its_employees_everywhere(opening):
    from tests.crm.factories import CompanyFactory

    company = CompanyFactory(is_off_limits=True)
    employee = CandidateFactory(phd=True, current_company=company)

    tasks.company_employees_rescore_task.delay(company.id)

    fs = FitScore.objects.get(candidate=employee, opening=opening)
    assert fs.is_excluded and company.name in fs.exclusion_reason


def test_every_beat_entry_names_a_registered_task(settings):
    from compensation.tasks import offers_expire_overdue_task

    schedule = settings.CELERY_BEAT_SCHEDULE
    celery_app.loader.import_default_modules()  # what a worker does at start: the apps' tasks modules

    assert schedule["crm-openings-rescore-all"]["task"] == tasks.openings_rescore_all_task.name
    assert schedule["compensation-offers-expire-overdue"]["task"] == offers_expire_overdue_task.name
    assert all(entry["task"] in celery_app.tasks for entry in schedule.values())
    assert celery_app.conf.timezone == settings.TIME_ZONE


def test_stale_running_runs_are_failed_and_live_ones_kept(settings):
    from datetime import timedelta

    from django.utils import timezone

    from crm.scoring.services import scoring_runs_fail_stale
    from tests.crm.factories import ScoringRunFactory

    settings.CELERY_TASK_TIME_LIMIT = 300
    now = timezone.now()
    dead = ScoringRunFactory(status=ScoringRun.Status.RUNNING, started_at=now - timedelta(seconds=361))
    live = ScoringRunFactory(status=ScoringRun.Status.RUNNING, started_at=now - timedelta(seconds=200))
    done = ScoringRunFactory(status=ScoringRun.Status.SUCCEEDED, started_at=now - timedelta(days=1))

    assert scoring_runs_fail_stale(now=now) == 1
    assert scoring_runs_fail_stale(now=now) == 0  # a second sweep changes nothing

    dead.refresh_from_db()
    live.refresh_from_db()
    done.refresh_from_db()
    assert (dead.status, live.status, done.status) == ("failed", "running", "succeeded")
    assert "Worker lost" in dead.error and dead.finished_at == now


def test_time_limits_visibility_timeout_and_sweep_are_chosen_together(settings):
    """No live task is redelivered (visibility > hard limit > soft limit); a dead worker's
    tasks come back within a few minutes (visibility + sweep under 7 minutes)."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    visibility = options["visibility_timeout"]
    sweep = options["unacked_restore_interval"] * options["unacked_restore_throttle"]

    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility
    assert visibility + sweep <= 7 * 60
    assert all(getattr(tasks, name).acks_late for name in
               ("openings_rescore_task", "candidates_rescore_task", "company_employees_rescore_task",
                "openings_rescore_all_task", "scoring_runs_fail_stale_task"))
