"""Venue recognition (talent.venues): normal form, tier rule, recognition rules, real spellings."""

import pytest
from django.db import transaction

from talent.models import Venue
from talent.services.reference import reference_data_load
from talent.venues import VenueIndex, VenueMatch, normalise_venue, recognise_venue, venue_index_reset, venue_tier

# Every venue spelling of the shared samples (copied here: tests must not read ../shared):
# the Conference column of icml_nips_iclr_papers_2019snapshot.csv, the booktitle fields
# of ml_papers_sample.bib and the booktitle of dblp_record_sample.xml.
PROCEEDINGS_CONFERENCES = {"NIPS": "NeurIPS", "ICML": "ICML", "ICLR": "ICLR"}
BIBTEX_BOOKTITLES = {
    "Advances in Neural Information Processing Systems": "NeurIPS",
    "{Proceedings of the 18th International Conference on Principles of Knowledge Representation and Reasoning}": "KR",
    "Proceedings of the 61st Annual Meeting of the Association for Computational\n"
    "                  Linguistics (Volume 1: Long Papers), {ACL} 2023, Toronto, Canada,\n"
    "                  July 9-14, 2023": "ACL",
}
DBLP_BOOKTITLES = {"ACL (1)": "ACL"}

COMMON_FORMS = {
    "NeurIPS": "NeurIPS",
    "Proceedings of the 36th International Conference on Machine Learning": "ICML",
    "ICML (1)": "ICML",
    "ICLR (Poster)": "ICLR",
    "ICLR (Oral)": "ICLR",
    "International Conference on Learning Representations": "ICLR",
    "CVPR": "CVPR",
    "IEEE/CVF Conference on Computer Vision and Pattern Recognition": "CVPR",
    "IEEE Conference on Computer Vision and Pattern Recognition, {CVPR} 2017": "CVPR",
    "Proceedings of the IEEE International Conference on Computer Vision": "ICCV",
    "EMNLP": "EMNLP",
    "EMNLP-IJCNLP (1)": "EMNLP",
    "NAACL-HLT": "NAACL",
    "Proceedings of the 2019 Conference of the North American Chapter of the Association for Computational "
    "Linguistics: Human Language Technologies, Volume 1 (Long and Short Papers)": "NAACL",
    "Proceedings of the Thirty-Third AAAI Conference on Artificial Intelligence": "AAAI",
    "IJCAI": "IJCAI",
    "KDD": "SIGKDD",
    "CoRL": "CoRL",
    "Robotics: Science and Systems XV": "RSS",
    "2019 International Conference on Robotics and Automation (ICRA)": "ICRA",
    "IROS": "IROS",
    "AAMAS": "AAMAS",
    "IEEE Trans. Pattern Anal. Mach. Intell.": "TPAMI",
    "J. Mach. Learn. Res.": "JMLR",
    "Advances in Neural Information Processing Systems 32: Annual Conference on Neural Information Processing "
    "Systems 2019, NeurIPS 2019, December 8-14, 2019, Vancouver, BC, Canada": "NeurIPS",
    "Computer Vision - ECCV 2018 - 15th European Conference, Munich, Germany, September 8-14, 2018, "
    "Proceedings, Part VI": "ECCV",
    "NeurIPS '18": "NeurIPS",
}


@pytest.fixture(scope="module")
def index(django_db_setup, django_db_blocker) -> VenueIndex:
    """The index over the shipped reference data (loaded in a rolled-back transaction)."""
    with django_db_blocker.unblock(), transaction.atomic():
        reference_data_load()
        idx = VenueIndex.load()
        transaction.set_rollback(True)
    return idx


