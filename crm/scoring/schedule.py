"""When to rescore: the one place that enqueues save-triggered scoring after commit.

:func:`rescore_after_commit` is called by crm's services (a candidacy created, an opening
or its requirements saved, a company's off-limits flag changed) and by crm's receivers of
talent's saves (``crm/signals.py``: a candidate, its specialties, papers or profile).

Nothing is sent on rollback: only a ``transaction.on_commit`` callback enqueues. A burst of
saves is coalesced: the callback ``cache.add``\\ s a key per target (atomic on Redis and
locmem) and only the first save of a window sends the task, with a countdown of
``CRM_SCORING_COALESCE_SECONDS`` so that it runs after the burst; the task deletes the key
when it starts, so a save that commits after it has read the data enqueues again. Inside
:func:`talent.signals.side_effects_paused` nothing is scheduled (bulk jobs rescore in one
batch themselves).
"""

from __future__ import annotations

from functools import partial

from django.core.cache import cache
from django.db import transaction

from talent.signals import side_effects_are_paused

from . import setting

#: The kinds of target and what each rescoring covers.
KINDS = ("candidate", "opening", "company")


def rescore_after_commit(kind: str, object_id: int | None) -> None:
    """After the current transaction commits, enqueue (coalesced) the rescore of one object.

    Args:
        kind: ``"candidate"`` (against the active openings), ``"opening"`` (its whole
            ranking) or ``"company"`` (its employees, after an off-limits change).
        object_id: The object's id; ``None`` does nothing.

    Raises:
        ValueError: An unknown ``kind``.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown rescore target {kind!r}; one of {KINDS}")
    if object_id is None or side_effects_are_paused():
        return
    transaction.on_commit(partial(_send, kind, int(object_id)))


def _send(kind: str, object_id: int) -> None:
    from crm.tasks import candidates_rescore_task, company_employees_rescore_task, openings_rescore_task, pending_key

    window = int(setting("CRM_SCORING_COALESCE_SECONDS"))
    # The key outlives the countdown, so saves until the task starts are absorbed; if the
    # task is lost the key expires and the next save enqueues again.
    if not cache.add(pending_key(kind, object_id), 1, timeout=2 * window + 30):
        return
    if kind == "candidate":
        candidates_rescore_task.apply_async(([object_id],), countdown=window)
    elif kind == "opening":
        openings_rescore_task.apply_async(([object_id],), countdown=window)
    else:
        company_employees_rescore_task.apply_async((object_id,), countdown=window)
