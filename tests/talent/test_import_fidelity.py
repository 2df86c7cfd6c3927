"""Issue 13: the reading, venue and identity defects found on real files, one test per kind of case."""

from __future__ import annotations

import pytest

from talent.countries import country_code
from talent.importers import ImportFileError, import_file
from talent.importers.base import year_parse
from talent.models import Candidate, PossibleDuplicate, Publication
from talent.services.mailbox import mailbox_key
from talent.services.names import is_group_author, name_decorations_split, name_is_distinctive, name_key
from talent.services.reference import reference_data_load


@pytest.fixture
def venues(db):
    reference_data_load()


def _bib(text: str, **kwargs):
    return import_file("bibtex", text.encode(), file_name="refs.bib", **kwargs)


LINKEDIN_HEAD = ("Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are "
                 "missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n")


def _linkedin(rows: str, **kwargs):
    return import_file("linkedin", (LINKEDIN_HEAD + rows).encode(), file_name="Connections.csv", **kwargs)


# --- reading ------------------------------------------------------------------------------


def test_bibtex_field_names_in_any_case_are_read(venues):
    report = _bib("@InProceedings{k1, Title = {Adam}, Author = {Kingma, Diederik P. and Ba, Jimmy},\n"
                  "  BookTitle = {ICLR}, YEAR = {2015}}\n")

    assert report.counts()["errors"] == 0
    assert Publication.objects.get().venue.acronym == "ICLR"
    assert Candidate.objects.count() == 2


def test_et_al_and_others_name_nobody_and_are_counted(venues):
    report = _bib("@article{a, title={X}, author={Doe, Jane and et al.}, journal={Nature}, year={2020}}\n"
                  "@article{b, title={Y}, author={Roe, Richard and others}, journal={Nature}, year={2020}}\n"
                  "@article{c, title={Z}, author={John Smith et al.}, journal={Nature}, year={2020}}\n")

    assert report.authors_omitted == 3
    assert sorted(Candidate.objects.values_list("full_name", flat=True)) == ["Jane Doe", "John Smith", "Richard Roe"]
    assert report.counts()["rows"] == 3


def test_group_authors_stay_on_the_publication(venues):
    report = _bib("@misc{g, title={GPT-4 Technical Report}, author={{OpenAI}}, year={2023}}\n"
                  "@misc{h, title={Gemini}, author={Gemini Team and Anil, Rohan}, year={2023}}\n")

    assert not Candidate.objects.filter(full_name__in=["OpenAI", "Gemini Team"]).exists()
    assert dict(Publication.objects.values_list("title", "group_authors")) == {
        "GPT-4 Technical Report": "OpenAI", "Gemini": "Gemini Team"}
    assert report.counts()["skipped"] == 2


@pytest.mark.parametrize(("name", "group"), [
    ("OpenAI", True), ("FAIR", True), ("Gemini Team", True), ("BIG-bench collaboration", True),
    ("Allen Institute for AI", True), ("Mausam", False), ("Max Planck", False),
    ("University of California Moritz Hardt", False), ("Xi Chen", False),
])
def test_group_author_rule(name, group):
    assert is_group_author(name) is group


@pytest.mark.parametrize(("text", "year"), [("1943", (1943, "")), ("2023a", (2023, "a")), ("{2019b}", (2019, "b"))])
def test_year_parse_accepts_classics_and_suffixes(text, year):
    assert year_parse(text) == year


@pytest.mark.parametrize("text", ["n.d.", "in press", "20233", "999", "3020"])
def test_year_parse_refuses_what_is_no_year(text):
    with pytest.raises(ValueError):
        year_parse(text)


def test_classic_and_suffixed_years_import(venues):
    report = _bib("@article{mp43, Author={McCulloch, Warren S. and Pitts, Walter}, Title={A logical calculus},"
                  " Journal={The bulletin of mathematical biophysics}, Year={1943}}\n"
                  "@misc{t23a, author={Touvron, Hugo}, title={LLaMA}, year={2023a}}\n")

    assert report.counts()["errors"] == 0
    assert sorted(Publication.objects.values_list("year", flat=True)) == [1943, 2023]


def test_duplicate_key_is_a_duplicate_of_the_first_entry_not_unreadable(venues):
    entry = "@article{same, title={Attention}, author={Vaswani, Ashish}, journal={NeurIPS}, year={2017}}\n"

    report = _bib(entry + entry)

    results = report.results
    assert [r.outcome for r in results] == ["created", "skipped"]
    assert "duplicate of entry same" in results[1].reason


def test_jsonresume_present_website_and_free_text_country(venues):
    resume = ('{"basics": {"name": "Ana Lima", "website": "https://ana.example.org", "location": {"countryCode": '
              '"Brazil"}, "profiles": [{"network": "Website", "url": "https://ana.example.org/blog"}]},'
              ' "work": [{"name": "Example AI", "position": "Scientist", "startDate": "2020-01", "endDate": "present"}]}')

    report = import_file("jsonresume", resume.encode())

    ana = Candidate.objects.get()
    assert (ana.current_employer, ana.homepage_url, ana.country) == ("Example AI", "https://ana.example.org", "BR")
    assert report.results[0].field_errors == {}


