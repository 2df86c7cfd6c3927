"""BibTeX (bibtexparser v2) and DBLP XML imports, and how they meet the proceedings import."""

from __future__ import annotations

from pathlib import Path

import pytest

from talent.importers import ImportFileError, import_file
from talent.models import Authorship, Candidate, Publication
from talent.services.reference import reference_data_load

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
BIB = (DATA / "ml_papers_sample.bib").read_bytes()  # copy of shared/data/papers/ml_papers_sample.bib
DBLP = (DATA / "dblp_record_sample.xml").read_bytes()  # copy of shared/data/papers/dblp_record_sample.xml


@pytest.fixture
def venues(db):
    reference_data_load()


def test_bibtex_sample_decodes_latex_and_keeps_particles(venues):
    report = import_file("bibtex", BIB, file_name="ml_papers_sample.bib")

    names = set(Candidate.objects.values_list("full_name", flat=True))
    assert {"Giulia Cassarà", "Pietro Lió", "Emile van Krieken", "Frank van Harmelen", "Luc De Raedt",
            "Annette Ten Teije", "Haw-Shiuan Chang"} <= names
    assert not any("\\" in n or "{" in n for n in names)
    assert report.counts()["rows"] == 28
    assert report.counts()["errors"] == 0
    assert Publication.objects.count() == 6


def test_bibtex_same_author_in_two_entries_is_one_candidate(venues):
    import_file("bibtex", BIB)

    luc = Candidate.objects.get(full_name="Luc De Raedt")

    assert luc.authorships.count() == 2
    assert Candidate.objects.filter(full_name="Robin Manhaeve").count() == 1


def test_bibtex_venue_from_booktitle_is_recognised(venues):
    report = import_file("bibtex", BIB)

    neurips = Publication.objects.get(title="Sheaf Hypergraph Networks")
    acl = Publication.objects.get(title__startswith="Multi-CLS BERT")
    assert neurips.venue.acronym == "NeurIPS"
    assert acl.venue.acronym == "ACL"
    assert acl.doi == "10.18653/v1/2023.acl-long.48"
    assert Publication.objects.get(title="DeepProbLog: Neural Probabilistic Logic Programming").year == 2018
    assert (report.venues_recognised, report.venues_unknown) == (6, 0)  # NeurIPS x4, KR, ACL


def test_bibtex_reimport_creates_nothing(venues):
    import_file("bibtex", BIB)
    before = Authorship.objects.count()

    again = import_file("bibtex", BIB)

    assert again.counts()["created"] == 0
    assert again.counts()["skipped"] == 28
    assert Authorship.objects.count() == before


def test_bibtex_broken_entry_is_an_error_row_while_others_import(venues):
    text = "@article{ok, title={Good}, author={Doe, Jane}, journal={JMLR}, year={2020}}\n" \
           "@article{noyear, title={No Year}, author={Roe, Richard}, journal={JMLR}}\n"

    report = import_file("bibtex", text.encode())

    outcomes = sorted(str(r.outcome) for r in report.results)
    assert outcomes == ["created", "error"]
    assert Candidate.objects.get().full_name == "Jane Doe"


def test_bibtex_without_entries_is_refused(venues):
    with pytest.raises(ImportFileError):
        import_file("bibtex", b"just some text, no entries")


def test_dblp_record_keeps_person_ids(venues):
    report = import_file("dblp", DBLP, file_name="dblp_record_sample.xml")

    assert report.counts() == {"rows": 4, "created": 4, "updated": 0, "merged": 0, "flagged": 0, "skipped": 0,
                               "errors": 0}
    assert Candidate.objects.get(dblp_pid="m/AndrewMcCallum").full_name == "Andrew McCallum"
    paper = Publication.objects.get()
    assert paper.dblp_key == "conf/acl/ChangSRM23"
    assert paper.venue.acronym == "ACL"
    assert paper.title == "Multi-CLS BERT: An Efficient Alternative to Traditional Ensembling"


