"""The fictional demo offers: created once, clearly fictional, comparison-ready."""

import pytest
from djmoney.money import Money

from compensation.demo import demo_offers_create
from compensation.models import Offer
from compensation.valuation import year1_cash
from crm.models import FxRate

pytestmark = pytest.mark.django_db


def test_demo_offers_are_fictional_idempotent_and_about_2m_cny(ecb_rates):
    first = demo_offers_create()
    count = Offer.objects.count()
    second = demo_offers_create()

    big_tech, draft = first
    assert [o.pk for o in second] == [o.pk for o in first]
    assert Offer.objects.count() == count == 2
    assert big_tech.candidate.is_fictional and "Demo" in big_tech.candidate.full_name
    assert not big_tech.company.is_client and draft.company.is_client
    assert year1_cash(big_tech) == Money(2000000, "CNY")  # 125,000 x 16
    assert big_tech.status == Offer.Status.EXTENDED and draft.status == Offer.Status.DRAFT
    assert FxRate.objects.count() == ecb_rates.rows_created  # rates already there: not reloaded
