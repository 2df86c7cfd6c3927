"""``manage.py demo_setup``: login, fictional openings and offers, scores; idempotent.

The proceedings import itself is tested in tests/talent; here it is skipped to stay fast.
"""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from compensation.models import Offer
from crm.models import Company, FitScore, Opening, OpeningRequirement
from talent.models import Candidate


def run_demo() -> str:
    out = StringIO()
    call_command("load_reference_data", stdout=StringIO())
    call_command("demo_setup", "--skip-import", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_setup_creates_login_openings_offers_and_scores(settings):
    settings.CRM_DEMO_PASSWORD = "demo-pass-123"

    output = run_demo()

    assert "log in as 'recruiter' with password 'demo-pass-123'" in output
    assert authenticate(RequestFactory().post("/admin/login/"), username="recruiter", password="demo-pass-123").is_staff
    openings = Opening.objects.all()
    assert openings.count() == 6
    assert all("fictional" in o.company.name.lower() for o in openings)
    assert OpeningRequirement.objects.filter(is_must_have=True).count() == 6
    assert Offer.objects.filter(candidate__is_fictional=True).count() == 2
    assert not Offer.objects.filter(candidate__is_fictional=False).exists()
    assert FitScore.objects.filter(opening__in=openings).exists()


@pytest.mark.django_db
def test_demo_setup_twice_changes_nothing(settings):
    settings.CRM_DEMO_PASSWORD = "demo-pass-123"
    run_demo()
    counts = [m.objects.count() for m in (Company, Opening, OpeningRequirement, Offer, Candidate, FitScore)]

    run_demo()

    assert [m.objects.count() for m in (Company, Opening, OpeningRequirement, Offer, Candidate, FitScore)] == counts
