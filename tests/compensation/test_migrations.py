"""Data migrations of the compensation app, run against rows made by today's models."""

import importlib

import pytest
from django.apps import apps

from compensation.models import Offer

from .factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_vesting_schedule_floats_become_ints_and_strings():
    migration = importlib.import_module("compensation.migrations.0004_vesting_schedule_without_floats")
    with_floats = OfferFactory(big_tech=True)
    Offer.objects.filter(pk=with_floats.pk).update(vesting_schedule=[33.5, 33.5, 20.0, 13])
    untouched = OfferFactory(big_tech=True)

    migration.schedules_without_floats(apps, None)

    with_floats.refresh_from_db()
    untouched.refresh_from_db()
    assert with_floats.vesting_schedule == ["33.5", "33.5", 20, 13]
    assert [type(v) for v in with_floats.vesting_schedule] == [str, str, int, int]
    assert untouched.vesting_schedule == [5, 15, 40, 40]
