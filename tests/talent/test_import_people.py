"""Person formats: spreadsheets (CSV/XLSX), LinkedIn Connections.csv, JSON Resume."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from talent.importers import ImportFileError, import_file
from talent.models import Candidate, CareerEntry, PossibleDuplicate
from tests.talent.factories import CandidateFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
LINKEDIN = (DATA / "linkedin_connections_sample.csv").read_bytes()  # copy of shared/data/formats/linkedin/
RESUME = (DATA / "jsonresume_sample.json").read_bytes()  # copy of shared/data/formats/jsonresume/sample.resume.json


def _outcomes(report) -> list[str]:
    return [str(r.outcome) for r in sorted(report.results, key=lambda r: r.row)]


# --- LinkedIn --------------------------------------------------------------------------


def test_linkedin_sample_skips_preamble_and_empty_rows():
    report = import_file("linkedin", LINKEDIN)

    assert _outcomes(report) == ["created", "created", "created", "skipped", "skipped", "created"]
    assert report.skipped_reasons == {"no name": 1, "empty row": 1}
    wang = Candidate.objects.get(native_name="王小明")
    assert wang.full_name == "王小明"
    assert wang.email == "xiaoming.wang+neurips@gmail.com"
    assert wang.current_employer == "Moonshot AI, Inc."
    assert wang.linkedin_url == "https://www.linkedin.com/in/example-wxm"
    assert wang.source == Candidate.Source.LINKEDIN


def test_linkedin_formula_cells_and_bad_email_are_field_errors():
    report = import_file("linkedin", LINKEDIN)

    evil = Candidate.objects.get(full_name="Evil Cell")
    row = next(r for r in report.results if r.name == "Evil Cell")
    assert set(row.field_errors) == {"current_employer", "current_title", "email"}
    assert evil.current_employer == "" and evil.current_title == "" and evil.email is None


def test_linkedin_plus_addressed_email_finds_the_known_person():
    known = CandidateFactory(full_name="Xiaoming Wang", email="xiaoming.wang@gmail.com")

    report = import_file("linkedin", LINKEDIN)

    row = next(r for r in report.results if r.name == "王小明")
    assert str(row.outcome) == "merged"
    assert row.candidate_id == known.pk
    known.refresh_from_db()
    assert known.native_name == "王小明"
    assert known.email == "xiaoming.wang@gmail.com"  # the survivor's e-mail is kept
    assert known.current_employer == "Moonshot AI, Inc."


def test_linkedin_reimport_changes_nothing():
    import_file("linkedin", LINKEDIN)

    again = import_file("linkedin", LINKEDIN)

    assert again.counts()["created"] == again.counts()["updated"] == 0
    assert again.counts()["skipped"] == 6
    assert Candidate.objects.count() == 4


# --- Spreadsheets ----------------------------------------------------------------------

CSV = (
    "full_name,email,company,title,degree,phd_year,specialties,phone\n"
    "Jane Roe,Jane.Roe@Example.org,OpenAI,Research Scientist,PhD,2019,rl,+1 650 253 0000\n"
    "Jane Roe,jane.roe@example.org,OpenAI,Research Scientist,PhD,2019,rl,+1 650 253 0000\n"
    "Bob Stone,bob@example,Acme,,Doctor Who,19x9,nope,12\n"
)


def test_spreadsheet_duplicate_rows_in_one_file_are_one_candidate():
    SpecialtyFactory(slug="rl")

    report = import_file("spreadsheet", CSV.encode())

    assert _outcomes(report) == ["created", "skipped", "created"]
    jane = Candidate.objects.get(full_name="Jane Roe")
    assert jane.email == "jane.roe@example.org"
    assert jane.highest_degree == "phd" and jane.phd_year == 2019
    assert str(jane.phone) == "+16502530000"
    assert list(jane.specialties.values_list("slug", flat=True)) == ["rl"]


def test_spreadsheet_bad_values_are_field_errors_the_row_still_imports():
    report = import_file("spreadsheet", CSV.encode())

    bob = next(r for r in report.results if r.name == "Bob Stone")
    assert set(bob.field_errors) >= {"email", "highest_degree", "phd_year", "specialties", "phone"}
    assert Candidate.objects.get(full_name="Bob Stone").current_employer == "Acme"


def test_spreadsheet_email_only_match_updates_blank_fields_only():
    known = CandidateFactory(full_name="J. Roe", email="jane.roe@example.org", current_title="Scientist")

    report = import_file("spreadsheet", CSV.encode())

    assert _outcomes(report)[0] == "updated"
    known.refresh_from_db()
    assert known.full_name == "J. Roe"  # never overwritten
    assert known.current_title == "Scientist"
    assert known.current_employer == "OpenAI"


def test_spreadsheet_case_variant_name_with_same_employer_merges_and_other_employer_flags():
    CandidateFactory(full_name="Hervé Jégou", email=None, current_employer="Facebook AI Research")
    CandidateFactory(full_name="Wei Wang", email=None, current_employer="Tsinghua University")
    text = "name,company,city\nHERVE JEGOU,Facebook AI Research,Paris\nWei Wang,Stanford University,Palo Alto\n"

    report = import_file("spreadsheet", text.encode())

    assert _outcomes(report) == ["merged", "flagged"]
    assert PossibleDuplicate.objects.count() == 1
    assert Candidate.objects.get(name_key="hervejegou").city == "Paris"


def test_spreadsheet_bom_and_gb18030_with_chinese_headers():
    text = "姓名,邮箱,公司,城市\n欧阳娜娜,nana@example.cn,字节跳动,北京\n"

    bom = import_file("spreadsheet", b"\xef\xbb\xbf" + text.encode("utf-8"))
    Candidate.objects.all().delete()
    gbk = import_file("spreadsheet", text.encode("gbk"))

    assert (bom.encoding, gbk.encoding) == ("utf-8-sig", "gb18030")
    nana = Candidate.objects.get()
    assert (nana.full_name, nana.native_name, nana.city) == ("欧阳娜娜", "欧阳娜娜", "北京")
    assert list(Candidate.objects.search("欧阳")) == [nana]


def test_spreadsheet_xlsx_through_tablib():
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["full_name", "email", "phd_year", "years_experience"])
    sheet.append(["Ada Lovelace", "ada@example.org", 2020, 7])
    buffer = io.BytesIO()
    book.save(buffer)

    report = import_file("spreadsheet", buffer.getvalue(), file_name="people.xlsx")

    assert report.encoding == "xlsx"
    ada = Candidate.objects.get()
    assert (ada.phd_year, ada.years_experience, ada.source) == (2020, 7, Candidate.Source.SPREADSHEET)


def test_spreadsheet_without_name_column_is_refused():
    with pytest.raises(ImportFileError, match="name"):
        import_file("spreadsheet", b"email,company\na@b.org,X\n")

    assert Candidate.objects.count() == 0


def test_spreadsheet_dry_run_writes_nothing():
    report = import_file("spreadsheet", CSV.encode(), dry_run=True)

    assert report.counts()["created"] == 2
    assert Candidate.objects.count() == 0


# --- JSON Resume -----------------------------------------------------------------------


def test_jsonresume_sample_imports_person_and_career():
    report = import_file("jsonresume", RESUME)

    assert _outcomes(report) == ["created"]
    richard = Candidate.objects.get()
    assert (richard.full_name, richard.email, richard.city, richard.country) == (
        "Richard Hendriks", "richard.hendriks@mail.com", "San Francisco", "US")
    assert str(richard.phone) == "+19125554321"  # parsed with the resume's country, not the default region
    assert richard.highest_degree == "bsc"
    work = richard.career_entries.get(kind=CareerEntry.Kind.WORK)
    assert (work.organisation, work.start_on, work.start_precision) == ("Pied Piper", dt.date(2013, 12, 1), "day")


def test_jsonresume_keeps_date_precision_and_reports_impossible_dates():
    resume = {
        "basics": {"name": "Lin Chen", "email": "lin@example.org"},
        "work": [{"name": "DeepSeek", "position": "Researcher", "startDate": "2023-02-30"},
                 {"name": "MSRA", "position": "Intern", "startDate": "2019", "endDate": "2020-06"}],
        "education": [{"institution": "Peking University", "studyType": "PhD", "startDate": "2016-09-01",
                       "endDate": "2021"}],
    }

    report = import_file("jsonresume", json.dumps(resume).encode())

    row = report.results[0]
    assert str(row.outcome) == "created"
    assert set(row.field_errors) == {"work[0].startDate"}
    lin = Candidate.objects.get()
    assert (lin.current_employer, lin.highest_degree, lin.phd_institution, lin.phd_year) == (
        "DeepSeek", "phd", "Peking University", 2021)
    deepseek = lin.career_entries.get(organisation="DeepSeek")
    assert deepseek.start_on is None
    msra = lin.career_entries.get(organisation="MSRA")
    assert (msra.start_on, msra.start_precision, msra.end_on, msra.end_precision) == (
        dt.date(2019, 1, 1), "year", dt.date(2020, 6, 1), "month")


def test_jsonresume_list_with_a_bad_resume_and_reimport():
    resumes = [{"basics": {"name": "A Person"}, "work": [{"name": "X", "startDate": "2020-01"}]}, {"basics": {}}]

    first = import_file("jsonresume", json.dumps(resumes).encode())
    again = import_file("jsonresume", json.dumps(resumes).encode())

    assert _outcomes(first) == ["created", "error"]
    assert _outcomes(again) == ["skipped", "error"]
    assert CareerEntry.objects.count() == 1


def test_jsonresume_not_json_is_refused():
    with pytest.raises(ImportFileError, match="JSON"):
        import_file("jsonresume", b"{not json")


def test_spreadsheet_compensation_is_money_with_its_currency():
    from decimal import Decimal

    from djmoney.money import Money

    text = ("full_name,expected_compensation,current_compensation,currency\n"
            "Li Na,\"2,300,000\",2000000,CNY\n"
            "No Currency,100000,,\n")

    report = import_file("spreadsheet", text.encode())

    li = Candidate.objects.get(full_name="Li Na")
    assert li.expected_compensation == Money(Decimal("2300000.00"), "CNY")
    assert li.current_compensation == Money(Decimal("2000000.00"), "CNY")
    bad = next(r for r in report.results if r.name == "No Currency")
    assert set(bad.field_errors) == {"expected_compensation"}
    assert Candidate.objects.get(full_name="No Currency").expected_compensation is None


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("100000.123,USD", "“100000.123”: At most 2 decimal places"),
        ("-5,CNY", "must not be negative"),
        ("100000,¥", "is not a currency code: give the ISO 4217 code"),
        ("lots,CNY", "“lots” is not a number"),
        ("100000,XYZ", "“XYZ” is not an ISO 4217 currency code"),
    ],
)
def test_spreadsheet_bad_compensation_is_a_field_error_naming_the_problem(cells, message):
    report = import_file("spreadsheet", f"full_name,expected_compensation,currency\nWang Fang,{cells}\n".encode())

    (row,) = report.results
    assert message in row.field_errors["expected_compensation"]
    assert Candidate.objects.get(full_name="Wang Fang").expected_compensation is None


def test_spreadsheet_fills_blank_compensation_of_a_known_person_with_currency():
    from decimal import Decimal

    from djmoney.money import Money

    known = CandidateFactory(email="li.na@example.org")

    import_file("spreadsheet", b"full_name,email,expected_compensation,currency\nLi Na,li.na@example.org,900000,USD\n")

    known.refresh_from_db()
    assert known.expected_compensation == Money(Decimal("900000.00"), "USD")
