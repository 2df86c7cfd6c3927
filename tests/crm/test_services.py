"""crm services: candidacy_create, candidacy_assign, activity_log, follow_up_complete, placements,
openings and companies; each records who did it and refuses what the rules forbid."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from djmoney.money import Money

from crm import pipeline, services
from crm.models import Activity, Candidacy, Opening, Placement, StageChange
from talent.errors import DomainError
from tests.crm.factories import (
    ActivityFactory,
    CandidacyFactory,
    CompanyFactory,
    OpeningFactory,
    PartnerFactory,
    UserFactory,
)
from tests.talent.factories import CandidateFactory

Stage = Candidacy.Stage
pytestmark = pytest.mark.django_db


# --- candidacy_create ---------------------------------------------------------------------------


def test_candidacy_create_starts_sourced_and_records_who_added_it(django_capture_on_commit_callbacks):
    recruiter = UserFactory()
    candidate, opening = CandidateFactory(), OpeningFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        candidacy = services.candidacy_create(candidate=candidate, opening=opening, actor=recruiter, note="Met at ICML")

    assert (candidacy.stage, candidacy.owner) == (Stage.SOURCED, recruiter)
    (first,) = StageChange.objects.filter(candidacy=candidacy)
    assert (first.from_stage, first.to_stage, first.changed_by) == ("", Stage.SOURCED, recruiter)
    assert "Met at ICML" in first.note
    assert len(callbacks) == 1  # the pair is rescored after commit, so its score is stored
    assert candidacy.history.latest().history_user == recruiter


def test_candidacy_create_refuses_a_second_candidacy_and_names_the_first():
    existing = CandidacyFactory()

    with pytest.raises(services.DuplicateCandidacy) as exc:
        services.candidacy_create(candidate=existing.candidate, opening=existing.opening)

    assert exc.value.existing == existing
    assert f"#{existing.pk}" in exc.value.message
    assert Candidacy.objects.count() == 1


def test_candidacy_create_refuses_off_limits_unless_overridden_with_a_reason():
    client = CompanyFactory(name="Client Co")
    opening = OpeningFactory(company=client)
    insider = CandidateFactory(current_company=client)
    protected = CandidateFactory(current_company=CompanyFactory(name="Hands Off Inc", is_off_limits=True))

    with pytest.raises(services.OffLimits, match="Client Co"):
        services.candidacy_create(candidate=insider, opening=opening)
    with pytest.raises(services.OffLimits, match="Hands Off Inc"):
        services.candidacy_create(candidate=protected, opening=opening, off_limits_override_reason="   ")
    candidacy = services.candidacy_create(candidate=protected, opening=opening,
                                          off_limits_override_reason="The candidate approached us first.")

    assert candidacy.off_limits_override_reason == "The candidate approached us first."
    assert "approached us first" in candidacy.stage_changes.get().note
    assert Candidacy.objects.count() == 1


def test_override_reason_is_not_kept_when_the_candidate_is_not_off_limits():
    candidacy = services.candidacy_create(candidate=CandidateFactory(), opening=OpeningFactory(),
                                          off_limits_override_reason="just in case")

    assert candidacy.off_limits_override_reason == ""


@pytest.mark.parametrize("status", [Opening.Status.FILLED, Opening.Status.CLOSED])
def test_candidacy_create_refuses_a_filled_or_closed_opening(status):
    with pytest.raises(DomainError, match="takes no new candidates"):
        services.candidacy_create(candidate=CandidateFactory(), opening=OpeningFactory(status=status))


def test_candidacy_create_refuses_a_candidate_who_withdrew_consent():
    with pytest.raises(DomainError, match="consent"):
        services.candidacy_create(candidate=CandidateFactory(consent_status="withdrawn"), opening=OpeningFactory())


def test_candidacy_create_keeps_the_submitting_partner():
    partner = PartnerFactory()

    candidacy = services.candidacy_create(candidate=CandidateFactory(), opening=OpeningFactory(), submitted_by=partner)

    assert candidacy.submitted_by == partner


def test_candidacy_assign_changes_the_owner_and_keeps_who_did_it():
    manager, recruiter = UserFactory(), UserFactory()
    candidacy = CandidacyFactory()

    services.candidacy_assign(candidacy=candidacy, owner=recruiter, actor=manager)

    candidacy.refresh_from_db()
    assert candidacy.owner == recruiter
    assert candidacy.history.latest().history_user == manager


def test_candidacy_advance_records_one_step_at_a_time():
    candidacy = CandidacyFactory(stage=Stage.SCREENING)

    pipeline.candidacy_advance(candidacy=candidacy, to_stage=Stage.INTERVIEWING, note="fast track")

    moves = list(candidacy.stage_changes.values_list("from_stage", "to_stage"))
    assert moves == [(Stage.SCREENING, Stage.SUBMITTED), (Stage.SUBMITTED, Stage.INTERVIEWING)]


def test_candidacy_advance_refuses_a_rejected_candidacy():
    with pytest.raises(pipeline.IllegalStageMove):
        pipeline.candidacy_advance(candidacy=CandidacyFactory(stage=Stage.REJECTED), to_stage=Stage.OFFER)


def test_open_queryset_uses_the_pipeline_stage_set():
    open_one = CandidacyFactory(stage=Stage.OFFER)
    CandidacyFactory(stage=Stage.PLACED)
    CandidacyFactory(stage=Stage.WITHDRAWN)

    assert list(Candidacy.objects.open()) == [open_one]


# --- activities and follow-ups ----------------------------------------------------------------


def test_activity_log_records_the_logged_in_user_as_author():
    recruiter = UserFactory()
    candidacy = CandidacyFactory()

    activity = services.activity_log(actor=recruiter, kind=Activity.Kind.CALL, subject="  First call ",
                                     candidacy=candidacy, body="Interested in RLHF work.")

    assert (activity.created_by, activity.candidate, activity.subject) == (recruiter, candidacy.candidate, "First call")


def test_a_follow_up_needs_a_due_date_and_aware_times():
    candidate = CandidateFactory()

    with pytest.raises(DomainError, match="due date"):
        services.activity_log(actor=None, kind=Activity.Kind.TASK, subject="Chase", candidate=candidate)
    with pytest.raises(DomainError, match="time zone"):
        services.activity_log(actor=None, kind=Activity.Kind.TASK, subject="Chase", candidate=candidate,
                              due_at=datetime(2026, 12, 3, 9, 0))
    assert not Activity.objects.exists()


def test_activity_log_refuses_a_candidacy_of_another_candidate():
    with pytest.raises(DomainError, match="another candidate"):
        services.activity_log(actor=None, kind=Activity.Kind.NOTE, subject="x", candidate=CandidateFactory(),
                              candidacy=CandidacyFactory())


def test_follow_up_complete_records_who_and_when_once():
    first, second = UserFactory(), UserFactory()
    follow_up = ActivityFactory(kind=Activity.Kind.TASK, due_at=timezone.now() + timedelta(days=1))

    done = services.follow_up_complete(activity=follow_up, actor=first)
    again = services.follow_up_complete(activity=follow_up, actor=second)

    assert done.completed_by == first and done.completed_at is not None
    assert (again.completed_by, again.completed_at) == (first, done.completed_at)


def test_follow_up_complete_refuses_an_activity_without_a_due_date():
    with pytest.raises(DomainError, match="follow-up"):
        services.follow_up_complete(activity=ActivityFactory(), actor=None)


def test_activity_update_cannot_change_the_author():
    activity = ActivityFactory()

    with pytest.raises(TypeError):
        services.activity_update(activity=activity, actor=None, created_by=UserFactory())


# --- placements ---------------------------------------------------------------------------------


def test_placement_fee_is_the_fee_percent_of_year1_cash_rounded_once():
    assert services.placement_fee(year1_cash=Money("2300000.00", "CNY"), fee_percent=Decimal("25")) == Money(
        "575000.00", "CNY")
    assert services.placement_fee(year1_cash=Money("1000001", "JPY"), fee_percent=Decimal("33.33")) == Money(
        "333300", "JPY")  # 333,300.3333 rounds to the yen


def test_placement_create_sets_fee_guarantee_and_author(settings):
    settings.CRM_PLACEMENT_GUARANTEE_DAYS = 90
    recruiter = UserFactory()
    candidacy = CandidacyFactory(stage=Stage.PLACED, opening=OpeningFactory(fee_percent=Decimal("20")))

    placement = services.placement_create(candidacy=candidacy, year1_cash=Money("2000000", "CNY"),
                                          start_on=date(2027, 1, 4), actor=recruiter)

    assert placement.fee == Money("400000.00", "CNY")
    assert placement.guarantee_ends_on == date(2027, 4, 4)
    assert placement.created_by == recruiter


def test_placement_create_refuses_an_unplaced_candidacy_and_a_second_placement():
    with pytest.raises(DomainError, match="placed"):
        services.placement_create(candidacy=CandidacyFactory(stage=Stage.OFFER), year1_cash=Money("1", "CNY"),
                                  start_on=date(2027, 1, 4))
    candidacy = CandidacyFactory(stage=Stage.PLACED)
    services.placement_create(candidacy=candidacy, year1_cash=Money("1000000", "CNY"), start_on=date(2027, 1, 4))

    with pytest.raises(services.DuplicatePlacement):
        services.placement_create(candidacy=candidacy, year1_cash=Money("1000000", "CNY"), start_on=date(2027, 2, 1))
    assert Placement.objects.count() == 1


def test_placement_update_moves_the_guarantee_with_the_start_date(settings):
    settings.CRM_PLACEMENT_GUARANTEE_DAYS = 30
    placement = services.placement_create(candidacy=CandidacyFactory(stage=Stage.PLACED),
                                          year1_cash=Money("1000000", "CNY"), start_on=date(2027, 1, 4))

    services.placement_update(placement=placement, start_on=date(2027, 2, 1), invoice_status="invoiced")

    placement.refresh_from_db()
    assert (placement.guarantee_ends_on, placement.invoice_status) == (date(2027, 3, 3), "invoiced")
    with pytest.raises(TypeError):
        services.placement_update(placement=placement, fee=Money("1", "CNY"))


# --- openings and companies -----------------------------------------------------------------------


def test_opening_save_validates_and_keeps_who_edited_it():
    manager = UserFactory()
    opening = OpeningFactory()
    opening.title = "Staff research scientist"

    services.opening_save(opening=opening, actor=manager)

    assert opening.history.latest().history_user == manager
    opening.score_weights = {"charisma": 1}
    with pytest.raises(ValidationError, match="Unknown factors"):
        services.opening_save(opening=opening, actor=manager)
