"""A bulk import (no post_save signals) still gets its candidates scored, after commit."""

from unittest import mock

import pytest

from crm.models import FitScore
from talent.importers import import_file
from talent.models import Specialty
from talent.services.reference import reference_data_load
from tests.crm.factories import OpeningFactory, OpeningRequirementFactory

CSV = (
    b"Conference,Year,Title,Author,Affiliation\n"
    b"ICML,2019,Deep reinforcement learning for robots,Alice Example,DeepMind\n"
    b"ICML,2019,Deep reinforcement learning for robots,Bob Example,Tsinghua University\n"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    reference_data_load()
    opening = OpeningFactory()
    OpeningRequirementFactory(opening=opening, specialty=Specialty.objects.get(slug="reinforcement-learning"))
    return opening


def test_import_enqueues_one_scoring_task_after_commit_with_the_imported_ids(opening, django_capture_on_commit_callbacks):
    with mock.patch("crm.tasks.candidates_rescore_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            report = import_file("proceedings", CSV, file_name="papers.csv")
            delay.assert_not_called()  # not before commit

    assert report.summary()["created"] == 2
    (call,) = delay.call_args_list
    assert sorted(call.args[0]) == sorted({r.candidate_id for r in report.results if r.candidate_id})


def test_imported_candidates_are_scored_for_open_openings(opening, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_file("proceedings", CSV, file_name="papers.csv")

    assert FitScore.objects.filter(opening=opening).count() == 2


def test_dry_run_enqueues_nothing(opening, django_capture_on_commit_callbacks):
    with mock.patch("crm.tasks.candidates_rescore_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            import_file("proceedings", CSV, file_name="papers.csv", dry_run=True)

    delay.assert_not_called()
    assert not FitScore.objects.exists()
