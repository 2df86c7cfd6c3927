"""Erasure, tombstones, export and retention of one person's data."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from djmoney.money import Money

from compensation import services as offer_services
from crm.models import Activity, Candidacy, FitScore, StageChange
from crm.services import activity_log, candidacy_create
from talent.errors import DomainError
from talent.models import Authorship, Candidate, CandidateMerge, ErasedIdentity, ImportRun, PossibleDuplicate
from talent.services.erasure import candidate_erase, candidate_export, erased_rows, identity_digests
from talent.services.retention import candidates_retention_review
from tests.crm.factories import CompanyFactory, FitScoreFactory, OpeningFactory, UserFactory
from tests.talent.factories import AuthorshipFactory, CandidateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    """A researcher with every kind of data held about them."""
    candidate = CandidateFactory(
        full_name="Mei Lin", native_name="林梅", email="Mei.Lin+jobs@Example.org", phone="+8613800138000",
        city="Hangzhou", current_employer="Alibaba DAMO Academy", dblp_pid="123/4567", orcid="0000-0002-1825-0097",
        expected_compensation=Money(Decimal("2500000"), "CNY"),
    )
    AuthorshipFactory(candidate=candidate, affiliation_raw="Zhejiang University")
    opening = OpeningFactory()
    candidacy = candidacy_create(candidate=candidate, opening=opening, note="Met Mei Lin at NeurIPS")
    activity_log(actor=None, kind=Activity.Kind.CALL, subject="Call with Mei Lin", candidate=candidate,
                 body="Mei Lin wants 2.5M CNY.")
    FitScoreFactory(candidate=candidate, opening=opening)
    other = CandidateFactory(full_name="Mei Lin")
    low, high = sorted((candidate.pk, other.pk))
    PossibleDuplicate.objects.create(candidate_a_id=low, candidate_b_id=high, score=Decimal("85"),
                                     reason="Mei Lin at two affiliations")
    ImportRun.objects.create(format="proceedings", issues=[
        {"row": 3, "outcome": "flagged", "name": "Mei Lin", "reason": "possible duplicate", "candidate_id": candidate.pk},
        {"row": 4, "outcome": "skipped", "name": "Someone Else", "reason": "repeated row", "candidate_id": None},
    ])
    CandidateMerge.objects.create(survivor=candidate, merged_ids=[999], snapshot={"999": {"email": "mei@old.org"}},
                                  reason="same ORCID as Mei Lin")
    candidate.city = "Beijing"
    candidate.save()  # one more history row
    return candidate, candidacy


def test_erase_removes_personal_data_everywhere_and_keeps_pipeline_figures(person):
    candidate, candidacy = person
    recruiter = UserFactory()

    erased = candidate_erase(candidate=candidate, actor=recruiter)

    erased.refresh_from_db()
    assert erased.full_name == f"Erased candidate #{candidate.pk}"
    assert (erased.native_name, erased.email, str(erased.phone), erased.dblp_pid, erased.orcid) == ("", None, "", "", "")
    assert erased.expected_compensation is None and erased.erased_by == recruiter and erased.erased_at
    assert not erased.history.exists()
    assert not Authorship.objects.filter(candidate=erased).exists()
    assert not FitScore.objects.filter(candidate=erased).exists()
    assert not PossibleDuplicate.objects.exists()
    assert all(a.subject == "(erased)" and a.body == "" for a in Activity.objects.filter(candidate=erased))
    run = ImportRun.objects.get()
    assert "Mei Lin" not in json.dumps(run.issues) and len(run.issues) == 2 and run.issues[0]["row"] == 3
    merge = CandidateMerge.objects.get()
    assert "mei@old.org" not in json.dumps(merge.snapshot) and "Mei Lin" not in merge.reason
    # the pipeline figures stay countable
    assert Candidacy.objects.filter(pk=candidacy.pk, candidate=erased).exists()
    assert StageChange.objects.filter(candidacy=candidacy).count() == 1
    assert ErasedIdentity.objects.count() >= 4


def test_erase_is_idempotent_and_an_erased_person_cannot_be_added_to_a_pipeline(person):
    candidate, _candidacy = person
    candidate_erase(candidate=candidate, actor=None)
    tombstones = ErasedIdentity.objects.count()

    candidate_erase(candidate=candidate, actor=None)

    assert ErasedIdentity.objects.count() == tombstones
    with pytest.raises(DomainError, match="erased"):
        candidacy_create(candidate=Candidate.objects.get(pk=candidate.pk), opening=OpeningFactory())


def test_tombstones_recognise_the_person_by_any_identifier_but_not_a_namesake(person):
    candidate, _candidacy = person
    candidate_erase(candidate=candidate, actor=None)

    rows = [
        identity_digests(emails=["mei.lin@example.org"]),  # the mailbox without its plus-tag
        identity_digests(ids={"orcid": "https://orcid.org/0000-0002-1825-0097"}),
        identity_digests(name="MEI LIN", affiliations=["Zhejiang Univ."]),  # name with a paper affiliation
        identity_digests(name="Mei Lin", affiliations=["Peking University"]),  # a namesake elsewhere
        identity_digests(name="Mei Lin"),  # a name alone is never enough
    ]

    assert erased_rows(rows) == [True, True, True, False, False]


def test_tombstones_hold_no_identifier_in_clear(person):
    candidate, _candidacy = person
    candidate_erase(candidate=candidate, actor=None)

    stored = " ".join(ErasedIdentity.objects.values_list("digest", flat=True))

    assert "mei" not in stored.casefold() and "0000-0002" not in stored
    assert all(len(d) == 64 for d in ErasedIdentity.objects.values_list("digest", flat=True))


def test_export_holds_everything_about_the_person_history_included(person):
    candidate, candidacy = person
    offer = offer_services.offer_create(candidate=candidate, company=CompanyFactory(big_tech=True),
                                        currency="CNY", annual_base="2000000", notes="Competing offer")

    data = candidate_export(candidate=Candidate.objects.get(pk=candidate.pk))

    assert data["candidate"]["full_name"] == "Mei Lin" and data["candidate"]["native_name"] == "林梅"
    assert len(data["history"]) >= 2
    text = json.dumps(data, ensure_ascii=False)
    assert "Met Mei Lin at NeurIPS" in text  # the candidacy's stage history
    assert "Call with Mei Lin" in text
    assert "Competing offer" in text and str(offer.pk) in text
    assert "Zhejiang University" in text and data["publications"]


def test_commands_export_and_erase(person, tmp_path):
    candidate, _candidacy = person
    out = tmp_path / "mei.json"

    call_command("export_candidate", str(candidate.pk), "--output", str(out))
    call_command("erase_candidate", str(candidate.pk), "--yes")

    assert json.loads(out.read_text(encoding="utf-8"))["candidate"]["email"] == "mei.lin+jobs@example.org"
    assert Candidate.objects.get(pk=candidate.pk).erased_at is not None


def test_retention_review_reminds_owners_and_erases_after_the_grace_period(settings):
    settings.TALENT_RETENTION_DAYS = 730
    settings.TALENT_ERASURE_GRACE_DAYS = 30
    owner = UserFactory(email="owner@example.com")
    today = date(2026, 12, 7)
    due = CandidateFactory(owner=owner, retain_until_on=today - timedelta(days=1))
    overdue = CandidateFactory(owner=owner, retain_until_on=today - timedelta(days=31))
    kept = CandidateFactory(owner=owner, retain_until_on=today + timedelta(days=10))
    stale = CandidateFactory(owner=None)
    Candidate.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=740))  # past by 10 days
    settings.ADMINS = [("Admin", "admin@example.com")]

    review = candidates_retention_review(today=today)

    assert review.erased == [overdue.pk]
    assert review.reminded == {owner.pk: 1, None: 1}
    to_owner = next(m for m in mail.outbox if m.to == ["owner@example.com"])
    assert f"#{due.pk}" in to_owner.body and f"#{kept.pk}" not in to_owner.body
    assert any(m.to == ["admin@example.com"] and f"#{stale.pk}" in m.body for m in mail.outbox)
    assert candidates_retention_review(today=today).erased == []  # nothing is erased twice