def test_jsonresume_ambiguous_country_is_kept_as_written_with_a_word(venues):
    report = import_file("jsonresume", b'{"basics": {"name": "Min Park", "location": {"countryCode": "Korea"}}}')

    park = Candidate.objects.get()
    assert (park.country, park.country_as_written) == ("", "Korea")
    assert "Korea" in report.results[0].field_errors["basics.location.countryCode"]


def test_jsonresume_trailing_comma_is_read_with_a_warning_and_real_errors_still_say_where(venues):
    report = import_file("jsonresume", b'{"basics": {"name": "Ana Lima",},\n "work": [],}')

    assert Candidate.objects.count() == 1
    assert report.warnings and "Line 1" in report.warnings[0]
    with pytest.raises(ImportFileError, match=r"line 2, column \d+"):
        import_file("jsonresume", b'{"basics": {"name": "Ana Lima"},\n "work": [oops]}')


@pytest.mark.parametrize(("text", "code"), [("CN", "CN"), ("CHN", "CN"), ("China", "CN"), ("中国", "CN"),
                                            ("United States", "US"), ("USA", "US"), ("UK", "GB"), ("Deutschland", "DE"),
                                            ("Korea", None), ("Remote", None), ("", None)])
def test_country_code_maps_only_unambiguous_names(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize(("raw", "name", "decorations"), [
    ("Jane Doe (she/her)", "Jane Doe", {"pronouns": "she/her"}),
    ("Daniel Okonkwo, CFP®", "Daniel Okonkwo", {"symbols": "®", "credentials": "CFP"}),
    ("Dr. Helga Sørensen", "Helga Sørensen", {"honorifics": "Dr."}),
    ("𝐌𝐚𝐫𝐜𝐨 𝐁𝐞𝐫𝐭𝐨𝐥𝐝𝐢 🚀", "Marco Bertoldi", {"symbols": "🚀"}),
    ("Martin Luther King, Jr.", "Martin Luther King, Jr.", {}),
    ("王小明", "王小明", {}),
])
def test_name_decorations_are_taken_apart(raw, name, decorations):
    assert name_decorations_split(raw) == (name, decorations)


def test_linkedin_name_is_stored_clean_and_found_by_search_the_original_kept(venues):
    report = _linkedin("𝐉𝐚𝐧𝐞,𝐃𝐨𝐞 (she/her),https://www.linkedin.com/in/example-jd,,Example,Engineer,01 Jan 2024\n")

    jane = Candidate.objects.get()
    assert jane.full_name == "Jane Doe"
    assert list(Candidate.objects.search("jane doe")) == [jane]
    assert name_key("𝐉𝐚𝐧𝐞 𝐃𝐨𝐞") == "janedoe"
    issue = report.issues()[0]
    assert issue["name_as_written"] == "𝐉𝐚𝐧𝐞 𝐃𝐨𝐞 (she/her)" and issue["name_decorations"] == {"pronouns": "she/her"}


# --- identity -----------------------------------------------------------------------------

PROCEEDINGS_HEAD = "Conference,Year,Title,Author,Affiliation\n"


def test_exact_name_alone_never_joins_across_sources(venues):
    import_file("proceedings", (PROCEEDINGS_HEAD + "ICML,2019,Paper A,Xi Chen,Example University\n"
                                "ICML,2019,Paper A,Ana Lima,Example University\n").encode())

    report = _linkedin("Xi,Chen,,,Example Fashion Retail,Merchandising Analyst,01 Jan 2024\n")

    assert report.results[0].outcome == "flagged"
    assert Candidate.objects.filter(full_name="Xi Chen").count() == 2
    assert PossibleDuplicate.objects.count() == 1


def test_same_name_at_two_employers_in_one_file_is_two_people(venues):
    report = _linkedin("Wei,Li,,,Example Bank,Analyst,01 Jan 2024\nWei,Li,,,Example Robotics,Engineer,01 Jan 2024\n")

    assert [r.outcome for r in report.results] == ["created", "flagged"]
    assert Candidate.objects.filter(full_name="Wei Li").count() == 2


def test_trivial_spelling_variants_of_a_distinctive_name_merge(venues):
    report = _bib(
        "@inproceedings{a, author={Kingma, Diederik P and Welling, Max}, title={Auto-Encoding Variational Bayes},"
        " booktitle={International Conference on Learning Representations}, year={2014}}\n"
        "@inproceedings{b, author={Kingma, Diederik P. and Dhariwal, Prafulla}, title={Glow},"
        " booktitle={Advances in neural information processing systems}, year={2018}}\n"
        "@inproceedings{c, author={Munos, R{\\'e}mi}, title={Safe off-policy RL}, booktitle={NeurIPS}, year={2016}}\n"
        "@inproceedings{d, author={Munos, Remi and Espeholt, Lasse}, title={IMPALA}, booktitle={ICML}, year={2018}}\n"
        "@inproceedings{e, author={Van Hasselt, Hado}, title={Double DQN}, booktitle={AAAI}, year={2016}}\n"
        "@inproceedings{f, author={van Hasselt, Hado}, title={Double Q-learning}, booktitle={NIPS}, year={2010}}\n")

    assert report.counts()["flagged"] == 0
    for key in ("diederikpkingma", "remimunos", "hadovanhasselt"):
        assert Candidate.objects.filter(name_key=key).count() == 1, key


def test_common_name_with_nothing_else_in_common_is_flagged_not_merged(venues):
    report = _bib("@article{a, author={Tao, Dacheng}, title={One}, journal={IEEE Trans. Image Process.}, year={2015}}\n"
                  "@article{b, author={Tao, Dacheng}, title={Two}, journal={Nature}, year={2016}}\n")

    assert [r.outcome for r in report.results] == ["created", "flagged"]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("xiao.ming.wang@gmail.com", "XiaomingWang+cv@googlemail.com", True),
    ("li+cv@outlook.com", "li@outlook.com", True),
    ("wang+x@cs.stanford.edu", "wang@cs.stanford.edu", False),
    ("a.b@example.org", "ab@example.org", False),
])
def test_mailbox_key_follows_what_providers_document(a, b, same):
    assert (mailbox_key(a) == mailbox_key(b)) is same


