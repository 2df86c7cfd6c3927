"""Database rules of the talent models: e-mail, phone, names, constraints."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from djmoney.money import Money

from talent.models import Candidate
from tests.talent.factories import AuthorshipFactory, CandidateFactory, PublicationFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_email_is_stored_normalised():
    candidate = CandidateFactory(email="  Li.Wei@Example.COM ")

    candidate.refresh_from_db()

    assert candidate.email == "li.wei@example.com"


def test_email_is_unique_case_insensitively_even_past_the_model():
    CandidateFactory(email="li.wei@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        # .update() skips save(): the database constraint itself must refuse.
        other = CandidateFactory(email="other@example.com")
        Candidate.objects.filter(pk=other.pk).update(email="LI.WEI@example.com")


def test_blank_emails_do_not_collide():
    CandidateFactory(email="")
    CandidateFactory(email=None)

    assert Candidate.objects.filter(email__isnull=True).count() == 2


def test_phone_uses_default_region_without_plus():
    candidate = CandidateFactory(phone="138 0013 8000")

    candidate.refresh_from_db()

    assert str(candidate.phone) == "+8613800138000"


def test_phone_explicit_country_code_wins_over_default_region():
    candidate = CandidateFactory(phone="+1 (415) 555-2671")

    candidate.refresh_from_db()

    assert str(candidate.phone) == "+14155552671"


def test_full_name_is_kept_as_written_with_native_name():
    candidate = CandidateFactory(full_name="Ouyang Nana", native_name="欧阳娜娜")

    candidate.refresh_from_db()

    assert (candidate.full_name, candidate.native_name) == ("Ouyang Nana", "欧阳娜娜")
    assert str(candidate) == "Ouyang Nana (欧阳娜娜)"
    assert list(Candidate.objects.search("欧阳")) == [candidate]
    assert list(Candidate.objects.search("ouyang")) == [candidate]


def test_negative_expected_compensation_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateFactory(expected_compensation=Money(Decimal("-1"), "CNY"))


def test_one_authorship_per_candidate_and_publication():
    authorship = AuthorshipFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorshipFactory(candidate=authorship.candidate, publication=authorship.publication, position=2)


def test_publication_title_and_year_identify_a_paper():
    venue = VenueFactory()
    PublicationFactory(title="Attention", title_key="attention", year=2017, venue=venue)

    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationFactory(title="ATTENTION", title_key="attention", year=2017, venue=venue)


def test_search_ignores_accents_case_and_spacing():
    herve = CandidateFactory(full_name="Hervé Jégou")
    CandidateFactory(full_name="Someone Else")

    assert list(Candidate.objects.search("herve jegou")) == [herve]
    assert list(Candidate.objects.search("HERVÉ")) == [herve]


def test_duplicate_email_in_another_case_is_a_readable_validation_error():
    from django.core.exceptions import ValidationError

    CandidateFactory(email="li.wei@example.com")
    twin = CandidateFactory.build(email="LI.WEI@example.com")

    with pytest.raises(ValidationError) as excinfo:
        twin.full_clean()

    assert "Another candidate already has this e-mail address" in str(excinfo.value)


def test_specialty_shows_its_chinese_name_in_chinese():
    from django.utils import translation

    from tests.talent.factories import SpecialtyFactory

    rl = SpecialtyFactory(slug="reinforcement-learning", name="Reinforcement learning", name_zh="强化学习")

    with translation.override("zh-hans"):
        chinese = str(rl)
    with translation.override("en"):
        english = str(rl)

    assert (chinese, english) == ("强化学习", "Reinforcement learning")
