"""The admin import page and the possible-duplicate actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from talent.models import Candidate, CandidateMerge, ImportRun, PossibleDuplicate
from talent.services.dedup import possible_duplicate_pair
from talent.services.reference import reference_data_load
from tests.talent.factories import AuthorshipFactory, CandidateFactory

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).parent / "data" / "proceedings_small.csv"
URL = "admin:talent_candidate_import"


@pytest.fixture
def venues(db):
    reference_data_load()


def test_changelist_links_to_the_import_page(client, recruiter):
    client.force_login(recruiter)

    page = client.get(reverse("admin:talent_candidate_changelist"))

    assert reverse(URL) in page.content.decode()


def test_import_page_dry_run_shows_rows_and_writes_nothing(client, recruiter, venues):
    client.force_login(recruiter)
    upload = SimpleUploadedFile("small.csv", SMALL.read_bytes(), content_type="text/csv")

    page = client.post(reverse(URL), {"format": "proceedings", "file": upload, "dry_run": "on"})

    assert page.status_code == 200
    assert page.context["summary"]["rows"] == 13
    assert page.context["summary"]["dry_run"] is True
    html = page.content.decode()
    assert "Dry run" in html and "import-flagged" in html and "欧阳娜娜" in html
    assert Candidate.objects.count() == 0


def test_import_page_imports_and_links_candidates(client, recruiter, venues):
    client.force_login(recruiter)
    upload = SimpleUploadedFile("small.csv", SMALL.read_bytes(), content_type="text/csv")

    page = client.post(reverse(URL), {"format": "proceedings", "file": upload})

    assert page.context["summary"]["created"] == 5
    jegou = Candidate.objects.get(full_name="Hervé Jégou")
    assert reverse("admin:talent_candidate_change", args=[jegou.pk]) in page.content.decode()
    assert ImportRun.objects.get().actor == recruiter


def test_import_page_shows_why_a_file_is_refused(client, recruiter, venues):
    client.force_login(recruiter)
    upload = SimpleUploadedFile("bad.csv", "Conference,Year,Title,Author\nICML,2018,T,Jürgen\n".encode("cp1252"))

    page = client.post(reverse(URL), {"format": "proceedings", "file": upload})

    assert page.status_code == 200
    assert "UTF-8" in str(page.context["form"].errors["file"])
    assert page.context["summary"] is None


def test_import_page_needs_add_permission(client, django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(clerk)

    page = client.get(reverse(URL))

    assert page.status_code == 403


def test_possible_duplicate_merge_action_merges_the_pair(client, recruiter):
    older = CandidateFactory(full_name="Wei Wang")
    newer = CandidateFactory(full_name="Wei Wang")
    AuthorshipFactory(candidate=newer)
    pair = possible_duplicate_pair(older.pk, newer.pk, 85, "name identical; different affiliations")
    pair.save()
    client.force_login(recruiter)

    client.post(reverse("admin:talent_possibleduplicate_changelist"),
                {"action": "merge_pairs", "_selected_action": [pair.pk]})

    assert list(Candidate.objects.values_list("pk", flat=True)) == [older.pk]
    assert older.authorships.count() == 1
    assert CandidateMerge.objects.get().actor == recruiter


def test_possible_duplicate_dismiss_action(client, recruiter):
    a, b = CandidateFactory(), CandidateFactory()
    pair = possible_duplicate_pair(a.pk, b.pk, 80, "x")
    pair.save()
    client.force_login(recruiter)

    client.post(reverse("admin:talent_possibleduplicate_changelist"),
                {"action": "dismiss_pairs", "_selected_action": [pair.pk]})

    pair.refresh_from_db()
    assert pair.status == PossibleDuplicate.Status.DISMISSED
    assert pair.resolved_by == recruiter
    assert Candidate.objects.count() == 2


def test_candidate_merge_action_asks_then_merges_into_the_chosen_record(client, recruiter):
    a = CandidateFactory(full_name="Jason Weston")
    b = CandidateFactory(full_name="JASON WESTON")
    AuthorshipFactory(candidate=a)
    client.force_login(recruiter)
    changelist = reverse("admin:talent_candidate_changelist")

    confirm = client.post(changelist, {"action": "merge_candidates", "_selected_action": [a.pk, b.pk]})
    done = client.post(changelist, {"action": "merge_candidates", "_selected_action": [a.pk, b.pk],
                                    "confirm": "yes", "survivor": b.pk, "reason": "same person, case only"})

    assert "Why are they one person?" in confirm.content.decode()
    assert done.status_code == 302
    assert list(Candidate.objects.values_list("pk", flat=True)) == [b.pk]
    assert b.authorships.count() == 1
    assert CandidateMerge.objects.get().reason == "same person, case only"


def test_candidate_merge_action_without_reason_merges_nothing(client, recruiter):
    a, b = CandidateFactory(), CandidateFactory()
    client.force_login(recruiter)

    client.post(reverse("admin:talent_candidate_changelist"),
                {"action": "merge_candidates", "_selected_action": [a.pk, b.pk], "confirm": "yes", "reason": ""})

    assert Candidate.objects.count() == 2


def test_admin_search_finds_accented_names_typed_without_accents(client, recruiter):
    jegou = CandidateFactory(full_name="Hervé Jégou")
    CandidateFactory(full_name="Someone Else")
    client.force_login(recruiter)

    page = client.get(reverse("admin:talent_candidate_changelist"), {"q": "Herve Jegou"})

    assert list(page.context["cl"].result_list) == [jegou]


def test_possible_duplicate_list_shows_both_employers(client, recruiter):
    a = CandidateFactory(full_name="Wei Wang", current_employer="Tsinghua University")
    b = CandidateFactory(full_name="Wei Wang", current_employer="Stanford University")
    possible_duplicate_pair(a.pk, b.pk, 85, "name identical; different affiliations").save()
    client.force_login(recruiter)

    page = client.get(reverse("admin:talent_possibleduplicate_changelist"))

    html = page.content.decode()
    assert "Tsinghua University" in html and "Stanford University" in html


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Jégou", "Hervé Jégou", "jegou", "HERVE"])
def test_admin_candidate_search_ignores_accents_both_ways(client, recruiter, term):
    plain = CandidateFactory(full_name="Herve Jegou")
    CandidateFactory(full_name="Someone Else")
    client.force_login(recruiter)

    response = client.get(reverse("admin:talent_candidate_changelist"), {"q": term})

    assert list(response.context["cl"].result_list) == [plain]
