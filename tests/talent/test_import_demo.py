"""talent.demo.demo_import: the shipped proceedings file imports, and again changes nothing."""

from __future__ import annotations

import io

import pytest

from talent.demo import DEMO_FILE, demo_import
from talent.models import Candidate
from talent.services.reference import reference_data_load

pytestmark = pytest.mark.django_db


def test_demo_file_ships_inside_the_project_with_its_origin():
    assert DEMO_FILE.is_file()
    assert "Origin" in (DEMO_FILE.parent / "README.md").read_text()
    assert "/shared/" not in str(DEMO_FILE)


@pytest.mark.slow
def test_demo_import_real_people_get_no_personal_data():
    reference_data_load()
    out = io.StringIO()

    report = demo_import(stdout=out)

    assert "Imported 27897 rows" in out.getvalue()
    assert report.counts()["rows"] == 27897
    real = Candidate.objects.all()
    assert real.count() == report.candidates_created
    assert not real.exclude(source=Candidate.Source.PROCEEDINGS).exists()
    assert not real.filter(email__isnull=False).exists()
    assert not real.exclude(search_status="").exists()
    assert not real.filter(expected_compensation__isnull=False).exists()
