"""The stage machine: every allowed move, illegal moves, reopen, and the history."""

import pytest

from crm import pipeline
from crm.models import Candidacy, StageChange
from talent.errors import DomainError
from tests.crm.factories import CandidacyFactory, UserFactory

Stage = Candidacy.Stage
FORWARD_PAIRS = list(zip(pipeline.FORWARD, pipeline.FORWARD[1:], strict=False))
OPEN_STAGES = [s for s in pipeline.FORWARD if s != Stage.PLACED]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("from_stage", "to_stage"), FORWARD_PAIRS)
def test_move_forward_one_step_is_allowed_and_recorded(from_stage, to_stage):
    candidacy = CandidacyFactory(stage=from_stage)
    actor = UserFactory()

    moved = pipeline.candidacy_move_stage(candidacy=candidacy, to_stage=to_stage, actor=actor, note="next")

    candidacy.refresh_from_db()
    assert moved.stage == to_stage == candidacy.stage
    change = StageChange.objects.get(candidacy=candidacy)
    assert (change.from_stage, change.to_stage, change.changed_by, change.note) == (from_stage, to_stage, actor, "next")
    assert candidacy.stage_changed_at == change.changed_at


@pytest.mark.parametrize("from_stage", OPEN_STAGES)
@pytest.mark.parametrize("to_stage", [Stage.REJECTED, Stage.WITHDRAWN])
def test_any_open_stage_can_end_in_rejected_or_withdrawn(from_stage, to_stage):
    candidacy = CandidacyFactory(stage=from_stage)

    pipeline.candidacy_move_stage(candidacy=candidacy, to_stage=to_stage)

    candidacy.refresh_from_db()
    assert candidacy.stage == to_stage
    assert candidacy.stage_changes.get().from_stage == from_stage


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [
        (Stage.SOURCED, Stage.SUBMITTED),  # skips two stages
        (Stage.SOURCED, Stage.PLACED),
        (Stage.INTERVIEWING, Stage.SCREENING),  # backwards
        (Stage.OFFER, Stage.OFFER),  # to itself
        (Stage.PLACED, Stage.REJECTED),  # out of a terminal stage
        (Stage.REJECTED, Stage.INTERVIEWING),
        (Stage.WITHDRAWN, Stage.CONTACTED),
    ],
)
def test_illegal_move_raises_naming_both_stages_and_writes_nothing(from_stage, to_stage):
    candidacy = CandidacyFactory(stage=from_stage)

    with pytest.raises(pipeline.IllegalStageMove) as excinfo:
        pipeline.candidacy_move_stage(candidacy=candidacy, to_stage=to_stage)

    assert str(Stage(from_stage).label) in excinfo.value.message
    assert str(Stage(to_stage).label) in excinfo.value.message
    candidacy.refresh_from_db()
    assert candidacy.stage == from_stage
    assert not StageChange.objects.exists()


def test_unknown_stage_is_a_domain_error():
    candidacy = CandidacyFactory()

    with pytest.raises(DomainError, match="Unknown stage"):
        pipeline.candidacy_move_stage(candidacy=candidacy, to_stage="hired")


def test_stale_instance_moves_from_the_stage_in_the_database():
    candidacy = CandidacyFactory(stage=Stage.SOURCED)
    stale = Candidacy.objects.get(pk=candidacy.pk)
    pipeline.candidacy_move_stage(candidacy=candidacy, to_stage=Stage.CONTACTED)

    pipeline.candidacy_move_stage(candidacy=stale, to_stage=Stage.SCREENING)

    history = list(candidacy.stage_changes.values_list("from_stage", "to_stage"))
    assert history == [(Stage.SOURCED, Stage.CONTACTED), (Stage.CONTACTED, Stage.SCREENING)]


def test_reopen_returns_to_the_stage_before_it_ended_and_is_recorded():
    candidacy = CandidacyFactory(stage=Stage.INTERVIEWING)
    pipeline.candidacy_move_stage(candidacy=candidacy, to_stage=Stage.REJECTED, note="client said no")

    pipeline.candidacy_reopen(candidacy=candidacy, note="client changed its mind")

    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.INTERVIEWING
    last = candidacy.stage_changes.order_by("-id").first()
    assert (last.from_stage, last.to_stage, last.is_reopen) == (Stage.REJECTED, Stage.INTERVIEWING, True)


def test_reopen_to_an_explicit_open_stage():
    candidacy = CandidacyFactory(stage=Stage.PLACED)

    pipeline.candidacy_reopen(candidacy=candidacy, to_stage=Stage.OFFER)

    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.OFFER


def test_reopen_without_history_goes_back_to_sourced():
    candidacy = CandidacyFactory(stage=Stage.WITHDRAWN)

    pipeline.candidacy_reopen(candidacy=candidacy)

    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.SOURCED


def test_reopen_of_an_open_candidacy_is_refused():
    candidacy = CandidacyFactory(stage=Stage.SCREENING)

    with pytest.raises(DomainError, match="Only a placed, rejected or withdrawn"):
        pipeline.candidacy_reopen(candidacy=candidacy)

    assert not StageChange.objects.exists()


def test_reopen_to_a_terminal_stage_is_refused():
    candidacy = CandidacyFactory(stage=Stage.REJECTED)

    with pytest.raises(pipeline.IllegalStageMove):
        pipeline.candidacy_reopen(candidacy=candidacy, to_stage=Stage.PLACED)


def test_allowed_moves_of_a_terminal_stage_is_empty():
    assert pipeline.allowed_moves(Stage.PLACED) == frozenset()
    assert pipeline.allowed_moves(Stage.SOURCED) == {Stage.CONTACTED, Stage.REJECTED, Stage.WITHDRAWN}
