"""Reference data loading (talent.services.reference, manage.py load_reference_data)."""

import csv
import io
from importlib import resources

import pytest
from django.core.management import call_command

from talent.models import Specialty, Venue, VenueAlias
from talent.services.reference import alias_rows, reference_data_load, specialty_rows, venue_rows

pytestmark = pytest.mark.django_db


def _data_csv(*parts: str) -> list[dict[str, str]]:
    text = resources.files("talent").joinpath("data", *parts).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_reference_data_load_creates_every_row_of_the_data_files():
    ccfddl = _data_csv("venues", "ccfddl_venue_ranks.csv")
    extra = _data_csv("venues", "venues_extra.csv")

    counts = reference_data_load()

    assert counts["venues_created"] == len(ccfddl) + len(extra) == Venue.objects.count()
    assert counts["aliases_created"] == len(alias_rows()) == VenueAlias.objects.count()
    assert counts["specialties_created"] == len(specialty_rows()) == Specialty.objects.count()
    assert counts["venues_updated"] == counts["venues_unchanged"] == 0


def test_reference_data_load_second_run_changes_nothing():
    reference_data_load()
    before = list(Venue.objects.order_by("acronym").values()), list(VenueAlias.objects.order_by("alias").values())

    counts = reference_data_load()

    assert {k: v for k, v in counts.items() if not k.endswith("_unchanged")} == dict.fromkeys(
        [f"{kind}_{what}" for kind in ("venues", "aliases", "specialties") for what in ("created", "updated")], 0
    )
    assert counts["venues_unchanged"] == Venue.objects.count()
    assert (list(Venue.objects.order_by("acronym").values()), list(VenueAlias.objects.order_by("alias").values())) == before


def test_reference_data_load_repairs_an_edited_venue():
    reference_data_load()
    Venue.objects.filter(acronym="ICLR").update(tier=3, ccf_rank="C")

    counts = reference_data_load()

    assert counts["venues_updated"] == 1
    assert Venue.objects.values_list("tier", "ccf_rank").get(acronym="ICLR") == (1, "A")


def test_reference_data_top_ml_venues_are_tier_one_and_arxiv_is_a_preprint():
    reference_data_load()

    tiers = dict(Venue.objects.filter(acronym__in=["ICLR", "NeurIPS", "ICML", "CVPR", "IJCAI"]).values_list("acronym", "tier"))
    arxiv = Venue.objects.get(acronym="arXiv")

    assert tiers == {"ICLR": 1, "NeurIPS": 1, "ICML": 1, "CVPR": 1, "IJCAI": 1}
    assert arxiv.is_preprint and arxiv.tier == 0
    assert set(arxiv.aliases.values_list("alias", flat=True)) >= {"arxiv", "corr", "arxiv preprint", "corr abs"}


def test_reference_data_duplicate_acronyms_are_disambiguated():
    rows = venue_rows()

    acronyms = [row["acronym"] for row in rows]

    assert len(acronyms) == len(set(acronyms))
    fse = {row["acronym"]: row["name"] for row in rows if str(row["acronym"]).startswith("FSE")}
    assert fse == {"FSE": "ACM International Conference on the Foundations of Software Engineering",
                   "FSE-SC": "Fast Software Encryption"}


def test_reference_data_tier_matches_ranks_of_the_csv():
    by_acronym = {row["acronym"]: row for row in venue_rows()}

    assert by_acronym["ICRA"]["tier"] == 1  # CCF B, CORE A*
    assert by_acronym["IROS"]["tier"] == 2  # CCF C, CORE A
    assert by_acronym["CoRL"]["tier"] == 0  # unranked by both
    assert by_acronym["ACCV"]["tier"] == 3  # CCF C, CORE B
    assert by_acronym["ICLR"]["ccf_rank"] == "A"  # CCF 2026 edition


def test_specialty_taxonomy_has_the_required_nodes_and_parents():
    reference_data_load()

    parents = dict(Specialty.objects.values_list("slug", "parent__slug"))

    assert parents["machine-learning"] is None
    for child in ("rlhf-post-training", "offline-rl", "multi-agent-rl", "robot-learning"):
        assert parents[child] == "reinforcement-learning"
    assert parents["llm-pretraining"] == parents["alignment"] == "nlp"
    for slug in ("computer-vision", "speech", "ml-systems", "recommendation-search", "robotics"):
        assert slug in parents
    rl = Specialty.objects.get(slug="reinforcement-learning")
    assert rl.name_zh == "强化学习"
    assert "policy gradient" in rl.keywords
    assert all(k == k.lower() for s in Specialty.objects.all() for k in s.keywords)


def test_load_reference_data_command_prints_counts():
    out = io.StringIO()

    call_command("load_reference_data", stdout=out)
    call_command("load_reference_data", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"venues: {Venue.objects.count()} created")
    assert lines[3] == f"venues: 0 created, 0 updated, {Venue.objects.count()} unchanged"
