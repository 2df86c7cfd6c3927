"""The admin writes candidacies, activities, placements, openings and companies through the services."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from compensation import services as offer_services
from crm.models import Activity, Candidacy, Placement
from tests.crm.factories import (
    ActivityFactory,
    CandidacyFactory,
    CompanyFactory,
    OpeningFactory,
)
from tests.talent.factories import CandidateFactory

Stage = Candidacy.Stage
pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_candidacy_add_form_goes_through_candidacy_create(client, recruiter):
    client.force_login(recruiter)
    candidate, opening = CandidateFactory(), OpeningFactory()

    response = client.post(reverse("admin:crm_candidacy_add"), {
        "candidate": candidate.pk, "opening": opening.pk, "owner": recruiter.pk, "note": "Referred by a colleague",
        "off_limits_override_reason": "", "stage_changes-TOTAL_FORMS": 0, "stage_changes-INITIAL_FORMS": 0,
        "offers-TOTAL_FORMS": 0, "offers-INITIAL_FORMS": 0,
    })

    assert response.status_code == 302
    candidacy = Candidacy.objects.get()
    first = candidacy.stage_changes.get()
    assert (first.from_stage, first.changed_by, candidacy.owner) == ("", recruiter, recruiter)
    assert "Referred by a colleague" in first.note


def test_candidacy_add_form_names_the_existing_candidacy_instead_of_failing(client, recruiter):
    client.force_login(recruiter)
    existing = CandidacyFactory()

    response = client.post(reverse("admin:crm_candidacy_add"), {
        "candidate": existing.candidate.pk, "opening": existing.opening.pk, "owner": recruiter.pk,
        "stage_changes-TOTAL_FORMS": 0, "stage_changes-INITIAL_FORMS": 0,
        "offers-TOTAL_FORMS": 0, "offers-INITIAL_FORMS": 0,
    })

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert f"#{existing.pk}" in errors["candidate"][0] and "already exists" not in str(errors)
    assert Candidacy.objects.count() == 1


def test_candidacy_add_form_refuses_off_limits_without_a_reason(client, recruiter):
    client.force_login(recruiter)
    company = CompanyFactory(name="Client Co")
    candidate, opening = CandidateFactory(current_company=company), OpeningFactory(company=company)

    response = client.post(reverse("admin:crm_candidacy_add"), {
        "candidate": candidate.pk, "opening": opening.pk, "owner": recruiter.pk,
        "stage_changes-TOTAL_FORMS": 0, "stage_changes-INITIAL_FORMS": 0,
        "offers-TOTAL_FORMS": 0, "offers-INITIAL_FORMS": 0,
    })

    assert "Client Co" in response.context["adminform"].form.errors["candidate"][0]
    assert not Candidacy.objects.exists()


def test_activity_add_records_the_logged_in_user_as_author(client, recruiter):
    client.force_login(recruiter)
    candidate = CandidateFactory()
    due = timezone.localtime() + timedelta(days=2)

    response = client.post(reverse("admin:crm_activity_add"), {
        "candidate": candidate.pk, "kind": "task", "subject": "Send the offer letter", "body": "",
        "occurred_at_0": due.strftime("%Y-%m-%d"), "occurred_at_1": "10:00:00",
        "due_at_0": due.strftime("%Y-%m-%d"), "due_at_1": "10:00:00",
    })

    assert response.status_code == 302
    assert Activity.objects.get().created_by == recruiter


def test_mark_done_action_completes_follow_ups_through_the_service(client, recruiter):
    client.force_login(recruiter)
    follow_up = ActivityFactory(kind="task", due_at=timezone.now())

    client.post(reverse("admin:crm_activity_changelist"), {"action": "mark_done", "_selected_action": [follow_up.pk]})

    follow_up.refresh_from_db()
    assert follow_up.completed_by == recruiter


def test_record_placement_action_on_an_accepted_offer(client, recruiter):
    client.force_login(recruiter)
    candidacy = CandidacyFactory(stage=Stage.INTERVIEWING)
    offer = offer_services.offer_create(candidate=candidacy.candidate, company=candidacy.opening.company,
                                        candidacy=candidacy, currency="CNY", annual_base="2000000")
    offer_services.offer_extend(offer=offer)
    offer_services.offer_accept(offer=offer)

    client.post(reverse("admin:compensation_offer_changelist"),
                {"action": "record_placement", "_selected_action": [offer.pk], "start_on": "2027-01-04"})

    placement = Placement.objects.get()
    assert (placement.start_on, placement.created_by) == (date(2027, 1, 4), recruiter)
    assert placement.fee == Money("500000.00", "CNY")  # 25 % (the factory's default fee) of 2,000,000


def test_placements_are_not_added_by_hand(client, recruiter):
    client.force_login(recruiter)

    assert client.get(reverse("admin:crm_placement_add")).status_code == 403


def test_company_admin_save_rescores_employees_when_off_limits_changes(client, recruiter,
                                                                      django_capture_on_commit_callbacks,
                                                                      monkeypatch):
    from crm import tasks

    client.force_login(recruiter)
    company = CompanyFactory()
    sent = []
    monkeypatch.setattr(tasks.company_employees_rescore_task, "apply_async", lambda args, **kw: sent.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:crm_company_change", args=[company.pk]), {
            "name": company.name, "native_name": "", "kind": company.kind, "is_client": "on", "is_off_limits": "on",
            "funding_stage": "", "valuation_0": "", "valuation_1": "CNY", "city": "", "website": "",
        })

    assert sent == [(company.pk,)]
