"""The stage machine of a candidacy: the only way a ``Candidacy.stage`` changes.

Moves allowed (design.md, "Candidacy"):

* forward one step along ``sourced -> contacted -> screening -> submitted ->
  interviewing -> offer -> placed``;
* from any open stage to ``rejected`` (by the client) or ``withdrawn`` (by the candidate);
* out of a terminal stage (``placed``, ``rejected``, ``withdrawn``) only by
  :func:`candidacy_reopen`, which is recorded like any other move.

Every move locks the candidacy row (``select_for_update``), re-reads its stage, and
writes a :class:`~crm.models.StageChange` in the same transaction, so two concurrent
moves are serialised and neither is lost.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talent.errors import DomainError

from .models import Candidacy, StageChange

Stage = Candidacy.Stage

FORWARD: tuple[str, ...] = (
    Stage.SOURCED, Stage.CONTACTED, Stage.SCREENING, Stage.SUBMITTED,
    Stage.INTERVIEWING, Stage.OFFER, Stage.PLACED,
)
TERMINAL: frozenset[str] = frozenset({Stage.PLACED, Stage.REJECTED, Stage.WITHDRAWN})
OPEN: tuple[str, ...] = tuple(s for s in FORWARD if s not in TERMINAL)
#: Terminal stages that end a candidacy without a placement.
ENDED_UNPLACED: frozenset[str] = frozenset({Stage.REJECTED, Stage.WITHDRAWN})


def stage_rank(stage: str) -> int:
    """Return how far along the pipeline ``stage`` is: its index in :data:`FORWARD` (sourced 0 ...
    placed 6), and -1 for rejected, withdrawn or an unknown value.

    Used to decide which of two candidacies is "more advanced" (a merge keeps that one).
    """
    return FORWARD.index(stage) if stage in FORWARD else -1


def allowed_moves(stage: str) -> frozenset[str]:
    """Return the stages a candidacy in ``stage`` may move to (reopen excluded)."""
    if stage in TERMINAL:
        return frozenset()
    following = FORWARD[FORWARD.index(stage) + 1]
    return frozenset({following, Stage.REJECTED, Stage.WITHDRAWN})


class IllegalStageMove(DomainError):
    """A move the stage machine does not allow; names both stages."""

    def __init__(self, from_stage: str, to_stage: str, reason: str = "") -> None:
        message = _("A candidacy cannot move from %(from)s to %(to)s.") % {
            "from": Stage(from_stage).label, "to": Stage(to_stage).label,
        }
        if reason:
            message = f"{message} {reason}"
        super().__init__(message, fields={"to_stage": [message]})
        self.from_stage = from_stage
        self.to_stage = to_stage


def _record(candidacy: Candidacy, *, to_stage: str, actor, note: str, is_reopen: bool) -> Candidacy:
    now = timezone.now()
    StageChange.objects.create(
        candidacy=candidacy, from_stage=candidacy.stage, to_stage=to_stage,
        changed_at=now, changed_by=actor, note=note, is_reopen=is_reopen,
    )
    candidacy.stage = to_stage
    candidacy.stage_changed_at = now
    candidacy._history_user = actor
    candidacy.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    return candidacy


def _actor(actor: AbstractBaseUser | None):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def candidacy_move_stage(
    *, candidacy: Candidacy, to_stage: str, actor: AbstractBaseUser | None = None, note: str = ""
) -> Candidacy:
    """Move ``candidacy`` to ``to_stage`` and record the move.

    Args:
        candidacy: The candidacy; its row is locked and re-read, so a stale instance is fine.
        to_stage: A ``Candidacy.Stage`` value.
        actor: The user who moves it (``None`` for the system).
        note: Free text kept on the ``StageChange``.

    Returns:
        The locked, updated candidacy.

    Raises:
        IllegalStageMove: The move is not allowed from the current stage (a terminal
            stage needs :func:`candidacy_reopen`).
    """
    if to_stage not in Stage.values:
        raise DomainError(_("Unknown stage: %(stage)s.") % {"stage": to_stage}, fields={"to_stage": [_("Unknown stage.")]})
    locked = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if to_stage not in allowed_moves(locked.stage):
        reason = _("Reopen it first.") if locked.stage in TERMINAL else ""
        raise IllegalStageMove(locked.stage, to_stage, reason)
    return _record(locked, to_stage=to_stage, actor=_actor(actor), note=note, is_reopen=False)


@transaction.atomic
def candidacy_reopen(
    *, candidacy: Candidacy, actor: AbstractBaseUser | None = None, to_stage: str | None = None, note: str = ""
) -> Candidacy:
    """Take a candidacy out of a terminal stage, back to an open stage, and record it.

    Args:
        to_stage: The open stage to return to; by default the stage it was in before
            it ended (from its history), or ``sourced`` when there is no history.

    Raises:
        DomainError: The candidacy is not in a terminal stage, or ``to_stage`` is not open.
    """
    locked = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if locked.stage not in TERMINAL:
        raise DomainError(
            _("Only a placed, rejected or withdrawn candidacy can be reopened; this one is %(stage)s.")
            % {"stage": Stage(locked.stage).label}
        )
    if to_stage is None:
        last = locked.stage_changes.filter(to_stage=locked.stage).order_by("-changed_at", "-id").first()
        to_stage = last.from_stage if last and last.from_stage in OPEN else Stage.SOURCED
    if to_stage not in OPEN:
        raise IllegalStageMove(locked.stage, to_stage, _("A reopened candidacy goes back to an open stage."))
    return _record(locked, to_stage=to_stage, actor=_actor(actor), note=note, is_reopen=True)


@transaction.atomic
def candidacy_advance(
    *, candidacy: Candidacy, to_stage: str, actor: AbstractBaseUser | None = None, note: str = ""
) -> Candidacy:
    """Move ``candidacy`` forward to ``to_stage`` one recorded step at a time.

    A candidacy at ``submitted`` advanced to ``offer`` gets two ``StageChange`` rows
    (``submitted -> interviewing`` and ``interviewing -> offer``), each with ``note``. A
    candidacy already at or beyond ``to_stage`` is left as it is (nothing recorded).

    Raises:
        IllegalStageMove: ``to_stage`` is not a forward stage, or the candidacy is rejected or
            withdrawn (reopen it first).
    """
    if to_stage not in FORWARD:
        raise IllegalStageMove(candidacy.stage, to_stage, _("Only forward stages can be advanced to."))
    current = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if current.stage in ENDED_UNPLACED:
        raise IllegalStageMove(current.stage, to_stage, _("Reopen it first."))
    while stage_rank(current.stage) < stage_rank(to_stage):
        following = FORWARD[stage_rank(current.stage) + 1]
        current = candidacy_move_stage(candidacy=current, to_stage=following, actor=actor, note=note)
    return current