def test_dblp_after_bibtex_fills_pids_on_the_same_people_and_paper(venues):
    import_file("bibtex", BIB)
    people = Candidate.objects.count()

    report = import_file("dblp", DBLP)

    assert Candidate.objects.count() == people
    assert report.counts()["updated"] == 4
    assert Candidate.objects.get(full_name="Haw-Shiuan Chang").dblp_pid == "130/1022"
    assert Publication.objects.filter(doi="10.18653/v1/2023.acl-long.48").count() == 1


def test_dblp_entities_decode_and_homonym_numbers_drop(venues):
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE dblp SYSTEM "dblp.dtd">
<dblp><article key="journals/x/1" mdate="2020-01-01">
<author pid="1/1">J&ouml;rg M&uuml;ller</author><author pid="2/2">Wei Wang 0001</author>
<title>Entities &amp; Homonyms.</title><year>2020</year><journal>JMLR</journal></article></dblp>"""

    import_file("dblp", xml)

    assert set(Candidate.objects.values_list("full_name", flat=True)) == {"Jörg Müller", "Wei Wang"}
    assert Publication.objects.get().title == "Entities & Homonyms"


def test_dblp_entity_expansion_is_refused(venues):
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
<dblp><article key="a"><author>&lol2;</author><title>t</title><year>2020</year></article></dblp>"""

    with pytest.raises(ImportFileError, match="forbidden"):
        import_file("dblp", bomb)

    assert Candidate.objects.count() == 0


def test_proceedings_then_bibtex_of_the_same_paper_adds_no_publication(venues):
    csv = ("Conference,Year,Title,Author,Affiliation\n"
           "NIPS,2018,DeepProbLog: Neural Probabilistic Logic Programming,Robin Manhaeve,KU Leuven\n"
           "NIPS,2018,DeepProbLog: Neural Probabilistic Logic Programming,Luc De Raedt,KU Leuven\n")
    import_file("proceedings", csv.encode())

    import_file("bibtex", BIB)

    paper = Publication.objects.get(title__startswith="DeepProbLog")
    assert paper.authorships.count() == 5
    assert Candidate.objects.filter(full_name="Luc De Raedt").count() == 1


def test_bibtex_workshop_and_preprint_are_marked_not_counted_as_the_main_venue(venues):
    text = ("@inproceedings{w, title={A Workshop Paper}, author={Doe, Jane},"
            " booktitle={NeurIPS 2019 Workshop on Deep Reinforcement Learning}, year={2019}}\n"
            "@article{p, title={A Preprint}, author={Doe, Jane}, journal={arXiv preprint arXiv:1707.06347}, year={2017}}\n")

    report = import_file("bibtex", text.encode())

    workshop = Publication.objects.get(title="A Workshop Paper")
    preprint = Publication.objects.get(title="A Preprint")
    assert workshop.is_workshop and workshop.venue is None
    assert workshop.venue_raw == "NeurIPS 2019 Workshop on Deep Reinforcement Learning"
    assert preprint.is_preprint and preprint.venue.acronym == "arXiv"
    assert (report.venues_workshop, report.venues_recognised, report.venues_unknown) == (1, 1, 0)


def test_dblp_person_page_then_paper_by_pid_is_one_candidate(venues):
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<dblp>
<inproceedings key="conf/x/1"><author pid="130/1022">Haw-Shiuan Chang</author>
<title>A Paper.</title><year>2023</year><booktitle>ACL (1)</booktitle></inproceedings>
<www key="homepages/130/1022"><author>Haw-Shiuan Chang</author><author>H. S. Chang</author><title>Home Page</title>
<url>https://people.cs.umass.edu/~hschang/</url><url>https://orcid.org/0000-0002-1825-0097</url>
<note type="affiliation">University of Massachusetts Amherst</note></www>
<www key="www/org/x"><title>Some org</title></www>
</dblp>"""

    report = import_file("dblp", xml)

    assert [str(r.outcome) for r in report.results] == ["updated", "created", "skipped"]  # persons go first
    person = Candidate.objects.get()
    assert (person.dblp_pid, person.orcid) == ("130/1022", "0000-0002-1825-0097")
    assert person.homepage_url == "https://people.cs.umass.edu/~hschang/"
    assert person.current_employer == "University of Massachusetts Amherst"
    assert person.authorships.count() == 1
    assert report.counts()["rows"] == 3
