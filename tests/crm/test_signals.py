"""Save-triggered rescoring: after commit only, coalesced, paused for bulk work."""

import pytest
from django.core.cache import cache
from django.db import transaction

from crm import tasks
from crm.signals import scoring_paused
from talent.models import Candidate
from tests.crm.factories import OpeningFactory, OpeningRequirementFactory
from tests.talent.factories import AuthorshipFactory, CandidateFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Record the scoring tasks sent (the broker is outside this test)."""
    calls = []
    cache.clear()
    for name in ("score_candidate_task", "score_opening_task", "score_company_task"):
        task = getattr(tasks, name)
        monkeypatch.setattr(task, "apply_async",
                            lambda args, countdown=None, _name=name, **kw: calls.append((_name, args, countdown)))
    yield calls
    cache.clear()


def test_candidate_save_enqueues_its_rescore_after_commit(sent, django_capture_on_commit_callbacks, settings):
    candidate = CandidateFactory()
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        candidate.city = "Shenzhen"
        candidate.save()

    assert sent == [("score_candidate_task", (candidate.id,), settings.CRM_SCORING_COALESCE_SECONDS)]


def test_rolled_back_save_enqueues_nothing(sent, django_capture_on_commit_callbacks):
    candidate = CandidateFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                candidate.city = "Hangzhou"
                candidate.save()
                raise RuntimeError("abort")
        except RuntimeError:
            pass

    assert callbacks == []
    assert sent == []


def test_a_burst_of_saves_sends_one_task(sent, django_capture_on_commit_callbacks):
    candidate = CandidateFactory()

    with django_capture_on_commit_callbacks(execute=True):
        for years in range(5):
            candidate.years_experience = years
            candidate.save()
        candidate.specialties.add(SpecialtyFactory())

    assert sent == [("score_candidate_task", (candidate.id,), pytest.approx(sent[0][2]))]


def test_requirement_and_authorship_saves_rescore_what_they_touch(sent, django_capture_on_commit_callbacks):
    opening = OpeningFactory(status="on_hold")
    candidate = CandidateFactory()  # set-up saves register callbacks that never run here

    with django_capture_on_commit_callbacks(execute=True):
        OpeningRequirementFactory(opening=opening)
        AuthorshipFactory(candidate=candidate)

    assert ("score_opening_task", (opening.id,), pytest.approx(sent[0][2])) in sent
    assert ("score_candidate_task", (candidate.id,), pytest.approx(sent[0][2])) in sent


def test_closed_opening_save_and_paused_saves_enqueue_nothing(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        OpeningFactory(status="closed")
        with scoring_paused():
            CandidateFactory()

    assert sent == []


def test_bulk_create_sends_no_rescore(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Candidate.objects.bulk_create([Candidate(full_name=f"Bulk {i}") for i in range(50)])

    assert callbacks == [] and sent == []


def test_off_limits_change_rescores_the_company_employees(sent, django_capture_on_commit_callbacks):
    from tests.crm.factories import CompanyFactory

    company = CompanyFactory()

    with django_capture_on_commit_callbacks(execute=True):
        company.name = "Renamed"
        company.save()
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        company.is_off_limits = True
        company.save()

    assert [(name, args) for name, args, _countdown in sent] == [("score_company_task", (company.id,))]
