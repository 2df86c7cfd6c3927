"""Save-triggered rescoring: after commit only, coalesced, paused for bulk work.

talent's saves reach crm through signals; crm's own writes (requirements, openings,
companies, candidacies) schedule their rescore explicitly from crm.services.
"""

import pytest
from django.core.cache import cache
from django.db import transaction

from crm import services, tasks
from crm.models import Opening, OpeningRequirement
from talent.models import Candidate
from talent.signals import side_effects_paused
from tests.crm.factories import CompanyFactory, OpeningFactory
from tests.talent.factories import AuthorshipFactory, CandidateFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db

TASKS = ("candidates_rescore_task", "openings_rescore_task", "company_employees_rescore_task")


@pytest.fixture
def sent(monkeypatch):
    """Record the scoring tasks sent (the broker is outside this test)."""
    calls = []
    cache.clear()
    for name in TASKS:
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

    assert sent == [("candidates_rescore_task", ([candidate.id],), settings.CRM_SCORING_COALESCE_SECONDS)]


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


def test_a_burst_of_saves_sends_one_task(sent, django_capture_on_commit_callbacks, settings):
    candidate = CandidateFactory()

    with django_capture_on_commit_callbacks(execute=True):
        for years in range(5):
            candidate.years_experience = years
            candidate.save()
        candidate.specialties.add(SpecialtyFactory())

    assert sent == [("candidates_rescore_task", ([candidate.id],), settings.CRM_SCORING_COALESCE_SECONDS)]


def test_requirement_service_and_authorship_save_rescore_what_they_touch(sent, django_capture_on_commit_callbacks,
                                                                         settings):
    opening = OpeningFactory(status="on_hold")
    candidate = CandidateFactory()  # set-up saves register callbacks that never run here
    window = settings.CRM_SCORING_COALESCE_SECONDS

    with django_capture_on_commit_callbacks(execute=True):
        services.opening_requirement_save(requirement=OpeningRequirement(opening=opening, specialty=SpecialtyFactory()))
        AuthorshipFactory(candidate=candidate)

    assert ("openings_rescore_task", ([opening.id],), window) in sent
    assert ("candidates_rescore_task", ([candidate.id],), window) in sent


def test_closed_opening_save_and_paused_saves_enqueue_nothing(sent, django_capture_on_commit_callbacks):
    company = CompanyFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.opening_save(opening=Opening(company=company, title="Closed role", status="closed"))
        with side_effects_paused():
            CandidateFactory()
            services.opening_save(opening=Opening(company=company, title="Open role", status="open"))

    assert sent == []


def test_open_opening_save_rescores_it(sent, django_capture_on_commit_callbacks, settings):
    company = CompanyFactory()

    with django_capture_on_commit_callbacks(execute=True):
        opening = services.opening_save(opening=Opening(company=company, title="Open role", status="open"))

    assert sent == [("openings_rescore_task", ([opening.id],), settings.CRM_SCORING_COALESCE_SECONDS)]


def test_bulk_create_sends_no_rescore(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Candidate.objects.bulk_create([Candidate(full_name=f"Bulk {i}") for i in range(50)])

    assert callbacks == [] and sent == []


def test_off_limits_change_rescores_the_company_employees(sent, django_capture_on_commit_callbacks):
    company = CompanyFactory()

    with django_capture_on_commit_callbacks(execute=True):
        company.name = "Renamed"
        services.company_save(company=company)
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        company.is_off_limits = True
        services.company_save(company=company)

    assert [(name, args) for name, args, _countdown in sent] == [("company_employees_rescore_task", (company.id,))]
