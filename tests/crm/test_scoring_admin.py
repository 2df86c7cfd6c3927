"""Where recruiters see scores: the opening and candidate pages, the rescore action and command."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from crm.models import FitScore, ScoringRun
from crm.scoring.services import openings_rescore
from tests.crm.factories import CompanyFactory, OpeningFactory, OpeningRequirementFactory
from tests.talent.factories import CandidateFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_opening():
    rl = SpecialtyFactory(slug="reinforcement-learning", name="Reinforcement learning")
    opening = OpeningFactory(title="RL scientist", min_degree="phd")
    OpeningRequirementFactory(opening=opening, specialty=rl, weight=Decimal("2"))
    star = CandidateFactory(full_name="Lin Star", phd=True)
    star.specialties.add(rl)
    insider = CandidateFactory(full_name="Wu Insider", current_company=opening.company)
    return opening, star, insider


def test_opening_page_ranks_candidates_with_breakdown_and_lists_excluded(client, recruiter, scored_opening):
    opening, star, insider = scored_opening
    openings_rescore([opening.id])
    client.force_login(recruiter)

    page = client.get(reverse("admin:crm_opening_change", args=[opening.id])).content.decode()

    assert "Best-fit candidates" in page and "Lin Star" in page
    assert "Credit per required specialty: Reinforcement learning 100%" in page
    assert "Excluded (off-limits)" in page and "Wu Insider" in page and "opening&#x27;s company" in page


def test_candidate_page_shows_best_openings_live_when_nothing_is_stored(client, recruiter, scored_opening):
    opening, star, _insider = scored_opening
    client.force_login(recruiter)

    page = client.get(reverse("admin:talent_candidate_change", args=[star.id])).content.decode()

    assert "Best openings" in page and "Computed now" in page and "RL scientist" in page
    assert not FitScore.objects.exists()


def test_rescore_action_scores_the_selected_openings(client, recruiter, scored_opening,
                                                     django_capture_on_commit_callbacks):
    opening, star, _insider = scored_opening
    client.force_login(recruiter)

    with django_capture_on_commit_callbacks(execute=True):  # the tasks are sent after commit
        response = client.post(reverse("admin:crm_opening_changelist"),
                               {"action": "rescore_selected_openings", "_selected_action": [opening.id]}, follow=True)

    assert response.status_code == 200
    assert FitScore.objects.filter(opening=opening, candidate=star, is_excluded=False).exists()
    assert ScoringRun.objects.filter(trigger=ScoringRun.Trigger.ADMIN, status=ScoringRun.Status.SUCCEEDED).exists()


def test_rescore_command_scores_one_opening_and_rejects_unknown_ids(scored_opening):
    opening, star, _insider = scored_opening
    other = OpeningFactory(company=CompanyFactory())
    out = StringIO()

    call_command("rescore", "--opening", str(opening.id), stdout=out, stderr=StringIO())

    assert "Scored 1 opening(s) against 2 candidate(s)" in out.getvalue()
    assert f"{FitScore.objects.filter(opening=opening).count()} score(s) stored" in out.getvalue()
    assert set(FitScore.objects.values_list("opening_id", flat=True)) == {opening.id}
    assert other.id not in FitScore.objects.values_list("opening_id", flat=True)
    with pytest.raises(CommandError):
        call_command("rescore", "--opening", "999999", stdout=StringIO())


def test_candidate_page_states_a_failed_must_have(client, recruiter, scored_opening):
    opening, star, _insider = scored_opening
    OpeningRequirementFactory(opening=opening, specialty=SpecialtyFactory(slug="robotics", name="Robotics"),
                              is_must_have=True)
    client.force_login(recruiter)

    page = client.get(reverse("admin:talent_candidate_change", args=[star.id])).content.decode()

    assert "Missing must-have: Robotics" in page
