"""Offers in the candidate and candidacy pages' inlines: saved through the services, logged in the history."""

from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from djmoney.money import Money

from compensation import services
from compensation.models import Offer
from crm.models import Candidacy
from talent.models import Candidate
from tests.crm.factories import CandidacyFactory, CompanyFactory, OpeningFactory
from tests.talent.factories import CandidateFactory

from .admin_forms import add_inline_row, form_data
from .factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, recruiter):
    client.force_login(recruiter)
    return client


def _offer_row(company, **values) -> dict[str, str]:
    """One offer row of an inline: 100,000 CNY a month x 16 from ``company``."""
    row = {"company": str(company.pk), "title": "Research scientist", "monthly_base_0": "100000",
           "monthly_base_1": "CNY", "months_per_year": "16", "annual_base_0": "", "annual_base_1": "CNY",
           "sign_on_0": "", "sign_on_1": "CNY", "deadline_on": ""}
    row.update(values)
    return row


def _post(client, url, data):
    response = client.post(url, data)
    errors = None
    if response.status_code == 200 and response.context:
        errors = [response.context["adminform"].form.errors,
                  [f.formset.errors for f in response.context["inline_admin_formsets"]]]
    return response, errors


def test_candidate_add_without_offer_row_redirects(admin_client):
    url = reverse("admin:talent_candidate_add")
    data = form_data(admin_client.get(url))
    data["full_name"] = ["Li Wei"]

    response, errors = _post(admin_client, url, data)

    assert response.status_code == 302, errors
    assert Candidate.objects.filter(full_name="Li Wei").exists()


def test_candidate_add_with_offer_row_creates_the_offer_through_the_service(admin_client):
    company = CompanyFactory()
    url = reverse("admin:talent_candidate_add")
    data = form_data(admin_client.get(url))
    data["full_name"] = ["Li Wei"]
    add_inline_row(data, "offers", _offer_row(company))

    with mock.patch.object(services, "offer_create", wraps=services.offer_create) as offer_create:
        response, errors = _post(admin_client, url, data)

    assert response.status_code == 302, errors
    offer = Offer.objects.get()
    assert offer.candidate.full_name == "Li Wei"
    assert offer.monthly_base == Money(Decimal("100000"), "CNY")
    assert offer.status == Offer.Status.DRAFT
    offer_create.assert_called_once()
    assert "offer" in LogEntry.objects.get(object_id=str(offer.candidate.pk)).get_change_message()


def test_candidate_change_without_offer_row_redirects(admin_client):
    candidate = CandidateFactory()
    url = reverse("admin:talent_candidate_change", args=[candidate.pk])

    response, errors = _post(admin_client, url, form_data(admin_client.get(url)))

    assert response.status_code == 302, errors


def test_candidate_change_with_new_offer_row_creates_the_offer(admin_client):
    candidate = CandidateFactory()
    company = CompanyFactory()
    url = reverse("admin:talent_candidate_change", args=[candidate.pk])
    data = form_data(admin_client.get(url))
    add_inline_row(data, "offers", _offer_row(company))

    response, errors = _post(admin_client, url, data)

    assert response.status_code == 302, errors
    offer = Offer.objects.get(candidate=candidate)
    assert offer.company == company
    assert "Added offer" in LogEntry.objects.get(object_id=str(candidate.pk)).get_change_message()


def test_candidate_change_of_an_inline_offer_updates_it_through_the_service(admin_client):
    offer = OfferFactory()
    url = reverse("admin:talent_candidate_change", args=[offer.candidate.pk])
    data = form_data(admin_client.get(url))
    data["offers-0-monthly_base_0"] = ["110000"]

    with mock.patch.object(services, "offer_update", wraps=services.offer_update) as offer_update:
        response, errors = _post(admin_client, url, data)

    assert response.status_code == 302, errors
    offer.refresh_from_db()
    assert offer.monthly_base == Money(Decimal("110000"), "CNY")
    offer_update.assert_called_once()
    assert "Changed" in LogEntry.objects.get(object_id=str(offer.candidate.pk)).get_change_message()


def test_candidate_change_with_an_invalid_offer_row_shows_the_error(admin_client):
    candidate = CandidateFactory()
    url = reverse("admin:talent_candidate_change", args=[candidate.pk])
    data = form_data(admin_client.get(url))
    add_inline_row(data, "offers", _offer_row(CompanyFactory(), annual_base_0="1200000"))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    offer_formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Offer)
    assert list(offer_formset.errors[0]) == ["annual_base"]
    assert not Offer.objects.exists()