def test_gmail_variants_are_one_person_stored_as_written(venues):
    report = _linkedin("Kenji,Watanabe,,kenji.watanabe@gmail.com,Example Games,Lead Engineer,01 Jan 2024\n"
                       "Kenji,Watanabe,,Kenji.Wata.nabe+li@gmail.com,Example Games,Lead Engineer,01 Jan 2024\n")

    assert Candidate.objects.count() == 1
    assert Candidate.objects.get().email == "kenji.watanabe@gmail.com"
    assert report.results[1].outcome == "skipped"


def test_same_name_and_employer_with_different_emails_is_flagged(venues):
    report = _linkedin("Sofia,Marchetti,,sofia@example.it,Example Analytics,Data Scientist,01 Jan 2024\n"
                       "Sofia,Marchetti,,s.marchetti@example-mail.it,Example Analytics,Data Scientist,01 Jan 2024\n")

    assert [r.outcome for r in report.results] == ["created", "flagged"]
    assert PossibleDuplicate.objects.count() == 1


def test_conflicting_rows_for_one_person_name_each_field_and_both_values(venues):
    report = _linkedin("Ana,Lima,https://www.linkedin.com/in/example-al,,Example AI,Scientist,01 Jan 2024\n"
                       "Ana,Lima,https://www.linkedin.com/in/example-al,,Example Labs,Senior Scientist,01 Jan 2024\n")

    second = report.results[1]
    assert second.conflicts == [
        {"field": "current_employer", "kept": "Example AI", "kept_row": 1, "dropped": "Example Labs"},
        {"field": "current_title", "kept": "Scientist", "kept_row": 1, "dropped": "Senior Scientist"},
    ]
    assert "Example Labs" in second.reason and "row 1, kept" in second.reason
    assert report.to_summary()["conflicts"] == 1


def test_one_title_in_one_year_at_two_venues_keeps_both(venues):
    _bib("@inproceedings{a, author={Munos, Remi}, title={Safe RL}, booktitle={NIPS Deep RL Workshop}, year={2016}}\n"
         "@inproceedings{b, author={Munos, Remi}, title={Safe RL}, booktitle={NeurIPS}, year={2016}}\n"
         "@misc{c, author={Munos, Remi}, title={Safe RL}, year={2016}}\n")

    rows = sorted((p.venue_raw, p.is_workshop, p.authorships.count()) for p in Publication.objects.all())

    assert rows == [("NIPS Deep RL Workshop", True, 1), ("NeurIPS", False, 1)]
    assert Candidate.objects.count() == 1


def test_distinctive_name_with_a_shared_field_joins_across_sources(venues):
    import_file("proceedings", (PROCEEDINGS_HEAD + "NIPS,2015,Training Very Deep Networks,Jürgen Schmidhuber,Swiss AI Lab\n"
                                "NIPS,2015,Training Very Deep Networks,Rupesh K Srivastava,IDSIA\n").encode())

    report = _bib("@article{lstm, author={Hochreiter, Sepp and Schmidhuber, J{\\\"u}rgen}, title={Long Short-Term Memory},"
                  " journal={Neural Computation}, year={1997}}\n")

    assert name_is_distinctive("Jürgen Schmidhuber") and not name_is_distinctive("Xi Chen")
    assert Candidate.objects.filter(name_key="jurgenschmidhuber").count() == 1
    assert report.results[1].outcome == "updated" and "same field" in report.results[1].reason


def test_overlapping_affiliation_joins_a_common_name(venues):
    report = import_file("proceedings", (
        PROCEEDINGS_HEAD + "NIPS,2015,Paper One,Lei Zhang,Swiss AI Lab\n"
        "NIPS,2016,Paper Two,Lei Zhang,\"NNAISENSE, Swiss AI Lab IDSIA\"\n").encode())

    assert [r.outcome for r in report.results] == ["created", "updated"]
    assert Candidate.objects.count() == 1
