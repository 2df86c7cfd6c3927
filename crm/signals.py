"""crm's answers to talent's events (talent is below crm and cannot call it).

Signals are used only where a lower app must reach a higher one; crm's own writes
(candidacies, openings, requirements, companies) call :mod:`crm.services`, which schedule
what follows explicitly.

* a candidate saved, its declared specialties changed, its research profile saved, an
  authorship of it saved or deleted, or a publication of it saved -> the candidate is
  rescored against the active openings (:func:`crm.scoring.schedule.rescore_after_commit`,
  coalesced, after commit);
* ``talent.signals.candidates_imported`` (a bulk import) -> the imported candidates are
  rescored in chunks after commit;
* ``talent.signals.candidate_merging`` (a merge) -> the two candidates' candidacies of one
  opening are folded through :func:`crm.services.candidacies_fold`, so the surviving
  candidacy's history records the merge.

Nothing is scheduled inside :func:`talent.signals.side_effects_paused`.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from talent.models import Authorship, Candidate, Publication, ResearchProfile
from talent.signals import candidate_merging, candidates_imported, side_effects_are_paused

from .scoring.schedule import rescore_after_commit

# Candidates per scoring message after a bulk import: big enough to dwarf the per-task
# overhead, small enough that a 30,000-candidate import spreads over several workers.
IMPORT_CHUNK = 5000


@receiver(post_save, sender=Candidate, dispatch_uid="crm_scoring_candidate_saved")
def _candidate_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        rescore_after_commit("candidate", instance.pk)


@receiver(m2m_changed, sender=Candidate.specialties.through, dispatch_uid="crm_scoring_specialties_changed")
def _specialties_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        rescore_after_commit("candidate", instance.pk)
    else:  # specialty.candidates.add(...): the candidates are in pk_set
        for candidate_id in pk_set or ():
            rescore_after_commit("candidate", candidate_id)


@receiver(post_save, sender=ResearchProfile, dispatch_uid="crm_scoring_profile_saved")
def _profile_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        rescore_after_commit("candidate", instance.candidate_id)


@receiver(post_save, sender=Authorship, dispatch_uid="crm_scoring_authorship_saved")
@receiver(post_delete, sender=Authorship, dispatch_uid="crm_scoring_authorship_deleted")
def _authorship_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        rescore_after_commit("candidate", instance.candidate_id)


@receiver(post_save, sender=Publication, dispatch_uid="crm_scoring_publication_saved")
def _publication_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:  # a new paper has no authors yet: their authorships will trigger
        return
    for candidate_id in Authorship.objects.filter(publication_id=instance.pk).values_list("candidate_id", flat=True):
        rescore_after_commit("candidate", candidate_id)


@receiver(candidates_imported, dispatch_uid="crm_scoring_candidates_imported")
def _candidates_imported(sender, candidate_ids, **kwargs):
    """Rescore candidates an import wrote in bulk, after its transaction commits."""
    if side_effects_are_paused() or not candidate_ids:
        return
    from .tasks import candidates_rescore_task

    for start in range(0, len(candidate_ids), IMPORT_CHUNK):
        candidates_rescore_task.delay_on_commit(list(candidate_ids[start:start + IMPORT_CHUNK]))


@receiver(candidate_merging, dispatch_uid="crm_candidacies_fold_on_merge")
def _candidate_merging(sender, survivor, duplicate, actor=None, reason="", **kwargs):
    """Fold the duplicate's candidacies into the survivor's where both are in one opening's pipeline."""
    from .services import candidacies_fold

    return candidacies_fold(survivor=survivor, duplicate=duplicate, actor=actor, reason=reason)
