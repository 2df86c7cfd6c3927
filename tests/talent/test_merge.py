"""candidate_merge: every relation moves, clashes resolve as documented, a record is kept."""

from __future__ import annotations

import pytest

from crm.models import Activity, Candidacy, FitScore
from talent.errors import DomainError
from talent.models import Authorship, Candidate, CandidateMerge, CareerEntry, PossibleDuplicate, ResearchProfile
from talent.services.dedup import possible_duplicate_pair
from talent.services.merge import candidate_merge
from tests.compensation.factories import OfferFactory
from tests.crm.factories import ActivityFactory, CandidacyFactory, FitScoreFactory, OpeningFactory, UserFactory
from tests.talent.factories import AuthorshipFactory, CandidateFactory, PublicationFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


def test_merge_moves_every_relation_and_deletes_the_duplicate():
    survivor = CandidateFactory(full_name="Hervé Jégou", email=None)
    dup = CandidateFactory(full_name="HERVE JEGOU", email="herve@example.org", city="Paris")
    AuthorshipFactory(candidate=dup)
    CandidacyFactory(candidate=dup)
    ActivityFactory(candidate=dup)
    FitScoreFactory(candidate=dup)
    OfferFactory(candidate=dup)
    CareerEntry.objects.create(candidate=dup, kind=CareerEntry.Kind.WORK, organisation="Meta")
    dup.specialties.add(SpecialtyFactory(slug="rl"))

    merge = candidate_merge(survivor=survivor, duplicates=[dup], reason="same person, accents lost")

    assert not Candidate.objects.filter(pk=dup.pk).exists()
    assert survivor.authorships.count() == 1
    assert survivor.candidacies.count() == 1
    assert survivor.activities.count() == 1
    assert survivor.fit_scores.count() == 1
    assert survivor.offers.count() == 1
    assert survivor.career_entries.count() == 1
    assert list(survivor.specialties.values_list("slug", flat=True)) == ["rl"]
    survivor.refresh_from_db()
    assert survivor.email == "herve@example.org"  # blank on the survivor: filled
    assert survivor.city == "Paris"
    assert survivor.full_name == "Hervé Jégou"  # never overwritten
    assert merge.merged_ids == [dup.pk]
    assert merge.snapshot[str(dup.pk)]["full_name"] == "HERVE JEGOU"
    assert merge.reason == "same person, accents lost"
    assert ResearchProfile.objects.get(candidate=survivor).total_papers == 1


def test_authorship_of_the_same_paper_is_kept_once():
    paper = PublicationFactory()
    survivor = CandidateFactory()
    dup = CandidateFactory()
    AuthorshipFactory(candidate=survivor, publication=paper, position=2, affiliation_raw="")
    AuthorshipFactory(candidate=dup, publication=paper, position=2, affiliation_raw="DeepMind", is_corresponding=True)

    merge = candidate_merge(survivor=survivor, duplicates=[dup], reason="same")

    kept = Authorship.objects.get(publication=paper)
    assert kept.candidate_id == survivor.pk
    assert kept.affiliation_raw == "DeepMind"
    assert kept.is_corresponding is True
    assert merge.moved["authorships"]["dropped"] == 1


def test_merging_co_authors_of_one_paper_keeps_the_first_author_position():
    paper = PublicationFactory()
    survivor = CandidateFactory()
    dup = CandidateFactory()
    AuthorshipFactory(candidate=survivor, publication=paper, position=3)
    AuthorshipFactory(candidate=dup, publication=paper, position=1)

    candidate_merge(survivor=survivor, duplicates=[dup], reason="same person listed twice")

    assert Authorship.objects.get(publication=paper).position == 1
    assert ResearchProfile.objects.get(candidate=survivor).total_papers == 1


def test_candidacy_clash_keeps_the_more_advanced_with_its_history():
    opening = OpeningFactory()
    survivor = CandidateFactory()
    dup = CandidateFactory()
    CandidacyFactory(candidate=survivor, opening=opening, stage=Candidacy.Stage.CONTACTED)
    advanced = CandidacyFactory(candidate=dup, opening=opening, stage=Candidacy.Stage.INTERVIEWING)
    survivors_note = ActivityFactory(candidate=survivor, candidacy=survivor.candidacies.get())

    merge = candidate_merge(survivor=survivor, duplicates=[dup], reason="same")

    kept = Candidacy.objects.get(opening=opening)
    assert kept.pk == advanced.pk
    assert kept.candidate_id == survivor.pk
    assert kept.stage == Candidacy.Stage.INTERVIEWING
    assert Activity.objects.get(pk=survivors_note.pk).candidacy_id == kept.pk
    assert merge.moved["candidacies"]["kept_duplicate"] == 1
    assert any("more advanced" in note for note in merge.moved["notes"])
    merge_note = Activity.objects.get(candidacy=kept, subject="Duplicate candidacy merged")
    assert f"#{dup.pk}" in merge_note.body and "more advanced" in merge_note.body


def test_candidacy_clash_keeps_the_survivors_when_it_is_further():
    opening = OpeningFactory()
    survivor = CandidateFactory()
    dup = CandidateFactory()
    mine = CandidacyFactory(candidate=survivor, opening=opening, stage=Candidacy.Stage.OFFER)
    CandidacyFactory(candidate=dup, opening=opening, stage=Candidacy.Stage.REJECTED)

    recruiter = UserFactory()
    candidate_merge(survivor=survivor, duplicates=[dup], reason="same ORCID", actor=recruiter)

    assert list(Candidacy.objects.filter(opening=opening).values_list("pk", flat=True)) == [mine.pk]
    note = Activity.objects.get(candidacy=mine)
    assert note.created_by == recruiter and "same ORCID" in note.body


def test_fit_score_clash_drops_the_duplicates():
    opening = OpeningFactory()
    survivor = CandidateFactory()
    dup = CandidateFactory()
    mine = FitScoreFactory(candidate=survivor, opening=opening, score=70)
    FitScoreFactory(candidate=dup, opening=opening, score=90)

    merge = candidate_merge(survivor=survivor, duplicates=[dup], reason="same")

    assert list(FitScore.objects.values_list("pk", flat=True)) == [mine.pk]
    assert merge.moved["fit_scores"]["dropped"] == 1


def test_possible_duplicate_pairs_are_settled_or_repointed():
    survivor = CandidateFactory()
    dup = CandidateFactory()
    third = CandidateFactory()
    possible_duplicate_pair(survivor.pk, dup.pk, 85, "x").save()
    possible_duplicate_pair(dup.pk, third.pk, 80, "y").save()

    merge = candidate_merge(survivor=survivor, duplicates=[dup], reason="same", actor=UserFactory())

    pair = PossibleDuplicate.objects.get()
    assert {pair.candidate_a_id, pair.candidate_b_id} == {survivor.pk, third.pk}
    assert merge.moved["possible_duplicates_settled"]["moved"] == 1
    assert merge.actor is not None


def test_merge_into_itself_or_without_reason_is_refused():
    survivor = CandidateFactory()
    dup = CandidateFactory()

    with pytest.raises(DomainError):
        candidate_merge(survivor=survivor, duplicates=[survivor], reason="x")
    with pytest.raises(DomainError):
        candidate_merge(survivor=survivor, duplicates=[dup], reason="  ")
    with pytest.raises(DomainError):
        candidate_merge(survivor=survivor, duplicates=[], reason="x")

    assert Candidate.objects.count() == 2
    assert CandidateMerge.objects.count() == 0
