"""Signals the talent app sends for apps above it (which talent must not import), and the
one switch that pauses save-triggered side effects during a bulk job.

* ``candidates_imported``: sent inside the import's transaction, after an import wrote
  candidates in bulk (``bulk_create``/``bulk_update`` send no ``post_save``). Keyword
  argument ``candidate_ids``: sorted list of the ids created or changed. Receivers that
  start work defer it to ``transaction.on_commit`` so a rolled-back import starts nothing.
  crm rescores those candidates.
* ``candidate_merging``: sent by :func:`talent.services.merge.candidate_merge` inside its
  transaction, once per duplicate, *before* the duplicate's rows move to the survivor.
  Keyword arguments ``survivor``, ``duplicate`` (both locked ``Candidate`` rows),
  ``actor`` (user or None) and ``reason``. A receiver folds its own rows that would clash
  (crm: two candidacies of one opening, through its pipeline services) and returns a
  dict of counts ``{"<relation>": {"kept_survivor": n, "kept_duplicate": n, ...}, "notes": [...]}``
  that the merge record keeps.

:func:`side_effects_paused` is the one pause for bulk work: inside it, single saves
schedule neither a research-profile refresh (talent) nor a rescore (crm); the bulk job
refreshes and rescores in one batch itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

candidates_imported = Signal()
candidate_merging = Signal()

_paused: ContextVar[bool] = ContextVar("talent_side_effects_paused", default=False)


@contextmanager
def side_effects_paused() -> Iterator[None]:
    """Within this block, saves schedule no profile refresh and no rescoring (bulk jobs).

    Nests; a ``ContextVar``, so it is per thread and per asyncio task.
    """
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def side_effects_are_paused() -> bool:
    """Return True inside :func:`side_effects_paused`."""
    return _paused.get()
