"""A task sent through Redis is run by a real worker and its result is in the database."""

import pytest

from talent.models import ResearchProfile
from talent.tasks import research_profiles_refresh_task
from tests.talent.factories import AuthorshipFactory, CandidateFactory, PublicationFactory, VenueFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_runs_task_end_to_end(celery_worker):
    venue = VenueFactory(acronym="NeurIPS")
    candidate = CandidateFactory()
    for year in (2023, 2024):
        AuthorshipFactory(candidate=candidate, publication=PublicationFactory(venue=venue, year=year), position=1)

    result = research_profiles_refresh_task.delay([candidate.id])

    assert result.get(timeout=60) >= 1
    profile = ResearchProfile.objects.get(candidate=candidate)
    assert profile.total_papers == 2
    assert profile.tier1_papers == 2
