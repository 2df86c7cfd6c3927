"""Fit scoring end to end on the database: ordering, must-haves, off-limits, persistence."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from djmoney.money import Money

from crm.fx import fx_default_on
from crm.models import FitScore, ScoringRun
from crm.scoring import SCORER_VERSION
from crm.scoring.services import candidate_openings_live, candidates_rescore, openings_rescore
from talent.models import Candidate
from tests.crm.factories import (
    CandidacyFactory,
    CompanyFactory,
    FxRateFactory,
    OpeningFactory,
    OpeningRequirementFactory,
)
from tests.talent.factories import (
    AuthorshipFactory,
    CandidateFactory,
    PublicationFactory,
    ResearchProfileFactory,
    SpecialtyFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Save-triggered rescoring coalesces through the cache: start each test without its keys."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def taxonomy():
    ml = SpecialtyFactory(slug="machine-learning", name="Machine learning")
    rl = SpecialtyFactory(slug="reinforcement-learning", name="Reinforcement learning", parent=ml)
    rlhf = SpecialtyFactory(slug="rlhf", name="RLHF", parent=rl)
    cv = SpecialtyFactory(slug="computer-vision", name="Computer vision", parent=ml)
    return {"ml": ml, "rl": rl, "rlhf": rlhf, "cv": cv}


@pytest.fixture
def rl_opening(taxonomy):
    opening = OpeningFactory(title="RL Research Scientist", min_degree="phd", min_years=2, max_years=10,
                             target_top_papers=3, city="Beijing")
    OpeningRequirementFactory(opening=opening, specialty=taxonomy["rl"], weight=Decimal("2"))
    return opening


def _rl_phd(taxonomy, n_papers=3):
    candidate = CandidateFactory(phd=True, years_experience=5, city="Beijing",
                                 expected_compensation=Money(Decimal("2000000"), "CNY"))
    candidate.specialties.add(taxonomy["rl"])
    for acronym in ["NeurIPS", "ICML", "ICLR"][:n_papers]:
        AuthorshipFactory(candidate=candidate, position=1,
                          publication=PublicationFactory(venue=VenueFactory(acronym=acronym), year=2025))
    return candidate


def test_openings_rescore_ranks_rl_phd_with_first_author_papers_above_msc_without(taxonomy, rl_opening):
    phd = _rl_phd(taxonomy)
    msc = CandidateFactory(highest_degree=Candidate.Degree.MSC, years_experience=5, city="Beijing")

    run = openings_rescore([rl_opening.id])

    scores = {fs.candidate_id: fs for fs in FitScore.objects.filter(opening=rl_opening)}
    assert scores[phd.id].score > scores[msc.id].score
    assert scores[phd.id].score > Decimal("80")
    assert [entry["factor"] for entry in scores[phd.id].breakdown][:6] == [
        "specialty", "research", "degree", "experience", "compensation", "location"]
    assert all(entry["explanation"] for entry in scores[phd.id].breakdown)
    assert scores[phd.id].scorer_version == SCORER_VERSION
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.SUCCEEDED
    assert run.rows_written == 2 and run.candidate_count == 2 and run.opening_count == 1
    assert {"features", "kernel", "persist", "total"} <= set(run.timings)


def test_failed_must_have_gives_zero_with_the_reason(taxonomy, rl_opening):
    OpeningRequirementFactory(opening=rl_opening, specialty=taxonomy["cv"], is_must_have=True)
    phd = _rl_phd(taxonomy)

    openings_rescore([rl_opening.id])

    fs = FitScore.objects.get(opening=rl_opening, candidate=phd)
    assert fs.score == Decimal("0")
    must = [entry for entry in fs.breakdown if entry["factor"] == "must_have"]
    assert must and "Computer vision" in must[0]["explanation"]


def test_must_have_met_by_narrower_inferred_specialty(taxonomy, rl_opening):
    OpeningRequirementFactory(opening=rl_opening, specialty=taxonomy["ml"], is_must_have=True)
    candidate = CandidateFactory(phd=True)
    ResearchProfileFactory(candidate=candidate, inferred_specialties=[{"slug": "rlhf", "evidence": ["NeurIPS 2024"]}])

    openings_rescore([rl_opening.id])

    fs = FitScore.objects.get(opening=rl_opening, candidate=candidate)
    assert fs.score > 0
    assert not [entry for entry in fs.breakdown if entry["factor"] == "must_have"]
    assert fs.breakdown[0]["value"] == pytest.approx(0.8)  # RLHF is narrower than the RL requirement


def test_off_limits_candidates_are_excluded_with_the_reason(taxonomy, rl_opening):
    insider = _rl_phd(taxonomy)
    insider.current_company = rl_opening.company
    insider.save()
    protected = _rl_phd(taxonomy)
    protected.current_company = CompanyFactory(name="Guarded Client", is_off_limits=True)
    protected.save()
    free = _rl_phd(taxonomy)

    openings_rescore([rl_opening.id])

    rows = {fs.candidate_id: fs for fs in FitScore.objects.filter(opening=rl_opening)}
    assert rows[insider.id].is_excluded and rl_opening.company.name in rows[insider.id].exclusion_reason
    assert rows[protected.id].is_excluded and "Guarded Client" in rows[protected.id].exclusion_reason
    assert rows[insider.id].score == 0 and rows[protected.id].score == 0
    assert not rows[free.id].is_excluded and rows[free.id].score > 80


def test_openings_rescore_keeps_top_k_plus_candidacies_and_replaces_old_rows(taxonomy, rl_opening, settings):
    settings.CRM_SCORING_TOP_K = 2
    settings.CRM_SCORING_BLOCK_SIZE = 3
    strong = [_rl_phd(taxonomy, n_papers=3), _rl_phd(taxonomy, n_papers=2)]
    weak = [CandidateFactory(highest_degree=Candidate.Degree.BSC) for _ in range(4)]
    CandidacyFactory(candidate=weak[0], opening=rl_opening)
    openings_rescore([rl_opening.id])
    assert set(FitScore.objects.filter(opening=rl_opening).values_list("candidate_id", flat=True)) == {
        strong[0].id, strong[1].id, weak[0].id}

    newcomer = _rl_phd(taxonomy, n_papers=3)
    newcomer.years_experience = 6
    newcomer.save()
    openings_rescore([rl_opening.id])

    stored = set(FitScore.objects.filter(opening=rl_opening).values_list("candidate_id", flat=True))
    assert stored == {strong[0].id, newcomer.id, weak[0].id}


def test_openings_rescore_twice_leaves_identical_rows(taxonomy, rl_opening):
    _rl_phd(taxonomy)
    CandidateFactory(highest_degree=Candidate.Degree.MSC)
    fields = ["id", "candidate_id", "opening_id", "score", "breakdown", "scorer_version", "is_excluded",
              "exclusion_reason", "run_id", "computed_at"]
    openings_rescore([rl_opening.id])
    first = list(FitScore.objects.order_by("id").values_list(*fields))

    run = openings_rescore([rl_opening.id])

    assert list(FitScore.objects.order_by("id").values_list(*fields)) == first
    run.refresh_from_db()
    assert run.rows_written == 0


def test_queries_per_block_do_not_grow_with_candidates(taxonomy, rl_opening, settings):
    settings.CRM_SCORING_BLOCK_SIZE = 1000
    for _ in range(3):
        _rl_phd(taxonomy, n_papers=1)
    with CaptureQueriesContext(connection) as few:
        openings_rescore([rl_opening.id])
    for _ in range(12):
        _rl_phd(taxonomy, n_papers=2)
    with CaptureQueriesContext(connection) as many:
        openings_rescore([rl_opening.id])

    assert len(many.captured_queries) <= len(few.captured_queries) + 2  # + bulk batches, not per candidate


def test_compensation_is_neutral_with_explanation_when_the_rate_is_missing(taxonomy, rl_opening):
    candidate = CandidateFactory(expected_compensation=Money(Decimal("400000"), "USD"))

    openings_rescore([rl_opening.id])

    entry = FitScore.objects.get(candidate=candidate).breakdown[4]
    assert entry["factor"] == "compensation" and entry["value"] == 0.5
    assert "USD" in entry["explanation"] and "exchange rate" in entry["explanation"]


def test_compensation_converts_with_the_stored_exchange_rate(taxonomy, rl_opening):
    on = fx_default_on()
    FxRateFactory(rate_on=on, currency="CNY", rate_per_eur=Decimal("7.7"))
    FxRateFactory(rate_on=on, currency="USD", rate_per_eur=Decimal("1.1"))
    candidate = CandidateFactory(expected_compensation=Money(Decimal("500000"), "USD"))  # = 3,500,000 CNY

    openings_rescore([rl_opening.id])

    entry = FitScore.objects.get(candidate=candidate).breakdown[4]
    # band max 2,500,000 CNY, stretch 0.5: 1 - 1,000,000 / 1,250,000 = 0.2
    assert entry["value"] == pytest.approx(0.2)


def test_candidates_rescore_merges_into_rankings_and_drops_pairs_that_no_longer_qualify(taxonomy, rl_opening,
                                                                                         settings):
    settings.CRM_SCORING_TOP_K = 1
    leader = _rl_phd(taxonomy)
    openings_rescore([rl_opening.id])
    challenger = CandidateFactory(highest_degree=Candidate.Degree.BSC)

    candidates_rescore([challenger.id])
    assert not FitScore.objects.filter(candidate=challenger).exists()

    leader.specialties.clear()
    leader.authorships.all().delete()
    leader.highest_degree = Candidate.Degree.BSC
    leader.save()
    candidates_rescore([leader.id])
    # only row of the opening is the leader itself: with it left out, the opening holds 0 < K rows
    assert FitScore.objects.filter(candidate=leader).exists()


def test_candidate_openings_live_scores_without_storing(taxonomy, rl_opening):
    candidate = _rl_phd(taxonomy)
    other = OpeningFactory(title="Vision", city="Shanghai")

    best = candidate_openings_live(candidate.id)

    assert [item["opening_id"] for item in best] == [rl_opening.id, other.id]
    assert best[0]["score"] > best[1]["score"]
    assert not FitScore.objects.exists()


def test_blocks_never_exceed_the_block_size_and_empty_inputs_are_fine(taxonomy, rl_opening, settings, monkeypatch):
    from crm.scoring import services

    assert openings_rescore([rl_opening.id]).rows_written == 0  # no candidates yet
    assert openings_rescore([987654]).opening_count == 0  # no such opening
    settings.CRM_SCORING_BLOCK_SIZE = 2
    for _ in range(5):
        CandidateFactory()
    sizes = []
    real = services.load_candidates

    def recording(ctx, **kwargs):
        cf = real(ctx, **kwargs)
        if "id_range" in kwargs:
            sizes.append(len(cf))
        return cf

    monkeypatch.setattr(services, "load_candidates", recording)

    run = openings_rescore([rl_opening.id])

    assert sizes == [2, 2, 1]
    assert run.rows_written == 5
