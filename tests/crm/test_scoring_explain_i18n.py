"""Fit score explanations are stored in English and Simplified Chinese and shown in the reader's language."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from crm.models import FitScore
from crm.scoring import FACTORS
from crm.scoring.explain import exclusion_reason_text, explanation_text
from crm.scoring.services import candidate_openings_live, openings_rescore
from tests.crm.factories import FitScoreFactory, OpeningFactory, OpeningRequirementFactory
from tests.talent.factories import CandidateFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
EN_SPECIALTY = "Credit per required specialty: Reinforcement learning 100%."
ZH_SPECIALTY = "各项要求的专业方向得分：强化学习 100%。"


@pytest.fixture
def scored_opening():
    rl = SpecialtyFactory(slug="reinforcement-learning", name="Reinforcement learning", name_zh="强化学习")
    opening = OpeningFactory(title="RL scientist", min_degree="phd")
    OpeningRequirementFactory(opening=opening, specialty=rl, weight=Decimal("2"))
    star = CandidateFactory(full_name="Lin Star", phd=True)
    star.specialties.add(rl)
    insider = CandidateFactory(full_name="Wu Insider", current_company=opening.company)
    return opening, star, insider


def _entry(breakdown: list[dict], factor: str) -> dict:
    return next(entry for entry in breakdown if entry["factor"] == factor)


def test_stored_breakdown_has_english_and_chinese_explanations(scored_opening):
    opening, star, _insider = scored_opening

    openings_rescore([opening.id])

    breakdown = FitScore.objects.get(opening=opening, candidate=star).breakdown
    assert [entry["factor"] for entry in breakdown] == list(FACTORS)
    for entry in breakdown:
        assert set(entry["explanations"]) == {"en", "zh-hans"}
        assert entry["explanation"] == entry["explanations"]["en"]
        assert CHINESE.search(entry["explanations"]["zh-hans"]), entry
        assert not CHINESE.search(entry["explanations"]["en"]), entry
    specialty = _entry(breakdown, "specialty")["explanations"]
    assert specialty == {"en": EN_SPECIALTY, "zh-hans": ZH_SPECIALTY}
    assert "博士" in _entry(breakdown, "degree")["explanations"]["zh-hans"]


def test_off_limits_reason_and_must_have_are_stored_in_both_languages(scored_opening):
    opening, star, insider = scored_opening
    robotics = SpecialtyFactory(slug="robotics", name="Robotics", name_zh="机器人")
    OpeningRequirementFactory(opening=opening, specialty=robotics, is_must_have=True)

    openings_rescore([opening.id])

    excluded = FitScore.objects.get(opening=opening, candidate=insider)
    off_limits = _entry(excluded.breakdown, "off_limits")
    assert excluded.exclusion_reason == off_limits["reasons"]["en"]
    assert opening.company.name in off_limits["reasons"]["zh-hans"]
    assert CHINESE.search(off_limits["reasons"]["zh-hans"])
    assert off_limits["explanations"]["zh-hans"].startswith(off_limits["reasons"]["zh-hans"])
    must = _entry(FitScore.objects.get(opening=opening, candidate=star).breakdown, "must_have")["explanations"]
    assert "Robotics" in must["en"] and "机器人" in must["zh-hans"]


def test_opening_page_shows_the_readers_language(client, recruiter, scored_opening):
    opening, _star, _insider = scored_opening
    openings_rescore([opening.id])
    client.force_login(recruiter)
    url = reverse("admin:crm_opening_change", args=[opening.id])

    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert ZH_SPECIALTY in chinese and EN_SPECIALTY not in chinese
    assert "任职于该职位所属的公司" in chinese and "opening&#x27;s company" not in chinese
    assert EN_SPECIALTY in english and ZH_SPECIALTY not in english
    assert "opening&#x27;s company" in english and "任职于该职位所属的公司" not in english


def test_candidate_page_shows_live_scores_in_the_readers_language(client, recruiter, scored_opening):
    _opening, star, _insider = scored_opening
    client.force_login(recruiter)

    page = client.get(reverse("admin:talent_candidate_change", args=[star.id]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert ZH_SPECIALTY in page and EN_SPECIALTY not in page
    assert not FitScore.objects.exists()


def test_old_rows_without_explanations_still_render(client, recruiter, scored_opening):
    opening, star, insider = scored_opening
    FitScoreFactory(opening=opening, candidate=star, score=Decimal("70.00"), breakdown=[
        {"factor": "specialty", "value": 1.0, "weight": 1.0, "explanation": "Old English explanation."},
    ])
    FitScoreFactory(opening=opening, candidate=insider, score=Decimal("0.00"), is_excluded=True,
                    exclusion_reason="Old English reason.", breakdown=[
                        {"factor": "off_limits", "value": 0.0, "weight": None, "explanation": "Old alert."}])
    client.force_login(recruiter)

    page = client.get(reverse("admin:crm_opening_change", args=[opening.id]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Old English explanation." in page and "Old English reason." in page
    assert "Lin Star" in page and "Wu Insider" in page


def test_explanation_text_falls_back_to_english():
    entry = {"explanation": "English.", "explanations": {"en": "English.", "zh-hans": "中文。"}}

    with translation.override("zh-hans"):
        chinese, old = explanation_text(entry), explanation_text({"explanation": "English."})
    with translation.override("fr"):
        other = explanation_text(entry)

    assert (chinese, old, other) == ("中文。", "English.", "English.")
    with translation.override("zh-hans"):
        assert exclusion_reason_text([], "Stored.") == "Stored."
        assert exclusion_reason_text([{"factor": "off_limits", "reasons": {"zh-hans": "禁挖。"}}], "Stored.") == "禁挖。"


def test_live_scores_carry_both_languages(scored_opening):
    _opening, star, _insider = scored_opening

    with translation.override("zh-hans"):
        items = candidate_openings_live(star.id)

    specialty = _entry(items[0]["breakdown"], "specialty")
    assert specialty["explanation"] == EN_SPECIALTY  # English whatever the language at computation time
    assert specialty["explanations"]["zh-hans"] == ZH_SPECIALTY
