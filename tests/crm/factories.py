"""factory_boy factories for the crm app."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from djmoney.money import Money
from factory.django import DjangoModelFactory

from crm.models import (
    Activity,
    Candidacy,
    Company,
    Contact,
    FitScore,
    FxRate,
    Opening,
    OpeningRequirement,
    Partner,
    PartnerAPIKey,
    Placement,
    ScoringRun,
    StageChange,
    WebhookEndpoint,
    WeeklyReport,
)
from tests.talent.factories import CandidateFactory, SpecialtyFactory


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    is_staff = True


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    kind = Company.Kind.AI_UNICORN
    is_client = True

    class Params:
        big_tech = factory.Trait(kind=Company.Kind.BIG_TECH, funding_stage=Company.FundingStage.PUBLIC, is_client=False)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    full_name = factory.Faker("name")


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")


class WebhookEndpointFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    partner = factory.SubFactory(PartnerFactory)
    url = factory.Sequence(lambda n: f"https://partner{n}.example.com/hook")
    secret = "s3cret"


class OpeningFactory(DjangoModelFactory):
    class Meta:
        model = Opening

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Research Scientist {n}")
    city = "Beijing"
    band_min = Money(Decimal("1500000"), "CNY")
    band_max = Money(Decimal("2500000"), "CNY")


class OpeningRequirementFactory(DjangoModelFactory):
    class Meta:
        model = OpeningRequirement

    opening = factory.SubFactory(OpeningFactory)
    specialty = factory.SubFactory(SpecialtyFactory)
    weight = Decimal("1")


class CandidacyFactory(DjangoModelFactory):
    class Meta:
        model = Candidacy

    candidate = factory.SubFactory(CandidateFactory)
    opening = factory.SubFactory(OpeningFactory)


class StageChangeFactory(DjangoModelFactory):
    class Meta:
        model = StageChange

    candidacy = factory.SubFactory(CandidacyFactory)
    from_stage = Candidacy.Stage.SOURCED
    to_stage = Candidacy.Stage.CONTACTED


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    candidate = factory.SubFactory(CandidateFactory)
    subject = "Intro call"
    kind = Activity.Kind.CALL


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement

    candidacy = factory.SubFactory(CandidacyFactory, stage=Candidacy.Stage.PLACED)
    start_on = factory.LazyFunction(timezone.localdate)
    year1_cash = Money(Decimal("2000000"), "CNY")
    fee = Money(Decimal("500000"), "CNY")


class ScoringRunFactory(DjangoModelFactory):
    class Meta:
        model = ScoringRun


class FitScoreFactory(DjangoModelFactory):
    class Meta:
        model = FitScore

    candidate = factory.SubFactory(CandidateFactory)
    opening = factory.SubFactory(OpeningFactory)
    score = Decimal("50.00")
    scorer_version = "test"


class WeeklyReportFactory(DjangoModelFactory):
    class Meta:
        model = WeeklyReport

    manager = factory.SubFactory(UserFactory)
    week_start_on = factory.LazyFunction(timezone.localdate)


class PartnerAPIKeyFactory(DjangoModelFactory):
    """An API key; the plain key is kept on the instance as ``plain_key`` (only then known)."""

    class Meta:
        model = PartnerAPIKey

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"key {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        api_key, plain = model_class.objects.create_key(**kwargs)
        api_key.plain_key = plain
        return api_key


class FxRateFactory(DjangoModelFactory):
    class Meta:
        model = FxRate

    rate_on = factory.Sequence(lambda n: date(2026, 10, 30) - timedelta(days=n))
    currency = "USD"
    rate_per_eur = Decimal("1.1172")
    source = "ECB"
