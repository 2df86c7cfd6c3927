"""The real-world corpus (tests/talent/corpus/, see its README): every file imports with each row
accounted for, the expected errors and venues, the identities joined and flagged, and a second
import of the same file changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from talent.importers import import_file
from talent.models import Authorship, Candidate, PossibleDuplicate, Publication
from talent.services.reference import reference_data_load

CORPUS = Path(__file__).parent / "corpus"

# file -> (format, expected summary values). Counts were checked row by row against the file.
EXPECTED = {
    "proceedings_excerpt.csv": ("proceedings", {
        "rows": 414, "errors": 0, "venues_recognised": 99, "venues_unknown": 0, "flagged": 4}),
    "ml_papers_sample.bib": ("bibtex", {
        "rows": 28, "errors": 0, "flagged": 0, "venues_recognised": 6, "venues_unknown": 0}),
    "textbook_references.bib": ("bibtex", {
        "rows": 56, "errors": 1, "flagged": 0, "authors_omitted": 4, "venues_recognised": 11, "venues_workshop": 1,
        "venues_other": 1}),
    "scholar_reading_list.bib": ("bibtex", {
        "rows": 97, "errors": 0, "flagged": 0, "authors_omitted": 2, "venues_recognised": 20, "venues_workshop": 1,
        "venues_other": 2}),
    "dblp_record_sample.xml": ("dblp", {"rows": 4, "created": 4, "errors": 0, "venues_recognised": 1}),
    "dblp_person_page.xml": ("dblp", {
        "rows": 16, "errors": 0, "flagged": 0, "venues_recognised": 4, "venues_workshop": 1}),
    "dblp_venue_toc.xml": ("dblp", {"rows": 14, "created": 14, "errors": 0, "venues_recognised": 4, "venues_workshop": 1}),
    "jsonresume_sample.resume.json": ("jsonresume", {"rows": 1, "created": 1, "errors": 0}),
    "jsonresume_personal_sites.json": ("jsonresume", {"rows": 4, "created": 4, "errors": 0, "field_errors": 1}),
    "linkedin_connections_export.csv": ("linkedin", {
        "rows": 17, "created": 11, "flagged": 1, "skipped": 5, "errors": 0, "conflicts": 2}),
    "linkedin_connections_older.csv": ("linkedin", {"rows": 6, "created": 4, "skipped": 2, "errors": 0}),
}
OUTCOMES = ("created", "updated", "merged", "flagged", "skipped", "errors")


@pytest.fixture
def venues(db):
    reference_data_load()


def _import(name: str):
    fmt, _expected = EXPECTED[name]
    return import_file(fmt, (CORPUS / name).read_bytes(), file_name=name)


def _state() -> tuple[int, int, int, int]:
    return (Candidate.objects.count(), Publication.objects.count(), Authorship.objects.count(),
            PossibleDuplicate.objects.count())


def test_corpus_has_ten_files_with_their_source_and_licence():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")

    files = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".bib", ".xml", ".json"))

    assert len(files) >= 10
    assert set(files) == set(EXPECTED)
    assert all(f"`{name}`" in readme for name in files)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_accounts_for_every_row(venues, name):
    _fmt, expected = EXPECTED[name]

    summary = _import(name).to_summary()

    assert summary["rows"] == sum(summary[k] for k in OUTCOMES)
    assert {k: summary[k] for k in expected} == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_imported_again_changes_nothing(venues, name):
    _import(name)
    before = _state()

    again = _import(name).to_summary()

    assert _state() == before
    assert (again["created"], again["merged"], again["flagged"]) == (0, 0, 0)


def test_textbook_bibliography_reads_capitalised_fields_classics_suffixes_and_groups(venues):
    report = _import("textbook_references.bib")

    errors = [r.reason for r in report.results if r.outcome == "error"]
    assert errors == ["entry Turing1950 has no valid year: “n.d.” is not a year (four digits, 1000 to "
                      f"{errors[0].split(' to ')[1].split(',')[0]}, optionally followed by a letter)"]
    assert set(Publication.objects.filter(year__lt=1950).values_list("year", flat=True)) == {1943, 1948, 1949}
    assert Publication.objects.filter(title__startswith="Llama 2", year=2023).exists()
    assert Publication.objects.get(title__startswith="GPT-4").group_authors == "OpenAI"
    assert Publication.objects.get(title__startswith="Gemini").group_authors == "Gemini Team"
    assert not Candidate.objects.filter(full_name__in=["OpenAI", "Gemini Team", "others", "et al."]).exists()
    assert any("duplicate of entry Kingma2015" in r.reason for r in report.results)
    assert any("Touvron2023a" in w for w in report.warnings)
    tricks = Publication.objects.get(title="Efficient BackProp")
    assert (tricks.venue_id, tricks.is_workshop) == (None, False)  # a book, not the journal Neural Networks


def test_scholar_reading_list_joins_spelling_variants_and_recognises_venues(venues):
    _import("scholar_reading_list.bib")

    assert Candidate.objects.filter(name_key="diederikpkingma").count() == 1
    assert Candidate.objects.filter(name_key="remimunos").count() == 1
    assert Candidate.objects.filter(name_key="hadovanhasselt").count() == 1
    venue_of = dict(Publication.objects.values_list("title", "venue__acronym"))
    assert venue_of["Deep residual learning for image recognition"] == "CVPR"
    assert venue_of["Imagenet classification with deep convolutional neural networks"] == "NeurIPS"
    assert venue_of["Black box variational inference"] == "AISTATS"
    assert venue_of["Optimization, learning, and games with predictable sequences"] == "COLT"
    assert venue_of["Glove: Global vectors for word representation"] == "EMNLP"
    assert venue_of["A brief survey of text mining"] is None
    flows = Publication.objects.get(title="Residual flows for invertible generative modeling")
    assert (flows.venue_id, flows.is_workshop) == (None, True)


def test_dblp_person_page_keeps_both_venues_of_one_title(venues):
    _import("dblp_person_page.xml")

    versions = Publication.objects.filter(title="Safe and Efficient Off-Policy Reinforcement Learning", year=2016)

    assert sorted((p.venue.acronym if p.venue else "", p.is_workshop) for p in versions) == [
        ("", True), ("NeurIPS", False)]
    munos = Candidate.objects.get(dblp_pid="00/0001")
    assert munos.full_name == "Rémi Munos" and munos.current_employer == "Google DeepMind, Paris, France"
    assert munos.authorships.count() == 5


def test_linkedin_export_keeps_people_apart_and_names_conflicts(venues):
    report = _import("linkedin_connections_export.csv")

    by_row = {r.row: r for r in report.results}
    assert Candidate.objects.filter(full_name="Xi Chen").count() == 2
    assert by_row[8].conflicts == [{"field": "current_title", "kept": "Lead Engineer", "kept_row": 7,
                                    "dropped": "Principal Engineer"}]
    assert by_row[10].outcome == "flagged" and "different e-mails" in by_row[10].reason
    assert by_row[6].name == "Marco Bertoldi" and by_row[6].name_as_written.startswith("𝐌𝐚𝐫𝐜𝐨")
    assert by_row[4].name_decorations == {"symbols": "®", "credentials": "CFP"}
    assert Candidate.objects.search("Marco Bertoldi").count() == 1
    kenji = Candidate.objects.get(full_name="Kenji Watanabe")
    assert kenji.email == "kenji.watanabe@gmail.com"


def test_personal_site_resumes_read_leniently(venues):
    report = _import("jsonresume_personal_sites.json")

    amara = Candidate.objects.get(full_name="Amara Okafor-Lindqvist")
    assert (amara.country, amara.homepage_url, amara.current_employer) == (
        "GB", "https://amara-okafor-lindqvist.example.org", "Example Robotics Lab")
    assert Candidate.objects.get(native_name="陈思远").country == "CN"
    park = Candidate.objects.get(full_name="Min-jun Park")
    assert (park.country, park.country_as_written, park.current_employer) == ("", "Korea", "Example Vision")
    assert Candidate.objects.get(full_name="Lucas Ferreira Almeida").country == "BR"
    assert len(report.warnings) == 5 and all("comma" in w for w in report.warnings)
