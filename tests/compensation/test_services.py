"""Offer services: creation rules, status transitions, and the candidacy's pipeline moves."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from djmoney.money import Money

from compensation import services
from compensation.models import Offer
from crm.models import Candidacy, StageChange
from talent.errors import DomainError
from tests.crm.factories import CandidacyFactory, CompanyFactory
from tests.talent.factories import CandidateFactory

from .factories import CandidacyOfferFactory, OfferFactory

pytestmark = pytest.mark.django_db
Stage = Candidacy.Stage
Status = Offer.Status


def test_offer_create_parses_string_amounts_in_one_currency():
    """16 薪: monthly base "125000" CNY x 16 months."""
    candidacy = CandidacyFactory(stage=Stage.INTERVIEWING)

    offer = services.offer_create(candidate=candidacy.candidate, company=candidacy.opening.company, candidacy=candidacy,
                                  currency="CNY", monthly_base="125000", months_per_year="16", sign_on="100000.00")

    offer.refresh_from_db()
    assert offer.status == Status.DRAFT
    assert offer.monthly_base == Money(125000, "CNY")
    assert offer.months_per_year == Decimal("16")
    assert offer.currency == "CNY"


def test_competing_offer_from_non_client_needs_no_candidacy():
    big_tech = CompanyFactory(big_tech=True)

    offer = services.offer_create(candidate=CandidateFactory(), company=big_tech, status=Status.EXTENDED,
                                  annual_base=Money(Decimal("2000000"), "CNY"))

    assert offer.candidacy is None
    assert offer.status == Status.EXTENDED


@pytest.mark.parametrize("field, value", [("sign_on", 100000.0), ("sign_on", "-5"), ("sign_on", "1.234"),
                                          ("monthly_base", "100,000"), ("months_per_year", 16.0)])
def test_offer_create_rejects_bad_money_input_with_field_error(field, value):
    terms = {"monthly_base": "100000", "months_per_year": "16", field: value}

    with pytest.raises(ValidationError) as exc:
        services.offer_create(candidate=CandidateFactory(), company=CompanyFactory(), currency="CNY", **terms)

    assert field in exc.value.message_dict


def test_offer_create_rejects_yen_sign_as_currency():
    with pytest.raises(ValidationError) as exc:
        services.offer_create(candidate=CandidateFactory(), company=CompanyFactory(), currency="¥", annual_base="1")

    assert "annual_base" in exc.value.message_dict


def test_offer_create_rejects_mixed_currencies():
    with pytest.raises(ValidationError) as exc:
        services.offer_create(candidate=CandidateFactory(), company=CompanyFactory(),
                              annual_base=Money(1500000, "CNY"), sign_on=Money(20000, "USD"))

    assert "sign_on" in exc.value.message_dict


def test_offer_create_rejects_impossible_vesting_schedule():
    """5 + 15 + 40 + 30 = 90, not 100."""
    with pytest.raises(ValidationError) as exc:
        services.offer_create(candidate=CandidateFactory(), company=CompanyFactory(), currency="CNY",
                              annual_base="1500000", equity_kind="rsu", rsu_grant_value="1000000",
                              vesting_years=4, vesting_schedule=[5, 15, 40, 30])

    assert "vesting_schedule" in exc.value.message_dict


def test_offer_create_rejects_jpy_decimals():
    with pytest.raises(ValidationError) as exc:
        services.offer_create(candidate=CandidateFactory(), company=CompanyFactory(),
                              annual_base=Money(Decimal("12000000.5"), "JPY"))

    assert "annual_base" in exc.value.message_dict


@pytest.mark.parametrize("stage", [Stage.REJECTED, Stage.WITHDRAWN])
def test_no_offer_for_rejected_or_withdrawn_candidacy(stage):
    candidacy = CandidacyFactory(stage=stage)

    with pytest.raises(DomainError):
        services.offer_create(candidate=candidacy.candidate, company=candidacy.opening.company, candidacy=candidacy,
                              annual_base=Money(1, "CNY"))

    assert not Offer.objects.exists()


def test_candidacy_must_belong_to_the_same_candidate():
    candidacy = CandidacyFactory(stage=Stage.INTERVIEWING)

    with pytest.raises(ValidationError) as exc:
        services.offer_create(candidate=CandidateFactory(), company=candidacy.opening.company, candidacy=candidacy,
                              annual_base=Money(1, "CNY"))

    assert "candidacy" in exc.value.message_dict


def test_extend_moves_interviewing_candidacy_to_offer_with_a_recorded_step():
    offer = CandidacyOfferFactory(candidacy__stage=Stage.INTERVIEWING)

    services.offer_extend(offer=offer)

    offer.candidacy.refresh_from_db()
    assert offer.candidacy.stage == Stage.OFFER
    assert list(StageChange.objects.values_list("from_stage", "to_stage")) == [(Stage.INTERVIEWING, Stage.OFFER)]


def test_accept_walks_submitted_candidacy_to_placed_one_step_at_a_time():
    """submitted -> interviewing -> offer (extend), then offer -> placed (accept): 3 recorded steps."""
    offer = CandidacyOfferFactory(candidacy__stage=Stage.SUBMITTED)
    services.offer_extend(offer=offer)

    services.offer_accept(offer=offer)

    offer.refresh_from_db()
    offer.candidacy.refresh_from_db()
    assert offer.status == Status.ACCEPTED
    assert offer.candidacy.stage == Stage.PLACED
    assert list(StageChange.objects.order_by("id").values_list("to_stage", flat=True)) == [
        Stage.INTERVIEWING, Stage.OFFER, Stage.PLACED]


def test_extend_refuses_candidacy_not_yet_submitted_and_changes_nothing():
    offer = CandidacyOfferFactory(candidacy__stage=Stage.SCREENING)

    with pytest.raises(DomainError):
        services.offer_extend(offer=offer)

    offer.refresh_from_db()
    assert offer.status == Status.DRAFT
    assert not StageChange.objects.exists()


def test_accept_withdraws_other_open_offers_of_the_candidacy():
    first = CandidacyOfferFactory(candidacy__stage=Stage.INTERVIEWING)
    revised = CandidacyOfferFactory(candidacy=first.candidacy)
    services.offer_extend(offer=first)
    services.offer_extend(offer=revised)

    services.offer_accept(offer=revised)

    first.refresh_from_db()
    assert first.status == Status.WITHDRAWN


def test_second_accepted_offer_per_candidacy_is_refused():
    accepted = CandidacyOfferFactory(candidacy__stage=Stage.PLACED, status=Status.ACCEPTED)
    other = CandidacyOfferFactory(candidacy=accepted.candidacy, status=Status.EXTENDED)

    with pytest.raises(DomainError):
        services.offer_accept(offer=other)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=other.pk).update(status=Status.ACCEPTED)


@pytest.mark.parametrize("start, action", [
    (Status.DRAFT, services.offer_accept), (Status.DRAFT, services.offer_decline),
    (Status.ACCEPTED, services.offer_withdraw), (Status.DECLINED, services.offer_extend),
    (Status.WITHDRAWN, services.offer_accept),
])
def test_illegal_transitions_are_refused(start, action):
    offer = OfferFactory(status=start)

    with pytest.raises(services.IllegalOfferTransition):
        action(offer=offer)

    offer.refresh_from_db()
    assert offer.status == start


def test_decline_leaves_candidacy_in_offer_stage():
    offer = CandidacyOfferFactory(candidacy__stage=Stage.INTERVIEWING)
    services.offer_extend(offer=offer)

    services.offer_decline(offer=offer)

    offer.candidacy.refresh_from_db()
    assert offer.candidacy.stage == Stage.OFFER


def test_offers_expire_overdue_is_idempotent():
    overdue = OfferFactory(status=Status.EXTENDED, deadline_on=date(2026, 11, 1))
    current = OfferFactory(status=Status.EXTENDED, deadline_on=date(2026, 12, 1))

    first = services.offers_expire_overdue(today=date(2026, 11, 15))
    second = services.offers_expire_overdue(today=date(2026, 11, 15))

    overdue.refresh_from_db()
    current.refresh_from_db()
    assert (first, second) == (1, 0)
    assert (overdue.status, current.status) == (Status.EXPIRED, Status.EXTENDED)


def test_offer_update_only_changes_drafts():
    draft = OfferFactory()
    extended = OfferFactory(status=Status.EXTENDED)

    services.offer_update(offer=draft, currency="CNY", sign_on="50000")
    with pytest.raises(DomainError):
        services.offer_update(offer=extended, currency="CNY", sign_on="50000")

    draft.refresh_from_db()
    assert draft.sign_on == Money(50000, "CNY")


def test_expire_task_twice_gives_the_same_result():
    from compensation.tasks import offers_expire_overdue_task

    offer = OfferFactory(status=Status.EXTENDED, deadline_on=date(2020, 1, 1))

    first = offers_expire_overdue_task.delay().get()
    second = offers_expire_overdue_task.delay().get()

    offer.refresh_from_db()
    assert (first, second, offer.status) == (1, 0, Status.EXPIRED)


def test_offer_create_checks_the_candidacy_stage_in_the_database_not_a_stale_instance():
    candidacy = CandidacyFactory(stage=Stage.SOURCED)
    Candidacy.objects.filter(pk=candidacy.pk).update(stage=Stage.WITHDRAWN)  # moved elsewhere; instance is stale

    with pytest.raises(DomainError) as exc:
        services.offer_create(candidate=candidacy.candidate, company=candidacy.opening.company, candidacy=candidacy,
                              currency="CNY", monthly_base="100000")

    assert "candidacy" in exc.value.fields
    assert not Offer.objects.exists()


def test_offer_update_changes_only_the_notes_of_an_extended_offer():
    offer = OfferFactory(status=Status.EXTENDED)

    noted = services.offer_update(offer=offer, notes="Asked for 16 months.")
    with pytest.raises(DomainError):
        services.offer_update(offer=offer, notes="Countered.", monthly_base="120000", currency="CNY")

    offer.refresh_from_db()
    assert noted.notes == offer.notes == "Asked for 16 months."
    assert offer.monthly_base == Money(Decimal("100000"), "CNY")


@pytest.mark.parametrize("terms", [
    {"monthly_base": Money("100000", "CNY"), "sign_on": 0.1},
    {"monthly_base": "100000", "rsu_shares": 100.0, "equity_kind": "rsu", "share_price": "10"},
    {"monthly_base": "100000", "target_bonus_percent": 15.0},
    {"monthly_base": Money("100000", "CNY"), "equity_kind": "rsu", "rsu_grant_value": Money("1000000", "CNY"),
     "vesting_schedule": [0.1, 0.2, 0.3, 99.4]},
])
def test_offer_create_rejects_floats_wherever_they_enter(terms):
    with pytest.raises(ValidationError) as exc:
        services.offer_create(candidate=CandidateFactory(), company=CompanyFactory(), currency="CNY", **terms)

    float_field = next(name for name, value in terms.items()
                       if isinstance(value, float) or (isinstance(value, list) and isinstance(value[0], float)))
    assert list(exc.value.message_dict) == [float_field]


def test_offer_create_stores_a_vesting_schedule_as_ints_and_strings():
    offer = services.offer_create(candidate=CandidateFactory(), company=CompanyFactory(), currency="CNY",
                                  monthly_base="100000", equity_kind="rsu", rsu_grant_value="1000000",
                                  vesting_schedule=[Decimal("33.5"), "33.5", 20, "13"])

    offer.refresh_from_db()
    assert offer.vesting_schedule == ["33.5", "33.5", 20, 13]


def test_offer_create_rejects_a_money_amount_with_more_decimals_than_its_currency():
    with pytest.raises(ValidationError) as exc:
        services.offer_create(candidate=CandidateFactory(), company=CompanyFactory(),
                              monthly_base=Money(Decimal("100000.5"), "JPY"))

    assert "monthly_base" in exc.value.message_dict


# --- status history and placements (one recorded row per move; one rule for the fee) --------------


def test_every_status_move_is_recorded_with_who_and_when():
    from tests.crm.factories import UserFactory

    recruiter = UserFactory()
    candidacy = CandidacyFactory(stage=Stage.INTERVIEWING)
    offer = services.offer_create(candidate=candidacy.candidate, company=candidacy.opening.company, candidacy=candidacy,
                                  currency="CNY", monthly_base="100000", months_per_year="16", actor=recruiter)

    services.offer_extend(offer=offer, actor=recruiter)
    services.offer_accept(offer=offer, actor=recruiter)

    rows = list(offer.status_changes.order_by("changed_at", "id").values_list("from_status", "to_status", "changed_by"))
    assert rows == [("", Status.DRAFT, recruiter.pk), (Status.DRAFT, Status.EXTENDED, recruiter.pk),
                    (Status.EXTENDED, Status.ACCEPTED, recruiter.pk)]
    assert offer.history.latest().history_user == recruiter


def test_expiry_by_the_schedule_is_recorded_without_a_user():
    offer = OfferFactory(status=Status.EXTENDED, deadline_on=date(2026, 11, 1))

    services.offers_expire_overdue(today=date(2026, 11, 15))

    change = offer.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (Status.EXTENDED, Status.EXPIRED, None)
    assert "2026-11-01" in change.note


def test_illegal_move_records_nothing():
    offer = OfferFactory(status=Status.DECLINED)

    with pytest.raises(services.IllegalOfferTransition):
        services.offer_accept(offer=offer)

    assert not offer.status_changes.exists()


def test_placement_from_an_accepted_offer_bills_the_fee_on_year1_cash(settings):
    """Year-1 cash = 100,000 x 16 + 200,000 sign-on + 50,000 relocation = 1,850,000 CNY; fee 25 % = 462,500."""
    from compensation.valuation import year1_cash

    settings.CRM_PLACEMENT_GUARANTEE_DAYS = 90
    candidacy = CandidacyFactory(stage=Stage.INTERVIEWING, opening__fee_percent=Decimal("25"))
    offer = services.offer_create(candidate=candidacy.candidate, company=candidacy.opening.company, candidacy=candidacy,
                                  currency="CNY", monthly_base="100000", months_per_year="16", sign_on="200000",
                                  relocation="50000")
    services.offer_extend(offer=offer)
    services.offer_accept(offer=offer)

    placement = services.offer_placement_create(offer=offer, start_on=date(2027, 3, 1))

    assert placement.year1_cash == year1_cash(offer) == Money("1850000.00", "CNY")
    assert placement.fee == Money("462500.00", "CNY")
    assert placement.guarantee_ends_on == date(2027, 5, 30)


def test_placement_needs_an_accepted_offer():
    offer = CandidacyOfferFactory(status=Status.EXTENDED)

    with pytest.raises(DomainError, match="accepted offer"):
        services.offer_placement_create(offer=offer, start_on=date(2027, 3, 1))