def test_candidacy_add_with_offer_row_redirects_and_creates_the_offer(admin_client):
    candidate = CandidateFactory()
    opening = OpeningFactory()
    url = reverse("admin:crm_candidacy_add")
    data = form_data(admin_client.get(url))
    data.update({"candidate": [str(candidate.pk)], "opening": [str(opening.pk)]})
    add_inline_row(data, "offers", _offer_row(opening.company))

    response, errors = _post(admin_client, url, data)

    assert response.status_code == 302, errors
    offer = Offer.objects.get()
    assert offer.candidacy == Candidacy.objects.get(candidate=candidate, opening=opening)
    assert offer.candidate == candidate


def test_candidacy_change_with_and_without_offer_row_redirects(admin_client):
    candidacy = CandidacyFactory(stage=Candidacy.Stage.INTERVIEWING)
    url = reverse("admin:crm_candidacy_change", args=[candidacy.pk])
    data = form_data(admin_client.get(url))

    unchanged, errors = _post(admin_client, url, data)
    add_inline_row(data, "offers", _offer_row(candidacy.opening.company))
    with_offer, offer_errors = _post(admin_client, url, data)

    assert unchanged.status_code == 302, errors
    assert with_offer.status_code == 302, offer_errors
    assert Offer.objects.get().candidacy == candidacy


def test_candidacy_change_with_offer_for_withdrawn_candidacy_shows_the_error(admin_client):
    candidacy = CandidacyFactory(stage=Candidacy.Stage.WITHDRAWN)
    url = reverse("admin:crm_candidacy_change", args=[candidacy.pk])
    data = form_data(admin_client.get(url))
    add_inline_row(data, "offers", _offer_row(candidacy.opening.company))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "No offer can be made" in response.content.decode()
    assert not Offer.objects.exists()


def test_candidate_change_ignores_edits_to_the_row_of_an_extended_offer(admin_client):
    offer = OfferFactory(status=Offer.Status.EXTENDED)
    url = reverse("admin:talent_candidate_change", args=[offer.candidate.pk])
    data = form_data(admin_client.get(url))
    data["offers-0-monthly_base_0"] = ["110000"]

    response, errors = _post(admin_client, url, data)

    assert response.status_code == 302, errors
    offer.refresh_from_db()
    assert offer.monthly_base == Money(Decimal("100000"), "CNY")


def test_candidate_change_with_offer_on_another_candidates_candidacy_shows_the_error(admin_client):
    candidate = CandidateFactory()
    other = CandidacyFactory(stage=Candidacy.Stage.INTERVIEWING)
    url = reverse("admin:talent_candidate_change", args=[candidate.pk])
    data = form_data(admin_client.get(url))
    add_inline_row(data, "offers", _offer_row(other.opening.company, candidacy=str(other.pk)))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    offer_formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Offer)
    assert list(offer_formset.errors[0]) == ["candidacy"]
    assert not Offer.objects.exists()


def test_candidate_add_rolls_back_and_shows_a_rule_broken_at_save_time(admin_client):
    """A rule broken between the form's checks and the save (a colleague's change) is a message, not a 500."""
    url = reverse("admin:talent_candidate_add")
    data = form_data(admin_client.get(url))
    data["full_name"] = ["Li Wei"]
    add_inline_row(data, "offers", _offer_row(CompanyFactory()))

    with mock.patch.object(services, "offer_create", side_effect=services.DomainError("Changed meanwhile.")):
        response = admin_client.post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "Changed meanwhile." in [str(m) for m in response.context["messages"]]
    assert not Candidate.objects.filter(full_name="Li Wei").exists()


def test_candidate_change_refuses_an_offer_row_amount_the_services_refuse(admin_client):
    candidate = CandidateFactory()
    url = reverse("admin:talent_candidate_change", args=[candidate.pk])
    data = form_data(admin_client.get(url))
    add_inline_row(data, "offers", _offer_row(CompanyFactory(), monthly_base_0="1e5"))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    offer_formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Offer)
    assert list(offer_formset.errors[0]) == ["monthly_base"]
    assert len(offer_formset.errors[0]["monthly_base"]) == 1
    assert not Offer.objects.exists()
