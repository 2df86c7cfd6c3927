"""``manage.py import_candidates``: --json last line, --dry-run, unreadable files, the full data set."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from talent.models import Authorship, Candidate, Publication
from talent.services.reference import reference_data_load

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
PROCEEDINGS = Path(__file__).resolve().parents[2] / "talent" / "data" / "demo" / "icml_nips_iclr_papers_2019snapshot.csv"
OUTCOMES = ("created", "updated", "merged", "flagged", "skipped", "errors")


@pytest.fixture
def venues(db):
    reference_data_load()


def _run(*args: str) -> tuple[str, dict]:
    out = io.StringIO()
    call_command("import_candidates", *args, stdout=out)
    text = out.getvalue()
    return text, json.loads(text.strip().splitlines()[-1])


def test_json_summary_is_the_last_line_and_adds_up(venues):
    _text, summary = _run("--format", "proceedings", str(DATA / "proceedings_small.csv"), "--json")

    assert summary["rows"] == 13
    assert sum(summary[k] for k in OUTCOMES) == summary["rows"]
    assert summary["publications"] == 5
    assert summary["venues_unknown"] == 1


def test_dry_run_writes_nothing(venues):
    _text, summary = _run("--format", "proceedings", str(DATA / "proceedings_small.csv"), "--json", "--dry-run")

    assert summary["dry_run"] is True
    assert summary["created"] == 5
    assert Candidate.objects.count() == 0
    assert Publication.objects.count() == 0


def test_human_output_lists_rows_with_issues(venues):
    out = io.StringIO()

    call_command("import_candidates", "--format", "proceedings", str(DATA / "proceedings_small.csv"), stdout=out)

    text = out.getvalue()
    assert "13 rows: 5 created" in text
    assert "row 12: error" in text
    assert "MadeUpConf" in text


def test_missing_file_is_a_clear_error(venues, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_candidates", "--format", "proceedings", str(tmp_path / "nope.csv"))


def test_unreadable_encoding_is_a_clear_error_and_writes_nothing(venues, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("Conference,Year,Title,Author,Affiliation\nICML,2018,T,Jürgen Müller,München\n".encode("cp1252"))

    with pytest.raises(CommandError, match="not imported.*UTF-8"):
        call_command("import_candidates", "--format", "proceedings", str(path))

    assert Candidate.objects.count() == 0


def test_unreadable_file_with_json_still_ends_with_a_json_line(venues, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("Conference,Year,Title,Author,Affiliation\nICML,2018,T,Jürgen Müller,München\n".encode("cp1252"))
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_candidates", "--format", "proceedings", str(path), "--json", stdout=out)

    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["written"] is False
    assert "not imported" in summary["error"]
    assert sum(summary[k] for k in OUTCOMES) == summary["rows"] == 0


@pytest.mark.slow
def test_whole_proceedings_file_imports_every_row_and_reimports_nothing(venues):
    with CaptureQueriesContext(connection) as queries:
        _text, first = _run("--format", "proceedings", str(PROCEEDINGS), "--json")

    assert first["rows"] == 27897
    assert sum(first[k] for k in OUTCOMES) == first["rows"]
    assert first["publications"] == Publication.objects.count() > 7900
    assert first["venues_unknown"] == 0
    assert Authorship.objects.count() == first["authorships"]
    # batched: SQLite's bulk_create holds ~24 candidates per INSERT (999 variables), so O(rows / 24),
    # far from one or more queries per row
    assert len(queries) < first["rows"] // 10

    _text, second = _run("--format", "proceedings", str(PROCEEDINGS), "--json")

    assert second["created"] == second["updated"] == second["merged"] == second["flagged"] == 0
    assert second["skipped"] + second["errors"] == second["rows"]
    assert Authorship.objects.count() == first["authorships"]
