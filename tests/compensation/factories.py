"""factory_boy factories for the compensation app."""

from decimal import Decimal

import factory
from djmoney.money import Money
from factory.django import DjangoModelFactory

from compensation.models import Offer
from tests.crm.factories import CompanyFactory
from tests.talent.factories import CandidateFactory


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    candidate = factory.SubFactory(CandidateFactory)
    company = factory.SubFactory(CompanyFactory)
    monthly_base = Money(Decimal("100000"), "CNY")
    months_per_year = Decimal("16")
