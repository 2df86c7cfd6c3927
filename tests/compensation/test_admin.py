"""Admin: offer changelist, candidate page with offers, the comparison page with the premium to win."""

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from djmoney.money import Money

from compensation.admin import OfferAdmin
from compensation.models import Offer
from crm.models import Candidacy, Company
from tests.crm.factories import CandidacyFactory, CompanyFactory
from tests.talent.factories import CandidateFactory

from .factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_logged_in(client, recruiter):
    client.force_login(recruiter)
    return client


@pytest.fixture
def two_offers():
    """Big tech 125,000 x 16 = 2,000,000 CNY (extended, reference); unicorn draft 100,000 x 16 = 1,600,000 CNY."""
    candidate = CandidateFactory(fictional=True, full_name="Demo Candidate 演示候选人")
    big_tech = OfferFactory(candidate=candidate, big_tech=True)
    unicorn = OfferFactory(candidate=candidate, company=CompanyFactory(kind=Company.Kind.AI_UNICORN, funding_stage=""))
    return candidate, big_tech, unicorn


def test_offer_changelist_loads_and_searches(client_logged_in, two_offers):
    response = client_logged_in.get(reverse("admin:compensation_offer_changelist"), {"q": "Company"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_candidate_page_shows_offers_inline_and_comparison_link(client_logged_in, two_offers):
    candidate, big_tech, _ = two_offers

    response = client_logged_in.get(reverse("admin:talent_candidate_change", args=[candidate.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("admin:talent_candidate_offer_comparison", args=[candidate.pk]) in html
    assert str(big_tech.company) in html


def test_comparison_page_shows_table_chart_and_premium_by_default(client_logged_in, two_offers):
    """Default calculator: beat the big-tech year-1 cash 2,000,000 by 15 % = 2,300,000;
    the draft has 1,600,000, so the premium is 700,000.00 CNY."""
    candidate, *_ = two_offers

    response = client_logged_in.get(reverse("admin:talent_candidate_offer_comparison", args=[candidate.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="offer-comparison-table"' in html
    assert "offer-comparison-chart" in html and "vendor/chartjs/chart.umd.min.js" in html
    assert "2,000,000.00 CNY" in html
    assert response.context["premium"].premium == Money(Decimal("700000"), "CNY")
    assert "700,000.00 CNY" in html


def test_comparison_page_premium_form_with_amount_margin(client_logged_in, two_offers):
    """Margin 100,000 CNY on year-1 cash: 2,000,000 + 100,000 - 1,600,000 = 500,000 CNY."""
    candidate, big_tech, unicorn = two_offers
    url = reverse("admin:talent_candidate_offer_comparison", args=[candidate.pk])

    response = client_logged_in.get(url, {"p-competitor": big_tech.pk, "p-draft": unicorn.pk, "p-basis": "year1_cash",
                                          "p-margin_kind": "amount", "p-margin": "100000", "p-currency": "CNY"})

    assert response.context["premium"].premium == Money(Decimal("500000"), "CNY")
    assert "500,000.00 CNY" in response.content.decode()


def test_comparison_page_rejects_float_like_margin_with_field_error(client_logged_in, two_offers):
    candidate, big_tech, unicorn = two_offers
    url = reverse("admin:talent_candidate_offer_comparison", args=[candidate.pk])

    response = client_logged_in.get(url, {"p-competitor": big_tech.pk, "p-draft": unicorn.pk, "p-basis": "year1_cash",
                                          "p-margin_kind": "amount", "p-margin": "1e5", "p-currency": "CNY"})

    assert response.context["premium"] is None
    assert "margin" in response.context["premium_form"].errors


def test_comparison_page_in_usd_without_rates_shows_a_clear_error(client_logged_in, two_offers):
    candidate, *_ = two_offers
    url = reverse("admin:talent_candidate_offer_comparison", args=[candidate.pk])

    response = client_logged_in.get(url, {"currency": "USD", "on": "2026-10-30"})

    assert response.status_code == 200
    assert any("CNY" in e or "USD" in e for e in response.context["errors"])


def test_comparison_page_in_usd_with_ecb_rates(client_logged_in, two_offers, ecb_rates):
    """2,000,000 CNY at 2026-10-30: x 1.1172 / 7.4326 = 300,621.59 USD."""
    candidate, *_ = two_offers
    url = reverse("admin:talent_candidate_offer_comparison", args=[candidate.pk])

    response = client_logged_in.get(url, {"currency": "USD", "on": "2026-10-30"})

    assert "300,621.59 USD" in response.content.decode()


def test_offer_admin_add_goes_through_services(client_logged_in):
    candidacy = CandidacyFactory(stage=Candidacy.Stage.INTERVIEWING)
    data = {
        "candidate": candidacy.candidate.pk, "company": candidacy.opening.company.pk, "candidacy": candidacy.pk,
        "monthly_base_0": "100000", "monthly_base_1": "CNY", "months_per_year": "16", "equity_kind": "rsu",
        "rsu_grant_value_0": "1000000", "rsu_grant_value_1": "CNY", "vesting_years": "4", "cliff_months": "12",
        "vesting_schedule": "5/15/40/40",
    }
    for name in ("annual_base", "target_bonus", "sign_on", "relocation", "share_price", "option_strike",
                 "option_fair_value"):
        data.update({f"{name}_0": "", f"{name}_1": "CNY"})

    response = client_logged_in.post(reverse("admin:compensation_offer_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    offer = Offer.objects.get()
    assert offer.vesting_schedule == [5, 15, 40, 40]
    assert offer.status == Offer.Status.DRAFT


def test_offer_admin_rejects_schedule_not_summing_to_100(client_logged_in):
    candidate = CandidateFactory()
    company = CompanyFactory()
    data = {"candidate": candidate.pk, "company": company.pk, "monthly_base_0": "100000", "monthly_base_1": "CNY",
            "months_per_year": "16", "equity_kind": "rsu", "rsu_grant_value_0": "1000000", "rsu_grant_value_1": "CNY",
            "vesting_years": "4", "cliff_months": "12", "vesting_schedule": "5/15/40/30"}

    response = client_logged_in.post(reverse("admin:compensation_offer_add"), data)

    assert response.status_code == 200
    assert "vesting_schedule" in response.context["adminform"].form.errors
    assert not Offer.objects.exists()


def test_extend_action_moves_candidacy(client_logged_in):
    offer = OfferFactory(candidacy=CandidacyFactory(stage=Candidacy.Stage.INTERVIEWING))
    offer.candidate = offer.candidacy.candidate
    offer.company = offer.candidacy.opening.company
    offer.save()

    client_logged_in.post(reverse("admin:compensation_offer_changelist"),
                          {"action": "extend", "_selected_action": [offer.pk]})

    offer.refresh_from_db()
    offer.candidacy.refresh_from_db()
    assert offer.status == Offer.Status.EXTENDED
    assert offer.candidacy.stage == Candidacy.Stage.OFFER


def _offer_add_data(**overrides):
    """POST data of the offer add form: a 100,000 CNY x 16 offer with RSUs, every other money field empty."""
    data = {"candidate": CandidateFactory().pk, "company": CompanyFactory().pk, "monthly_base_0": "100000",
            "monthly_base_1": "CNY", "months_per_year": "16", "equity_kind": "rsu", "rsu_grant_value_0": "1000000",
            "rsu_grant_value_1": "CNY", "vesting_years": "4", "cliff_months": "12", "vesting_schedule": ""}
    for name in ("annual_base", "target_bonus", "sign_on", "relocation", "share_price", "option_strike",
                 "option_fair_value"):
        data.update({f"{name}_0": "", f"{name}_1": "CNY"})
    data.update(overrides)
    return data


@pytest.mark.parametrize("schedule", ["abc/def", "-5/35/35/35", "33.333/33/22/11.667"])
def test_offer_admin_shows_unparsable_schedule_as_field_error(client_logged_in, schedule):
    response = client_logged_in.post(reverse("admin:compensation_offer_add"), _offer_add_data(vesting_schedule=schedule))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["vesting_schedule"]
    assert len(errors["vesting_schedule"]) == 1
    assert not Offer.objects.exists()


def test_extended_offer_change_page_is_read_only_but_notes(client_logged_in):
    offer = OfferFactory(status=Offer.Status.EXTENDED)
    url = reverse("admin:compensation_offer_change", args=[offer.pk])

    page = client_logged_in.get(url)
    response = client_logged_in.post(url, {"notes": "Candidate asks for 16 months.", "monthly_base_0": "1",
                                           "monthly_base_1": "CNY"})

    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields) == ["notes"]
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.notes == "Candidate asks for 16 months."
    assert offer.monthly_base == Money(Decimal("100000"), "CNY")
    assert offer.status == Offer.Status.EXTENDED


def test_draft_offer_change_page_saves_terms_through_the_service(client_logged_in):
    offer = OfferFactory()
    url = reverse("admin:compensation_offer_change", args=[offer.pk])
    data = _offer_add_data(equity_kind="none", rsu_grant_value_0="", monthly_base_0="120000")
    data.pop("candidate"), data.pop("company")

    response = client_logged_in.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    offer.refresh_from_db()
    assert offer.monthly_base == Money(Decimal("120000"), "CNY")


def test_offer_change_extended_meanwhile_shows_the_error(client_logged_in):
    """The page was a draft's when it opened; a colleague extended the offer before the save."""
    offer = OfferFactory()
    url = reverse("admin:compensation_offer_change", args=[offer.pk])
    data = _offer_add_data(equity_kind="none", rsu_grant_value_0="", monthly_base_0="120000")
    real_get_object = OfferAdmin.get_object

    def get_object_then_extend(self, request, object_id, from_field=None):
        obj = real_get_object(self, request, object_id, from_field)
        Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.EXTENDED)
        return obj

    with mock.patch.object(OfferAdmin, "get_object", get_object_then_extend):
        response = client_logged_in.post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "Only a draft offer can be changed" in " ".join(str(m) for m in response.context["messages"])
    offer.refresh_from_db()
    assert offer.monthly_base == Money(Decimal("100000"), "CNY")


def test_offer_admin_add_for_withdrawn_candidacy_shows_the_services_error(client_logged_in):
    candidacy = CandidacyFactory(stage=Candidacy.Stage.WITHDRAWN)
    data = _offer_add_data(candidate=candidacy.candidate.pk, company=candidacy.opening.company.pk,
                           candidacy=candidacy.pk)

    response = client_logged_in.post(reverse("admin:compensation_offer_add"), data)

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["candidacy"]
    assert error.startswith("No offer can be made on a candidacy that is")
    assert not Offer.objects.exists()


@pytest.mark.parametrize("field, overrides", [
    ("monthly_base", {"monthly_base_0": "1e5"}),
    ("target_bonus_percent", {"target_bonus_percent": "1e2"}),
    ("months_per_year", {"months_per_year": "1.6e1"}),
    ("sign_on", {"sign_on_0": "0.001"}),
])
def test_offer_admin_parses_numbers_as_the_services_do(client_logged_in, field, overrides):
    """``1e5`` is refused by offer_create, so the form refuses it too: one error, on its own field."""
    response = client_logged_in.post(reverse("admin:compensation_offer_add"), _offer_add_data(**overrides))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert len(errors[field]) == 1
    assert not Offer.objects.exists()


def test_offer_admin_stores_a_fractional_schedule_as_strings(client_logged_in):
    response = client_logged_in.post(reverse("admin:compensation_offer_add"),
                                     _offer_add_data(vesting_schedule="33.5/33.5/20/13"))

    assert response.status_code == 302
    assert Offer.objects.get().vesting_schedule == ["33.5", "33.5", 20, 13]


def test_premium_calculator_offers_only_client_drafts_as_the_draft(client_logged_in, two_offers):
    candidate, big_tech, unicorn = two_offers
    accepted_elsewhere = OfferFactory(candidate=candidate, status=Offer.Status.DECLINED)

    response = client_logged_in.get(reverse("admin:talent_candidate_offer_comparison", args=[candidate.pk]))

    drafts = set(response.context["premium_form"].fields["draft"].queryset)
    competitors = set(response.context["premium_form"].fields["competitor"].queryset)
    assert drafts == {unicorn}
    assert {big_tech, unicorn, accepted_elsewhere} <= competitors
