"""talent.demo.demo_import: the shipped proceedings file imports, and again changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from talent.demo import DEMO_FILE, demo_import
from talent.models import Candidate
from talent.services.reference import reference_data_load

pytestmark = pytest.mark.django_db


def test_demo_file_ships_inside_the_project_with_its_origin():
    assert DEMO_FILE.is_file()
    assert "Origin" in (DEMO_FILE.parent / "README.md").read_text()
    assert "/shared/" not in str(DEMO_FILE)


def test_demo_import_reports_and_invents_no_personal_data(monkeypatch):
    # the whole shipped file is imported by tests/talent/test_import_command.py; a small one here
    import talent.demo

    reference_data_load()
    monkeypatch.setattr(talent.demo, "DEMO_FILE", Path(__file__).parent / "data" / "proceedings_small.csv")
    out = io.StringIO()

    report = demo_import(stdout=out)

    assert "Imported 13 rows" in out.getvalue()
    assert "1 flagged" in out.getvalue()
    real = Candidate.objects.all()
    assert real.count() == report.candidates_created == 6
    assert not real.exclude(source=Candidate.Source.PROCEEDINGS).exists()
    assert not real.filter(email__isnull=False).exists()
    assert not real.exclude(search_status="").exists()
    assert not real.filter(expected_compensation__isnull=False).exists()
