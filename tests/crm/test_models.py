"""Database rules of the crm models."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from djmoney.money import Money

from tests.crm.factories import CandidacyFactory, CompanyFactory, FitScoreFactory, OpeningFactory

pytestmark = pytest.mark.django_db


def test_band_minimum_above_maximum_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningFactory(band_min=Money(Decimal("3000000"), "CNY"), band_max=Money(Decimal("2000000"), "CNY"))


def test_band_minimum_above_maximum_is_a_field_error_in_clean():
    opening = OpeningFactory.build(
        company=CompanyFactory(), band_min=Money(Decimal("3000000"), "CNY"), band_max=Money(Decimal("2000000"), "CNY")
    )

    with pytest.raises(ValidationError) as excinfo:
        opening.full_clean()

    assert "band_min" in excinfo.value.message_dict


def test_band_in_two_currencies_is_a_field_error():
    opening = OpeningFactory.build(
        company=CompanyFactory(), band_min=Money(Decimal("100"), "USD"), band_max=Money(Decimal("2000000"), "CNY")
    )

    with pytest.raises(ValidationError) as excinfo:
        opening.full_clean()

    assert "band_max" in excinfo.value.message_dict


def test_negative_band_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningFactory(band_min=Money(Decimal("-5"), "CNY"), band_max=None)


def test_one_candidacy_per_candidate_and_opening():
    candidacy = CandidacyFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        CandidacyFactory(candidate=candidacy.candidate, opening=candidacy.opening)


@pytest.mark.parametrize("score", [Decimal("-0.01"), Decimal("100.01")])
def test_fit_score_outside_0_to_100_is_refused(score):
    with pytest.raises(IntegrityError), transaction.atomic():
        FitScoreFactory(score=score)


def test_one_fit_score_per_candidate_and_opening():
    fit = FitScoreFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        FitScoreFactory(candidate=fit.candidate, opening=fit.opening)


def test_company_name_unique_case_insensitively():
    CompanyFactory(name="DeepSeek")

    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyFactory(name="deepseek")


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, 2], "Give an object of factor weights"),
        ("x", "Give an object of factor weights"),
        ({"nonsense": 1}, "Unknown factors: nonsense"),
        ({"research": "abc"}, "must be a number of at least 0"),
        ({"research": -5}, "must be a number of at least 0"),
        ({"research": True}, "must be a number of at least 0"),
    ],
)
def test_bad_score_weights_are_a_field_error(weights, message):
    opening = OpeningFactory.build(company=CompanyFactory(), score_weights=weights)

    with pytest.raises(ValidationError) as excinfo:
        opening.full_clean()

    assert message in " ".join(excinfo.value.message_dict["score_weights"])


def test_null_score_weights_mean_no_override_and_good_ones_pass():
    empty = OpeningFactory.build(company=CompanyFactory(), score_weights=None)
    good = OpeningFactory.build(company=CompanyFactory(), score_weights={"research": 0.4, "compensation": 0})

    empty.full_clean()
    good.full_clean()

    assert empty.score_weights == {}


def test_scoring_ignores_a_non_object_stored_before_validation():
    from crm.scoring import FACTORS
    from crm.scoring.features import opening_weights

    defaults = dict.fromkeys(FACTORS, 1.0)

    assert opening_weights(defaults, [1, 2]).tolist() == opening_weights(defaults, {}).tolist()
