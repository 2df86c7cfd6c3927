"""A real Celery worker on Redis scores an opening end to end (task sent, rows in the database).

Run with ``CELERY_BROKER_URL=redis://127.0.0.1:6379/2`` (any Redis database; CI sets one);
skipped with the reason shown when it is unset (fixture ``celery_worker`` in conftest.py).
"""

import time
from decimal import Decimal

import pytest
from django.core.cache import cache

from crm.models import FitScore, OpeningRequirement, ScoringRun
from crm.services import opening_requirement_save
from crm.tasks import openings_rescore_task
from talent.signals import side_effects_paused
from tests.crm.factories import OpeningFactory, OpeningRequirementFactory
from tests.talent.factories import AuthorshipFactory, CandidateFactory, SpecialtyFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _setup():
    with side_effects_paused():  # the set-up's own saves send nothing
        rl = SpecialtyFactory(slug="reinforcement-learning", name="Reinforcement learning")
        opening = OpeningFactory(title="RL scientist", min_degree="phd", target_top_papers=2)
        OpeningRequirementFactory(opening=opening, specialty=rl, weight=Decimal("2"))
        star = CandidateFactory(phd=True, years_experience=6)
        star.specialties.add(rl)
        for _ in range(2):
            AuthorshipFactory(candidate=star, position=1)
        novice = CandidateFactory(highest_degree="bsc")
    return rl, opening, star, novice


def test_worker_scores_an_opening_end_to_end(celery_worker):
    _rl, opening, star, novice = _setup()

    run_id = openings_rescore_task.delay([opening.id], ScoringRun.Trigger.MANUAL).get(timeout=60)

    run = ScoringRun.objects.get(pk=run_id)
    assert run.status == ScoringRun.Status.SUCCEEDED and run.rows_written == 2
    scores = dict(FitScore.objects.filter(opening=opening).values_list("candidate_id", "score"))
    assert scores[star.id] > scores[novice.id]


def test_saved_requirement_reaches_the_worker_after_commit(celery_worker, settings):
    settings.CRM_SCORING_COALESCE_SECONDS = 1
    cache.clear()
    rl, opening, star, _novice = _setup()

    opening_requirement_save(requirement=OpeningRequirement(
        opening=opening, specialty=SpecialtyFactory(slug="robotics"), weight=Decimal("1")))

    deadline = time.monotonic() + 60
    while not FitScore.objects.filter(opening=opening, candidate=star).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    fs = FitScore.objects.get(opening=opening, candidate=star)
    assert "Robotics" in fs.breakdown[0]["explanation"]
    assert ScoringRun.objects.filter(trigger=ScoringRun.Trigger.SAVE, status=ScoringRun.Status.SUCCEEDED).exists()
