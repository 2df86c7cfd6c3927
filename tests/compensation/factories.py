"""factory_boy factories for the compensation app."""

from decimal import Decimal

import factory
from djmoney.money import Money
from factory.django import DjangoModelFactory

from compensation.models import Offer, OfferStatusChange
from tests.crm.factories import CandidacyFactory, CompanyFactory
from tests.talent.factories import CandidateFactory


class OfferFactory(DjangoModelFactory):
    """A draft 16-month CNY offer (100,000 x 16 = 1,600,000 a year) from an AI-unicorn client.

    Traits: ``big_tech`` (a listed big tech, 125,000 x 16 = 2,000,000 a year, RSUs
    5/15/40/40); ``extended``/``accepted`` statuses are set directly for reads only.
    """

    class Meta:
        model = Offer

    candidate = factory.SubFactory(CandidateFactory)
    company = factory.SubFactory(CompanyFactory)
    monthly_base = Money(Decimal("100000"), "CNY")
    months_per_year = Decimal("16")

    class Params:
        big_tech = factory.Trait(
            company=factory.SubFactory(CompanyFactory, big_tech=True),
            monthly_base=Money(Decimal("125000"), "CNY"),
            equity_kind=Offer.EquityKind.RSU,
            rsu_grant_value=Money(Decimal("2000000"), "CNY"),
            vesting_schedule=[5, 15, 40, 40],
            status=Offer.Status.EXTENDED,
        )


class CandidacyOfferFactory(OfferFactory):
    """An offer tied to a candidacy (same candidate, the opening's company)."""

    candidacy = factory.SubFactory(CandidacyFactory)
    candidate = factory.LazyAttribute(lambda o: o.candidacy.candidate)
    company = factory.LazyAttribute(lambda o: o.candidacy.opening.company)


class OfferStatusChangeFactory(DjangoModelFactory):
    class Meta:
        model = OfferStatusChange

    offer = factory.SubFactory(OfferFactory)
    from_status = Offer.Status.DRAFT
    to_status = Offer.Status.EXTENDED
