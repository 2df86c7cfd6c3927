"""Save-triggered rescoring: a saved record enqueues a rescore of just what it touches.

What triggers what:

* a candidate saved, its declared specialties changed, its research profile saved, an
  authorship of it saved or deleted, a publication of it saved, or a candidacy of it
  created -> :func:`crm.tasks.score_candidate_task` (the candidate against the active
  openings);
* an opening saved (while in an active status) or one of its requirements saved or
  deleted -> :func:`crm.tasks.score_opening_task` (that opening's whole ranking).

Nothing is sent on rollback: the handlers register a ``transaction.on_commit`` callback
(what ``delay_on_commit`` does), and only that callback enqueues. A burst of saves is
coalesced: the callback ``cache.add``\\ s a key per target (atomic on Redis and locmem) and
only the first save of a window sends the task, with a countdown of
``CRM_SCORING_COALESCE_SECONDS`` so that it runs after the burst; the task deletes the key
when it starts, so a save that commits after it has read the data enqueues again.

Bulk imports: ``bulk_create`` sends no signals, so imports are not slowed down; an
importer that saves rows one by one can wrap the work in :func:`scoring_paused` and
enqueue one :func:`crm.tasks.score_candidates_task` with the imported ids afterwards.
A company whose ``is_off_limits`` flag changes -> :func:`crm.tasks.score_company_task`
(its employees). The nightly ``rescore_all`` (``CELERY_BEAT_SCHEDULE``) catches the rest.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from talent.models import Authorship, Candidate, Publication, ResearchProfile
from talent.signals import candidates_imported

from .models import Candidacy, Company, Opening, OpeningRequirement
from .scoring import setting

_paused: ContextVar[bool] = ContextVar("crm_scoring_paused", default=False)


@contextmanager
def scoring_paused():
    """Within this block, saves enqueue no rescoring (for bulk work; rescore in one batch after)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def enqueue_rescore(kind: str, object_id: int | None) -> None:
    """After the current transaction commits, enqueue (coalesced) the rescore of one object.

    ``kind`` is ``"candidate"``, ``"opening"`` or ``"company"`` (its employees). Does
    nothing inside :func:`scoring_paused`.
    """
    if object_id is None or _paused.get():
        return
    transaction.on_commit(partial(_send, kind, int(object_id)))


def _send(kind: str, object_id: int) -> None:
    from .tasks import pending_key, score_candidate_task, score_company_task, score_opening_task

    window = int(setting("CRM_SCORING_COALESCE_SECONDS"))
    # The key outlives the countdown, so saves until the task starts are absorbed; if the
    # task is lost the key expires and the next save enqueues again.
    if not cache.add(pending_key(kind, object_id), 1, timeout=2 * window + 30):
        return
    task = {"candidate": score_candidate_task, "opening": score_opening_task, "company": score_company_task}[kind]
    task.apply_async((object_id,), countdown=window)


@receiver(post_save, sender=Candidate, dispatch_uid="crm_scoring_candidate_saved")
def _candidate_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue_rescore("candidate", instance.pk)


@receiver(m2m_changed, sender=Candidate.specialties.through, dispatch_uid="crm_scoring_specialties_changed")
def _specialties_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        enqueue_rescore("candidate", instance.pk)
    else:  # specialty.candidates.add(...): the candidates are in pk_set
        for candidate_id in pk_set or ():
            enqueue_rescore("candidate", candidate_id)


@receiver(post_save, sender=ResearchProfile, dispatch_uid="crm_scoring_profile_saved")
def _profile_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue_rescore("candidate", instance.candidate_id)


@receiver(post_save, sender=Authorship, dispatch_uid="crm_scoring_authorship_saved")
@receiver(post_delete, sender=Authorship, dispatch_uid="crm_scoring_authorship_deleted")
def _authorship_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue_rescore("candidate", instance.candidate_id)


@receiver(post_save, sender=Publication, dispatch_uid="crm_scoring_publication_saved")
def _publication_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:  # a new paper has no authors yet: their authorships will trigger
        return
    for candidate_id in Authorship.objects.filter(publication_id=instance.pk).values_list("candidate_id", flat=True):
        enqueue_rescore("candidate", candidate_id)


@receiver(post_save, sender=Candidacy, dispatch_uid="crm_scoring_candidacy_created")
def _candidacy_created(sender, instance, raw=False, created=False, **kwargs):
    if created and not raw:  # the pair must be stored whatever its rank
        enqueue_rescore("candidate", instance.candidate_id)


@receiver(post_save, sender=Opening, dispatch_uid="crm_scoring_opening_saved")
def _opening_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.status in setting("CRM_SCORING_OPENING_STATUSES"):
        enqueue_rescore("opening", instance.pk)


@receiver(post_save, sender=OpeningRequirement, dispatch_uid="crm_scoring_requirement_saved")
@receiver(post_delete, sender=OpeningRequirement, dispatch_uid="crm_scoring_requirement_deleted")
def _requirement_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue_rescore("opening", instance.opening_id)


@receiver(pre_save, sender=Company, dispatch_uid="crm_scoring_company_before_save")
def _company_before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = Company.objects.filter(pk=instance.pk).values_list("is_off_limits", flat=True).first()
    instance._scoring_off_limits_changed = old is not None and old != instance.is_off_limits


@receiver(post_save, sender=Company, dispatch_uid="crm_scoring_company_saved")
def _company_saved(sender, instance, raw=False, **kwargs):
    if not raw and getattr(instance, "_scoring_off_limits_changed", False):
        enqueue_rescore("company", instance.pk)


# Candidates per scoring message after a bulk import: big enough to dwarf the per-task
# overhead, small enough that a 30,000-candidate import spreads over several workers.
IMPORT_CHUNK = 5000


@receiver(candidates_imported, dispatch_uid="crm_scoring_candidates_imported")
def _candidates_imported(sender, candidate_ids, **kwargs):
    """Rescore candidates an import wrote in bulk, after its transaction commits."""
    if _paused.get() or not candidate_ids:
        return
    from .tasks import score_candidates_task

    for start in range(0, len(candidate_ids), IMPORT_CHUNK):
        score_candidates_task.delay_on_commit(list(candidate_ids[start:start + IMPORT_CHUNK]))