def small_index() -> VenueIndex:
    return VenueIndex(
        venues=[
            (1, "NeurIPS", "Conference on Neural Information Processing Systems", 1, False),
            (2, "ICRA", "IEEE International Conference on Robotics and Automation", 1, False),
            (3, "arXiv", "arXiv preprint server", 0, True),
            (4, "HotNets", "ACM Workshop on Hot Topics in Networks", 3, False),
            (5, "ACL", "Annual Meeting of the Association for Computational Linguistics", 1, False),
            (6, "Findings", "Findings of the Association for Computational Linguistics", 0, False),
        ],
        aliases=[("nips", 1), ("advances in neural information processing systems", 1), ("corr", 3)],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ICML (1)", "icml"),
        ("ICLR (Poster)", "iclr"),
        ("Proceedings of the 36th International Conference on Machine Learning", "international conference on machine learning"),
        ("Proceedings of the Thirty-Third AAAI Conference on Artificial Intelligence", "aaai conference on artificial intelligence"),
        ("  Advances in Neural Information Processing Systems 31 ", "advances in neural information processing systems"),
        ("ACL 2023, Volume 2", "acl"),
        ("{IEEE} Trans. \\& Co", "ieee trans and co"),
        ("The Annual Conference on Learning Theory", "conference on learning theory"),
    ],
)
def test_normalise_venue_strips_years_ordinals_and_track_markers(text, expected):
    assert normalise_venue(text) == expected


@pytest.mark.parametrize(
    ("ccf", "core", "preprint", "tier"),
    [
        ("A", "A*", False, 1),
        ("B", "A*", False, 1),  # ICRA, IJCAI: CORE A* is enough
        ("A", "N", False, 1),  # NSDI
        ("B", "A", False, 2),
        ("N", "A", False, 2),
        ("C", "B", False, 3),
        ("N", "C", False, 3),
        ("N", "N", False, 0),
        ("", "", False, 0),
        ("A", "A*", True, 0),
    ],
)
def test_venue_tier_follows_the_documented_rule(ccf, core, preprint, tier):
    assert venue_tier(ccf, core, is_preprint=preprint) == tier


def test_recognise_returns_frozen_match_with_venue_fields():
    idx = small_index()

    match = idx.recognise("NIPS", 2017)

    assert match == VenueMatch("NIPS", 1, "NeurIPS", 1, False, False)
    with pytest.raises(AttributeError):
        match.tier = 3  # type: ignore[misc]


def test_recognise_workshop_is_not_the_main_conference():
    idx = small_index()

    for raw in ("NeurIPS 2018 Workshop on Deep Reinforcement Learning", "NIPS W/S on Bayesian Deep Learning", "NIPS Workshops"):
        match = idx.recognise(raw)

        assert (match.venue_id, match.acronym, match.tier, match.is_workshop) == (None, None, 0, True), raw


def test_recognise_venue_named_workshop_is_that_venue():
    idx = small_index()

    match = idx.recognise("ACM Workshop on Hot Topics in Networks")

    assert (match.acronym, match.is_workshop) == ("HotNets", False)


@pytest.mark.parametrize("raw", ["arXiv", "CoRR abs/1707.06347", "arXiv preprint arXiv:1707.06347", "ArXiv e-prints"])
def test_recognise_preprint_gives_the_arxiv_venue_at_tier_zero(raw):
    match = small_index().recognise(raw)

    assert (match.venue_id, match.tier, match.is_preprint, match.is_workshop) == (3, 0, True, False)


def test_recognise_unknown_venue_is_unmatched_and_raw_kept():
    match = small_index().recognise("Proceedings of the Symposium on Nothing Known")

    assert match == VenueMatch("Proceedings of the Symposium on Nothing Known", None, None, 0, False, False)
    assert not match.is_recognised


def test_recognise_findings_is_not_the_main_acl_conference():
    idx = small_index()

    assert idx.recognise("Findings of the Association for Computational Linguistics: ACL 2021").acronym == "Findings"
    assert idx.recognise("Annual Meeting of the Association for Computational Linguistics").acronym == "ACL"


def test_recognise_does_not_match_acronym_inside_a_word():
    idx = small_index()

    assert idx.recognise("PICRAL Conference").venue_id is None
    assert idx.recognise("ICRA").acronym == "ICRA"


@pytest.mark.django_db
def test_venue_index_load_uses_two_queries(django_assert_num_queries):
    reference_data_load()

    with django_assert_num_queries(2):
        idx = VenueIndex.load()
    with django_assert_num_queries(0):
        assert idx.recognise("NIPS").acronym == "NeurIPS"


@pytest.mark.parametrize(
    ("raw", "acronym"),
    [*PROCEEDINGS_CONFERENCES.items(), *BIBTEX_BOOKTITLES.items(), *DBLP_BOOKTITLES.items(), *COMMON_FORMS.items()],
)
def test_recognise_real_spellings(index, raw, acronym):
    match = index.recognise(raw)

    assert match.acronym == acronym
    assert not match.is_workshop and not match.is_preprint


