"""Signals the talent app sends for apps above it (which talent must not import).

``candidates_imported``: sent inside the import's transaction, after an import wrote
candidates in bulk (``bulk_create``/``bulk_update`` send no ``post_save``). Keyword
argument ``candidate_ids``: sorted list of the ids created or changed. Receivers that
start work should defer it to ``transaction.on_commit`` so a rolled-back import starts
nothing. crm listens to rescore those candidates.
"""

from django.dispatch import Signal

candidates_imported = Signal()
