"""Research profiles (talent.services.profile): counts, specialties with evidence, bounded queries."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from talent.models import Authorship, ResearchProfile, Venue
from talent.services.profile import (
    SpecialtyMatcher,
    connect_profile_signals,
    research_profiles_refresh,
    research_profiles_refresh_on_commit,
)
from talent.services.reference import reference_data_load
from talent.signals import side_effects_paused
from tests.talent.factories import AuthorshipFactory, CandidateFactory, PublicationFactory, VenueFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


@pytest.fixture
def reference():
    reference_data_load()
    return {v.acronym: v for v in Venue.objects.filter(acronym__in=["NeurIPS", "ICML", "IROS", "CoRL", "arXiv", "ACL"])}


def paper(candidate, venue, year, *, title=None, position=1, workshop=False, preprint=False, raw=None):
    publication = PublicationFactory(
        venue=venue, year=year, is_workshop=workshop, is_preprint=preprint,
        venue_raw=raw if raw is not None else (venue.acronym if venue else ""),
        **({"title": title} if title else {}),
    )
    return AuthorshipFactory(candidate=candidate, publication=publication, position=position)


def test_research_profiles_refresh_counts_by_tier_position_and_recency(reference):
    cand = CandidateFactory()
    paper(cand, reference["NeurIPS"], 2024, position=1)  # tier 1, first author
    paper(cand, reference["ICML"], 2019, position=3)  # tier 1, not first
    paper(cand, reference["IROS"], 2022, position=1)  # tier 2
    paper(cand, None, 2025, workshop=True, raw="NeurIPS Workshop on Deep RL")
    paper(cand, reference["NeurIPS"], 2023, workshop=True)  # a workshop even if a venue was set
    paper(cand, reference["arXiv"], 2026, preprint=True)
    paper(cand, VenueFactory(acronym="NOWHERE", tier=0, ccf_rank="", core_rank=""), 2015)

    written = research_profiles_refresh([cand.pk], today=TODAY)

    profile = ResearchProfile.objects.get(candidate=cand)
    assert written == 1
    assert (profile.total_papers, profile.tier1_papers, profile.tier2_papers, profile.first_author_top_papers) == (7, 2, 1, 1)
    assert (profile.papers_last_3_years, profile.papers_last_5_years, profile.latest_year) == (3, 5, 2026)


def test_research_profiles_refresh_gives_zero_profile_to_candidate_without_papers():
    cand = CandidateFactory()

    research_profiles_refresh([cand.pk], today=TODAY)

    profile = ResearchProfile.objects.get(candidate=cand)
    assert (profile.total_papers, profile.tier1_papers, profile.latest_year, profile.inferred_specialties) == (0, 0, None, [])


def test_research_profiles_refresh_is_idempotent_and_follows_removed_authorships(reference):
    cand = CandidateFactory()
    keep = paper(cand, reference["NeurIPS"], 2024)
    drop = paper(cand, reference["ICML"], 2025)
    research_profiles_refresh([cand.pk], today=TODAY)
    first = ResearchProfile.objects.values("tier1_papers", "total_papers").get(candidate=cand)
    research_profiles_refresh([cand.pk], today=TODAY)
    second = ResearchProfile.objects.values("tier1_papers", "total_papers").get(candidate=cand)

    drop.delete()
    research_profiles_refresh([cand.pk], today=TODAY)

    assert first == second == {"tier1_papers": 2, "total_papers": 2}
    assert ResearchProfile.objects.get(candidate=cand).tier1_papers == 1
    assert ResearchProfile.objects.count() == 1
    assert keep.pk


def test_research_profiles_refresh_all_when_no_ids_and_skips_unknown_ids(reference):
    cands = [CandidateFactory() for _ in range(3)]
    for c in cands:
        paper(c, reference["ICML"], 2020)

    assert research_profiles_refresh(today=TODAY) == 3
    assert research_profiles_refresh([cands[0].pk, 999_999], today=TODAY) == 1
    assert ResearchProfile.objects.filter(tier1_papers=1).count() == 3


def test_research_profiles_refresh_query_count_does_not_grow_with_candidates(reference):
    def make(n):
        ids = []
        for _ in range(n):
            c = CandidateFactory()
            paper(c, reference["NeurIPS"], 2021, title=f"Deep reinforcement learning {c.pk}")
            paper(c, reference["ACL"], 2022)
            ids.append(c.pk)
        return ids

    small, large = make(3), make(60)

    with CaptureQueriesContext(connection) as few:
        research_profiles_refresh(small, today=TODAY)
    with CaptureQueriesContext(connection) as many:
        research_profiles_refresh(large, today=TODAY)

    # SQLite splits the upsert into statements of 99 rows: allow that, nothing per candidate.
    assert len(many) <= len(few) + 1
    assert len(many) < 15


def test_research_profiles_refresh_infers_specialties_with_evidence(reference):
    cand = CandidateFactory()
    paper(cand, reference["NeurIPS"], 2018, title="Offline Reinforcement Learning with Implicit Q-Learning")
    paper(cand, reference["ICML"], 2019, title="World Models for Control")  # "rl" inside "world": no match
    paper(cand, reference["CoRL"], 2020, title="Learning Dexterous Manipulation from Suboptimal Experts")
    paper(cand, reference["ICML"], 2021, title="Deep RL at Scale")

    research_profiles_refresh([cand.pk], today=TODAY)

    inferred = {s["slug"]: s for s in ResearchProfile.objects.get(candidate=cand).inferred_specialties}
    assert inferred["reinforcement-learning"]["papers"] == 2
    assert inferred["reinforcement-learning"]["evidence"] == [
        "ICML 2021: Deep RL at Scale (matched 'deep rl')",
        "NeurIPS 2018: Offline Reinforcement Learning with Implicit Q-Learning (matched 'reinforcement learning')",
    ]
    assert inferred["offline-rl"]["evidence"] == [
        "NeurIPS 2018: Offline Reinforcement Learning with Implicit Q-Learning (matched 'offline reinforcement')"
    ]
    assert inferred["robot-learning"]["evidence"] == [
        "CoRL 2020: Learning Dexterous Manipulation from Suboptimal Experts (matched 'dexterous manipulation')"
    ]
    assert inferred["robotics"]["evidence"] == ["CoRL 2020: Learning Dexterous Manipulation from Suboptimal Experts (venue CoRL)"]
    assert "nlp" not in inferred


def test_research_profiles_refresh_keeps_at_most_three_evidence_lines_newest_first(reference):
    cand = CandidateFactory()
    for year in range(2015, 2021):
        paper(cand, reference["ACL"], year, title=f"Neural machine translation study {year}")

    research_profiles_refresh([cand.pk], today=TODAY)

    nlp = next(s for s in ResearchProfile.objects.get(candidate=cand).inferred_specialties if s["slug"] == "nlp")
    assert nlp["papers"] == 6
    assert [line[:8] for line in nlp["evidence"]] == ["ACL 2020", "ACL 2019", "ACL 2018"]


@pytest.mark.parametrize(
    ("title", "slug", "expected"),
    [
        ("Fine-Tuning Language Models from Human Preferences with Reward Models", "rlhf-post-training", True),
        ("Multi-Agent Actor-Critic for Mixed Cooperative-Competitive Environments", "multi-agent-rl", True),
        ("Sim-to-Real Transfer of Robotic Control", "robot-learning", True),
        ("Graph Neural Networks for Link Prediction", "graph-learning", True),
        ("Denoising Diffusion Probabilistic Models", "diffusion-models", True),
        ("A Real-World Study of URL Classification", "reinforcement-learning", False),
        ("Controlling Underestimation Bias", "reinforcement-learning", False),
        ("Image alignment by sparse flows", "alignment", False),
        ("A Bayesian model for semi-supervised part-of-speech tagging", "speech", False),
        ("A Bayesian model for semi-supervised part-of-speech tagging", "nlp", True),
        ("Single Channel Speech Separation", "speech", True),
        ("Product Quantization for Nearest Neighbor Search", "ml-systems", False),
        ("Training Quantized Nets: A Deeper Understanding", "ml-systems", True),
    ],
)
def test_specialty_matcher_uses_word_boundaries(title, slug, expected):
    reference_data_load()
    matcher = SpecialtyMatcher.load()

    slugs = {s for s, _ in matcher.match(title, None)}

    assert (slug in slugs) is expected


def test_research_profiles_refresh_on_commit_refreshes_once_after_commit(reference, django_capture_on_commit_callbacks):
    a, b = CandidateFactory(), CandidateFactory()
    with side_effects_paused():  # the app's own signals would queue a refresh already
        paper(a, reference["ICML"], 2024)
        paper(b, reference["NeurIPS"], 2024)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        research_profiles_refresh_on_commit([a.pk])
        research_profiles_refresh_on_commit([b.pk, a.pk])
        assert not ResearchProfile.objects.exists()

    assert len([cb for cb in callbacks if getattr(cb, "__module__", "") == "talent.services.profile"]) == 1
    assert set(ResearchProfile.objects.values_list("candidate_id", "tier1_papers")) == {(a.pk, 1), (b.pk, 1)}


@pytest.fixture
def profile_signals():
    """The signals as TalentConfig.ready() connects them (connecting twice is a no-op)."""
    connect_profile_signals()
    yield


def test_profile_signals_refresh_after_a_single_admin_style_save(reference, profile_signals,
                                                                  django_capture_on_commit_callbacks):
    cand = CandidateFactory()
    publication = PublicationFactory(venue=reference["NeurIPS"], year=2024)

    with django_capture_on_commit_callbacks(execute=True):
        Authorship(candidate=cand, publication=publication, position=1).save()

    assert ResearchProfile.objects.get(candidate=cand).tier1_papers == 1

    with django_capture_on_commit_callbacks(execute=True):
        publication.venue = reference["arXiv"]
        publication.is_preprint = True
        publication.save()

    assert ResearchProfile.objects.get(candidate=cand).tier1_papers == 0


def test_profile_signals_skip_suspended_and_bulk_paths(reference, profile_signals, django_capture_on_commit_callbacks):
    cand = CandidateFactory()
    pubs = [PublicationFactory(venue=reference["ICML"], year=2020 + i) for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with side_effects_paused():
            Authorship(candidate=cand, publication=pubs[0], position=1).save()
        Authorship.objects.bulk_create([Authorship(candidate=cand, publication=p, position=2) for p in pubs[1:]])

    assert [cb for cb in callbacks if getattr(cb, "__module__", "") == "talent.services.profile"] == []
    assert not ResearchProfile.objects.filter(candidate=cand).exists()


def test_profile_signals_recover_after_a_rollback(reference, profile_signals, django_capture_on_commit_callbacks):
    cand = CandidateFactory()
    pub_a, pub_b = PublicationFactory(venue=reference["ICML"], year=2020), PublicationFactory(venue=reference["ICML"], year=2021)

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                Authorship(candidate=cand, publication=pub_a, position=1).save()
                raise RuntimeError("abort")
        except RuntimeError:
            pass
        Authorship(candidate=cand, publication=pub_b, position=1).save()

    profile = ResearchProfile.objects.get(candidate=cand)
    assert (profile.total_papers, profile.latest_year) == (1, 2021)


def test_refresh_profiles_command_reports_count(reference):
    for _ in range(2):
        paper(CandidateFactory(), reference["ICML"], 2020)
    out = io.StringIO()

    call_command("refresh_profiles", "--today", "2026-01-01", stdout=out, stderr=io.StringIO())

    assert out.getvalue().startswith("2 research profiles refreshed")
    assert ResearchProfile.objects.filter(tier1_papers=1).count() == 2


def test_refresh_profiles_command_refuses_unknown_ids(reference):
    known = CandidateFactory()

    with pytest.raises(CommandError, match="No candidate with id 999999"):
        call_command("refresh_profiles", str(known.pk), "999999", stdout=io.StringIO(), stderr=io.StringIO())