@pytest.mark.parametrize("acronym", ["NeurIPS", "ICML", "ICLR", "CVPR", "ACL"])
def test_recognise_top_ml_venues_are_tier_one(index, acronym):
    assert index.recognise(acronym).tier == 1


def test_recognise_findings_of_acl_in_shipped_data_is_recognised_but_not_top(index):
    match = index.recognise("Findings of ACL")

    assert match.acronym == "Findings"
    assert match.tier == 0


def test_recognise_workshop_at_real_venue_names(index):
    for raw in ("ICLR (Workshop)", "ICML Workshop on Exploration in Reinforcement Learning", "CVPR Workshops",
                "BlackboxNLP@EMNLP", "RepL4NLP@ACL", "WWW (Companion Volume)", "AAAI Student Abstracts"):
        assert index.recognise(raw).is_workshop, raw


@pytest.fixture
def fresh_process_index():
    venue_index_reset()
    yield
    venue_index_reset()


@pytest.mark.django_db
def test_recognise_venue_uses_a_cached_index(fresh_process_index, django_assert_num_queries):
    Venue.objects.create(acronym="ZZCONF", name="Zeta Zeta Conference", tier=3)

    with django_assert_num_queries(2):
        assert recognise_venue("Zeta Zeta Conference").acronym == "ZZCONF"
    with django_assert_num_queries(0):
        assert recognise_venue("ZZCONF 2020").tier == 3


@pytest.mark.django_db
def test_reference_data_load_resets_the_cached_index(fresh_process_index):
    assert recognise_venue("NeurIPS").venue_id is None  # empty tables

    reference_data_load()

    assert recognise_venue("NeurIPS").acronym == "NeurIPS"


def _demo_rows() -> list[dict[str, str]]:
    """The proceedings data set shipped for the demo (talent/data/demo/, see its README)."""
    import csv
    import io
    from importlib import resources

    path = resources.files("talent").joinpath("data", "demo", "icml_nips_iclr_papers_2019snapshot.csv")
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_recognise_every_conference_of_the_shipped_proceedings_file(index):
    conferences = {row["Conference"] for row in _demo_rows()}

    matches = {raw: index.recognise(raw) for raw in conferences}

    assert conferences == {"NIPS", "ICML", "ICLR"}
    assert {raw: (m.acronym, m.tier) for raw, m in matches.items()} == {
        "NIPS": ("NeurIPS", 1), "ICML": ("ICML", 1), "ICLR": ("ICLR", 1),
    }


def _venue_table() -> list[dict[str, str]]:
    """Real venue strings with the venue they are (tests/talent/data/venues/venue_strings.csv).

    ``expected`` is a venue acronym, or ``unknown``, ``workshop``, ``tutorial``, ``newsletter``,
    ``book``, ``thesis`` or ``preprint`` (a preprint server other than arXiv).
    """
    import csv
    from pathlib import Path

    path = Path(__file__).parent / "data" / "venues" / "venue_strings.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_venue_table_has_at_least_two_hundred_real_strings():
    rows = _venue_table()

    assert len(rows) >= 200
    assert all(row["source"] for row in rows)
    assert sum(row["expected"] in ("unknown", "workshop", "tutorial", "newsletter", "book") for row in rows) >= 50


@pytest.mark.parametrize("row", _venue_table(), ids=lambda row: row["venue"][:60])
def test_venue_table_string_is_recognised_as_what_it_is(index, row):
    match = index.recognise(row["venue"])

    found = match.acronym or match.side or ("preprint" if match.is_preprint else "unknown")
    assert found == row["expected"]
    if match.side in ("workshop", "tutorial", "newsletter", "book", "thesis") or found == "unknown":
        assert (match.venue_id, match.tier) == (None, 0)
    assert match.is_workshop == (match.side in ("workshop", "tutorial"))


@pytest.mark.parametrize("raw", [
    "ICML Invertible Neural Networks and Normalizing Flows", "NIPS 2016 Tutorial",
    "AAAI Portuguese Conference on AI", "SIGKDD Explor. Newsl.", "Pattern Recognition (ICPR), 23rd International Conference on",
    "Neural Networks: Tricks of the Trade",
])
def test_no_string_of_another_kind_is_promoted_to_a_top_tier_venue(index, raw):
    match = index.recognise(raw)

    assert match.tier != 1, match
