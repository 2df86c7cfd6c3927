"""Proceedings CSV import: outcomes per row, identity resolution, re-import, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from talent.importers import ImportFileError, import_file
from talent.models import Authorship, Candidate, ImportRun, PossibleDuplicate, Publication
from talent.services.reference import reference_data_load

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SMALL = DATA / "proceedings_small.csv"
HEADER = "Conference,Year,Title,Author,Affiliation\n"


@pytest.fixture
def venues(db):
    reference_data_load()


def _outcomes(report) -> dict[int, str]:
    return {r.row: str(r.outcome) for r in report.results}


def test_small_file_gives_each_row_one_outcome(venues):
    report = import_file("proceedings", SMALL.read_bytes(), file_name=SMALL.name)

    assert _outcomes(report) == {
        1: "created", 2: "created", 3: "created",
        4: "merged",  # HERVE JEGOU at the same affiliation: case and accent variant
        5: "updated", 6: "skipped",  # same author twice on one paper
        7: "flagged",  # Wei Wang elsewhere, no shared co-author
        8: "created", 9: "merged",  # Aaron vanden Oord: spacing variant
        10: "created", 11: "skipped", 12: "error", 13: "updated",
    }
    counts = report.counts()
    assert counts["rows"] == 13
    assert sum(counts[k] for k in ("created", "updated", "merged", "flagged", "skipped", "errors")) == counts["rows"]


def test_small_file_writes_people_papers_and_authorships(venues):
    report = import_file("proceedings", SMALL.read_bytes())

    assert Candidate.objects.count() == report.candidates_created == 6
    jegou = Candidate.objects.get(full_name="Hervé Jégou")
    assert jegou.authorships.count() == 2
    assert jegou.source == Candidate.Source.PROCEEDINGS
    oord = Candidate.objects.get(full_name="Aaron van den Oord")
    assert sorted(oord.authorships.values_list("position", flat=True)) == [1, 2, 3]
    assert oord.authorships.count() == 3
    assert Publication.objects.count() == 5
    walk = Publication.objects.get(title="Learning to Walk with Deep Reinforcement Learning")
    assert list(walk.authorships.order_by("position").values_list("candidate__full_name", "position")) == [
        ("Hervé Jégou", 1), ("Wei Wang", 2), ("Aaron van den Oord", 3)]


def test_author_position_counts_distinct_authors_only(venues):
    import_file("proceedings", SMALL.read_bytes())

    paper = Publication.objects.get(title="Sample-Efficient Exploration")

    assert list(paper.authorships.order_by("position").values_list("position", flat=True)) == [1, 2]


def test_co_authored_paper_is_one_publication_with_two_authorships(venues):
    import_file("proceedings", SMALL.read_bytes())

    paper = Publication.objects.get(title="Graph Networks at Scale")

    assert paper.authorships.count() == 2
    assert Publication.objects.filter(title="Graph Networks at Scale").count() == 1


def test_same_name_elsewhere_without_evidence_is_flagged_not_merged(venues):
    import_file("proceedings", SMALL.read_bytes())

    weis = list(Candidate.objects.filter(full_name="Wei Wang").order_by("id"))

    assert len(weis) == 2
    pair = PossibleDuplicate.objects.get()
    assert {pair.candidate_a_id, pair.candidate_b_id} == {weis[0].id, weis[1].id}
    assert pair.candidate_a_id < pair.candidate_b_id
    assert pair.status == PossibleDuplicate.Status.OPEN
    assert 70 <= pair.score < 90


def test_native_script_name_goes_to_native_name_and_is_searchable(venues):
    import_file("proceedings", SMALL.read_bytes())

    nana = Candidate.objects.get(native_name="欧阳娜娜")

    assert nana.full_name == "欧阳娜娜"
    assert list(Candidate.objects.search("欧阳")) == [nana]


def test_public_proceedings_invent_no_personal_data(venues):
    import_file("proceedings", SMALL.read_bytes())

    people = Candidate.objects.all()

    assert not people.exclude(email=None).exists()
    assert not people.exclude(phone="").exists()
    assert not people.exclude(search_status="").exists()
    assert not people.filter(current_compensation__isnull=False).exists()
    assert not people.filter(expected_compensation__isnull=False).exists()
    assert Candidate.objects.get(full_name="Jane Roe").current_employer == "Stanford University"


def test_unknown_venue_is_kept_verbatim_and_counted(venues):
    report = import_file("proceedings", SMALL.read_bytes())

    paper = Publication.objects.get(title="Unknown Venue Paper")

    assert paper.venue is None
    assert paper.venue_raw == "MadeUpConf"
    assert report.venues_unknown == 1
    assert report.unknown_venues == {"MadeUpConf": 1}
    assert report.venues_recognised == 4
    assert Publication.objects.get(title="Policies Without Rewards").venue.acronym == "ICLR"


def test_reimport_changes_nothing(venues):
    import_file("proceedings", SMALL.read_bytes())
    before = (Candidate.objects.count(), Publication.objects.count(), Authorship.objects.count(),
              PossibleDuplicate.objects.count())

    again = import_file("proceedings", SMALL.read_bytes())

    counts = again.counts()
    assert counts["created"] == counts["updated"] == counts["merged"] == counts["flagged"] == 0
    assert counts["skipped"] + counts["errors"] == counts["rows"] == 13
    assert again.skipped_reasons["already imported, nothing new"] == 10
    assert (Candidate.objects.count(), Publication.objects.count(), Authorship.objects.count(),
            PossibleDuplicate.objects.count()) == before


def test_dry_run_writes_nothing_but_reports_the_same(venues):
    dry = import_file("proceedings", SMALL.read_bytes(), dry_run=True)

    assert Candidate.objects.count() == 0
    assert Publication.objects.count() == 0
    assert ImportRun.objects.count() == 0
    real = import_file("proceedings", SMALL.read_bytes())
    assert dry.counts() == real.counts()


def test_import_run_records_the_summary(venues):
    report = import_file("proceedings", SMALL.read_bytes(), file_name="small.csv")

    run = ImportRun.objects.get(id=report.import_run_id)

    assert run.format == "proceedings"
    assert run.summary["rows"] == 13
    assert {i["row"] for i in run.issues} >= {4, 6, 7, 9, 11, 12}


def test_existing_candidate_with_case_variant_name_gets_the_authorship(venues):
    Candidate.objects.create(full_name="jason weston", current_employer="Facebook AI Research")
    text = HEADER + "ICML,2018,Memory Networks Revisited,JASON Weston,Facebook AI Research\n"

    report = import_file("proceedings", text.encode())

    assert _outcomes(report) == {1: "merged"}
    assert Candidate.objects.count() == 1
    assert Candidate.objects.get().authorships.count() == 1


def test_shared_co_author_links_name_variants_across_affiliations(venues):
    text = HEADER + (
        "ICML,2017,First Paper,Bilal Piot,DeepMind\n"
        "ICML,2017,First Paper,Olivier Pietquin,University of Lille\n"
        "ICML,2018,Second Paper,BILAL PIOT,Univ. Lille\n"
        "ICML,2018,Second Paper,Olivier Pietquin,University of Lille\n"
    )

    report = import_file("proceedings", text.encode())

    assert _outcomes(report)[3] == "merged"
    assert Candidate.objects.filter(name_key="bilalpiot").count() == 1


def test_bom_and_gb18030_files_decode_without_mojibake(venues):
    text = HEADER + "ICLR,2019,强化学习的探索,司马光,清华大学\n"

    bom = import_file("proceedings", b"\xef\xbb\xbf" + text.encode("utf-8"))
    Candidate.objects.all().delete()
    Publication.objects.all().delete()
    gb = import_file("proceedings", text.encode("gb18030"))

    assert bom.encoding == "utf-8-sig"
    assert gb.encoding == "gb18030"
    person = Candidate.objects.get()
    assert person.native_name == "司马光"
    assert Publication.objects.get().title == "强化学习的探索"
    assert "\ufffd" not in person.full_name + Authorship.objects.get().affiliation_raw


def test_undecodable_file_is_refused_and_writes_nothing(venues):
    text = HEADER + "ICML,2018,Some Paper,Jürgen Müller,München\n"

    with pytest.raises(ImportFileError, match="UTF-8"):
        import_file("proceedings", text.encode("cp1252"))

    assert Candidate.objects.count() == 0


def test_missing_columns_are_refused(venues):
    with pytest.raises(ImportFileError, match="author"):
        import_file("proceedings", b"Conference,Year,Title\nICML,2018,X\n")


@pytest.mark.parametrize("text", ["Jürgen", "name\nMüller\n", "Zoë Ørsted,Köln\n"])
def test_latin1_bytes_are_never_read_as_gbk_mojibake(text):
    from talent.importers.base import decode_bytes

    with pytest.raises(ImportFileError):
        decode_bytes(text.encode("cp1252"))


@pytest.mark.parametrize("text", ["司马光", "姓名,邮箱\n欧阳娜娜,nana@example.cn\n", "王小明 Microsoft Research Asia"])
def test_short_chinese_gbk_is_accepted(text):
    from talent.importers.base import decode_bytes

    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


def test_clash_with_a_concurrent_writer_keeps_nothing_half_written(venues):
    from talent.models import Publication as Pub

    def concurrent_import(_rows):  # called during planning: another import stores the same paper meanwhile
        if not Pub.objects.exists():
            Pub.objects.create(title="Learning to Walk with Deep Reinforcement Learning",
                               title_key="learningtowalkwithdeepreinforcementlearning", year=2017,
                               venue_key="v:neurips")

    with pytest.raises(ImportFileError, match="Run it again"):
        import_file("proceedings", SMALL.read_bytes(), progress=concurrent_import)

    assert Candidate.objects.count() == 0
    assert Authorship.objects.count() == 0
    assert Publication.objects.count() == 1  # only the other writer's row


def test_name_keys_follow_the_name_on_save(venues):
    person = Candidate.objects.create(full_name="Jane Roe")
    person.full_name = "Jäne  Doe"

    person.save(update_fields=["full_name"])

    person.refresh_from_db()
    assert (person.name_key, person.name_ends_key) == ("janedoe", "doe|jane")
